#include "inv_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv_num.h"
#include "invariants.h"

/* ---- a set of this game's guesses (open addressing, grows) ---- */

static uint64_t mix(int64_t v)
{
    uint64_t x = (uint64_t)v * 0x9e3779b97f4a7c15u;
    return x ^ (x >> 29);
}

void inv_set_clear(struct inv_set *s)
{
    if (s->used)
        memset(s->used, 0, s->cap);
    s->n = 0;
}

/* 1 added, 0 already there, -1 out of memory. */
int inv_set_add(struct inv_set *s, int64_t v)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct inv_set t = {malloc(cap * sizeof *t.slot), calloc(cap, 1), cap, 0};
        if (!t.slot || !t.used) {
            free(t.slot);
            free(t.used);
            return -1;
        }
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i])
                inv_set_add(&t, s->slot[i]);
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

/* Canonical signed decimal, as the protocol writes integers. */
int inv_parse_i64(const char *s, size_t n, int64_t *out)
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

int inv_parse_u64(const char *s, size_t n, uint64_t *out)
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

int inv_starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static int inv_parse_game(const char *s, size_t n, struct inv_game *g)
{
    const char *f[4];
    size_t len[4], k = 0, start = 0;
    for (size_t i = 0; i <= n && k < 4; i++)
        if (i == n || s[i] == ':') {
            f[k] = s + start, len[k++] = i - start;
            start = i + 1;
        }
    *g = (struct inv_game){0};
    if (k != 4 || start != n + 1 || inv_parse_u64(f[3], len[3], &g->count) < 0)
        return -1;
    if (inv_parse_i64(f[0], len[0], &g->lo) == 0 && inv_parse_i64(f[1], len[1], &g->hi) == 0 &&
        inv_parse_i64(f[2], len[2], &g->secret) == 0)
        return 0;
    /* beyond int64 (a book profile's): kept as text */
    for (size_t i = 0; i < 3; i++)
        if (!inv_num_ok(f[i], len[i]))
            return -1;
    size_t tn = (size_t)(f[3] - 1 - s);
    if (!(g->text = malloc(tn + 1)))
        return -1;
    memcpy(g->text, s, tn);
    g->text[tn] = '\0';
    g->lo_at = 0, g->lo_n = len[0];
    g->hi_at = (size_t)(f[1] - s), g->hi_n = len[1];
    g->secret_at = (size_t)(f[2] - s), g->secret_n = len[2];
    return 0;
}

int inv_header_line(struct inv_header *h, const char *s, size_t n)
{
    uint64_t v;
#define KEY(k) (inv_starts(s, n, "# " k ": ") ? (s += sizeof k + 3, n -= sizeof k + 3, 1) : 0)
    if (KEY("game")) {
        if (h->ngames == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 8;
            struct inv_game *ng = realloc(h->games, cap * sizeof *ng);
            if (!ng)
                return -1;
            h->games = ng, h->cap = cap;
        }
        return inv_parse_game(s, n, &h->games[h->ngames++]);
    }
    if (KEY("profile")) {
        h->book = (n == 4 && memcmp(s, "book", 4) == 0) ||
                  (n == 12 && memcmp(s, "book-asyncio", 12) == 0);
        return h->book || (n == 6 && memcmp(s, "strict", 6) == 0) ? 0 : -1;
    }
    if (KEY("connections"))
        return inv_parse_u64(s, n, &v) < 0 || v == 0 || v > 65536 ? -1 : (h->connections = (unsigned)v, 0);
    if (KEY("max-line"))
        return inv_parse_u64(s, n, &v) < 0 ? -1 : (h->max_line = (size_t)v, 0);
    if (KEY("max-guesses"))
        return inv_parse_u64(s, n, &v) < 0 ? -1 : (h->max_guesses = (size_t)v, 0);
    if (KEY("fault")) {
        /* reset|half-close|stall C<n>|S<n> at K bound a side's bytes; slow
         * and delay only reorder, so they relax nothing. */
        static const char *const cuts[] = {"reset ", "half-close ", "stall "};
        h->faults |= !inv_starts(s, n, "slow ") && !inv_starts(s, n, "delay ");
        for (size_t i = 0; i < 3 && h->ncuts < INV_MAX_CUTS; i++) {
            size_t k = strlen(cuts[i]);
            if (!inv_starts(s, n, cuts[i]) || n < k + 2)
                continue;
            struct inv_cut *c = &h->cuts[h->ncuts];
            const char *at = memchr(s + k, ' ', n - k);
            uint64_t conn;
            if (!at || !inv_starts(at, (size_t)(s + n - at), " at ") ||
                inv_parse_u64(s + k + 1, (size_t)(at - s - k - 1), &conn) < 0 ||
                inv_parse_u64(at + 4, (size_t)(s + n - at - 4), &c->at) < 0)
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
uint64_t inv_decoded_len(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++, k++)
        if (s[i] == '\\')
            i += i + 1 < n && s[i + 1] == 'x' ? 3 : 1;
    return k;
}

/* "C: x", "S12! error y": side, connection (0 for none), mark and text. */
int inv_split_record(const char *s, size_t n, char *side, unsigned *conn, char *mark,
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


int inv_fail(struct wm_violation *v, const char *kind, unsigned conn, size_t lineno,
             const char *fmt, ...)
{
    va_list ap;
    v->kind = kind;
    v->conn = conn;
    v->lineno = lineno;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    return kind[0] == 'f' ? -1 : 1;
}

size_t inv_record_of(const char *s, size_t n, char side, unsigned conn)
{
    if (n < 2 || s[0] != side)
        return 0;
    if (s[1] == ':' || s[1] == '!')
        return conn == 1;
    char want[16];
    int w = snprintf(want, sizeof want, "%c%u", side, conn);
    return n > (size_t)w && memcmp(s, want, (size_t)w) == 0 && (s[w] == ':' || s[w] == '!')
               ? (size_t)w
               : 0;
}
