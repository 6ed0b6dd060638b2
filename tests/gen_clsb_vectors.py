#!/usr/bin/env python3
"""What CPython does with explore's book numerals and broken UTF-8: int(),
repr() (int()'s error quotes its first 200 characters), the text of int()'s
ValueError (an invalid literal's, or the 4300-digit limit's) and the UTF-8
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
            b"\xc3\xa9" * 150, b"5\x1c", b"\xe3\x80\x80-5\xe2\x80\xa8",
            b"\xf0\x9f\x98\x80", b"\xf0\x9d\x9f\x98x", b"\xf0\x9d\x9f\x98\xf0\x9d\x9f\x99",
            b"5\xf0\x9f\x98\x80", b"5\xe2\x82\xac",
            # int()'s limit of 4300 digits: the run counted whole (zeros,
            # Unicode digits), before what follows it; '__' or a last '_' first
            b"1" + b"0" * 4300, b"9" * 4300, b"-" + b"0" * 4301 + b"x", b" +" + b"1_2" * 2151 + b" ",
            b"\xf0\x9d\x9f\x99" + b"0" * 4300, b"1" * 4301 + b"__1", b"1" * 4301 + b"_"]
BROKEN = [b"\xff", b"PARAMS 1 \xff", b"\x80", b"5\x80", b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf",
          b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xc2", b"\xe2\x82",
          b"NUMBER\xe2\x82x", b"\xf0\x90\x80", b"\xf0\x90\x80x", b"ab\xe0\xa0", b"\xf0\x8f",
          b"\xf5", b"\xc3\xa9\xed\x9f\xbf\xee", b"ok", b"PARAMS 5\xc3\xc0 5",
          b"PARAMS \xe1\x80\xc05 5"]


def c(data):
    """A C string literal of bytes (octal escapes: never read on into a digit)."""
    return '"' + "".join("\\%03o" % x if x < 0x20 or x > 0x7e or x in b'"\\?' else chr(x)
                         for x in data) + '"'


def main():
    print("/* made by tests/gen_clsb_vectors.py, CPython %s: do not edit */" % sys.version.split()[0])
    print("static const struct {\n    const char *in;\n    size_t n;\n    const char *val, *repr, *err;\n"
          "} int_vectors[] = {")
    for data in NUMERALS:
        text = data.decode()
        try:
            val, err = '"%d"' % int(text), "NULL"
        except ValueError as error:
            val, err = "NULL", c(str(error).encode())
        print("    {%s, %d, %s, %s, %s}," % (c(data), len(data), val, c(repr(text)[:200].encode()),
                                         err))
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
