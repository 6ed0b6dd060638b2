/* A run's console lines for the oracle (oracle.h): what each side printed
 * (the client's "Guess a number ..." lines and its summary, the server's
 * "Server: V is D"), kept beside the transcript, which shows none. */
#ifndef WM_EXPLORE_CONSOLE_H
#define WM_EXPLORE_CONSOLE_H

#include <stddef.h>

#include "transcript.h"

/* Every connection's console lines in its merged order, each "C<n> LINE"
 * or "S<n> LINE" (n from 1): the text (malloc'd, NUL-terminated) and its
 * length, or NULL if out of memory or a merge failed. */
char *wm_explore_console(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len);

#endif
