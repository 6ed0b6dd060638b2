/* The exact oracle (oracle.h): each connection's server and client played
 * again from the header alone, their wire lines and console lines required
 * to be what CPython's reference would have produced. Like invariants.c it
 * includes nothing from proto/ and parses the text itself. */
#include "oracle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_int.h"
#include "oracle_mt.h"

/* Draws one guess may take before the oracle calls the server's answer
 * impossible (the server itself gives up far sooner, with an error). */
#define DRAWS_PER_GUESS (1u << 22)

/* ---- one connection, both sides played again ---- */

struct oconn {
    unsigned no;
    struct wm_omt mt;
    /* the server as the reference plays it */
    int have_range, secret_known, have_last, server_ended;
    int64_t lo, hi, secret, last;
    struct inv_set drawn;
    uint64_t guess_no; /* the server's guesses in this game */
    struct wm_orc_jlist server_log;
    /* the client as the reference plays it */
    int playing, have_prev, finished, client_error;
    size_t gi, started;
    double prev;
    const char *want; /* the judgement of the last guess, owed as a REPORT */
    struct wm_orc_jlist judged;
    size_t last_line;
};

struct oracle {
    struct wm_orc_hdr h;
    struct oconn c;
    size_t lineno;
    struct wm_violation *v;
    const char *console;
    size_t clen;
};

static int fail(struct oracle *o, const char *kind, size_t line, const char *fmt, ...)
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

static void start_conn(struct oracle *o, unsigned no)
{
    struct oconn *c = &o->c;
    struct inv_set drawn = c->drawn;
    struct wm_orc_jlist sl = c->server_log, j = c->judged;
    inv_set_clear(&drawn);
    sl.n = j.n = 0;
    memset(c, 0, sizeof *c);
    c->drawn = drawn, c->server_log = sl, c->judged = j;
    c->no = no;
    /* seed + n - 1 as CPython sees it: an int, so past 2^64 a third word */
    uint64_t s = o->h.seed + (no - 1);
    wm_omt_seed(&c->mt, s, s < o->h.seed);
}

/* The reference client's judgement: math.fabs(n - secret), the exact
 * difference rounded once to a double, against the previous distance. */
static const char *judge(int64_t n, int64_t secret, int have_prev, double prev, double *d)
{
    uint64_t mag = n > secret ? (uint64_t)n - (uint64_t)secret : (uint64_t)secret - (uint64_t)n;
    *d = (double)mag;
    if (mag == 0)
        return "Correct";
    if (!have_prev)
        return "Unsure";
    return *d < prev ? "Warmer" : *d > prev ? "Colder" : "Unsure";
}

/* The server's answer to the NUMBER it is answering: 1 with *g, 0 when the
 * reference has no answer (no range, an empty or exhausted one), -1 OOM. */
static int draw(struct oracle *o, int64_t *g)
{
    struct oconn *c = &o->c;
    if (c->secret_known) {
        *g = c->secret;
        return 1;
    }
    if (!c->have_range || c->lo > c->hi)
        return 0;
    uint64_t span = (uint64_t)c->hi - (uint64_t)c->lo;
    if (span != UINT64_MAX && c->drawn.n > span)
        return 0;
    uint64_t draws = 0;
    while (draws < DRAWS_PER_GUESS) {
        *g = wm_omt_randint(&c->mt, c->lo, c->hi, &draws);
        int added = inv_set_add(&c->drawn, *g);
        if (added != 0)
            return added;
    }
    return 0;
}

static int client_line(struct oracle *o, const char *s, size_t n)
{
    struct oconn *c = &o->c;
    int64_t lo, hi;
    if (inv_starts(s, n, "PARAMS ")) {
        const char *sp = memchr(s + 7, ' ', n - 7);
        if (!sp || inv_parse_i64(s + 7, (size_t)(sp - s - 7), &lo) < 0 ||
            inv_parse_i64(sp + 1, (size_t)(s + n - sp - 1), &hi) < 0)
            return 0;
        if (!c->playing && c->gi < o->h.ng)
            c->playing = 1, c->have_prev = 0, c->started++;
        else if (c->playing)
            c->playing = 0, c->gi++;
        c->want = NULL;
        if (!c->server_ended) { /* the server reads it: a new range, nothing known */
            c->have_range = 1, c->lo = lo, c->hi = hi;
            c->secret_known = c->have_last = 0;
            c->guess_no = 0;
            inv_set_clear(&c->drawn);
        }
        return 0;
    }
    if (!inv_starts(s, n, "REPORT "))
        return 0;
    const char *d = s + 7;
    size_t dn = n - 7;
    if (c->want && !o->h.client_script && (dn != strlen(c->want) || memcmp(d, c->want, dn) != 0))
        return fail(o, "judgement", o->lineno,
                    "REPORT %.*s, but the reference client judges %s (game %zu, guess %" PRIu64
                    ": |guess - %" PRId64 "| as a double against the last)",
                    (int)(dn > 20 ? 20 : dn), d, c->want, c->gi + 1, c->guess_no,
                    o->h.g[c->gi].secret);
    c->want = NULL;
    if (c->server_ended)
        return 0;
    static const char *const words[] = {"Warmer", "Colder", "Unsure", "Correct"};
    const char *word = NULL;
    for (int i = 0; i < 4; i++)
        if (dn == strlen(words[i]) && memcmp(d, words[i], dn) == 0)
            word = words[i];
    if (!c->have_last || !word) {
        c->server_ended = 1; /* the server's error: it logs nothing more */
        return 0;
    }
    if (wm_orc_jlist_push(&c->server_log, c->last, word) < 0)
        return fail(o, "format", o->lineno, "out of memory");
    if (word == words[3])
        c->secret_known = 1, c->secret = c->last;
    return 0;
}

/* A guess the server sent, whole (cut: 0) or cut short by a fault. */
static int server_guess(struct oracle *o, const char *s, size_t n, int cut)
{
    struct oconn *c = &o->c;
    int64_t want = 0;
    int drew = draw(o, &want);
    if (drew < 0)
        return fail(o, "format", o->lineno, "out of memory");
    c->guess_no++;
    char buf[24];
    int bn = drew ? snprintf(buf, sizeof buf, "%" PRId64, want) : 0;
    if (!o->h.server_script) {
        if (!drew)
            return fail(o, "guess", o->lineno, "the server sent %.*s where the reference has no "
                        "guess to give (game %zu)", (int)(n > 30 ? 30 : n), s, c->gi + 1);
        if (cut ? n > (size_t)bn || memcmp(s, buf, n) != 0
                : n != (size_t)bn || memcmp(s, buf, n) != 0)
            return fail(o, "guess", o->lineno,
                        "the server guessed %s%.*s, CPython's randint(%" PRId64 ", %" PRId64
                        ") draws %s (connection %u seeded %" PRIu64 " + %u, guess %" PRIu64 ")",
                        cut ? "(cut) " : "", (int)(n > 30 ? 30 : n), s, c->lo, c->hi, buf, c->no,
                        o->h.seed, c->no - 1, c->guess_no);
    }
    c->last = want, c->have_last = drew;
    int64_t g;
    if (cut || !c->playing || n > o->h.max_line || inv_parse_i64(s, n, &g) < 0 ||
        c->judged.n >= o->h.max_guesses)
        return 0; /* the client errs instead of judging: no summary follows */
    const struct wm_orc_game *game = &o->h.g[c->gi];
    if (g < game->lo || g > game->hi)
        return 0;
    double d;
    c->want = judge(g, game->secret, c->have_prev, c->prev, &d);
    c->prev = d, c->have_prev = 1;
    if (wm_orc_jlist_push(&c->judged, g, c->want) < 0)
        return fail(o, "format", o->lineno, "out of memory");
    return 0;
}

/* The next console line of side `side` of this connection after *at. */
static int next_console(struct oracle *o, char side, size_t *at, const char **s, size_t *n)
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

static int same(const char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

static int check_console(struct oracle *o)
{
    struct oconn *c = &o->c;
    size_t at = 0, n, i;
    const char *s;
    char want[160];
    int more = next_console(o, 'C', &at, &s, &n);
    /* the client: a line per game it started, then its summary */
    for (i = 0; more && inv_starts(s, n, "Guess a number"); i++) {
        const struct wm_orc_game *g = i < o->h.ng ? &o->h.g[i] : NULL;
        if (g)
            snprintf(want, sizeof want, "Guess a number between %" PRId64 " and %" PRId64
                     "! Shhhhh, it's %" PRId64 ".", g->lo, g->hi, g->secret);
        /* a fault (a half-close) may hide the PARAMS of games the client played */
        int due = g && (i < c->started || o->h.faults);
        if (!due || !same(s, n, want))
            return fail(o, "console", c->last_line, "client console line \"%.*s\", want %s%s%s",
                        (int)(n > 100 ? 100 : n), s, due ? "\"" : "", due ? want : "none",
                        due ? "\"" : "");
        more = next_console(o, 'C', &at, &s, &n);
    }
    if (i < c->started && !o->h.faults)
        return fail(o, "console", c->last_line, "the client started %zu games but its console "
                    "announced %zu", c->started, i);
    int summary = more || (c->finished && !c->client_error && !o->h.faults);
    for (i = 0; summary && i < c->judged.n; i++) {
        snprintf(want, sizeof want, "Client: %" PRId64 " is %s", c->judged.a[i].v, c->judged.a[i].d);
        if (!more && o->h.faults)
            break; /* a fault (a full journal) may end the side mid-summary */
        if (!more || !same(s, n, want))
            return fail(o, "summary", c->last_line, "summary line %zu is %s%.*s%s, want \"%s\"",
                        i + 1, more ? "\"" : "", (int)(more ? (n > 100 ? 100 : n) : 7),
                        more ? s : "missing", more ? "\"" : "", want);
        more = next_console(o, 'C', &at, &s, &n);
    }
    if (i > 0 && !c->finished && !o->h.faults)
        return fail(o, "summary", c->last_line, "a summary from a client that did not finish its "
                    "games");
    if (more)
        return fail(o, "summary", c->last_line, "client console line \"%.*s\" past the summary "
                    "of %zu guesses%s", (int)(n > 100 ? 100 : n), s, c->judged.n,
                    c->finished ? "" : " (the client did not finish)");
    /* the server: a line per REPORT it read */
    at = 0;
    for (i = 0; next_console(o, 'S', &at, &s, &n); i++) {
        if (i < c->server_log.n)
            snprintf(want, sizeof want, "Server: %" PRId64 " is %s", c->server_log.a[i].v,
                     c->server_log.a[i].d);
        if (i >= c->server_log.n || !same(s, n, want))
            return fail(o, "console", c->last_line, "server console line %zu is \"%.*s\", want %s%s%s",
                        i + 1, (int)(n > 100 ? 100 : n), s, i < c->server_log.n ? "\"" : "",
                        i < c->server_log.n ? want : "none", i < c->server_log.n ? "\"" : "");
    }
    if (i < c->server_log.n && !c->server_ended && !o->h.faults)
        return fail(o, "console", c->last_line, "the server logged %zu of the %zu REPORTs it read",
                    i, c->server_log.n);
    return 0;
}

static int end_conn(struct oracle *o)
{
    return o->console && !o->h.client_script && !o->h.server_script ? check_console(o) : 0;
}

/* One record of the current connection. */
static int record(struct oracle *o, char side, char mark, const char *s, size_t n)
{
    struct oconn *c = &o->c;
    c->last_line = o->lineno;
    if (side == 'C') {
        if (mark == ':')
            return client_line(o, s, n);
        if (inv_starts(s, n, "error "))
            c->client_error = 1;
        else if (same(s, n, "close"))
            c->finished = !c->playing && c->gi == o->h.ng;
        return 0;
    }
    if (mark == ':')
        return server_guess(o, s, n, 0);
    if (inv_starts(s, n, "partial "))
        return server_guess(o, s + 8, n - 8, 1);
    if (inv_starts(s, n, "error "))
        c->server_ended = 1; /* it reads no more (a close may be a half-close: it reads on) */
    return 0;
}

static int bad(struct oracle *o, const char *why)
{
    fail(o, "format", o->lineno, "%s", why);
    return -1;
}

int wm_oracle_check(const char *text, size_t len, const char *console, size_t clen,
                    struct wm_violation *v)
{
    struct oracle o = {.h = {.conns = 1, .max_line = 1024, .max_guesses = 4194304,
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
        if (in_header && !o.h.profile)
            break; /* a profile the oracle does not know: not checked */
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
    while (rc == 0 && o.h.profile && cur < o.h.conns) {
        if (cur)
            rc = end_conn(&o);
        if (rc == 0)
            start_conn(&o, ++cur);
    }
    if (rc == 0 && o.h.profile && cur)
        rc = end_conn(&o);
    free(o.c.drawn.slot);
    free(o.c.drawn.used);
    free(o.c.server_log.a);
    free(o.c.judged.a);
    free(o.h.g);
    return rc;
}
