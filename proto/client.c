#include "client.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

int wm_game_parse(const char *s, size_t len, struct wm_game *g, struct wm_err *err)
{
    const char *f[4];
    size_t flen[4], n = 0, start = 0;
    struct wm_quoted q;
    g->big = NULL; /* the values fit int64 here (a cfg parses those beyond) */
    for (size_t i = 0; i <= len && n < 5; i++) {
        if (i < len && s[i] != ':')
            continue;
        if (n < 4) {
            f[n] = s + start;
            flen[n] = i - start;
        }
        n++;
        start = i + 1;
    }
    if (n != 4 || wm_int64_parse(f[0], flen[0], &g->lo) < 0 ||
        wm_int64_parse(f[1], flen[1], &g->hi) < 0 ||
        wm_int64_parse(f[2], flen[2], &g->secret) < 0 ||
        wm_uint64_parse(f[3], flen[3], &g->count) < 0) {
        wm_err_set(err, "bad game %s: want LO:HI:SECRET:COUNT, LO/HI/SECRET signed 64-bit "
                        "decimal, COUNT unsigned", wm_quote(&q, s, len));
        return -1;
    }
    return 0;
}

void wm_client_init(struct wm_client *c, const struct wm_game *games, size_t ngames,
                    size_t max_guesses)
{
    *c = (struct wm_client){.games = games, .ngames = ngames, .hist_max = max_guesses};
    wm_gset_init(&c->seen, max_guesses);
    wm_hist_init(&c->hist);
}

void wm_client_free(struct wm_client *c)
{
    wm_gset_free(&c->seen);
    wm_hist_free(&c->hist);
}

enum wm_decision wm_judge(int64_t n, int64_t secret, int have_prev, double prev, double *dist)
{
    /* Exact distance first (it fits in uint64), then one rounding to double. */
    uint64_t d = n >= secret ? (uint64_t)n - (uint64_t)secret : (uint64_t)secret - (uint64_t)n;
    double fd = (double)d;
    *dist = fd;
    if (fd == 0)
        return WM_CORRECT;
    if (!have_prev || fd == prev)
        return WM_UNSURE;
    return fd < prev ? WM_WARMER : WM_COLDER;
}

static void send(const struct wm_sink *out, const char *buf, size_t len)
{
    wm_emit(out, WM_OUT_SEND, buf, len);
}

static enum wm_sess_rc fail(struct wm_client *c, const struct wm_sink *out, const struct wm_err *e)
{
    /* Every error comes while a game is in play, and the reference client's
     * game ends in a `finally` that sends PARAMS 0 -1 before the error
     * propagates: so does ours, even to a peer that has gone. */
    assert(!c->done && c->game < c->ngames);
    char buf[WM_MSG_MAX];
    send(out, buf, wm_fmt_params(buf, 0, -1));
    c->done = 1;
    wm_emit(out, WM_OUT_ERROR, e->msg, strlen(e->msg));
    return WM_SESS_CLOSED;
}

static void begin_game(struct wm_client *c, const struct wm_sink *out)
{
    const struct wm_game *g = &c->games[c->game];
    char buf[160];
    int n = snprintf(buf, sizeof buf, "Guess a number between %" PRId64 " and %" PRId64
                                      "! Shhhhh, it's %" PRId64 ".", g->lo, g->hi, g->secret);
    wm_emit(out, WM_OUT_LOG, buf, (size_t)n);
    send(out, buf, wm_fmt_params(buf, g->lo, g->hi));
    c->asked = 0;
    c->have_dist = 0;
    wm_gset_clear(&c->seen);
    wm_gset_domain(&c->seen, g->lo, g->hi);
    wm_hist_game(&c->hist, g->lo, g->hi);
}

/* Ends games that are over (count reached or Correct), starts the next ones,
 * and either asks for a guess or finishes the session. */
static enum wm_sess_rc advance(struct wm_client *c, const struct wm_sink *out, int game_over)
{
    char buf[WM_MSG_MAX];
    for (;;) {
        if (!game_over && c->asked < c->games[c->game].count) {
            send(out, buf, wm_fmt_number(buf));
            return WM_SESS_OPEN;
        }
        send(out, buf, wm_fmt_params(buf, 0, -1));
        if (++c->game == c->ngames)
            break;
        begin_game(c, out);
        game_over = 0;
    }
    struct wm_hist_iter it;
    int64_t v;
    uint8_t d;
    wm_hist_iter_init(&it);
    while (wm_hist_next(&c->hist, &it, &v, &d)) {
        char line[WM_MSG_MAX + 32];
        wm_emit(out, WM_OUT_LOG, line, wm_fmt_judged(line, "Client: ", v, (enum wm_decision)d));
    }
    c->done = 1;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc start(void *self, const struct wm_sink *out)
{
    struct wm_client *c = self;
    if (c->ngames == 0) {
        c->done = 1;
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    }
    begin_game(c, out);
    return advance(c, out, 0);
}

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    struct wm_client *c = self;
    assert(!c->done);
    const struct wm_game *g = &c->games[c->game];
    struct wm_err e;
    struct wm_quoted q;
    int64_t n;
    if (wm_int64_parse(line, len, &n) < 0) {
        wm_err_set(&e, "server sent a non-integer guess %s (game %zu)", wm_quote(&q, line, len),
                   c->game + 1);
        return fail(c, out, &e);
    }
    if (n < g->lo || n > g->hi) {
        wm_err_set(&e, "server guessed %" PRId64 ", outside [%" PRId64 ", %" PRId64 "] (game %zu)",
                   n, g->lo, g->hi, c->game + 1);
        return fail(c, out, &e);
    }
    int added = wm_gset_add(&c->seen, n);
    if (added == 0) {
        wm_err_set(&e, "server repeated the guess %" PRId64 " (game %zu, guess %" PRIu64 ")", n,
                   c->game + 1, c->asked + 1);
        return fail(c, out, &e);
    }
    if (added < 0 && c->seen.count < c->seen.max) { /* not full: refused memory */
        wm_err_set(&e, "out of memory recording guess %" PRId64, n);
        return fail(c, out, &e);
    }
    if (added < 0 || c->hist.count >= c->hist_max) {
        wm_err_set(&e, "more than %zu guesses (max-guesses)", c->hist_max);
        return fail(c, out, &e);
    }
    double dist;
    enum wm_decision d = wm_judge(n, g->secret, c->have_dist, c->last_dist, &dist);
    c->last_dist = dist;
    c->have_dist = 1;
    c->asked++;
    if (wm_hist_add(&c->hist, n, (uint8_t)d) < 0) {
        wm_err_set(&e, "out of memory recording guess %" PRId64, n);
        return fail(c, out, &e);
    }
    char buf[WM_MSG_MAX];
    send(out, buf, wm_fmt_report(buf, d));
    return advance(c, out, d == WM_CORRECT);
}

static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    struct wm_client *c = self;
    struct wm_err e;
    wm_err_set(&e, "server closed the connection while the client awaited a guess (game %zu, "
                   "guess %" PRIu64 ")", c->game + 1, c->asked + 1);
    return fail(c, out, &e);
}

static enum wm_sess_rc on_reset(void *self, const struct wm_sink *out)
{
    struct wm_client *c = self;
    struct wm_err e;
    wm_err_set(&e, WM_RESET_TEXT " while the client awaited a guess (game %zu, guess %" PRIu64
                   ")", c->game + 1, c->asked + 1);
    return fail(c, out, &e);
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    return fail(self, out, err);
}

static enum wm_sess_rc on_timeout(void *self, const struct wm_sink *out)
{
    struct wm_client *c = self;
    struct wm_err e;
    wm_err_set(&e, "timed out waiting for a guess (game %zu, guess %" PRIu64 ")", c->game + 1,
               c->asked + 1);
    return fail(c, out, &e);
}

const struct wm_role wm_client_role = {start, on_line, on_eof, on_bad_input, on_timeout,
                                      NULL, NULL, NULL, NULL, NULL, 0, on_reset};
