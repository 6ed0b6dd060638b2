#include "server.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "msg.h"

/* A draw loop that runs this many times the expected number of draws has
 * odds below e^-64 of being honest: we stop it rather than spin. */
#define DRAW_BOUND_FACTOR 64

void wm_server_init(struct wm_server *s, uint64_t seed, size_t max_guesses)
{
    *s = (struct wm_server){0};
    wm_rng_seed(&s->rng, seed);
    wm_gset_init(&s->guesses, max_guesses);
}

void wm_server_set_budget(struct wm_server *s, struct wm_gset_budget *b)
{
    s->guesses.budget = b;
}

void wm_server_free(struct wm_server *s)
{
    wm_gset_free(&s->guesses);
}

static enum wm_sess_rc fail(struct wm_server *s, const struct wm_sink *out, const struct wm_err *e)
{
    s->closed = 1;
    wm_emit(out, WM_OUT_ERROR, e->msg, strlen(e->msg));
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc send_number(struct wm_server *s, const struct wm_sink *out)
{
    struct wm_err e;
    if (!s->have_range) {
        wm_err_set(&e, "NUMBER before any PARAMS");
        return fail(s, out, &e);
    }
    int64_t g;
    if (s->secret_known) {
        g = s->secret;
    } else {
        if (s->lo > s->hi) {
            wm_err_set(&e, "NUMBER with an empty range [%" PRId64 ", %" PRId64 "]", s->lo, s->hi);
            return fail(s, out, &e);
        }
        uint64_t span = (uint64_t)s->hi - (uint64_t)s->lo; /* size - 1 */
        if (span != UINT64_MAX && s->guesses.count > span) {
            wm_err_set(&e, "NUMBER after all %" PRIu64 " values of [%" PRId64 ", %" PRId64
                           "] were guessed", span + 1, s->lo, s->hi);
            return fail(s, out, &e);
        }
        if (s->guesses.count >= s->guesses.max) {
            wm_err_set(&e, "NUMBER beyond the limit of %zu guesses in one game (max-guesses)",
                       s->guesses.max);
            return fail(s, out, &e);
        }
        uint64_t bound = DRAW_BOUND_FACTOR * ((uint64_t)s->guesses.count + 1), draws = 0;
        int added;
        do {
            if (draws++ == bound) {
                wm_err_set(&e, "NUMBER gave up after %" PRIu64 " draws in [%" PRId64 ", %" PRId64
                               "]", bound, s->lo, s->hi);
                return fail(s, out, &e);
            }
            g = wm_rng_randint(&s->rng, s->lo, s->hi); /* one randint per draw, as the reference */
            added = wm_gset_add(&s->guesses, g); /* 0: drawn before, draw again */
        } while (added == 0);
        assert(g >= s->lo && g <= s->hi); /* randint's contract, as the reference's */
        if (added == WM_GSET_OVER_BUDGET) {
            wm_err_set(&e, "NUMBER refused: recording guess %zu of this game would take the "
                           "server's guesses past their memory budget of %zu bytes (max-memory)",
                       s->guesses.count + 1, s->guesses.budget->limit);
            return fail(s, out, &e);
        }
        if (added < 0) {
            wm_err_set(&e, "out of memory recording guess %" PRId64, g);
            return fail(s, out, &e);
        }
    }
    s->last = g;
    s->have_last = 1;
    char buf[WM_MSG_MAX];
    wm_emit(out, WM_OUT_SEND, buf, wm_fmt_int(buf, g));
    /* The next NUMBER most likely draws this value: its slot in a large
     * set is a cache miss, taken now, while the peer answers. */
    int64_t next;
    if (!s->secret_known && wm_rng_peek_randint(&s->rng, s->lo, s->hi, &next))
        wm_gset_prefetch(&s->guesses, next);
    return WM_SESS_OPEN;
}

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    struct wm_server *s = self;
    assert(!s->closed);
    struct wm_msg m;
    struct wm_err e;
    if (wm_msg_parse(line, len, &m, &e) < 0)
        return fail(s, out, &e);
    switch (m.type) {
    case WM_MSG_EMPTY: /* the reference's loop ends quietly on an empty line */
        s->closed = 1;
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    case WM_MSG_PARAMS:
        s->lo = m.lo;
        s->hi = m.hi;
        s->have_range = 1;
        s->have_last = 0;
        s->secret_known = 0;
        wm_gset_clear(&s->guesses);
        wm_gset_domain(&s->guesses, m.lo, m.hi);
        return WM_SESS_OPEN;
    case WM_MSG_NUMBER:
        return send_number(s, out);
    case WM_MSG_REPORT:
        if (!s->have_last) {
            struct wm_quoted q;
            wm_err_set(&e, "REPORT before any NUMBER in this game: %s", wm_quote(&q, line, len));
            return fail(s, out, &e);
        }
        if (m.decision == WM_CORRECT) {
            s->secret = s->last;
            s->secret_known = 1;
        }
        char buf[WM_MSG_MAX + 32];
        wm_emit(out, WM_OUT_LOG, buf, wm_fmt_judged(buf, "Server: ", s->last, m.decision));
        return WM_SESS_OPEN;
    }
    assert(0 && "unreachable message type");
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    struct wm_server *s = self;
    if (s->have_range && s->lo <= s->hi) {
        struct wm_err e;
        wm_err_set(&e, "client closed the connection mid-game (range [%" PRId64 ", %" PRId64
                       "], guesses made: %zu)", s->lo, s->hi, s->guesses.count);
        return fail(s, out, &e);
    }
    s->closed = 1; /* a quiet close answering the peer's: not recorded */
    return WM_SESS_CLOSED;
}

/* As the book's readline raises ConnectionResetError: an error even
 * between games, where a clean end is not one. */
static enum wm_sess_rc on_reset(void *self, const struct wm_sink *out)
{
    struct wm_server *s = self;
    struct wm_err e;
    if (s->have_range && s->lo <= s->hi)
        wm_err_set(&e, WM_RESET_TEXT " mid-game (range [%" PRId64 ", %" PRId64
                       "], guesses made: %zu)", s->lo, s->hi, s->guesses.count);
    else
        wm_err_set(&e, WM_RESET_TEXT " between games");
    return fail(s, out, &e);
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    return fail(self, out, err);
}

static enum wm_sess_rc on_timeout(void *self, const struct wm_sink *out)
{
    struct wm_server *s = self;
    struct wm_err e;
    if (s->have_range && s->lo <= s->hi)
        wm_err_set(&e, "timed out waiting for the client mid-game (range [%" PRId64 ", %" PRId64
                       "], guesses made: %zu)", s->lo, s->hi, s->guesses.count);
    else
        wm_err_set(&e, "timed out waiting for the client");
    return fail(s, out, &e);
}

static enum wm_sess_rc start(void *self, const struct wm_sink *out)
{
    (void)self;
    (void)out;
    return WM_SESS_OPEN; /* the client speaks first */
}

const struct wm_role wm_server_role = {start, on_line, on_eof, on_bad_input, on_timeout,
                                      NULL, NULL, NULL, NULL, NULL, 0, on_reset};
