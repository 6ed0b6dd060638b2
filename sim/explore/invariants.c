#include "invariants.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a set of this game's guesses (open addressing, grows) ---- */

struct set {
    int64_t *slot;
    unsigned char *used;
    size_t cap, n;
};

static uint64_t mix(int64_t v)
{
    uint64_t x = (uint64_t)v * 0x9e3779b97f4a7c15u;
    return x ^ (x >> 29);
}

static void set_clear(struct set *s)
{
    if (s->used)
        memset(s->used, 0, s->cap);
    s->n = 0;
}

/* 1 added, 0 already there, -1 out of memory. */
static int set_add(struct set *s, int64_t v)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct set t = {malloc(cap * sizeof *t.slot), calloc(cap, 1), cap, 0};
        if (!t.slot || !t.used) {
            free(t.slot);
            free(t.used);
            return -1;
        }
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i])
                set_add(&t, s->slot[i]);
        free(s->slot);
        free(s->used);
        *s = t;
    }
    for (size_t i = mix(v) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i]) {
            s->used[i] = 1;
            s->slot[i] = v;
            s->n++;
            return 1;
        }
        if (s->slot[i] == v)
            return 0;
    }
}

/* ---- reading the text ---- */

struct game {
    int64_t lo, hi, secret;
    uint64_t count;
};

/* A byte fault of the plan: its side may send at most `at` bytes. */
struct cut {
    char side;
    unsigned conn;
    uint64_t at;
};

#define MAX_CUTS 8

struct header {
    struct game *games;
    size_t ngames, cap;
    unsigned connections;
    size_t max_line, max_guesses;
    int faults; /* a destructive fault plan: sides may end anywhere */
    struct cut cuts[MAX_CUTS];
    unsigned ncuts;
};

/* Canonical signed decimal, as the protocol writes integers. */
static int parse_i64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0, limit = (uint64_t)INT64_MAX;
    if (i < n && s[i] == '-')
        neg = 1, i++, limit++;
    if (i == n || (s[i] == '0' && (n - i > 1 || neg)))
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (limit - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || (s[0] == '0' && n > 1))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static int parse_game(const char *s, size_t n, struct game *g)
{
    const char *f[4];
    size_t len[4], k = 0, start = 0;
    for (size_t i = 0; i <= n && k < 4; i++)
        if (i == n || s[i] == ':') {
            f[k] = s + start, len[k++] = i - start;
            start = i + 1;
        }
    return k == 4 && start == n + 1 && parse_i64(f[0], len[0], &g->lo) == 0 &&
                   parse_i64(f[1], len[1], &g->hi) == 0 &&
                   parse_i64(f[2], len[2], &g->secret) == 0 &&
                   parse_u64(f[3], len[3], &g->count) == 0
               ? 0
               : -1;
}

static int header_line(struct header *h, const char *s, size_t n)
{
    uint64_t v;
#define KEY(k) (starts(s, n, "# " k ": ") ? (s += sizeof k + 3, n -= sizeof k + 3, 1) : 0)
    if (KEY("game")) {
        if (h->ngames == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 8;
            struct game *ng = realloc(h->games, cap * sizeof *ng);
            if (!ng)
                return -1;
            h->games = ng, h->cap = cap;
        }
        return parse_game(s, n, &h->games[h->ngames++]);
    }
    if (KEY("connections"))
        return parse_u64(s, n, &v) < 0 || v == 0 || v > 65536 ? -1 : (h->connections = (unsigned)v, 0);
    if (KEY("max-line"))
        return parse_u64(s, n, &v) < 0 ? -1 : (h->max_line = (size_t)v, 0);
    if (KEY("max-guesses"))
        return parse_u64(s, n, &v) < 0 ? -1 : (h->max_guesses = (size_t)v, 0);
    if (KEY("fault")) {
        /* reset|half-close|stall C<n>|S<n> at K bound a side's bytes; slow
         * and delay only reorder, so they relax nothing. */
        static const char *const cuts[] = {"reset ", "half-close ", "stall "};
        h->faults |= !starts(s, n, "slow ") && !starts(s, n, "delay ");
        for (size_t i = 0; i < 3 && h->ncuts < MAX_CUTS; i++) {
            size_t k = strlen(cuts[i]);
            if (!starts(s, n, cuts[i]) || n < k + 2)
                continue;
            struct cut *c = &h->cuts[h->ncuts];
            const char *at = memchr(s + k, ' ', n - k);
            uint64_t conn;
            if (!at || !starts(at, (size_t)(s + n - at), " at ") ||
                parse_u64(s + k + 1, (size_t)(at - s - k - 1), &conn) < 0 ||
                parse_u64(at + 4, (size_t)(s + n - at - 4), &c->at) < 0)
                return -1;
            c->side = s[k];
            c->conn = (unsigned)conn;
            h->ncuts++;
        }
    }
#undef KEY
    return 0;
}

/* Bytes a record's escaped text stands for. */
static uint64_t decoded_len(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++, k++)
        if (s[i] == '\\')
            i += i + 1 < n && s[i + 1] == 'x' ? 3 : 1;
    return k;
}

/* ---- one connection's client, followed through its games ---- */

enum phase { WAIT_PARAMS, PLAYING, WAIT_GUESS, WAIT_REPORT, FINISHED };

struct conn {
    const struct header *h;
    size_t gi;            /* game in play, or next to start */
    enum phase ph;
    const struct game *g;
    uint64_t asked;       /* guesses received in this game */
    uint64_t session;     /* guesses received in the session */
    int correct, have_prev;
    double prev;
    const char *want;     /* the decision due for the last guess */
    struct set seen;
    int server_end, client_end;
    int over_long;        /* the client sent a line over max-line */
    const char *due;      /* the client's error now due, or NULL */
    char due_text[160];
    int finally_sent;     /* PARAMS 0 -1 since the error became due */
    uint64_t sent[2];     /* bytes each side sent (client, server) */
};

struct checker {
    struct header h;
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

/* The reference's judgement: the exact distance, rounded once to a double. */
static const char *decide(int64_t n, int64_t secret, int have_prev, double prev, double *dist)
{
    uint64_t d = n >= secret ? (uint64_t)n - (uint64_t)secret : (uint64_t)secret - (uint64_t)n;
    *dist = (double)d;
    if (*dist == 0)
        return "Correct";
    if (!have_prev || *dist == prev)
        return "Unsure";
    return *dist < prev ? "Warmer" : "Colder";
}

static void owe_error(struct conn *c, const char *kind, const char *text)
{
    if (c->due)
        return;
    c->due = kind;
    snprintf(c->due_text, sizeof c->due_text, "%s", text);
    c->finally_sent = 0;
}

static int client_line(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (c->client_end)
        return fail(k, "order", "the client sent a line after its end");
    /* The server fails an over-long line while still reading it, so its error
     * ties with the client's next line, and a tie goes to the server. */
    if (c->over_long && !c->server_end && !k->h.faults)
        return fail(k, "order", "a client line between an over-long line and the server's error "
                    "(ties go to the server)");
    if (n > k->h.max_line)
        c->over_long = 1;
    if (k->h.faults && (c->ph == WAIT_GUESS || c->ph == WAIT_REPORT) && n == 11 &&
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
    if (starts(s, n, "PARAMS ")) {
        const char *sp = memchr(s + 7, ' ', n - 7);
        int64_t lo, hi;
        if (!sp || parse_i64(s + 7, (size_t)(sp - s - 7), &lo) < 0 ||
            parse_i64(sp + 1, (size_t)(s + n - sp - 1), &hi) < 0)
            return fail(k, "format", "the client sent a malformed PARAMS line");
        if (c->ph == WAIT_PARAMS) {
            if (c->gi >= k->h.ngames)
                return fail(k, "games", "the client started a game the header does not list");
            c->g = &k->h.games[c->gi];
            if (lo != c->g->lo || hi != c->g->hi)
                return fail(k, "games", "game %zu started as PARAMS %lld %lld, the header says "
                            "%lld %lld", c->gi + 1, (long long)lo, (long long)hi,
                            (long long)c->g->lo, (long long)c->g->hi);
            c->ph = PLAYING, c->asked = 0, c->correct = 0, c->have_prev = 0;
            set_clear(&c->seen);
            return 0;
        }
        if (c->ph != PLAYING)
            return fail(k, "order", "PARAMS while the client awaited a guess or owed a REPORT");
        if (lo != 0 || hi != -1)
            return fail(k, "games", "game %zu ended with PARAMS %lld %lld, not PARAMS 0 -1",
                        c->gi + 1, (long long)lo, (long long)hi);
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
    if (starts(s, n, "REPORT ")) {
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
server_gone: {
    char why[160];
    snprintf(why, sizeof why, "server closed the connection while the client awaited a guess "
             "(game %zu, guess %llu)", c->gi + 1, (unsigned long long)c->asked + 1);
    owe_error(c, "server-closed", why);
    return 0;
}
}

static int server_line(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
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
    if (parse_i64(s, n, &guess) < 0)
        return fail(k, "range", "the server sent %.*s, not an integer", (int)(n > 40 ? 40 : n), s);
    if (guess < c->g->lo || guess > c->g->hi)
        return fail(k, "range", "guess %lld outside [%lld, %lld] (game %zu)", (long long)guess,
                    (long long)c->g->lo, (long long)c->g->hi, c->gi + 1);
    if (c->asked >= k->h.max_guesses)
        return fail(k, "limit", "a guess past max-guesses %zu in game %zu", k->h.max_guesses,
                    c->gi + 1);
    int added = set_add(&c->seen, guess);
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
    const struct game *g = c->g;
    uint64_t span = g ? (uint64_t)g->hi - (uint64_t)g->lo + 1 : 0; /* 0: all 2^64 values */
    int due = 0;
    if (c->over_long && starts(s, n, "line longer than "))
        due = 1;
    else if (c->ph == WAIT_GUESS && g && g->lo > g->hi)
        due = starts(s, n, "NUMBER with an empty range");
    else if (c->ph == WAIT_GUESS && g && span != 0 && c->seen.n == span)
        due = starts(s, n, "NUMBER after all");
    else if (c->ph == WAIT_GUESS && c->asked >= k->h.max_guesses)
        due = n >= 13 && memcmp(s + n - 13, "(max-guesses)", 13) == 0;
    if (!due && !k->h.faults)
        return fail(k, "server-error", "a well-formed client got a server error: %.*s",
                    (int)(n > 200 ? 200 : n), s);
    c->server_end = 1;
    if (c->ph == WAIT_GUESS) {
        char why[160];
        snprintf(why, sizeof why, "server closed the connection while the client awaited a "
                 "guess (game %zu, guess %llu)", c->gi + 1, (unsigned long long)c->asked + 1);
        owe_error(c, "server-closed", why);
    }
    return 0;
}

static int client_error(struct checker *k, const char *s, size_t n)
{
    struct conn *c = &k->c;
    if (k->h.faults) { /* a cut line, a timeout: its text is the fault's doing */
        c->client_end = 1;
        return 0;
    }
    if (!c->due)
        return fail(k, "client-error", "the client reported an error nobody caused: %.*s",
                    (int)(n > 200 ? 200 : n), s);
    if (!c->finally_sent)
        return fail(k, "client-error", "the client failed without sending PARAMS 0 -1 first");
    if (!starts(s, n, c->due_text))
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
        c->sent[side == 'S'] += decoded_len(s, n) + 1;
    else if (starts(s, n, "partial "))
        c->sent[side == 'S'] += decoded_len(s + 8, n - 8);
    if (mark == ':')
        return side == 'C' ? client_line(k, s, n) : server_line(k, s, n);
    if (starts(s, n, "partial ") && k->h.faults) { /* a side cut mid-line */
        if (side == 'S')
            c->server_end = 1;
        return 0;
    }
    int is_close = n == 5 && memcmp(s, "close", 5) == 0;
    int is_error = starts(s, n, "error ");
    if (side == 'S') {
        if (is_error)
            return server_error(k, s + 6, n - 6);
        if (!k->h.faults)
            return fail(k, "server-end", "the server ended unasked: %.*s",
                        (int)(n > 60 ? 60 : n), s);
        c->server_end = 1;
        if (c->ph == WAIT_GUESS)
            return server_error(k, "", 0);
        return 0;
    }
    if (is_error)
        return client_error(k, s + 6, n - 6);
    if (is_close && (c->ph == FINISHED || k->h.faults)) {
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
        const struct cut *cut = &k->h.cuts[i];
        uint64_t sent = c->sent[cut->side == 'S'];
        if (cut->conn == k->conn_no && sent > cut->at)
            return fail(k, "fault", "side %c sent %llu bytes past its fault at byte %llu",
                        cut->side, (unsigned long long)sent, (unsigned long long)cut->at);
    }
    if (!c->client_end && !k->h.faults)
        return fail(k, "client-end", "the client never ended (%s)",
                    c->due ? c->due_text : "no close, no error");
    return 0;
}

static void start_conn(struct checker *k, unsigned no)
{
    struct set seen = k->c.seen;
    set_clear(&seen);
    k->c = (struct conn){.h = &k->h, .seen = seen};
    k->conn_no = no;
}

/* "C: x", "S12! error y": side, connection (0 for none), mark and text. */
static int split_record(const char *s, size_t n, char *side, unsigned *conn, char *mark,
                        const char **text, size_t *tlen)
{
    size_t i = 1;
    if (n < 2 || (s[0] != 'C' && s[0] != 'S'))
        return -1;
    *side = s[0];
    *conn = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && *conn < 100000)
        *conn = *conn * 10 + (unsigned)(s[i++] - '0');
    if (i == n || (s[i] != ':' && s[i] != '!'))
        return -1;
    *mark = s[i++];
    if (i < n && s[i] == ' ')
        i++;
    *text = s + i;
    *tlen = n - i;
    return 0;
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
            if (in_header && header_line(&k.h, s, n) < 0) {
                fail(&k, "format", "unreadable header line");
                rc = -1;
            }
            continue;
        }
        char side, mark;
        unsigned conn;
        const char *t;
        size_t tn;
        if (split_record(s, n, &side, &conn, &mark, &t, &tn) < 0) {
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
    free(k.h.games);
    return rc;
}
