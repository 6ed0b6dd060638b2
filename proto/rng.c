/* MT19937 as in CPython's Modules/_randommodule.c (genrand_uint32,
 * init_genrand, init_by_array), plus the Lib/random.py integer paths. */
#include "rng.h"

#include <assert.h>

#define WM_RNG_M 397
#define MATRIX_A 0x9908b0dfU
#define UPPER_MASK 0x80000000U
#define LOWER_MASK 0x7fffffffU

static void init_genrand(struct wm_rng *rng, uint32_t s)
{
    rng->mt[0] = s;
    for (int i = 1; i < WM_RNG_N; i++) {
        uint32_t prev = rng->mt[i - 1];
        rng->mt[i] = 1812433253U * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    rng->mti = WM_RNG_N;
}

static void init_by_array(struct wm_rng *rng, const uint32_t *key, int len)
{
    init_genrand(rng, 19650218U);
    int i = 1, j = 0;
    for (int k = WM_RNG_N > len ? WM_RNG_N : len; k; k--) {
        uint32_t prev = rng->mt[i - 1];
        rng->mt[i] = (rng->mt[i] ^ ((prev ^ (prev >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= WM_RNG_N) {
            rng->mt[0] = rng->mt[WM_RNG_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (int k = WM_RNG_N - 1; k; k--) {
        uint32_t prev = rng->mt[i - 1];
        rng->mt[i] = (rng->mt[i] ^ ((prev ^ (prev >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= WM_RNG_N) {
            rng->mt[0] = rng->mt[WM_RNG_N - 1];
            i = 1;
        }
    }
    rng->mt[0] = 0x80000000U;
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

uint32_t wm_rng_u32(struct wm_rng *rng)
{
    static const uint32_t mag01[2] = {0x0U, MATRIX_A};
    uint32_t y;
    if (rng->mti >= WM_RNG_N) {
        int kk;
        for (kk = 0; kk < WM_RNG_N - WM_RNG_M; kk++) {
            y = (rng->mt[kk] & UPPER_MASK) | (rng->mt[kk + 1] & LOWER_MASK);
            rng->mt[kk] = rng->mt[kk + WM_RNG_M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < WM_RNG_N - 1; kk++) {
            y = (rng->mt[kk] & UPPER_MASK) | (rng->mt[kk + 1] & LOWER_MASK);
            rng->mt[kk] = rng->mt[kk + (WM_RNG_M - WM_RNG_N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (rng->mt[WM_RNG_N - 1] & UPPER_MASK) | (rng->mt[0] & LOWER_MASK);
        rng->mt[WM_RNG_N - 1] = rng->mt[WM_RNG_M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        rng->mti = 0;
    }
    y = rng->mt[rng->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
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

static int bit_length(uint64_t n)
{
    int k = 0;
    while (n) {
        k++;
        n >>= 1;
    }
    return k;
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
