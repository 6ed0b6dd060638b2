#!/usr/bin/env python3
"""What the book's client does with a corrupted guess: the book's own code
(tests/book_ref.py's run_client, through tests/gen_book_vectors.py's
in-process socket) fed the scripted server's bytes, a guess cut before its
newline among them, written as tests/bcli_vectors.h for
tests/test_classify_bcli.c, which holds sim/explore/oracle/classify_bcli.c (written
from the book's code, not from these) to them.

    python3 tests/gen_bcli_vectors.py > tests/bcli_vectors.h   # CPython 3.11.7
"""
import sys

sys.dont_write_bytecode = True
sys.set_int_max_str_digits(4300)  # CPython 3.11's default, whatever the environment says
import gen_book_vectors as gbv  # noqa: E402

BIG = 2**64
# (games, the replies the client reads before the corrupted one)
GAMES = [
    ([(1, 5, 3, 5)], b"4\n"),
    ([(1, 5, 3, 1), (10, 15, 12, 2)], b""),
    ([(BIG + 1, BIG + 9, BIG + 4, 3)], str(BIG + 2).encode() + b"\n"),
    ([(-5, 5, 0, 2), (7, 7, 7, 0), (1, 2, 2, 1)], b"-3\n"),
    ([(1, 5, 3, 3)], b"1\n"),  # a distance of 2: 5 is as far
]
BAD = [b"5", b"+5", b"05", b" 5 ", b"\t5\r", b"\x0b5\x0c", b"\xc2\xa05", b"5\xe2\x80\x83",
       b"\xc2\x855", b"5_", b"1_0", b"1__0", b"\xd9\xa5", b"\xef\xbc\x95", b"\xe0\xa5\xab2",
       b"\xf0\x9d\x9f\x93", b"\x1f5", b"5\x00", b"", b"five", b"\xff", b"5\xc3", b"\xed\xa0\x80",
       b"1" + b"0" * 308, b"2" + b"0" * 308, b"3", b"-0", b"+-5", b"99999999999999999999", b"'5'",
       b"5\\", b"5 x", b"REPORT Correct", b"x" * 300, b"12", b"0_3", b"-\xd9\xa3", b"\r"]


def c(data):
    """A C string literal of bytes (octal escapes: never read on into a digit)."""
    return '"' + "".join("\\%03o" % x if x < 0x20 or x > 0x7e or x in b'"\\?' else chr(x)
                         for x in data) + '"'


def expected(records):
    """gen_book_vectors' records as classify_bcli.h writes them: the sent lines
    (": LINE"), the error ("! error TEXT"), and apart the console lines."""
    recs, console = [], []
    for r in records:
        kind, _, text = r.partition(":")
        if kind == "S":
            recs.append(": " + text)
        elif kind == "E":
            recs.append("! error " + text)
        elif kind == "L":
            console.append(text)
    return "".join(x + "\n" for x in recs), "".join(x + "\n" for x in console)


def main():
    print("/* made by tests/gen_bcli_vectors.py, CPython %s: do not edit */" % sys.version.split()[0])
    print("static const struct {\n    const char *games; /* LO:HI:SECRET:COUNT, space-separated */\n"
          "    const char *in; /* the server's bytes, then its close */\n    size_t n;\n"
          "    const char *recs, *console;\n} bcli_vectors[] = {")
    for games, before in GAMES:
        text = " ".join("%d:%d:%d:%d" % g for g in games)
        for bad in BAD:
            for data in (before + bad + b"\n", before + bad + b"x", before + bad):
                if data == before:
                    continue  # the close at once: no reply to read
                recs, console = expected(gbv.client_case(games, data))
                print("    {%s, %s, %d, %s, %s}," % (c(text.encode()), c(data), len(data),
                                                     c(recs.encode()), c(console.encode())))
    print("};")


if __name__ == "__main__":
    main()
