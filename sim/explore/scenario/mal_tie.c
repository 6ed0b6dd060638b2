/* A guess on a rounding tie (mal_tie.h). */
#include "mal_tie.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "big.h"
#include "inv_num.h"

/* R, the double of |prev - number| (strtod is correctly rounded, ties to
 * even, as float(int) is): 0, or -1 when a text is not canonical. */
static int distance(const char *number, const char *prev, double *r)
{
    char digits[INV_NUM_TEXT];
    size_t nn = strlen(number), pn = strlen(prev);
    if (!inv_num_ok(number, nn) || !inv_num_ok(prev, pn))
        return -1;
    inv_num_dist(prev, pn, number, nn, digits);
    *r = strtod(digits, NULL);
    return 0;
}

int wm_mal_tie_fits(const char *number, const char *prev)
{
    double r;
    return distance(number, prev, &r) == 0 && isfinite(r) && r >= 0x1p53;
}

/* b = the integer-valued double x, exactly ("%.0f" prints it whole). */
static int big_of(double x, struct wm_big *b)
{
    char buf[400];
    int n = snprintf(buf, sizeof buf, "%.0f", x);
    return n > 0 && (size_t)n < sizeof buf && wm_big_parse_canonical(buf, (size_t)n, b) == 0 ? 0 : -1;
}

size_t wm_mal_tie_guess(const char *number, const char *prev, uint32_t arg, char *out, size_t cap)
{
    double r;
    if (distance(number, prev, &r) < 0 || !isfinite(r) || r < 0x1p53)
        return 0; /* as wm_mal_tie_fits */
    unsigned v = arg % WM_MAL_TIE_VARIANTS;
    int below = v % 2 == 1;
    /* R = q * 2^(e - 52), q in [2^52, 2^53): the gap above is 2^(e - 52),
     * the one below too but under a power of two (q = 2^52), half as wide;
     * a tie is half a gap away (2^53: none below at an integer) */
    uint64_t bits;
    memcpy(&bits, &r, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023, pow2 = (bits & ((UINT64_C(1) << 52) - 1)) == 0;
    assert(e >= 53); /* finite: e <= 1023, p <= 970 */
    int p = e - 53 - (below && pow2); /* h = 2^p */
    if (p < 0)
        below = 0, p = e - 53;
    uint64_t hbits = (uint64_t)(p + 1023) << 52;
    double h;
    memcpy(&h, &hbits, sizeof h);
    struct wm_big t, hb, beside, num;
    if (big_of(r, &t) < 0 || big_of(h, &hb) < 0 ||
        wm_big_parse_canonical(number, strlen(number), &num) < 0)
        return 0;
    /* the tie, or beside it by 2^k, k below p (the sticky bits): k = 0
     * half the time, else spread over the sticky words, so that a middle
     * word alone (past 2^64 distances) decides the rounding */
    unsigned k = (arg / (2 * WM_MAL_TIE_VARIANTS)) % 2 && p > 1
                     ? 1 + (unsigned)(arg / (4 * WM_MAL_TIE_VARIANTS)) * (unsigned)(p - 1) / WM_MAL_TIE_SPREAD
                     : 0;
    assert(k == 0 || k < (unsigned)p);
    struct wm_big off;
    int rc = big_of(ldexp(1.0, (int)k), &off);
    wm_big_from_i64(&beside, 0);
    if (v >= 2)
        rc |= v < 4 ? wm_big_add(&beside, &beside, &off) : wm_big_sub(&beside, &beside, &off);
    rc |= below ? wm_big_sub(&t, &t, &hb) : wm_big_add(&t, &t, &hb);
    rc |= wm_big_add(&t, &t, &beside);
    /* the guess: the number plus or minus the distance */
    rc |= (arg / WM_MAL_TIE_VARIANTS) % 2 ? wm_big_sub(&t, &num, &t) : wm_big_add(&t, &num, &t);
    char buf[WM_BIG_TEXT_MAX];
    size_t n = rc == 0 ? wm_big_format(&t, buf) : 0;
    if (n == 0 || n + 1 > cap)
        return 0;
    memcpy(out, buf, n + 1);
    return n;
}
