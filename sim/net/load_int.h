/* warmer load's insides, shared by load.c (the protocol, the loop) and
 * load_io.c (the event backend and connecting); not an API. */
#ifndef WM_LOAD_INT_H
#define WM_LOAD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "gset.h"
#include "load.h"
#include "msg.h"
#include "rng.h"

/* epoll where there is one; evloop's poll loop elsewhere (or with
 * -DWM_LOAD_POLL, to test it). */
#if defined(__linux__) && !defined(WM_LOAD_POLL)
#define WM_LOAD_EPOLL 1
#else
struct wm_evloop;
#endif

#define WM_LOAD_OUT_MAX 128 /* the longest write: REPORT, two PARAMS, NUMBER (< 90 bytes) */

struct wm_load_eng;

struct wm_load_conn {
    int fd;           /* -1 once closed */
    unsigned id;      /* from 1: the server's accept order */
    int waiting;      /* a NUMBER is out */
    int want_write;   /* output is pending: the loop watches for room */
    unsigned game_ix; /* the game in play, in o->games */
    uint64_t game_no; /* games begun here, from 1 */
    int64_t secret;
    uint64_t asked;   /* guesses in this game */
    double last_dist; /* the client's rule: the previous distance, as a double */
    int have_dist;
    uint64_t sent_ns; /* when the NUMBER out was sent */
    struct wm_gset seen;
    struct wm_load_eng *L;
    size_t inlen, outlen, outoff;
    char in[WM_LOAD_REPLY_MAX + 1];
    char out[WM_LOAD_OUT_MAX];
};

struct wm_load_eng {
    const struct wm_load_opts *o;
    struct wm_load_result *r;
    struct wm_load_conn *c;
    unsigned n, open;
    struct wm_rng *model; /* with --seed: connection i + 1's server, seeded seed + i */
    struct wm_rng secrets;
    char params[WM_LOAD_MAX_GAMES][WM_MSG_MAX + 1];
    size_t params_len[WM_LOAD_MAX_GAMES];
    uint64_t issued; /* NUMBERs sent */
    int stopping;    /* no NUMBER is sent any more */
    uint64_t t0, last_reply;
#ifdef WM_LOAD_EPOLL
    int ep;
#else
    struct wm_evloop *el;
#endif
};

uint64_t wm_load_now_ns(void);

/* The backend (load_io.c). add/set watch c->fd for reading, and for
 * writing while c->want_write; wait dispatches ready connections to
 * wm_load_on_ready (load.c) and returns as poll does. */
int wm_load_be_init(struct wm_load_eng *L);
void wm_load_be_free(struct wm_load_eng *L);
int wm_load_be_add(struct wm_load_eng *L, struct wm_load_conn *c);
void wm_load_be_set(struct wm_load_eng *L, struct wm_load_conn *c);
void wm_load_be_del(struct wm_load_eng *L, struct wm_load_conn *c);
int wm_load_be_wait(struct wm_load_eng *L, int timeout_ms);
void wm_load_on_ready(struct wm_load_conn *c, int readable, int writable, uint64_t now);

/* A non-blocking connect to the first of res's addresses that answers
 * within timeout_ms, with TCP_NODELAY: the socket, or -1 with err. */
struct addrinfo;
int wm_load_connect_one(const struct addrinfo *res, int timeout_ms, struct wm_err *err);

#endif
