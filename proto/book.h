/* The book's threaded server and client sessions as they behave on the
 * wire, for the book profiles (profile.h): the same wm_role interface as
 * server.h and client.h, so every driver runs them unchanged.
 *
 * What the book's code does is the authority (docs/PROTOCOL.md,
 * "Profiles"): lines are the received bytes less their last one
 * (`line[:-1]`), decoded as UTF-8; `split(' ')`; integers of any size up to
 * CPython's 4300-digit limit, parsed by Python's int() and drawn as
 * CPython's randint draws them; any Python exception ends the session with
 * an error whose text is the exception as Python names it; an exhausted
 * range is never answered (the session hangs: WM_OUT_HANG). */
#ifndef WM_BOOK_H
#define WM_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "big.h"
#include "client.h"
#include "gset.h"
#include "profile.h"
#include "rng.h"
#include "session.h"

struct wm_book_guesses; /* the game's guesses, in order (book_server.c) */

struct wm_book_server {
    struct wm_rng rng;          /* seeded as the port's: connection k gets seed + k */
    enum wm_profile profile;    /* book or book-asyncio */
    int have_range;             /* PARAMS seen: lo and hi are ints, not None */
    struct wm_big lo, hi;
    int secret_known;
    struct wm_big secret;
    struct wm_book_guesses *guesses; /* bounded by max_guesses */
    size_t max_guesses;
    int closed;
};

/* 0, or -1 out of memory. */
int wm_book_server_init(struct wm_book_server *s, enum wm_profile profile, uint64_t seed,
                        size_t max_guesses);
void wm_book_server_free(struct wm_book_server *s);
extern const struct wm_role wm_book_server_role;

struct wm_book_history; /* the session's guesses and judgements, for the closing log */

struct wm_book_client {
    const struct wm_game *games; /* borrowed; a game's values beyond int64 are in g->big */
    size_t ngames;
    size_t game;                 /* the game in play */
    uint64_t asked;
    struct wm_big lo, hi, secret; /* the game in play's values */
    int have_dist;
    double last_dist;            /* math.fabs(guess - secret), a float as in the book */
    struct wm_book_history *hist;
    size_t max_guesses;
    int done;
};

int wm_book_client_init(struct wm_book_client *c, const struct wm_game *games, size_t ngames,
                        size_t max_guesses);
void wm_book_client_free(struct wm_book_client *c);
extern const struct wm_role wm_book_client_role;

#endif
