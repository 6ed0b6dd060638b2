/* The oracle's reading of a transcript: its header, canonical numbers, and
 * the sets and lists the model keeps (oracle_int.h). */
#include <stdlib.h>
#include <string.h>

#include "oracle_int.h"

const struct wm_orc_profile wm_orc_profiles[] = {{"strict"}};

/* ---- the game's drawn values ---- */

void wm_orc_vset_clear(struct wm_orc_vset *s)
{
    if (s->used)
        memset(s->used, 0, s->cap);
    s->n = 0;
}

int wm_orc_vset_add(struct wm_orc_vset *s, int64_t v)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct wm_orc_vset t = {malloc(cap * sizeof *t.slot), calloc(cap, 1), cap, 0};
        if (!t.slot || !t.used) {
            free(t.slot);
            free(t.used);
            return -1;
        }
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i])
                wm_orc_vset_add(&t, s->slot[i]);
        free(s->slot);
        free(s->used);
        *s = t;
    }
    uint64_t h = (uint64_t)v * 0xff51afd7ed558ccdu;
    for (size_t i = (h ^ h >> 31) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i]) {
            s->used[i] = 1, s->slot[i] = v, s->n++;
            return 1;
        }
        if (s->slot[i] == v)
            return 0;
    }
}

/* ---- a list of judged values: the client's summary, the server's log ---- */

int wm_orc_jlist_push(struct wm_orc_jlist *l, int64_t v, const char *d)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct wm_orc_judged *na = realloc(l->a, cap * sizeof *na);
        if (!na)
            return -1;
        l->a = na, l->cap = cap;
    }
    l->a[l->n++] = (struct wm_orc_judged){v, d};
    return 0;
}

/* ---- the header ---- */

int wm_orc_num(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    uint64_t v = 0, lim = (uint64_t)INT64_MAX;
    int neg = n > 0 && s[0] == '-';
    if (neg)
        i++, lim++;
    if (i == n || (s[i] == '0' && n - i > 1))
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (lim - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int wm_orc_unum(const char *s, size_t n, uint64_t *out)
{
    uint64_t u = 0;
    if (n == 0 || (s[0] == '0' && n > 1))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || u > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        u = u * 10 + (uint64_t)(s[i] - '0');
    }
    *out = u;
    return 0;
}

int wm_orc_has_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

/* Field i (from 0) of "a:b:c:d". */
static int field(const char *s, size_t n, int i, int64_t *out)
{
    size_t start = 0;
    for (size_t j = 0; j <= n; j++)
        if (j == n || s[j] == ':') {
            if (i-- == 0)
                return wm_orc_num(s + start, j - start, out);
            start = j + 1;
        }
    return -1;
}

int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n)
{
    uint64_t u;
    if (wm_orc_has_prefix(s, n, "# seed: "))
        return wm_orc_unum(s + 8, n - 8, &h->seed);
    if (wm_orc_has_prefix(s, n, "# game: ")) {
        struct wm_orc_game g;
        if (field(s + 8, n - 8, 0, &g.lo) < 0 || field(s + 8, n - 8, 1, &g.hi) < 0 ||
            field(s + 8, n - 8, 2, &g.secret) < 0)
            return -1;
        if (h->ng == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 8;
            struct wm_orc_game *ng = realloc(h->g, cap * sizeof *ng);
            if (!ng)
                return -1;
            h->g = ng, h->cap = cap;
        }
        h->g[h->ng++] = g;
        return 0;
    }
    if (wm_orc_has_prefix(s, n, "# connections: "))
        return wm_orc_unum(s + 15, n - 15, &u) < 0 || u == 0 || u > 65536 ? -1 : (h->conns = (unsigned)u, 0);
    if (wm_orc_has_prefix(s, n, "# max-line: "))
        return wm_orc_unum(s + 12, n - 12, &h->max_line);
    if (wm_orc_has_prefix(s, n, "# max-guesses: "))
        return wm_orc_unum(s + 15, n - 15, &h->max_guesses);
    if (wm_orc_has_prefix(s, n, "# server: script"))
        h->server_script = 1;
    if (wm_orc_has_prefix(s, n, "# client: script"))
        h->client_script = 1;
    if (wm_orc_has_prefix(s, n, "# fault: ") && !wm_orc_has_prefix(s, n, "# fault: slow ") &&
        !wm_orc_has_prefix(s, n, "# fault: delay "))
        h->faults = 1; /* a destructive plan: a side may stop anywhere */
    if (wm_orc_has_prefix(s, n, "# profile: ")) {
        h->profile = NULL;
        for (size_t i = 0; i < WM_ORC_NPROFILES; i++)
            if (n - 11 == strlen(wm_orc_profiles[i].name) && memcmp(s + 11, wm_orc_profiles[i].name, n - 11) == 0)
                h->profile = &wm_orc_profiles[i];
    }
    return 0;
}

