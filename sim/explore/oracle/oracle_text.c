/* The oracle's reading of a transcript: its header and the lists the model
 * keeps (oracle_int.h); numbers and sets are the invariant checker's
 * (inv_read.h): the oracle is independent of proto/'s generator, not of
 * how a transcript's text reads. */
#include <stdlib.h>
#include <string.h>

#include "oracle_int.h"

const struct wm_orc_profile wm_orc_profiles[WM_ORC_NPROFILES] = {
    {"strict", 0}, {"book", 1}, {"book-asyncio", 1}};

/* ---- a list of judged values: the client's summary, the server's log ---- */

int wm_orc_jlist_push(struct wm_orc_jlist *l, const struct wm_ov *v, const char *d, size_t dn)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct wm_orc_judged *na = realloc(l->a, cap * sizeof *na);
        if (!na)
            return -1;
        l->a = na, l->cap = cap;
    }
    l->a[l->n++] = (struct wm_orc_judged){*v, d, dn};
    return 0;
}

/* ---- the header ---- */

static int field(const char *s, size_t n, int i, struct wm_ov *out)
{
    size_t start = 0;
    for (size_t j = 0; j <= n; j++)
        if (j == n || s[j] == ':') {
            if (i-- == 0)
                return wm_ov_parse(out, s + start, j - start);
            start = j + 1;
        }
    return -1;
}

int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n)
{
    uint64_t u;
    if (inv_starts(s, n, "# seed: "))
        return inv_parse_u64(s + 8, n - 8, &h->seed);
    if (inv_starts(s, n, "# game: ")) {
        struct wm_orc_game g;
        int64_t x;
        if (field(s + 8, n - 8, 0, &g.lo) < 0 || field(s + 8, n - 8, 1, &g.hi) < 0 ||
            field(s + 8, n - 8, 2, &g.secret) < 0) {
            h->far_game = 1; /* judged at the header's end, with the profile */
            return 0;
        }
        if (!wm_ov_to_i64(&g.lo, &x) || !wm_ov_to_i64(&g.hi, &x) || !wm_ov_to_i64(&g.secret, &x))
            h->big_game = 1; /* a book profile's, or an error: judged at the header's end */
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
    if (inv_starts(s, n, "# connections: "))
        return inv_parse_u64(s + 15, n - 15, &u) < 0 || u == 0 || u > 65536 ? -1 : (h->conns = (unsigned)u, 0);
    if (inv_starts(s, n, "# max-line: "))
        return inv_parse_u64(s + 12, n - 12, &h->max_line);
    if (inv_starts(s, n, "# max-guesses: "))
        return inv_parse_u64(s + 15, n - 15, &h->max_guesses);
    if (inv_starts(s, n, "# server: script"))
        h->server_script = 1;
    if (inv_starts(s, n, "# client: script"))
        h->client_script = 1;
    if (inv_starts(s, n, "# fault: ") && !inv_starts(s, n, "# fault: slow ") &&
        !inv_starts(s, n, "# fault: delay "))
        h->faults = 1; /* a destructive plan: a side may stop anywhere */
    if (inv_starts(s, n, "# profile: ")) {
        h->profile = NULL;
        for (size_t i = 0; i < WM_ORC_NPROFILES; i++)
            if (n - 11 == strlen(wm_orc_profiles[i].name) && memcmp(s + 11, wm_orc_profiles[i].name, n - 11) == 0)
                h->profile = &wm_orc_profiles[i];
    }
    return 0;
}

