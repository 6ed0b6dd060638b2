/* What must hold in any transcript of well-formed sessions, re-derived from
 * the transcript text alone. Written apart from proto/ on purpose (it
 * includes nothing from there and parses the text itself), so a bug in a
 * session cannot hide in its own check: warmer explore runs it on every run.
 *
 * Per connection it follows the client through the header's games: every
 * guess lies in the game's range and is not repeated; each REPORT is the
 * decision the exact distance, rounded once to a double, implies; a game
 * ends with PARAMS 0 -1 after COUNT guesses or at Correct; a server error
 * only where one is due (an empty range, every value guessed, max-guesses,
 * a line over max-line); a client error only after the server closed, sent
 * a line over max-line, or passed max-guesses, each after its PARAMS 0 -1.
 * Faults (a fault plan in the header) relax only what they can explain. */
#ifndef WM_INVARIANTS_H
#define WM_INVARIANTS_H

#include <stddef.h>

#define WM_INV_MSG_MAX 400

struct wm_violation {
    const char *kind;    /* a stable class name ("decision", "range", ...) */
    unsigned conn;       /* connection, from 1; 0 for the whole file */
    size_t lineno;       /* line of the transcript text, from 1 */
    char msg[WM_INV_MSG_MAX];
};

/* 0 when every invariant holds; 1 with v filled at the first violation;
 * -1 with v (kind "format") when the text is not a transcript it can read,
 * or memory ran out. */
int wm_inv_check(const char *text, size_t len, struct wm_violation *v);

#endif
