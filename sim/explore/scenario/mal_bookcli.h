/* A corrupted guess for the book's client (a book profile's client under
 * test): mal.h's recipes on a server line, with, in place of strict's
 * numerals, what Python's int() reads (the guess itself with a sign, a
 * leading zero, spaces of ASCII and Unicode around, '_' between digits,
 * its digits in other scripts; distances a double cannot hold) and what
 * it refuses, and mal_book.h's numerals. Whether the line is then sent
 * without its newline (mal.partial) is explore_mal.c's. */
#ifndef WM_MAL_BOOKCLI_H
#define WM_MAL_BOOKCLI_H

#include <stddef.h>

#include "mal.h"

/* As wm_mal_apply, for server line a (n bytes, a guess) read by the book's client. */
size_t wm_mal_bookcli_apply(const struct wm_mal *m, const unsigned char *a, size_t n,
                            size_t max_line, unsigned char *out);

#endif
