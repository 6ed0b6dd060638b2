/* The check of a malformed run whose SERVER side is the script: a strict
 * client (warmer's, the client under test) reads a corrupted guess, the
 * connection's last server line. What it must do is decided from
 * docs/PROTOCOL.md ("The client", "Bad input": a guess that is not a
 * canonical integer, outside the game's range or repeated fails the game;
 * the line layer's errors as a server's) and docs/ERRORS.md ("Client"),
 * with classify.h's line layer; nothing from proto/. */
#ifndef WM_INV_MALSRV_H
#define WM_INV_MALSRV_H

#include <stddef.h>
#include <stdint.h>

#include "invariants.h"

enum wm_clss {
    WM_CLSS_GUESS,     /* a canonical integer in range, new in the game: judged */
    WM_CLSS_LINE,      /* the line layer's error (too long, a control byte, invalid UTF-8) */
    WM_CLSS_NOT_INT,   /* not a canonical signed 64-bit integer */
    WM_CLSS_OUTSIDE,   /* outside [lo, hi] */
    WM_CLSS_REPEATED,  /* guessed before in the game */
    WM_CLSS_COUNT
};

/* The class of a server line s (n bytes) for a client whose max-line is
 * max_line, in a game [lo, hi] whose guesses so far are prev[0..nprev);
 * *value is the guess when it is an integer. */
enum wm_clss wm_clss_line(const unsigned char *s, size_t n, size_t max_line, int64_t lo, int64_t hi,
                          const int64_t *prev, size_t nprev, int64_t *value);
const char *wm_clss_name(enum wm_clss c);

/* Holds text's connection conn (from 1, 0 every connection) to the class
 * of its last server line: 0, 1 with v (kind "malformed"), -1 with v (kind
 * "format"). */
int wm_inv_malsrv_check(const char *text, size_t len, unsigned conn, struct wm_violation *v);

#endif
