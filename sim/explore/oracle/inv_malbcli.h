/* The check of a malformed run whose SERVER side is the script under a
 * book profile: the book's client (warmer's, the client under test) reads
 * a corrupted guess, the connection's last server line or the bytes it
 * sent cut before their newline, then the server's close. The client is
 * followed from the transcript's text alone by classify_bcli.h (the
 * book's code, not proto/): every record it sends (each REPORT's word,
 * the NUMBERs, each game's PARAMS and `PARAMS 0 -1`, its error's exact
 * text) and, when the run kept them, its console lines (a game's "Guess a
 * number ..." line, the summary). */
#ifndef WM_INV_MALBCLI_H
#define WM_INV_MALBCLI_H

#include <stddef.h>

#include "invariants.h"

/* Holds text's connection conn (from 1, 0 every connection) to the book's
 * client; console (NULL: not checked) holds the run's console lines as
 * explore_console.h writes them. 0 when it holds, 1 with v (kind
 * "malformed"), -1 with v (kind "format") when the text cannot be read. */
int wm_inv_malbcli_check(const char *text, size_t len, const char *console, size_t clen,
                         unsigned conn, struct wm_violation *v);

#endif
