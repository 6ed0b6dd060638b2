/* The client session of PROTOCOL.md: plays games, judges guesses, and
 * treats a lying server (non-integer, out of range, repeated) as an error. */
#ifndef WM_CLIENT_H
#define WM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "gset.h"
#include "hist.h"
#include "msg.h"
#include "session.h"

struct wm_game {
    int64_t lo, hi, secret; /* the values, when big is NULL */
    uint64_t count;
    /* NULL, or (book profiles only) "LO:HI:SECRET" in canonical decimal when
     * one of them is beyond int64; owned by whoever owns the game (the cfg). */
    char *big;
};

/* Parses "LO:HI:SECRET:COUNT" strictly; -1 with err naming the input. */
int wm_game_parse(const char *s, size_t len, struct wm_game *g, struct wm_err *err);

struct wm_client {
    const struct wm_game *games; /* borrowed; outlives the client */
    size_t ngames;
    size_t game;        /* index of the game in play */
    uint64_t asked;     /* guesses received in this game */
    double last_dist;   /* valid if have_dist; a double, as the reference compares floats */
    int have_dist;
    int done;
    struct wm_gset seen; /* this game's guesses, for repeated-guess detection */
    struct wm_hist hist; /* every guess of the session, for the closing log */
    size_t hist_max;
};

void wm_client_init(struct wm_client *c, const struct wm_game *games, size_t ngames,
                    size_t max_guesses);
void wm_client_free(struct wm_client *c);

/* The reference's judgement of guess n against secret, given the previous
 * distance (have_prev = 0 for the first guess of a game); *dist gets the new one. */
enum wm_decision wm_judge(int64_t n, int64_t secret, int have_prev, double prev, double *dist);

extern const struct wm_role wm_client_role;

#endif
