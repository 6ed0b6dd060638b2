#!/usr/bin/env python3
"""What CPython does with explore's book numerals and broken UTF-8: int(),
repr() (int()'s error quotes its first 200 characters) and the UTF-8
decoder's error, written as tests/clsb_vectors.h for tests/test_classify_book.c,
which holds sim/explore/oracle/classify_book.c (written from the book's code and
Python's documented rules, not from these) to them.

    python3 tests/gen_clsb_vectors.py > tests/clsb_vectors.h   # CPython 3.11.7
"""
import sys

NUMERALS = [b"+5", b"-0", b"+0", b"00", b"007", b"1_000", b"0_0", b"\t5", b"5\r", b"\x0b5\x0c",
            b"\xc2\xa05", b"\xe2\x80\x835", b"\xc2\x855", b"\xd9\xa5", b"\xd9\xa0\xd9\xa5",
            b"\xef\xbc\x91\xef\xbc\x92", b"\xf0\x9d\x9f\x93", b"\xd9\xa1_\xd9\xa0", b"\xdb\xb5",
            b"\xe0\xa5\xab", b"-\xd9\xa5", b"18446744073709551616", b"-18446744073709551617",
            b"9223372036854775808", b"-9223372036854775809", b"99999999999999999999999999999999",
            b"1__000", b"_1", b"1_", b"+_1", b"+-5", b"--5", b"5-", b"+", b"-", b"_", b"", b"0x10",
            b"1e3", b"5.0", b"\x1f5", b"5\x00", b"'5'", b'"5"', b"5'\"", b"5\\", b"\xc3\xa9",
            b"\xc2\x80", b"\xef\xbf\xbf", b"\xf4\x8f\xbf\xbf", b"1\xe2\x80\x83_0", b"\xc2\xa0",
            b"5\x7f", b"\xe0\xa0\x80", b"\xdf\xbf", b"\xf0\x90\x80\x80", b"x" * 250,
            b"\xc3\xa9" * 150, b"5\x1c", b"\xe3\x80\x80-5\xe2\x80\xa8"]
BROKEN = [b"\xff", b"PARAMS 1 \xff", b"\x80", b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf",
          b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xc2", b"\xe2\x82",
          b"NUMBER\xe2\x82x", b"\xf0\x90\x80", b"\xf0\x90\x80x", b"ab\xe0\xa0", b"\xf0\x8f",
          b"\xf5", b"\xc3\xa9\xed\x9f\xbf\xee", b"ok"]


def c(data):
    """A C string literal of bytes (octal escapes: never read on into a digit)."""
    return '"' + "".join("\\%03o" % x if x < 0x20 or x > 0x7e or x in b'"\\?' else chr(x)
                         for x in data) + '"'


def main():
    print("/* made by tests/gen_clsb_vectors.py, CPython %s: do not edit */" % sys.version.split()[0])
    print("static const struct {\n    const char *in;\n    size_t n;\n    const char *val, *repr;\n"
          "} int_vectors[] = {")
    for data in NUMERALS:
        text = data.decode()
        try:
            val = '"%d"' % int(text)
        except ValueError:
            val = "NULL"
        print("    {%s, %d, %s, %s}," % (c(data), len(data), val, c(repr(text)[:200].encode())))
    print("};\nstatic const struct {\n    const char *in;\n    size_t n;\n    const char *msg;\n"
          "} decode_vectors[] = {")
    for data in BROKEN:
        try:
            data.decode()
            msg = "NULL"
        except UnicodeDecodeError as error:
            msg = c(str(error).encode())
        print("    {%s, %d, %s}," % (c(data), len(data), msg))
    print("};")


if __name__ == "__main__":
    main()
