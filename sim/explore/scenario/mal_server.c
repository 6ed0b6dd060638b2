/* Corrupted guesses (mal_server.h). */
#include "mal_server.h"

#include <stdio.h>

size_t wm_mal_server_apply(const struct wm_mal *m, const struct wm_mal_game *g,
                           const unsigned char *a, size_t n, size_t max_line, unsigned char *out)
{
    if (m->op != WM_MAL_NUMERAL || m->arg % 3 == 0)
        return wm_mal_apply(m, a, n, max_line, out); /* a numeral line: a non-integer */
    int64_t v;
    if (m->arg % 3 == 2 && g->have_last)
        v = g->last; /* a repeat */
    else if (m->pos % 2 == 0 && g->hi < INT64_MAX)
        v = g->hi + 1; /* just past the range */
    else if (g->lo > INT64_MIN)
        v = g->lo - 1;
    else
        v = g->hi == INT64_MAX ? 0 : g->hi + 1;
    char buf[24];
    int k = snprintf(buf, sizeof buf, "%lld", (long long)v);
    size_t cap = max_line + WM_MAL_MAX_EXTRA, i = 0;
    for (; i < (size_t)k && i < cap; i++)
        out[i] = (unsigned char)buf[i];
    return i;
}
