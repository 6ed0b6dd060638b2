#!/usr/bin/env python3
"""Generate tests/pyint_vectors.h: what CPython 3.11 itself says for
bytes.decode(), int(str) and repr(str), for tests/test_pyint.c.

Every expected text is taken from the running interpreter (the exception's
str() after its class name, str(int(s)), repr(s)), so the C test needs no
Python at run time. Vectors come in named groups, one per rule, each tested
by its own Check case; the random groups use fixed seeds.

  gen_pyint_vectors.py [--out FILE]   write (default tests/pyint_vectors.h)
  gen_pyint_vectors.py --check        exit 1 if the file differs from a fresh run
"""
import argparse
import os
import random
import sys
import unicodedata

WANT_PY = (3, 11)
LIMIT = 4300  # sys.get_int_max_str_digits() by default


def c_bytes(b):
    """A C string literal for bytes b: visible characters as themselves (in
    UTF-8), the rest as octal escapes, which never run into the next
    character; '?' escaped against trigraphs."""
    out = []
    for ch in b.decode("utf-8", "surrogateescape"):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == " " or (ch.isprintable() and ch != "?" and
                           (ord(ch) < 0x80 or unicodedata.category(ch)[0] in "LNPS")):
            out.append(ch)
        else:
            out.extend("\\%03o" % c for c in ch.encode("utf-8", "surrogateescape"))
    return '"' + "".join(out) + '"'


def lit(b):
    return "PYV(%s)" % c_bytes(b)


# ---- bytes.decode() ---------------------------------------------------------

def decode_want(b):
    try:
        b.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        return "UnicodeDecodeError: " + str(e)


def utf8_groups():
    g = {}
    enc = lambda *cps: "".join(map(chr, cps)).encode()
    g["valid"] = [b"", b"abc", b"\x00\x7f", enc(0x80), enc(0x7FF), enc(0x800), enc(0xD7FF),
                  enc(0xE000), enc(0xFFFD), enc(0xFFFF), enc(0x10000), enc(0x10FFFF),
                  "aé€😀".encode() * 3]
    g["invalid_start"] = []
    for c in list(range(0x80, 0xC2)) + list(range(0xF5, 0x100)):
        g["invalid_start"] += [bytes([c]), b"ab" + bytes([c]) + b"x"]
    # Every lead with each kind of bad second byte; the 3- and 4-byte leads
    # with a bad third and fourth byte after valid ones.
    g["invalid_continuation"] = []
    for lead in range(0xC2, 0xF5):
        second = 0xA0 if lead == 0xE0 else 0x90 if lead == 0xF0 else 0x80
        for bad in (0x00, 0x41, 0x7F, 0xC0, 0xC2, 0xFF):
            g["invalid_continuation"].append(b"x" + bytes([lead, bad]) + b"yz")
        if lead >= 0xE0:
            g["invalid_continuation"].append(bytes([lead, second, 0x41, 0x80]))
            g["invalid_continuation"].append(bytes([lead, second, 0xE0, 0x80]))
        if lead >= 0xF0:
            g["invalid_continuation"].append(bytes([lead, second, 0x80, 0x41]))
            g["invalid_continuation"].append(b"ab" + bytes([lead, second, 0xBF, 0xF0]))
    g["unexpected_end"] = []
    for lead in range(0xC2, 0xF5):
        second = 0xA0 if lead == 0xE0 else 0x90 if lead == 0xF0 else 0x80
        need = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        full = bytes([lead, second, 0x80, 0x80][:need])
        for k in range(1, need):
            g["unexpected_end"].append(b"ok" + full[:k])
    g["surrogates"] = [b"\xed" + bytes([c]) + b"\x80" for c in range(0xA0, 0xC0)]
    g["surrogates"] += [b"\xed\xa0", b"\xed\xbf\xbf", b"\xed\x9f\xbf", b"\xed\x9f"]
    g["overlong"] = [bytes([c, 0xAF]) for c in (0xC0, 0xC1)]
    g["overlong"] += [b"\xe0" + bytes([c]) + b"\x80" for c in range(0x80, 0xA1)]
    g["overlong"] += [b"\xf0" + bytes([c]) + b"\x80\x80" for c in range(0x80, 0x91)]
    g["overlong"] += [b"\xe0\x9f", b"\xf0\x8f"]
    g["beyond_max"] = [b"\xf4" + bytes([c]) + b"\x80\x80" for c in range(0x8F, 0xC0)]
    g["beyond_max"] += [bytes([c]) + b"\x80\x80\x80" for c in range(0xF5, 0x100)]
    g["beyond_max"] += [b"\xf4\x90", b"\xf4\x8f\xbf"]
    # Positions count bytes, after characters of every width.
    g["positions"] = [p + s for p in (b"", b"a", "é".encode(), "€".encode(), "😀".encode(),
                                      "aé€😀".encode() * 20)
                      for s in (b"\xff", b"\xe2\x82", b"\xe2\x82x", b"\xf0\x9f\x98", b"\xc3")]
    rng = random.Random(18)
    alphabet = [b"a", b"\x00", b"\x7f", b"\x80", b"\xbf", b"\xc0", b"\xc2", b"\xdf", b"\xe0",
                b"\xed", b"\xef", b"\xf0", b"\xf4", b"\xf5", b"\xff", b"\xa0", b"\x90",
                b"\x8f", "é".encode(), "😀".encode()]
    g["random"] = [b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
                   for _ in range(200)]
    return g


# ---- int(str) ---------------------------------------------------------------

def int_want(s):
    try:
        return 1, str(int(s))
    except ValueError as e:
        return 0, "ValueError: " + str(e)


def int_groups():
    """(pre, rep, nrep, post): the string is pre + rep * nrep + post."""
    g = {}
    one = lambda s: (s, "", 0, "")
    sp = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    g["whitespace"] = [one(chr(c) + "5") for c in range(0x80)]
    g["whitespace"] += [one("5" + chr(c)) for c in range(0x80)]
    g["whitespace"] += [one(c + "-5" + c) for c in sp]
    g["whitespace"] += [one(s) for s in ("", " ", " \t\n\x0b\x0c\r", "\u3000", "\x85\xa0",
                                         "\u200b5", "5\u200b", "\u180e5", "\ufeff5",
                                         " \r\n 12 \r\n ", "1 2", "\u20005\u200a")]
    g["sign"] = [one(s) for s in ("+1", "-1", "+-1", "--1", "-+1", "++1", "- 1", "+ 1", "-",
                                  "+", "-0", "+0", "-00", "1-", "1+", "\u22121", "\uff0b1",
                                  "\ufe631", " -1 ", "\u3000-1", "-\u30001", "-\u0661")]
    g["underscores"] = [one(s) for s in ("1_2", "1__2", "_1", "1_", "-_1", "+_1", "1_2_3",
                                         "\u0661_\u0662", "1_ ", " _1", "1 _2", "0_0", "_",
                                         "__", "1_000_000", "-1_0", "1_\u0662", "1\uff3f2",
                                         "1\u200b_2", "1_\u30002")]
    g["leading_zeros"] = [one(s) for s in ("007", "-007", "+007", "0", "00", "0_0_7",
                                           "\u0660\u0660\u0667", "0" * 50 + "1")]
    zeros = [c for c in range(0x80, 0x110000) if unicodedata.decimal(chr(c), None) == 0]
    g["unicode_digits"] = [one("".join(chr(z + v) for v in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)))
                           for z in zeros]
    g["unicode_digits"] += [one(chr(z - 1)) for z in zeros] + [one(chr(z + 10)) for z in zeros]
    g["unicode_digits"] += [one(s) for s in ("1\u0661\U0001d7cf", "\u00b2", "\u2460", "\u00bd",
                                             "\u216b", "\u4e00", "\U0001f100", "\u0f2a")]
    g["nul"] = [one(s) for s in ("\x00", "1\x00", "\x001", " 1 \x00", "1\x002", "-\x001",
                                 "\x00" * 3)]
    g["invalid_chars"] = [one(s) for s in ("1.0", "1e3", "0x10", "abc", "12a", "\x7f", "1\x7f",
                                           "\u00e91", "1\u00e9", "\u221e", "?", "1?", "nan",
                                           "1 \u00e9", "\u00e9 1")]
    digits_over = [
        ("", "1", LIMIT, ""), ("", "1", LIMIT + 1, ""), ("-", "9", LIMIT, ""),
        ("", "0", LIMIT, ""), ("", "0", LIMIT + 1, ""), (" -", "\u0661", LIMIT, " "),
        ("", "\u0661", LIMIT + 1, ""), ("", "\U0001d7cf", LIMIT + 1, ""),
        ("", "1_", LIMIT, "1"), ("", "1_", LIMIT - 1, "1"), ("", "1", LIMIT + 1, "x"),
        ("", "1", LIMIT + 1, "__"), ("", "1", LIMIT + 1, "_"), ("", "1", 5000, " 2"),
        ("", "1", LIMIT + 1, "\x00"), ("", "1", LIMIT + 1, "\u00e9"), ("x", "1", 5000, ""),
        ("_", "1", 5000, ""), ("", "1", LIMIT, "\u30002"), ("1__", "2", 5000, ""),
        ("", "1", 641, ""), ("", "1", 10000, ""),
    ]
    g["digit_limit"] = digits_over
    g["error_repr"] = [one(s) for s in ("'", '"', "'\"", "\\", "\x01\x1f\t\n\r\x7f",
                                        "\u00e9\u00a0\u00ad\u2028", "\U000e0001\ue000",
                                        "x" * 199, "x" * 200, "x" * 201, "x" * 300,
                                        "'" * 300, "\x00" * 100, "\u00e9" * 300,
                                        "\U0001f600" * 150, "\U0001f600" * 100 + "x",
                                        "\u20ac" * 160)]
    rng = random.Random(4300)
    alphabet = ["0", "1", "9", "_", " ", "+", "-", "\t", "\r", "\x1c", "\x85", "\u3000", "\u0661",
                "\U0001d7ce", "a", "\x00", "\u00e9", "\u2028", "'", '"', "\\", "\u00b2"]
    g["random"] = [one("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))))
                   for _ in range(400)]
    return g


# ---- repr(str) --------------------------------------------------------------

def repr_groups():
    g = {}
    g["quotes"] = ["", "'", '"', "'\"", "a'b", 'a"b', "a'\"b'", "''", '""', "\\'", "'\\\""]
    g["ascii"] = [chr(c) for c in range(0x80)] + ["".join(map(chr, range(0x80)))]
    g["latin1"] = [chr(c) for c in range(0x80, 0x100)]
    g["widths"] = ["\u0378", "\u2028", "\uffff", "\U0001ffff", "\U0010ffff", "\U000e0001",
                   "\ue000", "\u00ad", "\u200b", "\u3000", "\u1680", "\u00a0"]
    # Both sides of each range of the table.
    ranges, start = [], None
    for cp in range(0x80, 0x110001):
        bad = cp < 0x110000 and not chr(cp).isprintable()
        if bad and start is None:
            start = cp
        elif not bad and start is not None:
            ranges.append((start, cp - 1))
            start = None
    ok = lambda c: c < 0x110000 and not 0xD800 <= c <= 0xDFFF
    g["table_bounds"] = ["".join(chr(c) for c in (lo - 1, lo, hi, hi + 1) if ok(c))
                         for lo, hi in ranges]
    rng = random.Random(14)
    def rnd_char():
        r = rng.random()
        if r < 0.3:
            return chr(rng.randrange(0x80))
        c = rng.randrange(0x800 if r < 0.6 else 0x10000 if r < 0.85 else 0x110000)
        return chr(c) if ok(c) else "x"
    g["random"] = ["".join(rnd_char() for _ in range(rng.randint(0, 6))) for _ in range(300)]
    return g


def repr_bytes_groups():
    """Not valid UTF-8 (outside the contract): read as surrogateescape does."""
    return {"invalid_utf8": [b"\xff", b"a\xe2\x82b", b"\xed\xa0\x80", b"\xc0\xaf'", b"\x80\"'"]}


def render():
    assert sys.version_info[:2] == WANT_PY, "run with CPython %d.%d" % WANT_PY
    out = ["/* generated by ci/gen_pyint_vectors.py from CPython %s (Unicode %s); do not edit."
           % (sys.version.split()[0], unicodedata.unidata_version),
           " * Included by tests/test_pyint.c only. */",
           "#ifndef WM_PYINT_VECTORS_H", "#define WM_PYINT_VECTORS_H", "",
           "#include <stddef.h>", "",
           "struct pyv_bytes {", "    const char *s;", "    size_t n;", "};",
           "#define PYV(lit) {lit, sizeof(lit) - 1}", "",
           "/* bytes.decode(): want is the exception, NULL if it decodes. */",
           "struct pyv_utf8 {", "    struct pyv_bytes in;", "    const char *want;", "};",
           "/* int(pre + rep * nrep + post): ok, and want is str() of the value or the"
           " exception. */",
           "struct pyv_int {", "    struct pyv_bytes pre, rep;", "    unsigned nrep;",
           "    struct pyv_bytes post;", "    int ok;", "    struct pyv_bytes want;", "};",
           "/* repr(in). */",
           "struct pyv_repr {", "    struct pyv_bytes in, want;", "};", ""]
    for name, vecs in utf8_groups().items():
        out.append("static const struct pyv_utf8 pyv_utf8_%s[] = {" % name)
        for b in vecs:
            w = decode_want(b)
            out.append("    {%s, %s}," % (lit(b), "NULL" if w is None else c_bytes(w.encode())))
        out += ["};", ""]
    for name, vecs in int_groups().items():
        out.append("static const struct pyv_int pyv_int_%s[] = {" % name)
        for pre, rep, n, post in vecs:
            ok, w = int_want(pre + rep * n + post)
            out.append("    {%s, %s, %d, %s, %d, %s}," % (lit(pre.encode()), lit(rep.encode()),
                                                        n, lit(post.encode()), ok,
                                                        lit(w.encode())))
        out += ["};", ""]
    for name, vecs in repr_groups().items():
        out.append("static const struct pyv_repr pyv_repr_%s[] = {" % name)
        for s in vecs:
            out.append("    {%s, %s}," % (lit(s.encode()), lit(repr(s).encode())))
        out += ["};", ""]
    for name, vecs in repr_bytes_groups().items():
        out.append("static const struct pyv_repr pyv_repr_%s[] = {" % name)
        for b in vecs:
            r = repr(b.decode("utf-8", "surrogateescape"))
            out.append("    {%s, %s}," % (lit(b), lit(r.encode())))
        out += ["};", ""]
    out += ["#endif", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "tests", "pyint_vectors.h"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = render()
    if args.check:
        with open(args.out) as f:
            same = f.read() == text
        print("%s: %s" % (args.out, "up to date" if same else "differs from a fresh run"))
        return 0 if same else 1
    with open(args.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
