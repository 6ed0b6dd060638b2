/* The book's threaded Client and run_client as a state machine over the
 * server's lines: tests/book_ref.py is the code this follows; docs/PROTOCOL.md,
 * "Profiles", says what each input does. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "book.h"
#include "msg.h"
#include "pyint.h"

int wm_book_client_init(struct wm_book_client *c, const struct wm_game *games, size_t ngames,
                        size_t max_guesses)
{
    memset(c, 0, sizeof *c);
    c->games = games;
    c->ngames = ngames;
    wm_bigarena_init(&c->hist, max_guesses, WM_BOOK_BYTES_MAX);
    return 0;
}

void wm_book_client_free(struct wm_book_client *c)
{
    wm_bigarena_free(&c->hist);
}

static void send(const struct wm_sink *out, const char *text, size_t len)
{
    wm_emit(out, WM_OUT_SEND, text, len);
}

static void send_params(const struct wm_sink *out, const struct wm_big *lo, const struct wm_big *hi)
{
    char buf[2 * WM_BIG_TEXT_MAX + 8];
    size_t n = (size_t)sprintf(buf, "PARAMS ");
    n += wm_book_fmt(buf + n, lo);
    buf[n++] = ' ';
    n += wm_book_fmt(buf + n, hi);
    send(out, buf, n);
}

/* An exception leaves the game: its `finally` sends PARAMS 0 -1, then the
 * exception ends run_client (no summary). */
static enum wm_sess_rc fail_text(struct wm_book_client *c, const struct wm_sink *out,
                                 const char *text)
{
    assert(!c->done && c->game < c->ngames);
    send(out, "PARAMS 0 -1", 11);
    c->done = 1;
    wm_book_error(out, text, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc fail(struct wm_book_client *c, const struct wm_sink *out,
                            const struct wm_err *e)
{
    return fail_text(c, out, e->msg);
}

/* The same for a harness's own reason (a wm_err, escaped already). */
static enum wm_sess_rc fail_harness(struct wm_book_client *c, const struct wm_sink *out,
                                    const struct wm_err *e)
{
    assert(!c->done && c->game < c->ngames);
    send(out, "PARAMS 0 -1", 11);
    c->done = 1;
    wm_emit(out, WM_OUT_ERROR, e->msg, strlen(e->msg));
    return WM_SESS_CLOSED;
}

/* A game's values: its int64 fields, or "LO:HI:SECRET" beyond them. */
static void load_game(struct wm_book_client *c, const struct wm_game *g)
{
    if (!g->big) {
        wm_big_from_i64(&c->lo, g->lo);
        wm_big_from_i64(&c->hi, g->hi);
        wm_big_from_i64(&c->secret, g->secret);
        return;
    }
    struct wm_big *dst[3] = {&c->lo, &c->hi, &c->secret};
    const char *p = g->big;
    for (int i = 0; i < 3; i++) {
        const char *end = i < 2 ? strchr(p, ':') : p + strlen(p);
        int ok = end && wm_big_parse_canonical(p, (size_t)(end - p), dst[i]) == 0;
        assert(ok && "a game's big text is validated where it is made");
        (void)ok;
        p = end + 1;
    }
}

/* `with client.session(lower, upper, secret):` */
static void begin_game(struct wm_book_client *c, const struct wm_sink *out)
{
    load_game(c, &c->games[c->game]);
    char line[3 * WM_BIG_TEXT_MAX + 64]; /* 13 KiB: serve's threads have 128 */
    size_t n = (size_t)sprintf(line, "Guess a number between ");
    n += wm_book_fmt(line + n, &c->lo);
    n += (size_t)sprintf(line + n, " and ");
    n += wm_book_fmt(line + n, &c->hi);
    n += (size_t)sprintf(line + n, "! Shhhhh, it's ");
    n += wm_book_fmt(line + n, &c->secret);
    n += (size_t)sprintf(line + n, ".");
    wm_emit(out, WM_OUT_LOG, line, wm_book_log_cut(line, n, c->max_log));
    send_params(out, &c->lo, &c->hi);
    c->asked = 0;
    c->have_dist = 0;
}

/* Asks for the next guess, or ends games (the `finally`) and starts the
 * next ones, or ends the session with main's summary. */
static enum wm_sess_rc advance(struct wm_book_client *c, const struct wm_sink *out, int game_over)
{
    for (;;) {
        if (!game_over && c->asked < c->games[c->game].count) {
            send(out, "NUMBER", 6);
            return WM_SESS_OPEN;
        }
        send(out, "PARAMS 0 -1", 11);
        if (++c->game == c->ngames)
            break;
        begin_game(c, out);
        game_over = 0;
    }
    struct wm_big v;
    unsigned tag;
    size_t pos = 0;
    while (wm_bigarena_next(&c->hist, &pos, &v, &tag)) {
        char line[WM_BIG_TEXT_MAX + 32];
        size_t n = (size_t)sprintf(line, "Client: ");
        n += wm_book_fmt(line + n, &v);
        n += (size_t)sprintf(line + n, " is %s", wm_decision_name((enum wm_decision)tag));
        wm_emit(out, WM_OUT_LOG, line, wm_book_log_cut(line, n, c->max_log));
    }
    c->done = 1;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc start(void *self, const struct wm_sink *out)
{
    struct wm_book_client *c = self;
    if (c->ngames == 0) {
        c->done = 1;
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    }
    begin_game(c, out);
    return advance(c, out, 0);
}

/* report_outcome(number): math.fabs(number - secret), compared as floats. */
static int judge(struct wm_book_client *c, const struct wm_big *n, enum wm_decision *d)
{
    struct wm_big diff;
    int rc = wm_big_sub(&diff, n, &c->secret);
    assert(rc == 0); /* both within the digit limit */
    (void)rc;
    double dist;
    if (wm_big_to_double(&diff, &dist) < 0)
        return -1;
    if (dist == 0)
        *d = WM_CORRECT;
    else if (!c->have_dist || dist == c->last_dist)
        *d = WM_UNSURE;
    else
        *d = dist < c->last_dist ? WM_WARMER : WM_COLDER;
    c->last_dist = dist;
    c->have_dist = 1;
    return 0;
}

/* One reply: the line less its last byte, as receive() returns it. */
static enum wm_sess_rc reply(struct wm_book_client *c, const char *line, size_t len,
                             const struct wm_sink *out)
{
    struct wm_err e;
    struct wm_big n;
    if (wm_py_utf8_check(line, len, &e) < 0 || wm_pyint_parse(line, len, &n, &e) < 0)
        return fail(c, out, &e);
    if (c->hist.count >= c->hist.max) {
        wm_err_set(&e, "more than %zu guesses (max-guesses, a harness bound: the book's client "
                       "has none)", c->hist.max);
        return fail(c, out, &e);
    }
    enum wm_decision d;
    if (judge(c, &n, &d) < 0)
        return fail_text(c, out, "OverflowError: int too large to convert to float");
    char buf[WM_MSG_MAX];
    send(out, buf, wm_fmt_report(buf, d));
    int rc = wm_bigarena_add(&c->hist, &n, (unsigned)d);
    if (rc == WM_BIGSET_BYTES) {
        wm_err_set(&e, "the guesses of this session take more than %zu bytes (a harness bound: "
                       "the book's client has none)", WM_BOOK_BYTES_MAX);
        return fail(c, out, &e);
    }
    if (rc < 0)
        return fail_text(c, out, "out of memory recording a guess");
    c->asked++;
    return advance(c, out, d == WM_CORRECT); /* `if self.last_distance == 0: return` */
}

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    struct wm_book_client *c = self;
    assert(!c->done);
    return reply(c, line, len, out);
}

static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    return fail_text(self, out, "EOFError: Connection closed");
}

/* The server reset the connection: readline raises ConnectionResetError,
 * then the game's finally sends PARAMS 0 -1 on the reset socket, which
 * raises BrokenPipeError: nothing goes out, and run_client ends with it. */
static enum wm_sess_rc on_reset(void *self, const struct wm_sink *out)
{
    struct wm_book_client *c = self;
    assert(!c->done && c->game < c->ngames);
    c->done = 1;
    wm_book_error(out, WM_BOOK_CLIENT_RESET_TEXT, "", 0);
    return WM_SESS_CLOSED;
}

/* readline() returned the bytes before the end: the book drops the last one
 * and uses the rest; if it reads again, it sees the end. */
static enum wm_sess_rc on_tail(void *self, const char *bytes, size_t len, const struct wm_sink *out)
{
    struct wm_book_client *c = self;
    assert(len > 0 && !c->done);
    if (reply(c, bytes, len - 1, out) != WM_SESS_OPEN)
        return WM_SESS_CLOSED;
    return on_eof(c, out);
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    struct wm_err e;
    wm_book_input_error(err, &e);
    return fail_harness(self, out, &e);
}

static enum wm_sess_rc on_timeout(void *self, const struct wm_sink *out)
{
    struct wm_book_client *c = self;
    struct wm_err e;
    wm_err_set(&e, "timed out waiting for a guess (game %zu, guess %" PRIu64 "; a harness bound: "
                   "the book's client waits forever)", c->game + 1, c->asked + 1);
    return fail(c, out, &e);
}

const struct wm_role wm_book_client_role = {
    .start = start,
    .on_line = on_line,
    .on_eof = on_eof,
    .on_bad_input = on_bad_input,
    .on_timeout = on_timeout,
    .on_tail = on_tail,
    .raw_lines = 1,
    .on_reset = on_reset,
};
