/* warmer load: a load generator for a live server of any implementation
 * (CLI.md, load). One process, one thread, non-blocking sockets and epoll
 * (a poll loop, evloop.h, where epoll is missing). Each connection plays
 * lockstep games as the client of PROTOCOL.md does (PARAMS, then NUMBER and
 * REPORT until Correct, then PARAMS 0 -1 and the next game) and checks
 * every reply: an integer, in range, not repeated in the game, and with a
 * seed, exactly the guess CPython's random would draw for that connection.
 *
 * Everything is bounded and visible: connections (--connections), guesses
 * per game (--max-guesses), a reply's length (WM_LOAD_REPLY_MAX), the
 * errors kept for the report, the latency histogram's buckets. */
#ifndef WM_LOAD_H
#define WM_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define WM_LOAD_DEFAULT_CONNECTIONS 50
#define WM_LOAD_MAX_CONNECTIONS 65536
#define WM_LOAD_MAX_GAMES 64
#define WM_LOAD_DEFAULT_DURATION_MS 10000
/* A reply is one int64 (20 bytes at most); anything past this is an error. */
#define WM_LOAD_REPLY_MAX 64
/* Errors whose text the report keeps; the rest are counted. */
#define WM_LOAD_ERRORS_KEPT 5
/* Descriptors needed beyond one per connection (stdio, epoll, slack). */
#define WM_LOAD_FD_SLACK 16

/* Latency histogram, log-linear as HdrHistogram: values below 2^SUB_BITS+1
 * ns have a bucket each, then every power of two is cut in 2^SUB_BITS equal
 * buckets, so a bucket's width is at most 1/16 of its values (6.25 %).
 * Fixed size whatever the run's length. */
#define WM_LOAD_HIST_SUB_BITS 4
#define WM_LOAD_HIST_BUCKETS (64 * (1 << WM_LOAD_HIST_SUB_BITS))

struct wm_load_hist {
    uint64_t count[WM_LOAD_HIST_BUCKETS];
    uint64_t n, max_ns;
};

void wm_load_hist_add(struct wm_load_hist *h, uint64_t ns);
/* The value below which a fraction q (0..1) of the samples lie, as the upper
 * edge of its bucket (never above the maximum); 0 with no samples. */
uint64_t wm_load_hist_quantile(const struct wm_load_hist *h, double q);

struct wm_load_game {
    int64_t lo, hi; /* lo <= hi */
};

struct wm_load_opts {
    const char *addr; /* HOST:PORT */
    unsigned connections;
    uint64_t guesses;  /* stop after this many guesses in all; 0: by time */
    int duration_ms;   /* stop asking after this long, when guesses is 0 */
    struct wm_load_game games[WM_LOAD_MAX_GAMES]; /* each connection cycles through them */
    size_t ngames;
    int have_seed; /* check every reply against the model seeded seed + n - 1 */
    uint64_t seed;
    int timeout_ms;     /* each connect, each wait for a reply */
    size_t max_guesses; /* in one game, as the server's --max-guesses */
    int progress;       /* a progress line on stderr (a terminal) */
    /* The signal that ends the run at once (the replies awaited are left
     * pending), 0 while none came; NULL: no signals. */
    int (*stopped)(void);
};

struct wm_load_result {
    unsigned connected;     /* connections made */
    uint64_t conn_failures; /* connects that failed (the run goes on without them) */
    uint64_t guesses;       /* replies received and checked */
    uint64_t games;         /* games that ended in Correct (or an exhausted range) */
    uint64_t errors;        /* connections ended by a bad reply, a close or a timeout */
    uint64_t pending;       /* replies awaited when a signal ended the run */
    int signo;              /* that signal, 0 if none */
    double seconds;         /* from the first PARAMS to the last reply */
    struct wm_load_hist latency; /* per guess: NUMBER sent to its reply read */
    struct wm_err first[WM_LOAD_ERRORS_KEPT];
    unsigned nfirst;
};

/* Runs the load. 0 when it ran (r holds what happened, errors included),
 * -1 with err when it could not start (no connection at all, no memory). */
int wm_load_run(const struct wm_load_opts *o, struct wm_load_result *r, struct wm_err *err);

/* The closing report, on out. */
void wm_load_report(FILE *out, const struct wm_load_opts *o, const struct wm_load_result *r);

#endif
