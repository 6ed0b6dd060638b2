/* The check of a malformed run under a book profile: the book's server,
 * followed from the transcript's text alone (what the client sent, what
 * the server answered), each client line read as classify_book.h says the
 * book's code reads it, each NUMBER's answer held to the state the lines
 * before left (the secret again, the exceptions of randint, the endless
 * draw, a new guess inside the range), every exception's text exact, and
 * the end the profile gives after the client's EOF. The guesses
 * themselves are the oracle's to check (which value CPython draws). */
#ifndef WM_INV_MALBOOK_H
#define WM_INV_MALBOOK_H

#include <stddef.h>

#include "invariants.h"

/* Holds text's connection conn (from 1, or 0 for every connection) to the
 * book's server: 0 when it holds, 1 with v (kind "malformed"), -1 with v
 * (kind "format") when the text cannot be read. */
int wm_inv_malbook_check(const char *text, size_t len, unsigned conn, struct wm_violation *v);

#endif
