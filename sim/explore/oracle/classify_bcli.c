/* The book's client followed (classify_bcli.h), from tests/book_ref.py's
 * Client and run_client, not from proto/. */
#include "classify_bcli.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_book.h"
#include "inv_num.h"

static void add(struct wm_bcm *m, struct wm_bcm_text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            m->oom = 1;
            return;
        }
        t->s = p, t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void addf(struct wm_bcm *m, struct wm_bcm_text *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void addf(struct wm_bcm *m, struct wm_bcm_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        m->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    add(m, t, buf, (size_t)n);
    free(buf);
}

/* `with client.session(lower, upper, secret):` */
static void begin(struct wm_bcm *m)
{
    const struct wm_bcm_game *g = &m->games[m->game];
    addf(m, &m->console, "Guess a number between %s and %s! Shhhhh, it's %s.\n", g->lo, g->hi,
         g->secret);
    addf(m, &m->recs, ": PARAMS %s %s\n", g->lo, g->hi);
    m->asked = 0;
    m->have_dist = 0;
}

/* request_numbers' next NUMBER, or the game's `finally` and the next
 * games, or main's summary and the close. */
static void ask(struct wm_bcm *m, int game_over)
{
    for (;;) {
        if (!game_over && m->asked < m->games[m->game].count) {
            add(m, &m->recs, ": NUMBER\n", 9);
            m->waiting = 1;
            return;
        }
        add(m, &m->recs, ": PARAMS 0 -1\n", 14);
        if (++m->game == m->ngames)
            break;
        begin(m);
        game_over = 0;
    }
    if (m->results.n)
        add(m, &m->console, m->results.s, m->results.n);
    m->ended = 1;
}

/* An exception inside a game: the `finally`'s PARAMS 0 -1, then the error
 * (text as the record writes it: escaped and cut when py, else verbatim). */
static void fail(struct wm_bcm *m, const char *text, size_t n, int py)
{
    add(m, &m->recs, ": PARAMS 0 -1\n", 14);
    add(m, &m->recs, "! error ", 8);
    if (py) {
        char *rec = malloc(4 * n + 8);
        if (!rec) {
            m->oom = 1;
            return;
        }
        size_t k = wm_clsb_record_text(text, n, rec, 4 * n + 8);
        add(m, &m->recs, rec, k);
        free(rec);
    } else {
        add(m, &m->recs, text, n);
    }
    add(m, &m->recs, "\n", 1);
    m->waiting = 0;
    m->ended = m->failed = 1;
}

static void fail_s(struct wm_bcm *m, const char *text)
{
    fail(m, text, strlen(text), 1);
}

int wm_bcm_start(struct wm_bcm *m, const struct wm_bcm_game *games, size_t ngames,
                 size_t max_line, size_t max_guesses)
{
    memset(m, 0, sizeof *m);
    m->games = games, m->ngames = ngames;
    m->max_line = max_line, m->max_guesses = max_guesses;
    if (ngames == 0)
        m->ended = 1;
    else {
        begin(m);
        ask(m, 0);
    }
    return m->oom ? -1 : 0;
}

void wm_bcm_free(struct wm_bcm *m)
{
    free(m->recs.s), free(m->console.s), free(m->results.s);
    memset(m, 0, sizeof *m);
}

int wm_bcm_distance(const char *value, const char *secret, double *d)
{
    char digits[INV_NUM_TEXT];
    inv_num_dist(value, strlen(value), secret, strlen(secret), digits);
    *d = strtod(digits, NULL); /* correctly rounded, ties to even: float(int) */
    return isinf(*d) ? -1 : 0;
}

/* report_outcome(number) */
static const char *decide(struct wm_bcm *m, double dist)
{
    const char *d = dist == 0                            ? "Correct"
                    : !m->have_dist || dist == m->last_dist ? "Unsure"
                    : dist < m->last_dist                ? "Warmer"
                                                         : "Colder";
    m->last_dist = dist;
    m->have_dist = 1;
    return d;
}

static void judge(struct wm_bcm *m, const char *v)
{
    char bound[160];
    snprintf(bound, sizeof bound, "more than %zu guesses (max-guesses, a harness bound: the "
             "book's client has none)", m->max_guesses);
    double dist;
    int over = m->guesses >= m->max_guesses;
    if (wm_bcm_distance(v, m->games[m->game].secret, &dist) < 0) {
        fail_s(m, "OverflowError: int too large to convert to float");
        if (over) /* Python raises first; the harness's bound is on what it records */
            snprintf(m->alt, sizeof m->alt, "%s", bound);
        return;
    }
    if (over) {
        fail_s(m, bound);
        return;
    }
    const char *d = decide(m, dist);
    m->guesses++;
    m->asked++;
    addf(m, &m->recs, ": REPORT %s\n", d);
    addf(m, &m->results, "Client: %s is %s\n", v, d);
    ask(m, strcmp(d, "Correct") == 0); /* `if self.last_distance == 0: return` */
}

/* `data = self.receive()` and `int(data)`: the line less its last byte. */
static void read_reply(struct wm_bcm *m, const unsigned char *s, size_t n)
{
    char why[200];
    if (wm_clsb_decode(s, n, why, sizeof why)) {
        char text[240];
        snprintf(text, sizeof text, "UnicodeDecodeError: %s", why);
        fail_s(m, text);
        return;
    }
    char *v = malloc(n + 3), *rep = malloc(10 * n + 3);
    if (!v || !rep) {
        free(v), free(rep);
        m->oom = 1;
        return;
    }
    int rc = wm_clsb_int(s, n, v);
    if (rc == 1) {
        judge(m, v);
    } else if (rc == 0) {
        static const char head[] = "ValueError: invalid literal for int() with base 10: ";
        long rl = wm_clsb_repr(s, n, rep);
        size_t hn = sizeof head - 1, k = rl < 0 ? 0 : (size_t)rl;
        char *text = malloc(hn + k + 1);
        if (text) {
            memcpy(text, head, hn);
            memcpy(text + hn, rep, k);
            fail(m, text, hn + k, 1);
            m->prefix = rl < 0; /* a code point repr's tables do not know */
        } else {
            m->oom = 1;
        }
        free(text);
    } else { /* the tables cannot tell whether int() takes it: followed no further */
        m->unsure = 1;
        m->waiting = 0;
        m->ended = 1;
    }
    free(v), free(rep);
}

int wm_bcm_reply(struct wm_bcm *m, const unsigned char *bytes, size_t n, int tail)
{
    if (!m->waiting || m->ended)
        return 1;
    m->waiting = 0;
    if (n > m->max_line) { /* the framer's bound, met as the bytes arrive */
        char *q = malloc(4 * m->max_line + 4), *text = q ? malloc(4 * m->max_line + 200) : NULL;
        if (!text) {
            free(q);
            m->oom = 1;
            return -1;
        }
        wm_cls_quote(bytes, m->max_line, q, 4 * m->max_line + 4);
        int k = snprintf(text, 4 * m->max_line + 200, "line longer than %zu bytes: \"%s\" "
                         "(max-line, a harness bound: the book reads lines without one)",
                         m->max_line, q);
        fail(m, text, (size_t)k, 0);
        free(q), free(text);
        return m->oom ? -1 : 0;
    }
    if (tail && n == 0)
        return wm_bcm_eof(m);
    read_reply(m, bytes, tail ? n - 1 : n); /* `line[:-1]`: the last byte, '\n' or not */
    if (tail && !m->ended) /* readline() again: b"", the end */
        wm_bcm_eof(m);
    return m->oom ? -1 : 0;
}

int wm_bcm_eof(struct wm_bcm *m)
{
    if (!m->ended)
        fail_s(m, "EOFError: Connection closed");
    return m->oom ? -1 : 0;
}

int wm_bcm_hang(struct wm_bcm *m)
{
    if (!m->ended) {
        char text[200];
        snprintf(text, sizeof text, "timed out waiting for a guess (game %zu, guess %llu; a "
                 "harness bound: the book's client waits forever)", m->game + 1,
                 (unsigned long long)m->asked + 1);
        fail_s(m, text);
    }
    return m->oom ? -1 : 0;
}
