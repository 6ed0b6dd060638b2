/* A corrupted guess for a client under test (mal.h's recipes on a server
 * line): every recipe as on a client line (a flipped bit, control bytes
 * and UTF-8 at its edges, spaces, a cut, digits to around max-line, a word
 * in place of the number, a REPORT line, the empty line), and in place of
 * strict's numerals a guess just outside the game's range or one it made
 * before, which only the client's checks of a guess see. */
#ifndef WM_MAL_SERVER_H
#define WM_MAL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "mal.h"

/* The game the guess belongs to: its range and its last guess, if any. */
struct wm_mal_game {
    int64_t lo, hi, last;
    int have_last;
};

/* As wm_mal_apply, for server line a (n bytes) of game g. */
size_t wm_mal_server_apply(const struct wm_mal *m, const struct wm_mal_game *g,
                           const unsigned char *a, size_t n, size_t max_line, unsigned char *out);

#endif
