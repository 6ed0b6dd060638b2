/* The book's reference program where warmer's strict contract differs
 * (docs/PROTOCOL.md, "Bad input" and "How the real reference differs"):
 * recognised from a file's records and what a live server did, to name a
 * verdict's cause. Only what the records show exactly, never a guess. Each
 * writes a note for the verdict and returns 1, or returns 0. */
#ifndef WM_LIVE_BOOK_H
#define WM_LIVE_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"

/* The server stayed open where the file shows its error for the client's
 * wire item k: the book's server loops forever when k is a NUMBER after
 * every value of the game's range was guessed (no secret known yet). */
int wm_book_exhausted(const struct wm_journal *client, const struct wm_journal *server,
                      uint64_t k, char *note, size_t size);

/* The server sent a line where the file shows its error for the client's
 * line `text`: the book's server reads only a line's first word, so it
 * answers `NUMBER x` and `NUMBER ` (a trailing space). */
int wm_book_first_word(const char *text, size_t len, char *note, size_t size);

/* The server stayed open (silent) where the file shows its error for the
 * client's line `text`, its wire item k: the book's server reads PARAMS's
 * numbers with Python's int() (`+1`, `05`, `1_000`, a `\r` around, beyond
 * 64 bits) and takes any REPORT decision once a guess was made. */
int wm_book_accepts(const struct wm_journal *client, const struct wm_journal *server, uint64_t k,
                    const char *text, size_t len, char *note, size_t size);

/* The client sent a line where the file shows its error for the server's
 * line guess (a record of server): the book's client checks no guess, so
 * it takes one outside the game's range, or one already made. */
int wm_book_client_takes(const struct wm_journal *client, const struct wm_journal *server,
                         const struct wm_rec *guess, char *note, size_t size);

/* The server stayed open after the client's close: the asyncio reference
 * on CPython 3.8 to 3.12 never closes its writer. */
int wm_book_keeps_open(char *note, size_t size);

#endif
