/* The server session of PROTOCOL.md as a state machine over lines. */
#ifndef WM_SERVER_H
#define WM_SERVER_H

#include <stdint.h>

#include "gset.h"
#include "rng.h"
#include "session.h"

struct wm_server {
    struct wm_rng rng;
    struct wm_gset guesses; /* this game's guesses; max is the per-game bound */
    int64_t lo, hi;
    int64_t last;        /* last guess sent in this game, valid if have_last */
    int64_t secret;      /* valid if secret_known */
    int have_range, have_last, secret_known;
    int closed;
};

void wm_server_init(struct wm_server *s, uint64_t seed, size_t max_guesses);
/* Shares b (may be NULL) among servers: a NUMBER whose guess would take
 * the guess sets past b's limit is an error that closes the session. */
void wm_server_set_budget(struct wm_server *s, struct wm_gset_budget *b);
void wm_server_free(struct wm_server *s);

extern const struct wm_role wm_server_role;

#endif
