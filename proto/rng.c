/* MT19937 as in CPython's Modules/_randommodule.c (genrand_uint32,
 * init_genrand, init_by_array), plus the Lib/random.py integer paths. */
#include "rng.h"

#include <assert.h>

#define WM_RNG_M 397
#define MATRIX_A 0x9908b0dfU
#define UPPER_MASK 0x80000000U
#define LOWER_MASK 0x7fffffffU

/* init_by_array with init_genrand(19650218) folded into its first pass: that
 * pass reads init_genrand's word i as it writes its own, so the two chains
 * run side by side (the CPU overlaps independent multiplies) instead of one
 * after the other: a third less time per seed, the same words. */
static void init_by_array(struct wm_rng *rng, const uint32_t *key, int len)
{
    assert(len >= 1 && len < WM_RNG_N); /* so the first pass is N steps */
    uint32_t *mt = rng->mt;
    uint32_t g = 19650218U, prev = g;
    int j = 0;
    for (int i = 1; i < WM_RNG_N; i++) {
        g = 1812433253U * (g ^ (g >> 30)) + (uint32_t)i;
        prev = (g ^ ((prev ^ (prev >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
        mt[i] = prev;
        if (++j >= len)
            j = 0;
    }
    /* The pass's N-th step wraps to word 1, over the value it wrote there. */
    mt[0] = prev;
    prev = (mt[1] ^ ((prev ^ (prev >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
    mt[1] = prev;
    /* The second pass: N - 1 steps from word 2, wrapping to word 1 last. */
    for (int i = 2; i < WM_RNG_N; i++) {
        prev = (mt[i] ^ ((prev ^ (prev >> 30)) * 1566083941U)) - (uint32_t)i;
        mt[i] = prev;
    }
    mt[0] = prev;
    mt[1] = (mt[1] ^ ((prev ^ (prev >> 30)) * 1566083941U)) - 1U;
    mt[0] = 0x80000000U;
    rng->mti = 0;
}

void wm_rng_seed(struct wm_rng *rng, uint64_t seed)
{
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    init_by_array(rng, key, key[1] ? 2 : 1);
}

void wm_rng_seed_words(struct wm_rng *rng, const uint32_t *key, int len)
{
    assert(len >= 1 && len <= 8);
    init_by_array(rng, key, len);
}

/* CPython twists all N words when it has used them up; here word i is
 * twisted when it is read. The words are the same: going up from 0, the
 * words below i are already this round's and the rest last round's, which
 * is exactly what the whole-array twist reads for word i (i + M wraps into
 * this round once i >= N - M; word 0 is this round's when 623 needs it). A
 * fresh seed pays only for the words it uses, not for all 624. */
static uint32_t twisted(const uint32_t *mt, int i)
{
    int next = i + 1 < WM_RNG_N ? i + 1 : 0;
    int ahead = i + WM_RNG_M < WM_RNG_N ? i + WM_RNG_M : i + WM_RNG_M - WM_RNG_N;
    uint32_t y = (mt[i] & UPPER_MASK) | (mt[next] & LOWER_MASK);
    return mt[ahead] ^ (y >> 1) ^ ((0U - (y & 1U)) & MATRIX_A);
}

static uint32_t temper(uint32_t y)
{
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

uint32_t wm_rng_u32(struct wm_rng *rng)
{
    int i = rng->mti;
    assert(i >= 0 && i < WM_RNG_N);
    uint32_t y = twisted(rng->mt, i);
    rng->mt[i] = y;
    rng->mti = i + 1 < WM_RNG_N ? i + 1 : 0;
    return temper(y);
}

/* Word mti + 1 as read after word mti: twisting it never reads word mti
 * itself (only words mti + 1, mti + 2 and one N - M behind or M ahead), so
 * it is the same whether or not word mti was stored first. */
static uint32_t peek_word(const struct wm_rng *rng, int ahead)
{
    assert(ahead == 0 || ahead == 1);
    int i = rng->mti + ahead;
    return temper(twisted(rng->mt, i < WM_RNG_N ? i : i - WM_RNG_N));
}

uint64_t wm_rng_getrandbits(struct wm_rng *rng, int k)
{
    assert(k >= 1 && k <= 64);
    if (k <= 32)
        return wm_rng_u32(rng) >> (32 - k);
    /* Words least significant first; only the top word is shifted. */
    uint64_t lo = wm_rng_u32(rng);
    uint64_t hi = wm_rng_u32(rng) >> (64 - k);
    return lo | (hi << 32);
}

/* n's bit length, 1..64 for n >= 1 (a draw's k, on every draw). */
static int bit_length(uint64_t n)
{
    assert(n != 0);
    return 64 - __builtin_clzll(n);
}

int64_t wm_rng_randint(struct wm_rng *rng, int64_t lo, int64_t hi)
{
    assert(lo <= hi);
    uint64_t span = (uint64_t)hi - (uint64_t)lo; /* n - 1, exact in uint64 */
    uint64_t r;
    if (span == UINT64_MAX) {
        /* n = 2^64: getrandbits(65) is three words, the top one shifted to
         * one bit; a draw is kept only when that 65th bit is clear. */
        uint32_t top;
        do {
            uint64_t w0 = wm_rng_u32(rng);
            uint64_t w1 = wm_rng_u32(rng);
            top = wm_rng_u32(rng) >> 31;
            r = w0 | (w1 << 32);
        } while (top);
    } else {
        uint64_t n = span + 1;
        int k = bit_length(n); /* of n, not n - 1, as CPython does */
        do {
            r = wm_rng_getrandbits(rng, k);
        } while (r >= n);
    }
    return (int64_t)((uint64_t)lo + r);
}

int wm_rng_peek_randint(const struct wm_rng *rng, int64_t lo, int64_t hi, int64_t *out)
{
    assert(lo <= hi);
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX)
        return 0;
    uint64_t n = span + 1, r;
    int k = bit_length(n);
    if (k <= 32)
        r = peek_word(rng, 0) >> (32 - k);
    else
        r = peek_word(rng, 0) | ((uint64_t)(peek_word(rng, 1) >> (64 - k)) << 32);
    if (r >= n)
        return 0;
    *out = (int64_t)((uint64_t)lo + r);
    return 1;
}
