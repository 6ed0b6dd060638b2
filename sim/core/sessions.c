#include "sessions.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int wm_sess_server_init(struct wm_sess_server *s, enum wm_profile p, uint64_t seed,
                        size_t max_guesses, struct wm_gset_budget *budget)
{
    memset(s, 0, sizeof *s);
    if (!wm_profile_is_book(p)) {
        wm_server_init(&s->strict, seed, max_guesses);
        wm_server_set_budget(&s->strict, budget);
        s->role = &wm_server_role;
        s->self = &s->strict;
        return 0;
    }
    if (!(s->book = malloc(sizeof *s->book)))
        return -1;
    if (wm_book_server_init(s->book, p, seed, max_guesses) < 0) {
        free(s->book);
        s->book = NULL;
        return -1;
    }
    s->role = &wm_book_server_role;
    s->self = s->book;
    return 0;
}

void wm_sess_server_free(struct wm_sess_server *s)
{
    if (s->book) {
        wm_book_server_free(s->book);
        free(s->book);
        s->book = NULL;
    } else if (s->role) {
        wm_server_free(&s->strict);
    }
    s->role = NULL;
    s->self = NULL;
}

int wm_sess_client_init(struct wm_sess_client *c, enum wm_profile p, const struct wm_game *games,
                        size_t ngames, size_t max_guesses)
{
    memset(c, 0, sizeof *c);
    if (!wm_profile_is_book(p)) {
        for (size_t i = 0; i < ngames; i++)
            assert(!games[i].big); /* wm_cfg_validate refuses them under strict */
        wm_client_init(&c->strict, games, ngames, max_guesses);
        c->role = &wm_client_role;
        c->self = &c->strict;
        return 0;
    }
    if (!(c->book = malloc(sizeof *c->book)))
        return -1;
    if (wm_book_client_init(c->book, games, ngames, max_guesses) < 0) {
        free(c->book);
        c->book = NULL;
        return -1;
    }
    c->role = &wm_book_client_role;
    c->self = c->book;
    return 0;
}

void wm_sess_client_free(struct wm_sess_client *c)
{
    if (c->book) {
        wm_book_client_free(c->book);
        free(c->book);
        c->book = NULL;
    } else if (c->role) {
        wm_client_free(&c->strict);
    }
    c->role = NULL;
    c->self = NULL;
}
