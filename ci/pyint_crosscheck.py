#!/usr/bin/env python3
"""Cross-check proto/pyint.c against the running CPython on random input.

Builds proto/pyint.c (with big.c, err.c, escape.c) as a shared library in a
temporary directory, loads it with ctypes, and compares, for random text
drawn from a fixed seed:
  - wm_py_utf8_check(b) with b.decode() (random bytes);
  - wm_pyint_parse(s) with int(s): the value's text, or the exception's;
  - wm_py_repr(s) with repr(s).
Error texts longer than WM_ERR_MAX - 1 bytes are compared up to our "..."
cut. Each mismatch prints the input; the last line is `N passed, N failed`,
and the exit status is 1 if any failed. Needs CPython 3.11 (the version
pyint.c reproduces) and a C compiler.

  pyint_crosscheck.py [--cases N] [--seed S] [--cc CC] [--exhaustive-utf8]

--exhaustive-utf8 adds every byte string of one and two bytes, and every
three-byte string that starts with a lead byte (C2-F4), each also followed
by 0x80 (6.8 M strings, half a minute).
"""
import argparse
import ctypes
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["proto/pyint.c", "proto/big.c", "proto/err.c", "proto/escape.c"]
ERR_MAX = 512
BIG_SIZE = 8 + 4 * 448  # struct wm_big: neg, n, w[WM_BIG_WORDS]
TEXT_MAX = 4302
MAX_SHOWN = 20

ZEROS = [c for c in range(0x80, 0x110000) if unicodedata.decimal(chr(c), None) == 0]
SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
ASCII_BITS = "0123456789" * 4 + "_+- \t\r\n'\"\\x\x00\x1c\x7f"


def build(cc):
    tmp = tempfile.mkdtemp(prefix="pyint-xc-")
    lib = os.path.join(tmp, "libpyint.so")
    cmd = [cc, "-std=c11", "-O1", "-g", "-fPIC", "-shared", "-D_POSIX_C_SOURCE=200809L",
           "-I" + os.path.join(ROOT, "proto"), "-o", lib]
    cmd += [os.path.join(ROOT, s) for s in SOURCES]
    subprocess.run(cmd, check=True)
    so = ctypes.CDLL(lib)
    so.wm_py_utf8_check.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    so.wm_pyint_parse.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                  ctypes.c_void_p]
    so.wm_big_format.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    so.wm_big_format.restype = ctypes.c_size_t
    so.wm_py_repr.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    return so


def rand_char(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(ASCII_BITS)
    if r < 0.65:
        return chr(rng.choice(ZEROS) + rng.randrange(10))
    if r < 0.75:
        return rng.choice(SPACES)
    if r < 0.85:
        return chr(rng.randrange(0x80, 0x800))
    c = rng.randrange(0x80, 0x110000)
    return chr(c) if not 0xD800 <= c <= 0xDFFF else "\u00e9"


def rand_text(rng):
    if rng.random() < 0.02:  # near the digit limit
        n = rng.randint(4290, 4310)
        return rng.choice(["", " ", "-", "+"]) + "".join(
            rng.choice("0123456789") if rng.random() < 0.99 else rand_char(rng) for _ in range(n))
    return "".join(rand_char(rng) for _ in range(rng.randint(0, 12)))


def rand_bytes(rng):
    pool = [b"a", b"\x00", "\u00e9".encode(), "\u20ac".encode(), "\U0001f600".encode()]
    return b"".join(bytes([rng.randrange(256)]) if rng.random() < 0.5 else rng.choice(pool)
                    for _ in range(rng.randint(0, 10)))


def same_err(got, want):
    want = want.encode()
    if len(want) < ERR_MAX:
        return got == want
    return got.endswith(b"...") and len(got) <= ERR_MAX - 1 and want.startswith(got[:-3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--exhaustive-utf8", action="store_true")
    args = ap.parse_args()
    if sys.version_info[:2] != (3, 11):
        print("pyint_crosscheck: needs CPython 3.11, this is %s" % sys.version.split()[0])
        return 2
    so = build(args.cc)
    rng = random.Random(args.seed)
    err = ctypes.create_string_buffer(ERR_MAX)
    big = ctypes.create_string_buffer(BIG_SIZE)
    text = ctypes.create_string_buffer(TEXT_MAX)
    rbuf = ctypes.create_string_buffer(1 << 16)
    passed = failed = 0

    def fail(kind, x, got, want):
        nonlocal failed
        failed += 1
        if failed <= MAX_SHOWN:
            cut = lambda v: repr(v)[:300]  # inputs run to 4310 characters
            print("MISMATCH %s %s\n  got:  %s\n  want: %s" % (kind, cut(x), cut(got), cut(want)))

    for _ in range(args.cases):
        b = rand_bytes(rng)
        rc = so.wm_py_utf8_check(b, len(b), err)
        try:
            b.decode()
            want = None
        except UnicodeDecodeError as e:
            want = "UnicodeDecodeError: " + str(e)
        got = None if rc == 0 else err.value.decode()
        if got != want:
            fail("decode", b, got, want)
        else:
            passed += 1

        s = rand_text(rng)
        u = s.encode()
        rc = so.wm_pyint_parse(u, len(u), big, err)
        try:
            want, ok = str(int(s)), True
        except ValueError as e:
            want, ok = "ValueError: " + str(e), False
        if ok and rc == 0:
            n = so.wm_big_format(big, text)
            good = text.raw[:n].decode() == want
            got = text.raw[:n].decode()
        else:
            got = err.value.decode("utf-8", "replace") if rc != 0 else "(parsed)"
            good = not ok and rc != 0 and same_err(err.value, want)
        if not good:
            fail("int", s, got, want)
        else:
            passed += 1

        so.wm_py_repr(u, len(u), rbuf, len(rbuf))
        if rbuf.value.decode() != repr(s):
            fail("repr", s, rbuf.value.decode(), repr(s))
        else:
            passed += 1
    if args.exhaustive_utf8:
        short = [bytes([a]) for a in range(256)]
        short += [bytes([a, b]) for a in range(256) for b in range(256)]
        three = (bytes([a, b, c]) for a in range(0xC2, 0xF5) for b in range(256)
                 for c in range(256))
        for seq in (short, three):
            for b in seq:
                for x in (b, b + b"\x80"):
                    rc = so.wm_py_utf8_check(x, len(x), err)
                    try:
                        x.decode()
                        want = None
                    except UnicodeDecodeError as e:
                        want = "UnicodeDecodeError: " + str(e)
                    got = None if rc == 0 else err.value.decode()
                    if got != want:
                        fail("decode", x, got, want)
                    else:
                        passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
