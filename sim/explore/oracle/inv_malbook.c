/* The book's server followed over a transcript (inv_malbook.h): reads the
 * text alone and judges by classify_book.c and tests/book_ref.py's
 * Session, not by proto/. */
#include "inv_malbook.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "inv_read.h"
#include "classify_book.h"
#include "inv_num.h"

#define MAX_GUESSES_DEFAULT 4194304 /* docs/PROTOCOL.md: max-guesses' default */
#define BIG_DIGITS 4000 /* past this a bound's + 1 could pass inv_num's 4300 digits */

static const char eof_hang[] = "the book's asyncio handler returned at the client's EOF without "
                               "closing its writer: the connection stays open (CPython 3.8-3.12; "
                               "measured on 3.11.7)";
static const char empty_hang[] = "the book's asyncio handler returned on an empty line without "
                                 "closing its writer: the connection stays open (CPython 3.8-3.12; "
                                 "measured on 3.11.7)";

struct rec {
    const char *p; /* after "C3" or "S": ':' or '!' first */
    size_t n, lineno;
};

struct model {
    unsigned conn;
    size_t max_line, max_guesses;
    int asyncio;
    struct rec *srv; /* the server's records, in order */
    size_t nsrv, si;
    int have_range;
    size_t range_line;             /* the client line of the PARAMS */
    char *lo, *hi, *secret, *last; /* owned, NUL-terminated */
    uint64_t *seen;                /* the game's distinct guesses, hashed */
    size_t count, cap;
    struct wm_violation *v;
};

static char *dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

/* The next server record, described for messages. */
static const char *next_desc(struct model *m, char *buf, size_t size)
{
    if (m->si >= m->nsrv)
        return "nothing more";
    const struct rec *r = &m->srv[m->si];
    snprintf(buf, size, "\"%.*s\" (line %zu)", (int)(r->n > 200 ? 200 : r->n), r->p, r->lineno);
    return buf;
}

/* The next server record must be "! KIND TEXT" (prefix: TEXT its start) and the last. */
static int want_end(struct model *m, size_t cline, const char *kind, const char *text, int prefix,
                    const char *what)
{
    char head[32], buf[256];
    size_t hl = (size_t)snprintf(head, sizeof head, "! %s ", kind), tl = strlen(text);
    const struct rec *r = m->si < m->nsrv ? &m->srv[m->si] : NULL;
    if (r && r->n >= hl + tl && memcmp(r->p, head, hl) == 0 && memcmp(r->p + hl, text, tl) == 0 &&
        (prefix || r->n == hl + tl)) {
        if (++m->si < m->nsrv)
            return inv_fail(m->v, "malformed", m->conn, m->srv[m->si].lineno,
                        "the book's server sent a record after its %s", kind);
        return 2; /* the session ended as it must */
    }
    return inv_fail(m->v, "malformed", m->conn, r ? r->lineno : cline,
                "line %zu: %s, so the book's server must %s \"%.300s\"%s; it sent %s", cline, what,
                kind[0] == 'e' ? "end with the error" : "hang with", text, prefix ? "..." : "",
                next_desc(m, buf, sizeof buf));
}

static int error_text(struct model *m, size_t cline, const char *text, size_t n, int prefix,
                      const char *what)
{
    /* The start of a text is escaped as inside one (a record escapes only
     * its own last space): with a byte after it, dropped once escaped. The
     * source sits past the escape's room, in the same block. */
    size_t room = 4 * (n + 1) + 8;
    char *rec = malloc(room + n + 1);
    if (!rec)
        return inv_fail(m->v, "format", m->conn, cline, "out of memory");
    char *src = rec + room;
    memcpy(src, text, n);
    src[n] = 'x';
    size_t k = wm_clsb_record_text(src, n + (prefix != 0), rec, room);
    if (prefix) {
        assert(k > 0 && rec[k - 1] == 'x'); /* a prefix is short: never cut */
        rec[k - 1] = '\0';
    }
    int rc = want_end(m, cline, "error", rec, prefix, what);
    free(rec);
    return rc;
}

static void forget_game(struct model *m)
{
    free(m->secret), free(m->last);
    m->secret = m->last = NULL;
    m->count = 0;
}

/* decimal v + d (d is -1 or 1 here: v - (-1) or v - 1 as a distance) */
static void plus_one(const char *v, char *out)
{
    size_t vn = strlen(v);
    if (v[0] != '-') { /* v + 1 = |v - (-1)| */
        inv_num_dist(v, vn, "-1", 2, out);
        return;
    }
    char d[INV_NUM_TEXT]; /* v < 0: v + 1 = -|v - (-1)|, or 0 */
    size_t k = inv_num_dist(v, vn, "-1", 2, d);
    if (k == 1 && d[0] == '0')
        strcpy(out, "0");
    else
        out[0] = '-', memcpy(out + 1, d, k + 1);
}

static int number(struct model *m, size_t cline)
{
    char buf[3 * INV_NUM_TEXT + 200];
    if (m->secret) { /* the secret again, drawn from nothing */
        const struct rec *r = m->si < m->nsrv ? &m->srv[m->si] : NULL;
        if (!r || r->n != 2 + strlen(m->secret) || memcmp(r->p, ": ", 2) != 0 ||
            memcmp(r->p + 2, m->secret, r->n - 2) != 0)
            return inv_fail(m->v, "malformed", m->conn, r ? r->lineno : cline,
                        "line %zu: NUMBER after Correct, so the book's server must answer the "
                        "secret %.100s; it sent %s", cline, m->secret, next_desc(m, buf, 256));
        m->si++;
        return 0;
    }
    if (!m->have_range)
        return error_text(m, cline, "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'",
                          66, 0, "NUMBER before any PARAMS (randint(None, None))");
    size_t ln = strlen(m->lo), hn = strlen(m->hi);
    if (ln > BIG_DIGITS || hn > BIG_DIGITS)
        return 2; /* beyond what this model computes: not followed further */
    if (inv_num_cmp(m->lo, ln, m->hi, hn) > 0) {
        char stop[INV_NUM_TEXT + 1], width[INV_NUM_TEXT + 1];
        plus_one(m->hi, stop);
        size_t k = inv_num_dist(m->lo, ln, stop, strlen(stop), width + 1);
        width[0] = '-';
        snprintf(buf, sizeof buf, "ValueError: empty range for randrange() (%s, %s, %s)", m->lo,
                 stop, k == 1 && width[1] == '0' ? "0" : width);
        return error_text(m, cline, buf, strlen(buf), 0, "NUMBER on an empty range");
    }
    char span[INV_NUM_TEXT], done[32];
    inv_num_dist(m->lo, ln, m->hi, hn, span);
    snprintf(done, sizeof done, "%zu", m->count > 0 ? m->count - 1 : 0);
    int exhausted = m->count > 0 && strcmp(span, done) == 0, limit = m->count >= m->max_guesses;
    if (exhausted) {
        char a[48], b[48];
        snprintf(a, sizeof a, ln > 40 ? "%.37s..." : "%s", m->lo);
        snprintf(b, sizeof b, hn > 40 ? "%.37s..." : "%s", m->hi);
        snprintf(buf, sizeof buf, "NUMBER after all %zu values of [%s, %s] were guessed: the "
                 "book's server draws forever", m->count, a, b);
        const struct rec *r = m->si < m->nsrv ? &m->srv[m->si] : NULL;
        if (limit && r && r->n > 8 && memcmp(r->p, "! error ", 8) == 0)
            return want_end(m, cline, "error", "NUMBER beyond the limit of ", 1, "max-guesses");
        return want_end(m, cline, "hang", buf, 0, "NUMBER once every value was guessed");
    }
    if (limit) {
        snprintf(buf, sizeof buf, "NUMBER beyond the limit of %zu guesses in one game (max-guesses, "
                 "a harness bound: the book's server has none)", m->max_guesses);
        return want_end(m, cline, "error", buf, 0, "NUMBER past max-guesses");
    }
    const struct rec *r = m->si < m->nsrv ? &m->srv[m->si] : NULL;
    const char *g = r && r->n > 2 && memcmp(r->p, ": ", 2) == 0 ? r->p + 2 : NULL;
    size_t gn = g ? r->n - 2 : 0;
    uint64_t h = g ? inv_num_hash(g, gn) : 0;
    int again = 0;
    for (size_t i = 0; i < m->count; i++)
        again |= m->seen[i] == h;
    if (!g || !inv_num_ok(g, gn) || inv_num_cmp(g, gn, m->lo, ln) < 0 ||
        inv_num_cmp(g, gn, m->hi, hn) > 0 || again)
        return inv_fail(m->v, "malformed", m->conn, r ? r->lineno : cline,
                    "line %zu: NUMBER, so the book's server must answer a new guess in [%.60s, "
                    "%.60s] (int() of line %zu's PARAMS); it sent %s", cline, m->lo, m->hi,
                    m->range_line, next_desc(m, buf, 256));
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        uint64_t *s = realloc(m->seen, cap * sizeof *s);
        if (!s)
            return inv_fail(m->v, "format", m->conn, cline, "out of memory");
        m->seen = s, m->cap = cap;
    }
    m->seen[m->count++] = h;
    free(m->last);
    m->last = malloc(gn + 1);
    if (!m->last)
        return inv_fail(m->v, "format", m->conn, cline, "out of memory");
    memcpy(m->last, g, gn);
    m->last[gn] = '\0';
    m->si++;
    return 0;
}

/* One client line (escaped text s, n bytes): 0 and on, 1 or -1 a
 * violation, 2 the session ended as it must. */
static int line(struct model *m, const char *s, size_t n, size_t cline)
{
    unsigned char *raw = malloc(n + 1);
    struct wm_clsb_result r;
    long rn = raw ? wm_cls_unescape(s, n, raw) : -1;
    if (rn < 0) {
        free(raw);
        return inv_fail(m->v, "format", m->conn, cline, "line %zu is not escaped as a transcript's", cline);
    }
    if (wm_clsb_line(raw, (size_t)rn, m->max_line, &r) < 0) {
        free(raw);
        return inv_fail(m->v, "format", m->conn, cline, "out of memory");
    }
    int rc = 2;
    char *q = NULL;
    switch (r.cls) {
    case WM_CLSB_TOO_LONG:
        q = malloc(4 * m->max_line + 200);
        if (!q) {
            rc = inv_fail(m->v, "format", m->conn, cline, "out of memory");
            break;
        }
        int k = snprintf(q, 64, "line longer than %zu bytes: \"", m->max_line);
        k += (int)wm_cls_quote(raw, m->max_line, q + k, 4 * m->max_line + 8);
        strcpy(q + k, "\" (max-line, a harness bound: the book reads lines without one)");
        rc = want_end(m, cline, "error", q, 0, "a line longer than max-line");
        break;
    case WM_CLSB_ERROR:
        rc = error_text(m, cline, r.text, r.len, r.uncertain, "Python raises");
        break;
    case WM_CLSB_EMPTY: /* the handler returns */
        if (m->asyncio)
            rc = want_end(m, cline, "hang", empty_hang, 0, "an empty line ends the book's loop");
        else if (m->si < m->nsrv && !(m->si + 1 == m->nsrv && m->srv[m->si].n == 7 &&
                                      memcmp(m->srv[m->si].p, "! close", 7) == 0))
            rc = inv_fail(m->v, "malformed", m->conn, m->srv[m->si].lineno,
                      "line %zu: an empty line ends the book's loop, and its server closes; it sent "
                      "\"%.200s\"", cline, m->srv[m->si].p);
        break;
    case WM_CLSB_PARAMS:
        forget_game(m);
        free(m->lo), free(m->hi);
        m->lo = r.lo, m->hi = r.hi, r.lo = r.hi = NULL;
        m->have_range = 1;
        m->range_line = cline;
        rc = 0;
        break;
    case WM_CLSB_NUMBER:
        rc = number(m, cline);
        break;
    case WM_CLSB_REPORT:
        if (!m->last) {
            rc = error_text(m, cline, "IndexError: list index out of range", 35, 0,
                            "REPORT with no guess in this game (guesses[-1])");
            break;
        }
        if (r.len == 7 && memcmp(r.text, "Correct", 7) == 0 && !m->secret && !(m->secret = dup(m->last)))
            rc = inv_fail(m->v, "format", m->conn, cline, "out of memory");
        else
            rc = 0;
        break;
    case WM_CLSB_COUNT:
        break;
    }
    free(q);
    free(raw);
    wm_clsb_free(&r);
    return rc;
}

static int check_conn(const char *text, size_t len, unsigned conn, size_t max_line,
                      size_t max_guesses, int asyncio, struct wm_violation *v)
{
    struct model m = {.conn = conn, .max_line = max_line, .max_guesses = max_guesses,
                      .asyncio = asyncio, .v = v};
    size_t cap = 0, lineno = 0;
    int rc = 0, any = 0;
    for (const char *p = text, *end = text + len; p < end && rc == 0;) { /* the server's records */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w = inv_record_of(p, n, 'S', conn);
        lineno++;
        any |= inv_record_of(p, n, 'C', conn) != 0;
        if (w) {
            if (m.nsrv == cap) {
                struct rec *s = realloc(m.srv, (cap = cap ? 2 * cap : 64) * sizeof *s);
                if (!s) {
                    rc = inv_fail(v, "format", conn, lineno, "out of memory");
                    break;
                }
                m.srv = s;
            }
            m.srv[m.nsrv++] = (struct rec){p + w, n - w, lineno};
        }
        p = nl ? nl + 1 : end;
    }
    if (rc == 0 && !any)
        rc = inv_fail(v, "format", conn, 0, "connection %u has no client record", conn);
    lineno = 0;
    for (const char *p = text, *end = text + len; p < end && rc == 0;) { /* the client's lines */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w = inv_record_of(p, n, 'C', conn);
        lineno++;
        if (w && p[w] == ':') {
            size_t s = w + 1 + (w + 1 < n && p[w + 1] == ' ');
            rc = line(&m, p + s, n - s, lineno);
        }
        p = nl ? nl + 1 : end;
    }
    if (rc == 0) { /* the client's end: the handler returns */
        char buf[256];
        if (asyncio)
            rc = want_end(&m, lineno, "hang", eof_hang, 0, "the client's end returns the handler");
        else if (m.si < m.nsrv && !(m.si + 1 == m.nsrv && m.srv[m.si].n == 7 &&
                                    memcmp(m.srv[m.si].p, "! close", 7) == 0))
            rc = inv_fail(v, "malformed", conn, m.srv[m.si].lineno,
                      "the book's server has nothing to answer after the client's lines; it sent %s",
                      next_desc(&m, buf, sizeof buf));
    }
    forget_game(&m);
    free(m.lo), free(m.hi), free(m.seen), free(m.srv);
    return rc == 2 ? 0 : rc;
}

int wm_inv_malbook_check(const char *text, size_t len, unsigned conn, struct wm_violation *v)
{
    size_t max_line = 1024, max_guesses = MAX_GUESSES_DEFAULT;
    unsigned conns = 1;
    int asyncio = 0;
    for (const char *p = text, *end = text + len; p < end && *p == '#';) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n > 12 && strncmp(p, "# max-line: ", 12) == 0)
            max_line = strtoul(p + 12, NULL, 10);
        if (n > 15 && strncmp(p, "# max-guesses: ", 15) == 0)
            max_guesses = strtoul(p + 15, NULL, 10);
        if (n > 15 && strncmp(p, "# connections: ", 15) == 0)
            conns = (unsigned)strtoul(p + 15, NULL, 10);
        if (n == 23 && memcmp(p, "# profile: book-asyncio", 23) == 0)
            asyncio = 1;
        p = nl ? nl + 1 : end;
    }
    for (unsigned c = conn ? conn : 1; c <= (conn ? conn : conns); c++) {
        int rc = check_conn(text, len, c, max_line, max_guesses, asyncio, v);
        if (rc != 0)
            return rc;
    }
    return 0;
}
