/* The book's threaded Session (and the asyncio one's closing) as a state
 * machine over lines: tests/book_ref.py is the code this follows, line for
 * line; docs/PROTOCOL.md, "Profiles", says what each input does. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "book.h"
#include "pyint.h"

/* A draw loop that runs this many times the expected number of draws has
 * odds below e^-64 of being honest (server.c says why): the book would go
 * on, we stop and say so. */
#define DRAW_BOUND_FACTOR 64

static const char asyncio_note[] = "without closing its writer: the connection stays open "
                                   "(CPython 3.8-3.12; measured on 3.11.7)";

int wm_book_server_init(struct wm_book_server *s, enum wm_profile profile, uint64_t seed,
                        size_t max_guesses)
{
    assert(wm_profile_is_book(profile));
    memset(s, 0, sizeof *s);
    s->profile = profile;
    s->max_guesses = max_guesses;
    wm_rng_seed(&s->rng, seed);
    wm_gset_init(&s->small_guesses, max_guesses);
    wm_bigset_init(&s->big_guesses, max_guesses, WM_BOOK_BYTES_MAX);
    return 0;
}

void wm_book_server_free(struct wm_book_server *s)
{
    wm_gset_free(&s->small_guesses);
    wm_bigset_free(&s->big_guesses);
}

static enum wm_sess_rc fail_text(struct wm_book_server *s, const struct wm_sink *out,
                                 const char *text)
{
    s->closed = 1;
    wm_book_error(out, text, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc fail(struct wm_book_server *s, const struct wm_sink *out,
                            const struct wm_err *e)
{
    return fail_text(s, out, e->msg);
}

static enum wm_sess_rc hang(struct wm_book_server *s, const struct wm_sink *out, const char *why)
{
    s->closed = 1;
    wm_emit(out, WM_OUT_HANG, why, strlen(why));
    return WM_SESS_CLOSED;
}

/* The handler returned (EOFError caught, or an empty command ended the
 * loop): the threaded server's `with connection` closes; the asyncio one's
 * handler never closes its writer. */
static enum wm_sess_rc handler_returned(struct wm_book_server *s, const struct wm_sink *out,
                                        const char *after)
{
    if (s->profile == WM_PROFILE_BOOK_ASYNCIO) {
        char why[256];
        snprintf(why, sizeof why, "the book's asyncio handler returned %s %s", after,
                 asyncio_note);
        return hang(s, out, why);
    }
    s->closed = 1;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

/* str(v), cut to 40 characters with "..." (for reasons about a range). */
static const char *short_text(char *buf, const struct wm_big *v)
{
    if (wm_book_fmt(buf, v) > 40)
        strcpy(buf + 37, "...");
    return buf;
}

static size_t guess_count(const struct wm_book_server *s)
{
    return s->small ? s->small_guesses.count : wm_bigset_count(&s->big_guesses);
}

/* random.randint(lower, upper) fails before drawing: None bounds (no
 * PARAMS yet) or an empty range. WM_SESS_OPEN if it would draw, else the
 * session ended with Python's exception. */
static enum wm_sess_rc randint_check(struct wm_book_server *s, const struct wm_sink *out)
{
    if (!s->have_range) /* randint(None, None): None + 1 */
        return fail_text(s, out, "TypeError: unsupported operand type(s) for +: 'NoneType' and "
                                 "'int'");
    if (wm_big_cmp(&s->lo, &s->hi) <= 0)
        return WM_SESS_OPEN;
    /* randrange(lo, hi + 1): "empty range for randrange() (%d, %d, %d)" %
     * (istart, istop, width); width = istop - istart may pass the digit
     * limit, and then formatting it is the ValueError (lo and hi + 1 cannot:
     * lo > hi). Up to 3 x 4300 digits: no fixed buffer. */
    struct wm_big one, stop, width;
    wm_big_from_i64(&one, 1);
    int rc = wm_big_add(&stop, &s->hi, &one) | wm_big_sub(&width, &stop, &s->lo);
    assert(rc == 0); /* both within 2^14286 */
    (void)rc;
    char *text = wm_malloc(3 * WM_BIG_TEXT_MAX + 64);
    if (!text)
        return fail_text(s, out, "out of memory for an exception's text");
    size_t n = (size_t)sprintf(text, "ValueError: empty range for randrange() (");
    const struct wm_big *vals[3] = {&s->lo, &stop, &width};
    for (int i = 0; i < 3; i++) {
        size_t k = wm_big_format(vals[i], text + n);
        if (k == 0) {
            snprintf(text, 3 * WM_BIG_TEXT_MAX + 64, "ValueError: Exceeds the limit (%d digits) "
                     "for integer string conversion; use sys.set_int_max_str_digits() to "
                     "increase the limit", WM_BIG_DIGITS_MAX);
            n = strlen(text);
            break;
        }
        n += k;
        n += (size_t)sprintf(text + n, i < 2 ? ", " : ")");
    }
    enum wm_sess_rc r = fail_text(s, out, text);
    wm_free(text);
    return r;
}

/* The game's distinct guesses cover the range: the book's `while True`
 * never finds a new one. */
static int exhausted(const struct wm_book_server *s, struct wm_big *size)
{
    struct wm_big one, n;
    wm_big_from_i64(&one, 1);
    int rc = wm_big_sub(size, &s->hi, &s->lo) | wm_big_add(size, size, &one);
    assert(rc == 0);
    (void)rc;
    wm_big_from_i64(&n, (int64_t)guess_count(s));
    return wm_big_cmp(size, &n) <= 0;
}

/* One `random.randint(lower, upper)` of the book's loop into *g: 1 a new
 * guess (recorded), 0 drawn before, or a WM_BIGSET_* code. */
static int draw(struct wm_book_server *s, struct wm_big *g)
{
    if (s->small) {
        int64_t lo, hi;
        int ok = wm_big_to_i64(&s->lo, &lo) == 0 && wm_big_to_i64(&s->hi, &hi) == 0;
        assert(ok);
        (void)ok;
        int64_t v = wm_rng_randint(&s->rng, lo, hi); /* wm_big_randint's draws, faster */
        wm_big_from_i64(g, v);
        int added = wm_gset_add(&s->small_guesses, v);
        return added == -1 ? WM_BIGSET_NOMEM : added; /* never full: counted before */
    }
    wm_big_randint(&s->rng, &s->lo, &s->hi, g);
    return wm_bigset_add(&s->big_guesses, g);
}

static enum wm_sess_rc send_number(struct wm_book_server *s, const struct wm_sink *out)
{
    char text[WM_BIG_TEXT_MAX];
    struct wm_err e;
    if (!s->secret_known) {
        if (randint_check(s, out) != WM_SESS_OPEN)
            return WM_SESS_CLOSED;
        struct wm_big size;
        if (exhausted(s, &size)) {
            char lo[WM_BIG_TEXT_MAX];
            short_text(lo, &s->lo);
            short_text(text, &s->hi);
            wm_err_set(&e, "NUMBER after all %zu values of [%s, %s] were guessed: the book's "
                           "server draws forever", guess_count(s), lo, text);
            return hang(s, out, e.msg);
        }
        if (guess_count(s) >= s->max_guesses) {
            wm_err_set(&e, "NUMBER beyond the limit of %zu guesses in one game (max-guesses, a "
                           "harness bound: the book's server has none)", s->max_guesses);
            return fail(s, out, &e);
        }
        uint64_t bound = DRAW_BOUND_FACTOR * ((uint64_t)guess_count(s) + 1), draws = 0;
        int added;
        do {
            if (draws++ == bound) {
                wm_err_set(&e, "NUMBER gave up after %" PRIu64 " draws (a harness bound: odds "
                               "below e^-64 that CPython's randint needs more)", bound);
                return fail(s, out, &e);
            }
            added = draw(s, &s->last);
        } while (added == 0);
        if (added == WM_BIGSET_BYTES) {
            wm_err_set(&e, "NUMBER refused: this game's guesses would take more than %zu bytes "
                           "(a harness bound: the book's server has none)", WM_BOOK_BYTES_MAX);
            return fail(s, out, &e);
        }
        if (added < 0)
            return fail_text(s, out, "out of memory recording a guess");
        assert(wm_big_cmp(&s->last, &s->lo) >= 0 && wm_big_cmp(&s->last, &s->hi) <= 0);
    }
    /* else: next_guess() returns the secret, which is guesses[-1] already
     * (the book appends it again: nothing that changes what it does). */
    s->have_last = 1;
    size_t n = wm_book_fmt(text, &s->last);
    wm_emit(out, WM_OUT_SEND, text, n);
    return WM_SESS_OPEN;
}

/* Python's str.split(' '): the number of parts, and the first's length. */
static size_t split_count(const char *line, size_t len, size_t *first)
{
    size_t parts = 1;
    *first = len;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == ' ') {
            if (parts == 1)
                *first = i;
            parts++;
        }
    }
    return parts;
}

static int word_is(const char *w, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(w, lit, len) == 0;
}

static enum wm_sess_rc set_params(struct wm_book_server *s, const char *line, size_t len,
                                  size_t first, const struct wm_sink *out)
{
    struct wm_err e;
    struct wm_big lo, hi;
    const char *a = line + first + 1, *end = line + len;
    const char *b = memchr(a, ' ', (size_t)(end - a));
    assert(b); /* three parts */
    if (wm_pyint_parse(a, (size_t)(b - a), &lo, &e) < 0 ||
        wm_pyint_parse(b + 1, (size_t)(end - b - 1), &hi, &e) < 0)
        return fail(s, out, &e);
    /* _clear_state(lower, upper) */
    s->lo = lo;
    s->hi = hi;
    s->have_range = 1;
    s->secret_known = 0;
    s->have_last = 0;
    int64_t l64, h64;
    s->small = wm_big_to_i64(&lo, &l64) == 0 && wm_big_to_i64(&hi, &h64) == 0;
    wm_gset_clear(&s->small_guesses);
    wm_bigset_clear(&s->big_guesses);
    if (s->small)
        wm_gset_domain(&s->small_guesses, l64, h64);
    return WM_SESS_OPEN;
}

static enum wm_sess_rc receive_report(struct wm_book_server *s, const char *line, size_t len,
                                      size_t first, const struct wm_sink *out)
{
    if (!s->have_last) /* self.guesses[-1] of an empty list */
        return fail_text(s, out, "IndexError: list index out of range");
    const char *decision = line + first + 1;
    size_t dlen = len - first - 1;
    if (word_is(decision, dlen, "Correct"))
        s->secret_known = 1; /* self.secret = last */
    char head[WM_BIG_TEXT_MAX + 16];
    size_t n = (size_t)sprintf(head, "Server: ");
    n += wm_book_fmt(head + n, &s->last);
    strcpy(head + n, " is ");
    if (wm_book_log(out, s->max_log, head, decision, dlen) < 0)
        return fail_text(s, out, "out of memory for a console line");
    return WM_SESS_OPEN;
}

/* One command: the line less its last byte (a newline, or the last byte of
 * an unfinished line at the end), as Session.loop() handles it. */
static enum wm_sess_rc command(struct wm_book_server *s, const char *line, size_t len,
                               const struct wm_sink *out)
{
    struct wm_err e;
    if (wm_py_utf8_check(line, len, &e) < 0)
        return fail(s, out, &e);
    if (len == 0) /* `while command := ...` ends on an empty str */
        return handler_returned(s, out, "on an empty line");
    size_t first, parts = split_count(line, len, &first);
    if (word_is(line, first, "PARAMS")) {
        if (parts != 3)
            return fail_text(s, out, "AssertionError");
        return set_params(s, line, len, first, out);
    }
    if (word_is(line, first, "NUMBER")) /* further words are never looked at */
        return send_number(s, out);
    if (word_is(line, first, "REPORT")) {
        if (parts != 2)
            return fail_text(s, out, "AssertionError");
        return receive_report(s, line, len, first, out);
    }
    s->closed = 1;
    wm_book_error(out, "UnknownCommandError: ", line, len);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    struct wm_book_server *s = self;
    assert(!s->closed);
    return command(s, line, len, out);
}

static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    /* receive() raises EOFError, which handle_connection catches */
    return handler_returned(self, out, "at the client's EOF");
}

/* readline() returned the bytes before the end: the book drops the last one
 * and handles the rest; its next readline() sees the end. */
static enum wm_sess_rc on_tail(void *self, const char *bytes, size_t len, const struct wm_sink *out)
{
    struct wm_book_server *s = self;
    assert(len > 0 && !s->closed);
    if (command(s, bytes, len - 1, out) != WM_SESS_OPEN)
        return WM_SESS_CLOSED;
    return on_eof(s, out);
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    struct wm_book_server *s = self;
    struct wm_err e;
    wm_book_input_error(err, &e); /* the framer's reason: escaped already */
    s->closed = 1;
    wm_emit(out, WM_OUT_ERROR, e.msg, strlen(e.msg));
    return WM_SESS_CLOSED;
}

/* The client reset the connection: readline raises ConnectionResetError,
 * which neither handler catches (both catch EOFError only): the threaded
 * handler's thread ends with it, the asyncio task too (its transport is
 * closed already). An error in every state, between games too. */
static enum wm_sess_rc on_reset(void *self, const struct wm_sink *out)
{
    return fail_text(self, out, WM_BOOK_SERVER_RESET_TEXT);
}

static enum wm_sess_rc on_timeout(void *self, const struct wm_sink *out)
{
    return fail_text(self, out, "timed out waiting for the client (a harness bound: the book's "
                                "server waits forever)");
}

static enum wm_sess_rc start(void *self, const struct wm_sink *out)
{
    (void)self;
    (void)out;
    return WM_SESS_OPEN; /* the client speaks first */
}

const struct wm_role wm_book_server_role = {
    .start = start,
    .on_line = on_line,
    .on_eof = on_eof,
    .on_bad_input = on_bad_input,
    .on_timeout = on_timeout,
    .on_tail = on_tail,
    .raw_lines = 1,
    .on_reset = on_reset,
};
