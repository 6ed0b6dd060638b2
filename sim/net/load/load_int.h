/* warmer load's insides, shared by load.c (the protocol, the loop on
 * evloop.h) and load_io.c (connecting); not an API. */
#ifndef WM_LOAD_INT_H
#define WM_LOAD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "gset.h"
#include "load.h"
#include "msg.h"
#include "rng.h"

struct wm_evloop;

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
    struct wm_evloop *el; /* every connection, the reply scan, the progress line, --duration */
};

/* A non-blocking connect to the first of res's addresses that answers
 * within timeout_ms, with TCP_NODELAY: the socket, or -1 with err. */
struct addrinfo;
int wm_load_connect_one(const struct addrinfo *res, int timeout_ms, struct wm_err *err);

#endif
