/* The sessions a profile plays (profile.h): the one place that picks the
 * strict sessions (server.h, client.h) or the book's (book.h), for every
 * connection warmer plays a side of: in process (conn.c), serve, client and
 * explore --connect. */
#ifndef WM_SESSIONS_H
#define WM_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "book.h"
#include "client.h"
#include "gset.h"
#include "profile.h"
#include "server.h"
#include "session.h"

/* A server session: role and self are what a driver is handed. The strict
 * one is inline (most runs, many connections); the book's is allocated (its
 * integers take kilobytes). */
struct wm_sess_server {
    const struct wm_role *role;
    void *self;
    struct wm_server strict;
    struct wm_book_server *book; /* NULL under strict */
};

/* Connection seeded seed (as wm_server_init). budget (may be NULL) bounds
 * the strict server's guesses across servers; the book's are bounded by
 * max_guesses each. 0, or -1 out of memory (nothing left allocated). */
int wm_sess_server_init(struct wm_sess_server *s, enum wm_profile p, uint64_t seed,
                        size_t max_guesses, struct wm_gset_budget *budget);
void wm_sess_server_free(struct wm_sess_server *s);

struct wm_sess_client {
    const struct wm_role *role;
    void *self;
    struct wm_client strict;
    struct wm_book_client *book; /* NULL under strict */
};

/* games are borrowed and outlive the session. 0, or -1 out of memory. */
int wm_sess_client_init(struct wm_sess_client *c, enum wm_profile p, const struct wm_game *games,
                        size_t ngames, size_t max_guesses);
void wm_sess_client_free(struct wm_sess_client *c);

#endif
