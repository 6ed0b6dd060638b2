/* The exact oracle (oracle.h): each connection's server and client played
 * again from the header alone, their wire lines and console lines required
 * to be what CPython's reference would have produced. Like invariants.c it
 * includes nothing from proto/ and parses the text itself. */
#include "oracle.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_int.h"
#include "oracle_mt.h"

int wm_orc_same(const char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* Draws one guess may take before the oracle calls the server's answer
 * impossible (the server itself gives up far sooner, with an error). */
#define DRAWS_PER_GUESS (1u << 22)

/* ---- one connection, both sides played again (oracle_int.h) ---- */

int wm_orc_fail(struct wm_orc *o, const char *kind, size_t line, const char *fmt, ...)
{
    va_list ap;
    o->v->kind = kind;
    o->v->conn = o->c.no;
    o->v->lineno = line;
    va_start(ap, fmt);
    vsnprintf(o->v->msg, sizeof o->v->msg, fmt, ap);
    va_end(ap);
    return 1;
}

static void start_conn(struct wm_orc *o, unsigned no)
{
    struct wm_orc_conn *c = &o->c;
    struct inv_set drawn = c->drawn;
    struct wm_orc_jlist sl = c->server_log, j = c->judged, fd = c->far_drawn;
    inv_set_clear(&drawn);
    sl.n = j.n = fd.n = 0;
    memset(c, 0, sizeof *c);
    c->drawn = drawn, c->server_log = sl, c->judged = j, c->far_drawn = fd;
    c->no = no;
    /* seed + n - 1 as CPython sees it: an int, so past 2^64 a third word */
    uint64_t s = o->h.seed + (no - 1);
    wm_omt_seed(&c->mt, s, s < o->h.seed);
}

/* The reference client's judgement: math.fabs(n - secret), the exact
 * difference rounded once to a double, against the previous distance. */
static const char *judge(const struct wm_ov *n, const struct wm_ov *secret, int have_prev,
                         double prev, double *d)
{
    struct wm_ov diff;
    int rc = wm_ov_sub(&diff, n, secret);
    assert(rc == 0); /* both below 2^WM_OV_BITS */
    (void)rc;
    *d = wm_ov_abs_double(&diff);
    if (wm_ov_is_zero(&diff))
        return "Correct";
    if (!have_prev)
        return "Unsure";
    return *d < prev ? "Warmer" : *d > prev ? "Colder" : "Unsure";
}

/* The game's draws so far. */
size_t wm_orc_drawn_count(const struct wm_orc_conn *c)
{
    return c->drawn.n + c->far_drawn.n;
}

/* Records draw g: 1 new, 0 drawn before in this game, -1 out of memory. */
static int remember(struct wm_orc_conn *c, const struct wm_ov *g)
{
    struct wm_ov off;
    int rc = wm_ov_sub(&off, g, &c->lo);
    assert(rc == 0 && !off.neg);
    (void)rc;
    if (c->small_span)
        return inv_set_add(&c->drawn, (int64_t)((uint64_t)off.w[1] << 32 | off.w[0]));
    for (size_t i = 0; i < c->far_drawn.n; i++)
        if (wm_ov_cmp(&c->far_drawn.a[i].v, g) == 0)
            return 0;
    return wm_orc_jlist_push(&c->far_drawn, g, "", 0) < 0 ? -1 : 1;
}

int wm_orc_exhausted(const struct wm_orc_conn *c)
{
    struct wm_ov size, one, count;
    wm_ov_from_i64(&one, 1);
    wm_ov_from_i64(&count, (int64_t)wm_orc_drawn_count(c));
    int rc = wm_ov_sub(&size, &c->hi, &c->lo) | wm_ov_add(&size, &size, &one);
    assert(rc == 0);
    (void)rc;
    return wm_ov_cmp(&count, &size) >= 0;
}

/* The server's answer to the NUMBER it is answering: 1 with *g, 0 when the
 * reference has no answer (*why: no range, an empty or exhausted one), -1 OOM. */
int wm_orc_draw(struct wm_orc *o, struct wm_ov *g, enum wm_orc_nothing *why)
{
    struct wm_orc_conn *c = &o->c;
    if (c->secret_known) {
        *g = c->secret;
        return 1;
    }
    *why = !c->have_range ? WM_ORC_NO_RANGE : wm_ov_cmp(&c->lo, &c->hi) > 0 ? WM_ORC_EMPTY : 0;
    if (*why)
        return 0;
    if (wm_orc_exhausted(c)) {
        *why = WM_ORC_EXHAUSTED;
        return 0;
    }
    uint64_t draws = 0;
    while (draws < DRAWS_PER_GUESS) {
        wm_ov_randint(&c->mt, &c->lo, &c->hi, g, &draws);
        int added = remember(c, g);
        if (added != 0)
            return added;
    }
    *why = WM_ORC_GAVE_UP;
    return 0;
}

/* A value a client line names, as the profile's server reads it: strict's
 * within int64, the book's of any size (within the oracle's reach). */
static int read_value(const struct wm_orc *o, const char *s, size_t n, struct wm_ov *v)
{
    int64_t x;
    return wm_ov_parse(v, s, n) == 0 && (wm_orc_book(o) || wm_ov_to_i64(v, &x)) ? 0 : -1;
}

static int client_line(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    struct wm_ov lo, hi;
    int ended = 0;
    if (inv_starts(s, n, "PARAMS ")) {
        const char *sp = memchr(s + 7, ' ', n - 7);
        if (!sp || read_value(o, s + 7, (size_t)(sp - s - 7), &lo) < 0 ||
            read_value(o, sp + 1, (size_t)(s + n - sp - 1), &hi) < 0) {
            c->lost |= wm_orc_book(o); /* Python's int() may read what the oracle does not */
            c->ended_game = 0;
            return 0;
        }
        if (!c->playing && c->gi < o->h.ng)
            c->playing = 1, c->have_prev = 0, c->asked = 0, c->started++;
        else if (c->playing)
            c->playing = 0, c->gi++, ended = 1;
        c->ended_game = ended;
        c->want = NULL;
        if (!c->server_ended) { /* the server reads it: a new range, nothing known */
            struct wm_ov span;
            c->have_range = 1, c->lo = lo, c->hi = hi;
            c->small_span = wm_ov_sub(&span, &hi, &lo) == 0 && wm_ov_bits(&span) <= 64;
            c->secret_known = c->have_last = 0;
            c->guess_no = 0;
            inv_set_clear(&c->drawn);
            c->far_drawn.n = 0;
        }
        return 0;
    }
    c->ended_game = 0;
    if (!inv_starts(s, n, "REPORT ")) {
        if (wm_orc_book(o) && o->h.client_script && !(n == 6 && memcmp(s, "NUMBER", 6) == 0))
            c->lost = 1; /* the book's reaction is not the oracle's to say */
        return 0;
    }
    const char *d = s + 7;
    size_t dn = n - 7;
    if (c->want && !o->h.client_script && (dn != strlen(c->want) || memcmp(d, c->want, dn) != 0)) {
        char sec[WM_OV_TEXT];
        wm_ov_format(&o->h.g[c->gi].secret, sec);
        return wm_orc_fail(o, "judgement", o->lineno,
                    "REPORT %.*s, but the reference client judges %s (game %zu, guess %" PRIu64
                    ": |guess - %s| as a double against the last)",
                    (int)(dn > 20 ? 20 : dn), d, c->want, c->gi + 1, c->guess_no, sec);
    }
    c->want = NULL;
    if (c->server_ended || c->lost)
        return 0;
    static const char *const words[] = {"Warmer", "Colder", "Unsure", "Correct"};
    const char *word = NULL;
    for (int i = 0; i < 4; i++)
        if (dn == strlen(words[i]) && memcmp(d, words[i], dn) == 0)
            word = words[i];
    /* the book logs any one word (split(' ') in two parts); strict only a decision */
    if (wm_orc_book(o) && !word && !memchr(d, ' ', dn) && !memchr(d, '\\', dn))
        word = d;
    else if (wm_orc_book(o) && !word)
        c->lost = o->h.client_script; /* an escaped byte, or an AssertionError: not followed */
    if (!c->have_last || !word) {
        c->server_ended = 1; /* the server's error: it logs nothing more */
        return 0;
    }
    if (wm_orc_jlist_push(&c->server_log, &c->last, word, dn) < 0)
        return wm_orc_fail(o, "format", o->lineno, "out of memory");
    if (word == words[3])
        c->secret_known = 1, c->secret = c->last;
    return 0;
}

/* A guess the server sent, whole (cut: 0) or cut short by a fault. */
static int server_guess(struct wm_orc *o, const char *s, size_t n, int cut)
{
    struct wm_orc_conn *c = &o->c;
    struct wm_ov want = {0};
    enum wm_orc_nothing why = 0;
    int drew = c->lost ? 0 : wm_orc_draw(o, &want, &why);
    if (drew < 0)
        return wm_orc_fail(o, "format", o->lineno, "out of memory");
    c->guess_no++;
    char buf[WM_OV_TEXT], lo[WM_OV_TEXT], hi[WM_OV_TEXT];
    size_t bn = drew ? wm_ov_format(&want, buf) : 0;
    if (!o->h.server_script && !c->lost) {
        if (!drew)
            return wm_orc_fail(o, "guess", o->lineno, "the server sent %.*s where the reference has no "
                        "guess to give (game %zu)", (int)(n > 30 ? 30 : n), s, c->gi + 1);
        if (cut ? n > bn || memcmp(s, buf, n) != 0 : n != bn || memcmp(s, buf, n) != 0) {
            wm_ov_format(&c->lo, lo);
            wm_ov_format(&c->hi, hi);
            return wm_orc_fail(o, "guess", o->lineno,
                        "the server guessed %s%.*s, CPython's randint(%s, %s) draws %s "
                        "(connection %u seeded %" PRIu64 " + %u, guess %" PRIu64 ")",
                        cut ? "(cut) " : "", (int)(n > 30 ? 30 : n), s, lo, hi, buf, c->no,
                        o->h.seed, c->no - 1, c->guess_no);
        }
    }
    c->last = want, c->have_last = drew;
    struct wm_ov g;
    if (cut || !c->playing || n > o->h.max_line)
        return 0; /* the client errs instead of judging: no summary follows */
    if (c->judged.n >= o->h.max_guesses) {
        c->over_guesses = 1; /* so does it past max-guesses */
        return 0;
    }
    if (wm_ov_parse(&g, s, n) < 0 || (!wm_orc_book(o) && !wm_ov_to_i64(&g, &(int64_t){0}))) {
        c->client_lost |= wm_orc_book(o); /* Python's int() may read it: not followed */
        return 0;
    }
    const struct wm_orc_game *game = &o->h.g[c->gi];
    if (!wm_orc_book(o) && (wm_ov_cmp(&g, &game->lo) < 0 || wm_ov_cmp(&g, &game->hi) > 0))
        return 0; /* strict's client refuses a guess outside the range; the book's judges it */
    double d;
    c->want = judge(&g, &game->secret, c->have_prev, c->prev, &d);
    c->prev = d, c->have_prev = 1, c->asked++;
    if (wm_orc_jlist_push(&c->judged, &g, c->want, strlen(c->want)) < 0)
        return wm_orc_fail(o, "format", o->lineno, "out of memory");
    return 0;
}

/* The next console line of side `side` of this connection after *at. */
static int next_console(struct wm_orc *o, char side, size_t *at, const char **s, size_t *n)
{
    char label[16];
    int ln = snprintf(label, sizeof label, "%c%u ", side, o->c.no);
    while (*at < o->clen) {
        const char *p = o->console + *at, *nl = memchr(p, '\n', o->clen - *at);
        size_t len = nl ? (size_t)(nl - p) : o->clen - *at;
        *at += len + 1;
        if (len >= (size_t)ln && memcmp(p, label, (size_t)ln) == 0) {
            *s = p + ln, *n = len - (size_t)ln;
            return 1;
        }
    }
    return 0;
}

static int check_console(struct wm_orc *o)
{
    struct wm_orc_conn *c = &o->c;
    size_t at = 0, n, i;
    const char *s;
    char want[3 * WM_OV_TEXT + 64], a[WM_OV_TEXT], b[WM_OV_TEXT], d[WM_OV_TEXT];
    if (c->client_lost || c->lost)
        return 0; /* the book read a line the oracle cannot: not followed */
    int more = next_console(o, 'C', &at, &s, &n);
    /* the client: a line per game it started, then its summary */
    for (i = 0; more && inv_starts(s, n, "Guess a number"); i++) {
        const struct wm_orc_game *g = i < o->h.ng ? &o->h.g[i] : NULL;
        if (g) {
            wm_ov_format(&g->lo, a), wm_ov_format(&g->hi, b), wm_ov_format(&g->secret, d);
            snprintf(want, sizeof want, "Guess a number between %s and %s! Shhhhh, it's %s.", a,
                     b, d);
        }
        /* a fault (a half-close) may hide the PARAMS of games the client played */
        int due = g && (i < c->started || o->h.faults);
        if (!due || !wm_orc_same(s, n, want))
            return wm_orc_fail(o, "console", c->last_line, "client console line \"%.*s\", want %s%s%s",
                        (int)(n > 100 ? 100 : n), s, due ? "\"" : "", due ? want : "none",
                        due ? "\"" : "");
        more = next_console(o, 'C', &at, &s, &n);
    }
    if (i < c->started && !o->h.faults)
        return wm_orc_fail(o, "console", c->last_line, "the client started %zu games but its console "
                    "announced %zu", c->started, i);
    int summary = more || (c->finished && !c->client_error && !o->h.faults);
    for (i = 0; summary && i < c->judged.n; i++) {
        wm_ov_format(&c->judged.a[i].v, a);
        snprintf(want, sizeof want, "Client: %s is %s", a, c->judged.a[i].d);
        if (!more && o->h.faults)
            break; /* a fault (a full journal) may end the side mid-summary */
        if (!more || !wm_orc_same(s, n, want))
            return wm_orc_fail(o, "summary", c->last_line, "summary line %zu is %s%.*s%s, want \"%s\"",
                        i + 1, more ? "\"" : "", (int)(more ? (n > 100 ? 100 : n) : 7),
                        more ? s : "missing", more ? "\"" : "", want);
        more = next_console(o, 'C', &at, &s, &n);
    }
    if (i > 0 && !c->finished && !o->h.faults)
        return wm_orc_fail(o, "summary", c->last_line, "a summary from a client that did not finish its "
                    "games");
    if (more)
        return wm_orc_fail(o, "summary", c->last_line, "client console line \"%.*s\" past the summary "
                    "of %zu guesses%s", (int)(n > 100 ? 100 : n), s, c->judged.n,
                    c->finished ? "" : " (the client did not finish)");
    /* the server: a line per REPORT it read */
    at = 0;
    for (i = 0; next_console(o, 'S', &at, &s, &n); i++) {
        if (i < c->server_log.n) {
            const struct wm_orc_judged *j = &c->server_log.a[i];
            wm_ov_format(&j->v, a);
            snprintf(want, sizeof want, "Server: %s is %.*s", a, (int)(j->dn > 100 ? 100 : j->dn),
                     j->d);
        }
        if (i >= c->server_log.n || !wm_orc_same(s, n, want))
            return wm_orc_fail(o, "console", c->last_line, "server console line %zu is \"%.*s\", want %s%s%s",
                        i + 1, (int)(n > 100 ? 100 : n), s, i < c->server_log.n ? "\"" : "",
                        i < c->server_log.n ? want : "none", i < c->server_log.n ? "\"" : "");
    }
    if (i < c->server_log.n && !c->server_ended && !o->h.faults)
        return wm_orc_fail(o, "console", c->last_line, "the server logged %zu of the %zu REPORTs it read",
                    i, c->server_log.n);
    return 0;
}

static int end_conn(struct wm_orc *o)
{
    if (wm_orc_reset_end(o))
        return 1;
    return o->console && !o->h.client_script && !o->h.server_script ? check_console(o) : 0;
}

/* The strict client's stall error names the game and guess it waits for
 * (docs/ERRORS.md): re-derived from the records, not taken from the text. */
static int timeout_text(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    char want[128];
    c->client_error = 1;
    if (!c->playing)
        return 0;
    snprintf(want, sizeof want, "timed out waiting for a guess (game %zu, guess %" PRIu64 ")",
             c->gi + 1, c->asked + 1);
    if (!wm_orc_same(s, n, want))
        return wm_orc_fail(o, "answer", o->lineno, "the client's error \"%.*s\", want \"%s\"",
                           (int)(n > 200 ? 200 : n), s, want);
    return 0;
}

/* One record of the current connection. */
static int record(struct wm_orc *o, char side, char mark, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    c->last_line = o->lineno;
    if (side == 'C') {
        wm_orc_client_record(o, mark, s, n); /* its bytes; an abort the server owes a report of */
        if (mark == ':')
            return client_line(o, s, n);
        if (inv_starts(s, n, "error timed out waiting for a guess (game ") && !wm_orc_book(o))
            return timeout_text(o, s + 6, n - 6);
        if (inv_starts(s, n, "error "))
            return wm_orc_book_client_error(o, s + 6, n - 6);
        if (inv_starts(s, n, "partial "))
            c->lost |= wm_orc_book(o); /* the book's server reads it less its last byte: not followed */
        if (wm_orc_same(s, n, "close"))
            c->finished = !c->playing && c->gi == o->h.ng;
        return 0;
    }
    if (mark == ':')
        return server_guess(o, s, n, 0);
    if (wm_orc_reset_answer(o, s, n))
        return 1;
    if (inv_starts(s, n, "partial ")) {
        c->client_lost |= wm_orc_book(o); /* the book's client reads it less its last byte */
        return server_guess(o, s + 8, n - 8, 1);
    }
    if (inv_starts(s, n, "hang ") && wm_orc_book(o)) {
        c->server_ended = 1;
        return wm_orc_book_hang(o, s + 5, n - 5);
    }
    if (inv_starts(s, n, "error ")) {
        c->server_ended = 1; /* it reads no more (a close may be a half-close: it reads on) */
        return wm_orc_book_error(o, s + 6, n - 6);
    }
    return 0;
}

static int bad(struct wm_orc *o, const char *why)
{
    wm_orc_fail(o, "format", o->lineno, "%s", why);
    return -1;
}

int wm_oracle_check(const char *text, size_t len, const char *console, size_t clen,
                    struct wm_violation *v)
{
    struct wm_orc o = {.h = {.conns = 1, .max_line = 1024, .max_guesses = 4194304,
                             .profile = &wm_orc_profiles[0]},
                       .v = v, .console = console, .clen = clen};
    int rc = 0, in_header = 1;
    unsigned cur = 0;
    memset(v, 0, sizeof *v);
    for (size_t off = 0; off < len && rc == 0;) {
        const char *s = text + off, *nl = memchr(s, '\n', len - off);
        size_t n = nl ? (size_t)(nl - s) : len - off;
        off += n + 1;
        o.lineno++;
        if (n == 0)
            continue;
        if (s[0] == '#') {
            if (in_header && wm_orc_header_line(&o.h, s, n) < 0)
                rc = bad(&o, "unreadable header line");
            continue;
        }
        if (in_header && (!o.h.profile || (o.h.profile->book && o.h.far_game)))
            break; /* a profile the oracle does not know, values past its reach: not checked */
        if (in_header && !o.h.profile->book && (o.h.big_game || o.h.far_game)) {
            rc = bad(&o, "unreadable header line (a game beyond int64 under a profile that has none)");
            break;
        }
        in_header = 0;
        /* "C: x", "S12! error y" */
        size_t i = 1;
        unsigned conn = 0;
        if (s[0] != 'C' && s[0] != 'S')
            continue;
        while (i < n && s[i] >= '0' && s[i] <= '9' && conn < 100000)
            conn = conn * 10 + (unsigned)(s[i++] - '0');
        if (i == n || (s[i] != ':' && s[i] != '!'))
            continue;
        char mark = s[i++];
        if (i < n && s[i] == ' ')
            i++;
        conn = conn ? conn : 1;
        if (conn < cur || conn > o.h.conns) {
            rc = bad(&o, "records of a connection out of order");
            break;
        }
        while (cur < conn && rc == 0) { /* the one before, and any with no records */
            if (cur)
                rc = end_conn(&o);
            if (rc == 0)
                start_conn(&o, ++cur);
        }
        if (rc == 0)
            rc = record(&o, s[0], mark, s + i, n - i);
    }
    int followed = o.h.profile && !(o.h.profile->book && o.h.far_game);
    while (rc == 0 && followed && cur < o.h.conns) {
        if (cur)
            rc = end_conn(&o);
        if (rc == 0)
            start_conn(&o, ++cur);
    }
    if (rc == 0 && followed && cur)
        rc = end_conn(&o);
    free(o.c.drawn.slot);
    free(o.c.drawn.used);
    free(o.c.server_log.a);
    free(o.c.judged.a);
    free(o.c.far_drawn.a);
    free(o.h.g);
    return rc;
}
