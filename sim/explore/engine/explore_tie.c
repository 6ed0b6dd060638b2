/* Where a tie recipe goes (explore_tie.h). */
#include "explore_tie.h"

#include <string.h>

#include "inv_read.h"
#include "mal_tie.h"

/* s (n bytes) as a NUL-terminated string into out (cap bytes): 0, or -1 if it does not fit. */
static int text(const char *s, size_t n, char *out, size_t cap)
{
    if (n + 1 > cap)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* The number of a header's "# game: LO:HI:NUMBER:COUNT" line: its place in s, or NULL. */
static const char *number_of(const char *s, size_t n, size_t *len)
{
    static const char head[] = "# game: ";
    if (n < sizeof head - 1 || memcmp(s, head, sizeof head - 1) != 0)
        return NULL;
    const char *p = s + sizeof head - 1, *end = s + n;
    for (int colons = 0; colons < 2; colons++) {
        const char *c = memchr(p, ':', (size_t)(end - p));
        if (!c)
            return NULL;
        p = c + 1;
    }
    const char *c = memchr(p, ':', (size_t)(end - p));
    *len = (size_t)((c ? c : end) - p);
    return p;
}

int wm_explore_tie_pick(const char *t, size_t len, unsigned conn, uint32_t from, uint32_t lines,
                        uint32_t *k, char *number, char *prev, size_t cap)
{
    const char *num[WM_TIE_GAMES_MAX];
    size_t numn[WM_TIE_GAMES_MAX], ngames = 0, game = 0, params = 0;
    /* a game's number and its guess before this one: 127 digits are well
     * past a drawn game's values (beyond int64 by at most 2^126) */
    char last[128], cand[128];
    int have_last = 0, found = 0;
    uint32_t i = 0;
    for (const char *p = t, *end = t + len; p < end && i < lines;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w;
        if (p[0] == '#' && ngames < WM_TIE_GAMES_MAX && (num[ngames] = number_of(p, n, &numn[ngames])))
            ngames++;
        if ((w = inv_record_of(p, n, 'C', conn)) && inv_starts(p + w, n - w, ": PARAMS ") &&
            params++ % 2 == 0) { /* a game's start: PARAMS LO HI, then PARAMS 0 -1 */
            game = params / 2;
            have_last = 0;
        } else if ((w = inv_record_of(p, n, 'S', conn)) && p[w] == ':') {
            size_t at = w + 1 + (w + 1 < n && p[w + 1] == ' ');
            char g[128];
            int ok = text(p + at, n - at, cand, sizeof cand) == 0;
            if (have_last && game < ngames && text(num[game], numn[game], g, sizeof g) == 0 &&
                wm_mal_tie_fits(g, last) && (i >= from || !found) &&
                text(g, strlen(g), number, cap) == 0 && text(last, strlen(last), prev, cap) == 0) {
                *k = i;
                if (i >= from)
                    return 0;
                found = 1; /* the first, taken if none follows `from` */
            }
            have_last = ok;
            if (ok)
                memcpy(last, cand, sizeof last);
            i++;
        } else if ((p[0] == 'C' || p[0] == 'S') && (w = inv_record_of(p, n, p[0], conn)) &&
                   p[w] == '!') {
            break; /* a side's end: no line after it is eligible */
        }
        p = nl ? nl + 1 : end;
    }
    return found ? 0 : 1;
}
