/* warmer load's engine (load.h). Connections are made one after another,
 * each waiting for the last, so a server that seeds by accept order meets
 * our connection n as its n-th; then every connection starts its first game
 * and the loop runs until every connection has ended.
 *
 * The protocol is lockstep: a connection has at most one NUMBER out, so it
 * reads one reply at a time and answers it with one write that carries
 * everything up to the next NUMBER ("REPORT Colder\nNUMBER\n", or at a
 * game's end "REPORT Correct\nPARAMS 0 -1\nPARAMS 1 1000\nNUMBER\n"): one
 * recv and one send per guess, as few as lockstep allows. Lines are copied
 * from constants made before the loop; nothing in it formats with stdio. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "evloop.h"
#include "load_int.h"
#include "net.h"
#include "sock_ep.h"

#define SCAN_MS 50       /* reply timeouts are checked this often */
#define PROGRESS_MS 1000
#define LOOP_TIMERS 3    /* the scan, the progress line, --duration */
#define DRAW_BOUND_FACTOR 64 /* the server's: it gives up after 64 x (guesses + 1) draws */

static const struct {
    const char *s;
    size_t n;
} report_line[] = {{"REPORT Warmer\n", 14}, {"REPORT Colder\n", 14},
                   {"REPORT Unsure\n", 14}, {"REPORT Correct\n", 15}};
#define END_GAME "PARAMS 0 -1\n"
#define NUMBER "NUMBER\n"

/* ---- one connection ---- */

/* Read always; write while output waits (level-triggered). */
static void watch(struct wm_load_conn *c)
{
    wm_el_set(c->L->el, c->fd, WM_EL_READ | (c->want_write ? WM_EL_WRITE : 0));
}

static void conn_close(struct wm_load_conn *c)
{
    if (c->fd < 0)
        return;
    wm_el_del(c->L->el, c->fd);
    close(c->fd);
    c->fd = -1;
    c->waiting = 0;
    c->L->open--;
}

static void keep_error(struct wm_load_result *r, const char *fmt, ...) WM_PRINTF(2, 3);
static void keep_error(struct wm_load_result *r, const char *fmt, ...)
{
    if (r->nfirst >= WM_LOAD_ERRORS_KEPT)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->first[r->nfirst++].msg, WM_ERR_MAX, fmt, ap);
    va_end(ap);
}

/* A connection's error: counted, its text kept if among the first, the
 * connection closed (the others go on). */
static int conn_fail(struct wm_load_conn *c, const char *fmt, ...) WM_PRINTF(2, 3);
static int conn_fail(struct wm_load_conn *c, const char *fmt, ...)
{
    struct wm_load_result *r = c->L->r;
    r->errors++;
    if (r->nfirst < WM_LOAD_ERRORS_KEPT) {
        char what[WM_ERR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        keep_error(r, "connection %u, game %" PRIu64 ", guess %" PRIu64 ": %s", c->id,
                   c->game_no, c->asked + 1, what);
    }
    conn_close(c);
    return -1;
}

static void put(struct wm_load_conn *c, const char *s, size_t n)
{
    memcpy(c->out + c->outlen, s, n);
    c->outlen += n;
}

/* Sends what is pending. 0 when all went (or the rest waits for room), -1
 * after closing the connection. */
static int flush(struct wm_load_conn *c)
{
    while (c->outoff < c->outlen) {
        size_t w;
        enum wm_io rc = wm_sock_send(c->fd, c->out + c->outoff, c->outlen - c->outoff, &w);
        if (rc == WM_IO_DATA) {
            c->outoff += w;
            continue;
        }
        if (rc == WM_IO_AGAIN) { /* a non-blocking socket (load_io.c) */
            if (!c->want_write) {
                c->want_write = 1;
                watch(c);
            }
            return 0;
        }
        return conn_fail(c, "cannot send: %s", rc == WM_IO_RESET ? WM_RESET_TEXT : strerror(errno));
    }
    c->outoff = c->outlen = 0;
    if (c->want_write) {
        c->want_write = 0;
        watch(c);
    }
    return 0;
}

static int can_ask(struct wm_load_eng *L)
{
    if (L->stopping)
        return 0;
    if (L->o->guesses && L->issued >= L->o->guesses) {
        L->stopping = 1;
        return 0;
    }
    return 1;
}

static void ask(struct wm_load_conn *c, uint64_t now)
{
    put(c, NUMBER, sizeof NUMBER - 1);
    c->waiting = 1;
    c->sent_ns = now;
    c->L->issued++;
}

static void begin_game(struct wm_load_conn *c)
{
    struct wm_load_eng *L = c->L;
    c->game_ix = (unsigned)(c->game_no % L->o->ngames);
    c->game_no++;
    const struct wm_load_game *g = &L->o->games[c->game_ix];
    c->secret = wm_rng_randint(&L->secrets, g->lo, g->hi);
    c->asked = 0;
    c->have_dist = 0;
    wm_gset_clear(&c->seen);
    wm_gset_domain(&c->seen, g->lo, g->hi);
    put(c, L->params[c->game_ix], L->params_len[c->game_ix]);
}

/* With no more NUMBERs to send: end the game as the client does, and go
 * without waiting for the server's close. */
static int finish(struct wm_load_conn *c)
{
    put(c, END_GAME, sizeof END_GAME - 1);
    if (flush(c) < 0)
        return -1;
    conn_close(c);
    return 0;
}

/* The server's next guess by the model: what its redraw loop gives against
 * this game's guesses. 0, or -1 where the server gives up. */
static int model_guess(struct wm_load_conn *c, const struct wm_load_game *g, int64_t *want)
{
    struct wm_rng *m = &c->L->model[c->id - 1];
    uint64_t bound = DRAW_BOUND_FACTOR * ((uint64_t)c->seen.count + 1);
    for (uint64_t draws = 0; draws < bound; draws++) {
        *want = wm_rng_randint(m, g->lo, g->hi);
        if (!wm_gset_has(&c->seen, *want))
            return 0;
    }
    return -1;
}

/* 0, or -1 after closing the connection. */
static int on_reply(struct wm_load_conn *c, const char *line, size_t len, uint64_t now)
{
    struct wm_load_eng *L = c->L;
    const struct wm_load_game *g = &L->o->games[c->game_ix];
    struct wm_quoted q;
    int64_t n, want = 0;
    int gave_up = L->model ? model_guess(c, g, &want) : 0;
    if (wm_int64_parse(line, len, &n) < 0)
        return conn_fail(c, "the server sent %s, not an integer", wm_quote(&q, line, len));
    if (n < g->lo || n > g->hi)
        return conn_fail(c, "the server guessed %" PRId64 ", outside [%" PRId64 ", %" PRId64 "]",
                         n, g->lo, g->hi);
    if (wm_gset_has(&c->seen, n))
        return conn_fail(c, "the server repeated the guess %" PRId64, n);
    if (gave_up)
        return conn_fail(c, "the server guessed %" PRId64 " where the model (seed %" PRIu64
                         ") gives up after %" PRIu64 " draws", n, L->o->seed + c->id - 1,
                         DRAW_BOUND_FACTOR * ((uint64_t)c->seen.count + 1));
    if (L->model && n != want)
        return conn_fail(c, "the server guessed %" PRId64 ", the model (CPython's random, seed %"
                         PRIu64 ") draws %" PRId64, n, L->o->seed + c->id - 1, want);
    if (wm_gset_add(&c->seen, n) < 0)
        return conn_fail(c, "out of memory recording the guess %" PRId64, n);
    double dist;
    enum wm_decision d = wm_judge(n, c->secret, c->have_dist, c->last_dist, &dist);
    c->last_dist = dist;
    c->have_dist = 1;
    c->asked++;
    c->waiting = 0;
    L->r->guesses++;
    wm_load_hist_add(&L->r->latency, now - c->sent_ns);
    L->last_reply = now;

    put(c, report_line[d].s, report_line[d].n);
    uint64_t span = (uint64_t)g->hi - (uint64_t)g->lo; /* values - 1 */
    int over = d == WM_CORRECT || c->asked > span || c->asked >= L->o->max_guesses;
    if (over) {
        L->r->games++;
        if (!can_ask(L))
            return finish(c);
        put(c, END_GAME, sizeof END_GAME - 1);
        begin_game(c);
    } else if (!can_ask(L)) {
        return finish(c);
    }
    ask(c, now);
    return flush(c);
}

static int on_readable(struct wm_load_conn *c, uint64_t now)
{
    struct wm_quoted q, q2;
    size_t k;
    enum wm_io rc = wm_sock_recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, &k);
    if (rc == WM_IO_AGAIN)
        return 0;
    if (rc == WM_IO_RESET || rc == WM_IO_ERROR)
        return conn_fail(c, "%s", rc == WM_IO_RESET ? WM_RESET_TEXT : strerror(errno));
    if (rc == WM_IO_EOF) {
        if (c->inlen)
            return conn_fail(c, "the server closed the connection after %s, a line with no "
                             "end", wm_quote(&q, c->in, c->inlen));
        return conn_fail(c, "the server closed the connection%s",
                         c->waiting ? " while a guess was awaited" : "");
    }
    size_t start = c->inlen;
    c->inlen += k;
    if (!c->waiting)
        return conn_fail(c, "the server sent %s with no NUMBER waiting for it",
                         wm_quote(&q, c->in, c->inlen));
    char *nl = memchr(c->in + start, '\n', c->inlen - start);
    if (!nl) {
        if (c->inlen == sizeof c->in)
            return conn_fail(c, "the server's reply %s is longer than %d bytes",
                             wm_quote(&q, c->in, c->inlen), WM_LOAD_REPLY_MAX);
        return 0;
    }
    size_t len = (size_t)(nl - c->in), rest = c->inlen - len - 1;
    if (rest)
        return conn_fail(c, "the server sent %s after its reply %s, with no NUMBER waiting "
                         "for it", wm_quote(&q, nl + 1, rest), wm_quote(&q2, c->in, len));
    c->inlen = 0;
    return on_reply(c, c->in, len, now);
}

static void on_conn_ready(struct wm_load_conn *c, int readable, int writable, uint64_t now)
{
    if (readable)
        on_readable(c, now);
    if (writable && c->fd >= 0)
        flush(c);
}

static void on_ready(struct wm_evloop *el, int fd, int ready, void *ud)
{
    (void)el, (void)fd;
    on_conn_ready(ud, (ready & WM_EL_READ) != 0, (ready & WM_EL_WRITE) != 0, wm_clock_ns());
}

/* ---- setup, the loop, teardown ---- */

static int connect_all(struct wm_load_eng *L, struct wm_err *err)
{
    const struct wm_load_opts *o = L->o;
    struct addrinfo *res = wm_net_resolve(o->addr, err);
    if (!res)
        return -1;
    for (unsigned i = 0; i < L->n; i++) {
        struct wm_load_conn *c = &L->c[i];
        struct wm_err e;
        if (o->stopped && (L->r->signo = o->stopped()) != 0)
            break; /* connecting is cut short too: the report of what was made */
        c->fd = wm_load_connect_one(res, o->timeout_ms, &e);
        if (c->fd < 0 && o->stopped && (L->r->signo = o->stopped()) != 0)
            break;
        if (c->fd >= 0 && wm_el_add(L->el, c->fd, WM_EL_READ, on_ready, c) < 0) {
            close(c->fd);
            c->fd = -1;
            wm_err_set(&e, "cannot watch its socket: %s", strerror(errno));
        }
        if (c->fd < 0) {
            /* The server numbers only what it accepted: stop here, so every
             * connection made keeps the seed its number gives. */
            if (i == 0) {
                wm_err_set(err, "cannot connect to %s: %s", o->addr, e.msg);
                break;
            }
            L->r->conn_failures++;
            keep_error(L->r, "connection %u: cannot connect to %s: %s; going on with %u "
                       "connections", i + 1, o->addr, e.msg, i);
            break;
        }
        L->open++;
        L->r->connected++;
    }
    freeaddrinfo(res);
    return L->open || L->r->signo ? 0 : -1;
}

/* Replies overdue by --timeout fail their connections. */
static void scan_timeouts(struct wm_load_eng *L, uint64_t now)
{
    uint64_t limit = (uint64_t)L->o->timeout_ms * 1000000u;
    for (unsigned i = 0; i < L->n; i++) {
        struct wm_load_conn *c = &L->c[i];
        if (c->fd >= 0 && c->waiting && now - c->sent_ns > limit)
            conn_fail(c, "no reply to NUMBER within %d.%03d s (--timeout)",
                      L->o->timeout_ms / 1000, L->o->timeout_ms % 1000);
    }
}

static void progress(struct wm_load_eng *L, uint64_t now)
{
    double s = (double)(now - L->t0) / 1e9;
    fprintf(stderr, "\rload: %" PRIu64 " guesses, %.0f guesses/s, %u open, %" PRIu64 " errors",
            L->r->guesses, s > 0 ? (double)L->r->guesses / s : 0.0, L->open, L->r->errors);
}

/* The loop's timers: each arms itself again (the loop holds LOOP_TIMERS). */
static void on_scan(struct wm_evloop *el, void *ud)
{
    scan_timeouts(ud, wm_clock_ns());
    wm_el_timer_add(el, SCAN_MS, on_scan, ud);
}

static void on_progress(struct wm_evloop *el, void *ud)
{
    progress(ud, wm_clock_ns());
    wm_el_timer_add(el, PROGRESS_MS, on_progress, ud);
}

static void on_duration(struct wm_evloop *el, void *ud)
{
    struct wm_load_eng *L = ud;
    (void)el;
    L->stopping = 1; /* each connection ends after the reply it awaits */
}

static int run_loop(struct wm_load_eng *L, struct wm_err *err)
{
    const struct wm_load_opts *o = L->o;
    uint64_t now = wm_clock_ns();
    L->t0 = L->last_reply = now;
    for (unsigned i = 0; i < L->n; i++) {
        struct wm_load_conn *c = &L->c[i];
        if (c->fd < 0)
            continue;
        begin_game(c);
        if (can_ask(L)) {
            ask(c, now);
            flush(c);
        } else {
            finish(c);
        }
    }
    int armed = wm_el_timer_add(L->el, SCAN_MS, on_scan, L) != 0;
    if (o->progress)
        armed &= wm_el_timer_add(L->el, PROGRESS_MS, on_progress, L) != 0;
    if (!o->guesses && o->duration_ms <= 0)
        L->stopping = 1; /* over before the first wait, as it always was */
    else if (!o->guesses)
        armed &= wm_el_timer_add(L->el, o->duration_ms, on_duration, L) != 0;
    assert(armed); /* the loop was made for LOOP_TIMERS */
    while (L->open > 0) {
        if (o->stopped && (L->r->signo = o->stopped()) != 0) {
            /* At once: a reply awaited is pending, not the server's error. */
            for (unsigned i = 0; i < L->n; i++)
                L->r->pending += L->c[i].fd >= 0 && L->c[i].waiting;
            break;
        }
        /* A round ends by SCAN_MS at the latest (the scan's timer), or at
         * a signal (EINTR), whose stop the check above sees. */
        if (wm_el_once(L->el, -1) < 0 && errno != EINTR) {
            wm_err_set(err, "waiting for replies: %s", strerror(errno));
            return -1;
        }
    }
    if (o->progress)
        fputs("\r\033[K", stderr);
    return 0;
}

static void load_free(struct wm_load_eng *L)
{
    if (L->c)
        for (unsigned i = 0; i < L->n; i++) {
            conn_close(&L->c[i]);
            wm_gset_free(&L->c[i].seen);
        }
    wm_el_free(L->el);
    free(L->c);
    free(L->model);
}

int wm_load_run(const struct wm_load_opts *o, struct wm_load_result *r, struct wm_err *err)
{
    struct wm_load_eng L = {.o = o, .r = r, .n = o->connections};
    memset(r, 0, sizeof *r);
    uint32_t key[3] = {0x6c6f6164u /* "load" */, (uint32_t)o->seed, (uint32_t)(o->seed >> 32)};
    wm_rng_seed_words(&L.secrets, key, 3); /* the secrets: a stream no server uses */
    for (size_t g = 0; g < o->ngames; g++) {
        L.params_len[g] = wm_fmt_params(L.params[g], o->games[g].lo, o->games[g].hi);
        L.params[g][L.params_len[g]++] = '\n';
    }
    L.c = calloc(L.n, sizeof *L.c);
    L.model = o->have_seed ? calloc(L.n, sizeof *L.model) : NULL;
    L.el = wm_el_new(L.n, LOOP_TIMERS);
    if (!L.c || (o->have_seed && !L.model) || !L.el) {
        wm_err_set(err, "cannot set up %u connections: %s", L.n, strerror(errno));
        load_free(&L);
        return -1;
    }
    for (unsigned i = 0; i < L.n; i++) {
        L.c[i] = (struct wm_load_conn){.fd = -1, .id = i + 1, .L = &L};
        wm_gset_init(&L.c[i].seen, o->max_guesses);
        if (L.model)
            wm_rng_seed(&L.model[i], o->seed + i);
    }
    int rc = connect_all(&L, err) < 0 ? -1 : r->signo ? 0 : run_loop(&L, err);
    r->seconds = (double)(L.last_reply - L.t0) / 1e9;
    load_free(&L);
    return rc;
}
