/* The exact oracle: what CPython's reference would have done, re-derived
 * for every connection of a run from the transcript's header alone, with a
 * textbook MT19937 (oracle_mt.h) that shares no code with proto/.
 *
 * Per connection (server seeded seed + n - 1) it plays the server's draws
 * (one randint per draw, redrawn while the game has the value, the secret
 * again after Correct) and requires every guess the server sent, whole or
 * cut, to be that draw; it judges every guess as the reference client does
 * (math.fabs(n - secret), a double, against the previous one) and requires
 * every REPORT to say so; and it requires the console lines (the client's
 * "Guess a number ..." line per game and its end-of-game summary,
 * "Client: V is D" for every guess in order; the server's "Server: V is D"
 * per REPORT) to be what those imply: the summary exactly when the client
 * finished its games, absent after an error.
 *
 * Profiles: the header's `# profile:` (strict when absent) picks the rules
 * (oracle_int.h's table): under book and book-asyncio guesses of any size
 * (oracle_num.h), any REPORT word logged, and the book's known behaviours
 * (oracle_book.c: the exhausted range's hang, Python's exception texts,
 * the client's finally). A file with a game past the oracle's reach is not
 * checked (0). */
#ifndef WM_ORACLE_H
#define WM_ORACLE_H

#include <stddef.h>

#include "invariants.h"

/* text: a transcript; console: the run's console lines, each "C<n> LINE" or
 * "S<n> LINE" (connection n from 1) in each connection's merged order, or
 * NULL when the run has none to show (a file: only the wire is checked).
 * 0 when everything agrees; 1 with v filled at the first difference (kind
 * "guess", "judgement", "summary", "console"; under a book profile also "answer",
 * "finally"); -1 (kind "format") when
 * the text cannot be read or memory ran out. */
int wm_oracle_check(const char *text, size_t len, const char *console, size_t clen,
                    struct wm_violation *v);

#endif
