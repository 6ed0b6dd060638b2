/* The check of a malformed run (explore's runs whose client side plays a
 * script ending in one corrupted line): the server must react to that line
 * as classify.h says the documents require. */
#ifndef WM_INV_MAL_H
#define WM_INV_MAL_H

#include <stddef.h>

#include "invariants.h"

/* Holds text's connection conn (from 1) to the class of its last client
 * line: an error of that class at that line, the escape quoted as the
 * input's (docs/TRANSCRIPTS.md), for a malformed line; a quiet end for an
 * empty one; no syntax error for a valid one. 0 when it holds, 1 with v
 * (kind "malformed"), -1 with v (kind "format") when the connection has no
 * client line. */
int wm_inv_mal_check(const char *text, size_t len, unsigned conn, struct wm_violation *v);

#endif
