#include "invariants.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv_num.h"
#include "inv_read.h"

/* ---- one connection's client, followed through its games ---- */

enum phase { WAIT_PARAMS, PLAYING, WAIT_GUESS, WAIT_REPORT, FINISHED };

struct conn {
    const struct inv_header *h;
    size_t gi;            /* game in play, or next to start */
    enum phase ph;
    const struct inv_game *g;
    uint64_t asked;       /* guesses received in this game */
    uint64_t session;     /* guesses received in the session */
    int correct, have_prev;
    double prev;
    const char *want;     /* the decision due for the last guess */
    struct inv_set seen;
    int server_end, client_end;
    int over_long;        /* the client sent a line over max-line */
    const char *due;      /* the client's error now due, or NULL */
    char due_text[160];
    int finally_sent;     /* PARAMS 0 -1 since the error became due */
    uint64_t sent[2];     /* bytes each side sent (client, server) */
    int lax;              /* book: from here on the book's behaviour is not followed (the
                             server's endless draw; a line cut by a fault, which the book
                             reads as its bytes less the last) */
};

struct checker {
    struct inv_header h;
    struct conn c;
    unsigned conn_no;
    size_t lineno;
    struct wm_violation *v;
};

static int fail(struct checker *k, const char *kind, const char *fmt, ...)
{
    va_list ap;
    k->v->kind = kind;
    k->v->conn = k->conn_no;
    k->v->lineno = k->lineno;
    va_start(ap, fmt);
    vsnprintf(k->v->msg, sizeof k->v->msg, fmt, ap);
    va_end(ap);
    return 1;
}

/* What a destructive fault, or the book's server hanging, may explain: a
 * side that ends anywhere, with any text. */
static int loose(const struct checker *k)
{
    return k->h.faults || k->c.lax;
}

/* Book: every value of the game's (non-empty) range was guessed and a guess
 * is awaited: the book's server loops forever here, answering nothing. */
static int empty_range(const struct inv_game *g)
{
    if (!g->text)
        return g->lo > g->hi;
    return inv_num_cmp(g->text + g->lo_at, g->lo_n, g->text + g->hi_at, g->hi_n) > 0;
}

/* 1 with the count of a non-empty range's values when it fits 64 bits (a
 * range that can be exhausted), else 0. */
static int span_of(const struct inv_game *g, uint64_t *span)
{
    if (!g->text) {
        *span = (uint64_t)g->hi - (uint64_t)g->lo + 1; /* 0: all 2^64 values */
        return *span != 0;
    }
    char d[INV_NUM_TEXT];
    size_t n = inv_num_dist(g->text + g->hi_at, g->hi_n, g->text + g->lo_at, g->lo_n, d);
    return inv_parse_u64(d, n, span) == 0 && *span != UINT64_MAX ? (*span += 1, 1) : 0;
}

static int exhausted(const struct conn *c)
{
    const struct inv_game *g = c->g;
    uint64_t span;
    if (!g || empty_range(g) || c->ph != WAIT_GUESS)
        return 0;
    return span_of(g, &span) && c->seen.n == span;
}

/* The reference's judgement of a distance, rounded once to a double. */
static const char *judge(double dist, int have_prev, double prev)
{
    if (dist == 0)
        return "Correct";
    if (!have_prev || dist == prev)
        return "Unsure";
    return dist < prev ? "Warmer" : "Colder";
}

/* The reference's judgement: the exact distance, rounded once to a double. */
static const char *decide(int64_t n, int64_t secret, int have_prev, double prev, double *dist)
{
    uint64_t d = n >= secret ? (uint64_t)n - (uint64_t)secret : (uint64_t)secret - (uint64_t)n;
    *dist = (double)d;
    return judge(*dist, have_prev, prev);
}

static void owe_error(struct conn *c, const char *kind, const char *text)
{
    if (c->due)
        return;
    c->due = kind;
    snprintf(c->due_text, sizeof c->due_text, "%s", text);
    c->finally_sent = 0;
}

/* The server ended while the client awaited a guess: its error is due. */
static void owe_server_closed(struct conn *c)
{
    char why[160];
    snprintf(why, sizeof why, "server closed the connection while the client awaited a guess "
             "(game %zu, guess %llu)", c->gi + 1, (unsigned long long)c->asked + 1);
    owe_error(c, "server-closed", why);
}

static int client_line(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (c->lax) /* nothing of the book's is followed from here */
        return 0;
    if (c->client_end)
        return fail(k, "order", "the client sent a line after its end");
    /* The server fails an over-long line while still reading it, so its error
     * ties with the client's next line, and a tie goes to the server. */
    if (c->over_long && !c->server_end && !loose(k))
        return fail(k, "order", "a client line between an over-long line and the server's error "
                    "(ties go to the server)");
    if (n > k->h.max_line)
        c->over_long = 1;
    if (loose(k) && (c->ph == WAIT_GUESS || c->ph == WAIT_REPORT) && n == 11 &&
        memcmp(s, "PARAMS 0 -1", 11) == 0) {
        c->finally_sent = 1; /* before a timeout, or an error of its own (out of memory) */
        return 0;
    }
    if (c->due) { /* only the game's `finally` may come before the error */
        if (n == 11 && memcmp(s, "PARAMS 0 -1", 11) == 0 && !c->finally_sent) {
            c->finally_sent = 1;
            return 0;
        }
        return fail(k, "client-error", "the client went on after %s", c->due_text);
    }
    if (inv_starts(s, n, "PARAMS ")) {
        const char *sp = memchr(s + 7, ' ', n - 7);
        int64_t lo = 0, hi = 0;
        size_t an = sp ? (size_t)(sp - s - 7) : 0, bn = sp ? (size_t)(s + n - sp - 1) : 0;
        int small = sp && inv_parse_i64(s + 7, an, &lo) == 0 && inv_parse_i64(sp + 1, bn, &hi) == 0;
        if (!small && !(sp && k->h.book && inv_num_ok(s + 7, an) && inv_num_ok(sp + 1, bn)))
            return fail(k, "format", "the client sent a malformed PARAMS line");
        if (c->ph == WAIT_PARAMS) {
            if (c->gi >= k->h.ngames)
                return fail(k, "games", "the client started a game the header does not list");
            c->g = &k->h.games[c->gi];
            const struct inv_game *g = c->g;
            if (g->text && (inv_num_cmp(s + 7, an, g->text + g->lo_at, g->lo_n) != 0 ||
                            inv_num_cmp(sp + 1, bn, g->text + g->hi_at, g->hi_n) != 0))
                return fail(k, "games", "game %zu started as %.*s, the header says %.100s",
                            c->gi + 1, (int)(n > 100 ? 100 : n), s, g->text);
            if (!g->text && (!small || lo != g->lo || hi != g->hi))
                return fail(k, "games", "game %zu started as PARAMS %lld %lld, the header says "
                            "%lld %lld", c->gi + 1, (long long)lo, (long long)hi,
                            (long long)c->g->lo, (long long)c->g->hi);
            c->ph = PLAYING, c->asked = 0, c->correct = 0, c->have_prev = 0;
            inv_set_clear(&c->seen);
            return 0;
        }
        if (c->ph != PLAYING)
            return fail(k, "order", "PARAMS while the client awaited a guess or owed a REPORT");
        if (!small || lo != 0 || hi != -1)
            return fail(k, "games", "game %zu ended with %.*s, not PARAMS 0 -1", c->gi + 1,
                        (int)(n > 100 ? 100 : n), s);
        if (!c->correct && c->asked != c->g->count && k->h.book && loose(k)) {
            c->finally_sent = 1; /* the book's client records a guess after its REPORT: a
                                    fault there (out of memory) ends the game early */
            return 0;
        }
        if (!c->correct && c->asked != c->g->count)
            return fail(k, "count", "game %zu ended after %llu of %llu guesses without Correct",
                        c->gi + 1, (unsigned long long)c->asked, (unsigned long long)c->g->count);
        c->gi++;
        c->ph = c->gi == k->h.ngames ? FINISHED : WAIT_PARAMS;
        return 0;
    }
    if (n == 6 && memcmp(s, "NUMBER", 6) == 0) {
        if (c->ph != PLAYING)
            return fail(k, "order", "NUMBER outside a game, or before the last REPORT");
        if (c->correct)
            return fail(k, "count", "NUMBER after Correct in game %zu", c->gi + 1);
        if (c->asked >= c->g->count)
            return fail(k, "count", "NUMBER beyond the game's count of %llu (game %zu)",
                        (unsigned long long)c->g->count, c->gi + 1);
        c->ph = WAIT_GUESS;
        if (c->server_end) /* it will read the end instead of a guess */
            goto server_gone;
        return 0;
    }
    if (inv_starts(s, n, "REPORT ")) {
        if (c->ph != WAIT_REPORT)
            return fail(k, "order", "REPORT with no guess to judge");
        if (n - 7 != strlen(c->want) || memcmp(s + 7, c->want, n - 7) != 0)
            return fail(k, "decision", "REPORT %.*s, but the distance implies %s (game %zu, "
                        "guess %llu)", (int)(n - 7), s + 7, c->want, c->gi + 1,
                        (unsigned long long)c->asked);
        c->correct = strcmp(c->want, "Correct") == 0;
        c->ph = PLAYING;
        return 0;
    }
    return fail(k, "format", "the client sent a line that is not a command");
server_gone:
    owe_server_closed(c);
    return 0;
}

/* A guess in a game beyond int64 (a book profile's), as server_line checks
 * one: in range, not repeated (its key is the text's hash: two guesses
 * taken for one another have a chance of 2^-64), and the decision due. */
static int big_guess(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    const struct inv_game *g = c->g;
    const char *lo = g->text + g->lo_at, *hi = g->text + g->hi_at;
    int cut = (int)(n > 40 ? 40 : n);
    if (!inv_num_ok(s, n))
        return fail(k, "range", "the server sent %.*s, not an integer", cut, s);
    if (inv_num_cmp(s, n, lo, g->lo_n) < 0 || inv_num_cmp(s, n, hi, g->hi_n) > 0)
        return fail(k, "range", "guess %.*s outside [%.100s] (game %zu)", cut, s, g->text,
                    c->gi + 1);
    if (c->asked >= k->h.max_guesses)
        return fail(k, "limit", "a guess past max-guesses %zu in game %zu", k->h.max_guesses,
                    c->gi + 1);
    int added = inv_set_add(&c->seen, (int64_t)inv_num_hash(s, n));
    if (added < 0)
        return fail(k, "format", "out of memory");
    if (added == 0)
        return fail(k, "repeat", "guess %.*s repeated in game %zu", cut, s, c->gi + 1);
    if (c->session >= k->h.max_guesses) {
        char why[160];
        snprintf(why, sizeof why, "more than %zu guesses (max-guesses)", k->h.max_guesses);
        owe_error(c, "client-limit", why);
        return 0;
    }
    c->asked++, c->session++;
    char d[INV_NUM_TEXT];
    inv_num_dist(s, n, g->text + g->secret_at, g->secret_n, d);
    double dist = strtod(d, NULL); /* correctly rounded, as CPython's float(int) */
    c->want = judge(dist, c->have_prev, c->prev);
    c->prev = dist, c->have_prev = 1;
    c->ph = WAIT_REPORT;
    return 0;
}

static int server_line(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (c->lax)
        return 0;
    int64_t guess;
    if (c->server_end)
        return fail(k, "order", "the server sent a line after its end");
    if (c->ph != WAIT_GUESS)
        return fail(k, "order", "the server sent a line nobody asked for");
    if (n > k->h.max_line) {
        char why[160];
        snprintf(why, sizeof why, "line longer than %zu bytes", k->h.max_line);
        owe_error(c, "line-too-long", why);
        return 0;
    }
    if (c->g->text)
        return big_guess(k, s, n);
    if (inv_parse_i64(s, n, &guess) < 0)
        return fail(k, "range", "the server sent %.*s, not an integer", (int)(n > 40 ? 40 : n), s);
    if (guess < c->g->lo || guess > c->g->hi)
        return fail(k, "range", "guess %lld outside [%lld, %lld] (game %zu)", (long long)guess,
                    (long long)c->g->lo, (long long)c->g->hi, c->gi + 1);
    if (c->asked >= k->h.max_guesses)
        return fail(k, "limit", "a guess past max-guesses %zu in game %zu", k->h.max_guesses,
                    c->gi + 1);
    int added = inv_set_add(&c->seen, guess);
    if (added < 0)
        return fail(k, "format", "out of memory");
    if (added == 0)
        return fail(k, "repeat", "guess %lld repeated in game %zu", (long long)guess, c->gi + 1);
    if (c->session >= k->h.max_guesses) {
        char why[160];
        snprintf(why, sizeof why, "more than %zu guesses (max-guesses)", k->h.max_guesses);
        owe_error(c, "client-limit", why);
        return 0;
    }
    c->asked++, c->session++;
    double dist;
    c->want = decide(guess, c->g->secret, c->have_prev, c->prev, &dist);
    c->prev = dist, c->have_prev = 1;
    c->ph = WAIT_REPORT;
    return 0;
}

/* A server error is due only where the protocol says so. */
static int server_error(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    const struct inv_game *g = c->g;
    uint64_t span = g ? (uint64_t)g->hi - (uint64_t)g->lo + 1 : 0; /* 0: all 2^64 values */
    int due = 0;
    /* strict's texts, word for word (docs/ERRORS.md): the range and counts
     * are the game's, from the file's header */
    char want[160] = "";
    if (c->over_long && inv_starts(s, n, "line longer than "))
        due = 1;
    else if (c->ph == WAIT_GUESS && g && g->lo > g->hi)
        snprintf(want, sizeof want, "NUMBER with an empty range [%" PRId64 ", %" PRId64 "]",
                 g->lo, g->hi);
    else if (c->ph == WAIT_GUESS && g && span != 0 && c->seen.n == span)
        snprintf(want, sizeof want, "NUMBER after all %" PRIu64 " values of [%" PRId64 ", %" PRId64
                 "] were guessed", span, g->lo, g->hi);
    else if (c->ph == WAIT_GUESS && c->asked >= k->h.max_guesses)
        snprintf(want, sizeof want, "NUMBER beyond the limit of %zu guesses in one game "
                 "(max-guesses)", k->h.max_guesses);
    if (want[0] && !k->h.book && !loose(k) && (strlen(want) != n || memcmp(want, s, n) != 0))
        return fail(k, "server-error", "the server's error must read \"%s\"; it reads \"%.*s\"",
                    want, (int)(n > 200 ? 200 : n), s);
    due = due || want[0];
    if (k->h.book && !loose(k)) { /* the book's texts are Python's: where, not what */
        if (exhausted(c)) { /* what the harness records of the hang */
            c->lax = 1;
            c->server_end = 1;
            return 0;
        }
        due = c->over_long || (c->ph == WAIT_GUESS && g && empty_range(g)) ||
              (c->ph == WAIT_GUESS && c->asked >= k->h.max_guesses);
    }
    if (!due && !loose(k))
        return fail(k, "server-error", "a well-formed client got a server error: %.*s",
                    (int)(n > 200 ? 200 : n), s);
    c->server_end = 1;
    if (c->ph == WAIT_GUESS)
        owe_server_closed(c);
    return 0;
}

static int client_error(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (loose(k)) { /* a cut line, a timeout: its text is the fault's doing */
        c->client_end = 1;
        return 0;
    }
    if (c->due && k->h.book) { /* the book's text is Python's; its `finally` is not checked */
        c->client_end = 1;
        return 0;
    }
    if (!c->due)
        return fail(k, "client-error", "the client reported an error nobody caused: %.*s",
                    (int)(n > 200 ? 200 : n), s);
    if (!c->finally_sent)
        return fail(k, "client-error", "the client failed without sending PARAMS 0 -1 first");
    if (!inv_starts(s, n, c->due_text))
        return fail(k, "client-error", "the client's error is \"%.*s\", want \"%s\"",
                    (int)(n > 160 ? 160 : n), s, c->due_text);
    c->client_end = 1;
    return 0;
}

/* One record of the current connection: kind ':' or '!', then its text. */
static int record(struct checker *k, char side, char mark, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (mark == ':')
        c->sent[side == 'S'] += inv_decoded_len(s, n) + 1;
    else if (inv_starts(s, n, "partial "))
        c->sent[side == 'S'] += inv_decoded_len(s + 8, n - 8);
    if (mark == ':')
        return side == 'C' ? client_line(k, s, n) : server_line(k, s, n);
    if (inv_starts(s, n, "partial ") && k->h.book && k->h.faults)
        c->lax = 1; /* the peer takes the cut line less its last byte, and goes on */
    if (inv_starts(s, n, "partial ") && loose(k)) { /* a side cut mid-line */
        if (side == 'S')
            c->server_end = 1;
        return 0;
    }
    int is_close = n == 5 && memcmp(s, "close", 5) == 0;
    int is_error = inv_starts(s, n, "error ");
    if (side == 'S') {
        if (is_error)
            return server_error(k, s + 6, n - 6);
        if (k->h.book && !loose(k) && exhausted(c)) { /* the hang, as the harness records it */
            c->lax = 1;
            c->server_end = 1;
            return 0;
        }
        if (k->h.book && c->client_end) /* book-asyncio: its end after the client's */
            return 0;
        if (!loose(k))
            return fail(k, "server-end", "the server ended unasked: %.*s",
                        (int)(n > 60 ? 60 : n), s);
        c->server_end = 1;
        if (c->ph == WAIT_GUESS)
            return server_error(k, "", 0);
        return 0;
    }
    if (is_error)
        return client_error(k, s + 6, n - 6);
    if (is_close && (c->ph == FINISHED || loose(k))) {
        c->client_end = 1;
        return 0;
    }
    return fail(k, "client-end", "the client ended with \"%.*s\" before its games were done",
                (int)(n > 60 ? 60 : n), s);
}

static int end_conn(struct checker *k)
{
    struct conn *c = &k->c;
    for (unsigned i = 0; i < k->h.ncuts; i++) {
        const struct inv_cut *cut = &k->h.cuts[i];
        uint64_t sent = c->sent[cut->side == 'S'];
        if (cut->conn == k->conn_no && sent > cut->at)
            return fail(k, "fault", "side %c sent %llu bytes past its fault at byte %llu",
                        cut->side, (unsigned long long)sent, (unsigned long long)cut->at);
    }
    if (k->h.book && exhausted(c)) /* the hang, not recorded: nothing more came */
        c->lax = 1;
    if (!c->client_end && !loose(k))
        return fail(k, "client-end", "the client never ended (%s)",
                    c->due ? c->due_text : "no close, no error");
    return 0;
}

static void start_conn(struct checker *k, unsigned no)
{
    struct inv_set seen = k->c.seen;
    inv_set_clear(&seen);
    k->c = (struct conn){.h = &k->h, .seen = seen};
    k->conn_no = no;
}

int wm_inv_check(const char *text, size_t len, struct wm_violation *v)
{
    struct checker k = {.h = {.connections = 1, .max_line = 1024, .max_guesses = 4194304},
                        .v = v};
    int rc = 0, in_header = 1;
    unsigned cur = 0;
    memset(v, 0, sizeof *v);
    for (size_t off = 0; off < len && rc == 0;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - text - off) : len - off;
        const char *s = text + off;
        off += n + 1;
        k.lineno++;
        if (n == 0)
            continue;
        if (s[0] == '#') {
            if (in_header && inv_header_line(&k.h, s, n) < 0) {
                fail(&k, "format", "unreadable header line");
                rc = -1;
            }
            continue;
        }
        char side, mark;
        unsigned conn;
        const char *t;
        size_t tn;
        if (inv_split_record(s, n, &side, &conn, &mark, &t, &tn) < 0) {
            fail(&k, "format", "unreadable record");
            rc = -1;
            break;
        }
        if (in_header || (conn ? conn : 1) != cur) {
            in_header = 0;
            if ((conn ? conn : 1) != cur + 1 || (conn != 0) != (k.h.connections > 1)) {
                rc = fail(&k, "format", "records of connection %u out of order", conn);
                break;
            }
            if (cur && end_conn(&k)) {
                rc = 1;
                break;
            }
            start_conn(&k, conn ? conn : 1);
            cur = conn ? conn : 1;
        }
        if (mark == ':' && memchr(t, '\\', tn) && !k.h.faults) { /* reasons quote escaped */
            rc = fail(&k, "format", "a non-printable byte in a well-formed run");
            break;
        }
        rc = record(&k, side, mark, t, tn);
    }
    if (rc == 0 && cur)
        rc = end_conn(&k);
    if (rc == 0 && cur != k.h.connections)
        rc = fail(&k, "format", "records for %u of %u connections", cur, k.h.connections);
    free(k.c.seen.slot);
    free(k.c.seen.used);
    for (size_t i = 0; i < k.h.ngames; i++)
        free(k.h.games[i].text);
    free(k.h.games);
    return rc;
}
