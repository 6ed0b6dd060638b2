/* Malformed input under a book profile: mal.h's recipes, with numerals of
 * Python's int() in place of strict's (a sign, spaces around, '_' between
 * digits, Unicode digits, values past int64), put in one argument or both,
 * so that the NUMBER a book script sends next shows the value int() made
 * (explore_mal.c: the book's probe). */
#ifndef WM_MAL_BOOK_H
#define WM_MAL_BOOK_H

#include <stddef.h>

#include "mal.h"

/* As wm_mal_apply, for the book's server. */
size_t wm_mal_book_apply(const struct wm_mal *m, const unsigned char *line, size_t n,
                         size_t max_line, unsigned char *out);

/* Numeral i (modulo the table) of those: its bytes and length. */
size_t wm_mal_book_numeral(unsigned i, const char **s);

#endif
