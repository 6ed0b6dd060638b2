/* getrandbits and randint beyond 64 bits, as CPython 3.11 draws them
 * (Modules/_randommodule.c's getrandbits, Lib/random.py's randrange and
 * _randbelow_with_getrandbits), on proto/rng.c's MT19937. */
#include "big.h"

#include <assert.h>
#include <string.h>

/* A redraw keeps a draw of k = n.bit_length() bits when it is below n >=
 * 2^(k-1), so each draw is redrawn with odds below 1/2: this many redraws
 * in a row have odds below 2^-128 on an honest generator. Past it the
 * stream is broken, not unlucky: we assert rather than spin. */
#define WM_BIG_DRAW_BOUND 128

void wm_big_getrandbits(struct wm_rng *rng, size_t k, struct wm_big *out)
{
    assert(k <= 32 * (size_t)WM_BIG_WORDS);
    out->neg = 0;
    out->n = 0;
    if (k == 0)
        return; /* CPython returns 0 without drawing */
    if (k <= 32) {
        out->w[0] = wm_rng_u32(rng) >> (32 - k);
        out->n = 1;
    } else {
        /* Words least significant first; the last one keeps its top k % 32
         * bits (shifted down) when k is not a multiple of 32. */
        size_t words = (k - 1) / 32 + 1;
        for (size_t i = 0; i < words; i++) {
            uint32_t r = wm_rng_u32(rng);
            size_t left = k - 32 * i;
            if (left < 32)
                r >>= 32 - left;
            out->w[i] = r;
        }
        out->n = (unsigned)words;
    }
    while (out->n > 0 && out->w[out->n - 1] == 0)
        out->n--;
}

void wm_big_randint(struct wm_rng *rng, const struct wm_big *lo, const struct wm_big *hi,
                    struct wm_big *out)
{
    assert(wm_big_cmp(lo, hi) <= 0);
    /* n = hi - lo + 1 >= 1; with |lo|, |hi| < 2^14286 it fits WM_BIG_WORDS. */
    struct wm_big n, one, r;
    wm_big_from_i64(&one, 1);
    int rc = wm_big_sub(&n, hi, lo);
    assert(rc == 0);
    rc = wm_big_add(&n, &n, &one);
    assert(rc == 0);
    size_t k = wm_big_bit_length(&n); /* of n, not n - 1, as CPython does */
    int draws = 0;
    do {
        draws++;
        assert(draws <= WM_BIG_DRAW_BOUND);
        wm_big_getrandbits(rng, k, &r);
    } while (wm_big_cmp(&r, &n) >= 0);
    /* lo + r <= hi: within the capacity that holds hi. */
    rc = wm_big_add(out, lo, &r);
    assert(rc == 0);
    (void)rc;
}
