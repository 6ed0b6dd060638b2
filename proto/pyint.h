/* Python's text handling where the book's code relies on it, for the book
 * profiles: bytes.decode() (strict UTF-8), int(str) in base 10, and repr()
 * of a str in the exception texts. The version measured is CPython 3.11
 * (Unicode 14.0.0); docs/PROTOCOL.md, "Profiles", says what differs in others. */
#ifndef WM_PYINT_H
#define WM_PYINT_H

#include <stddef.h>

#include "big.h"
#include "err.h"

/* bytes.decode(): 0 if s is valid UTF-8, else -1 with err holding the
 * exception as Python prints it ("UnicodeDecodeError: 'utf-8' codec can't
 * decode byte 0xff in position 3: invalid start byte"). */
int wm_py_utf8_check(const char *s, size_t len, struct wm_err *err);

/* int(s) for a str s (valid UTF-8): surrounding whitespace (str.isspace()'s
 * set less \x1c-\x1f, which int() does not strip), a sign, underscores between digits, any Unicode decimal
 * digit (category Nd), at most WM_BIG_DIGITS_MAX digits. 0, or -1 with err
 * holding Python's exception ("ValueError: invalid literal for int() with
 * base 10: 'x'", or the digit limit's ValueError). */
int wm_pyint_parse(const char *s, size_t len, struct wm_big *out, struct wm_err *err);

/* repr(s) of a str s (valid UTF-8) as Python writes it (quotes chosen as
 * Python does, \n \r \t \\ and \xNN/\uNNNN/\UNNNNNNNN for non-printable
 * characters), cut with "..." to fit buf of cap bytes; returns buf. */
const char *wm_py_repr(const char *s, size_t len, char *buf, size_t cap);

#endif
