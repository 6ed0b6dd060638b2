/* MT19937 as the paper's mt19937ar.c writes it, seeded and drawn as CPython
 * 3.11 does (oracle_mt.h). Nothing here comes from proto/rng.c. */
#include "oracle_mt.h"

#include <assert.h>

#define M 397
#define MATRIX_A 0x9908b0dfUL
#define UPPER 0x80000000UL
#define LOWER 0x7fffffffUL

static void init_genrand(struct wm_omt *m, uint32_t s)
{
    m->mt[0] = s;
    for (int i = 1; i < WM_OMT_N; i++)
        m->mt[i] = (uint32_t)(1812433253UL * (m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) + (uint32_t)i);
    m->mti = WM_OMT_N;
}

static void init_by_array(struct wm_omt *m, const uint32_t *key, int len)
{
    int i = 1, j = 0;
    init_genrand(m, 19650218UL);
    for (int k = WM_OMT_N > len ? WM_OMT_N : len; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1664525UL)) + key[j] +
                   (uint32_t)j;
        i++, j++;
        if (i >= WM_OMT_N) {
            m->mt[0] = m->mt[WM_OMT_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (int k = WM_OMT_N - 1; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1566083941UL)) - (uint32_t)i;
        i++;
        if (i >= WM_OMT_N) {
            m->mt[0] = m->mt[WM_OMT_N - 1];
            i = 1;
        }
    }
    m->mt[0] = 0x80000000UL; /* MSB is 1, assuring a non-zero initial array */
}

void wm_omt_seed_words(struct wm_omt *m, const uint32_t *key, int len)
{
    assert(len >= 1);
    init_by_array(m, key, len);
}

void wm_omt_seed(struct wm_omt *m, uint64_t lo, unsigned hi)
{
    uint32_t key[3] = {(uint32_t)lo, (uint32_t)(lo >> 32), hi};
    int len = hi ? 3 : key[1] ? 2 : 1; /* CPython drops leading zero words, keeps [0] */
    init_by_array(m, key, len);
}

uint32_t wm_omt_genrand(struct wm_omt *m)
{
    static const uint32_t mag01[2] = {0, MATRIX_A};
    uint32_t y;
    if (m->mti >= WM_OMT_N) { /* generate N words at one time */
        int kk;
        for (kk = 0; kk < WM_OMT_N - M; kk++) {
            y = (m->mt[kk] & UPPER) | (m->mt[kk + 1] & LOWER);
            m->mt[kk] = m->mt[kk + M] ^ (y >> 1) ^ mag01[y & 1];
        }
        for (; kk < WM_OMT_N - 1; kk++) {
            y = (m->mt[kk] & UPPER) | (m->mt[kk + 1] & LOWER);
            m->mt[kk] = m->mt[kk + (M - WM_OMT_N)] ^ (y >> 1) ^ mag01[y & 1];
        }
        y = (m->mt[WM_OMT_N - 1] & UPPER) | (m->mt[0] & LOWER);
        m->mt[WM_OMT_N - 1] = m->mt[M - 1] ^ (y >> 1) ^ mag01[y & 1];
        m->mti = 0;
    }
    y = m->mt[m->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680UL;
    y ^= (y << 15) & 0xefc60000UL;
    y ^= (y >> 18);
    return y;
}

void wm_omt_getrandbits(struct wm_omt *m, unsigned k, uint32_t *words)
{
    assert(k >= 1 && k <= WM_OMT_BITS_MAX);
    /* _random_Random_getrandbits_impl: words least significant first, the
     * last one keeping its top k bits when fewer than 32 are left. */
    for (unsigned i = 0; k > 0; i++) {
        uint32_t r = wm_omt_genrand(m);
        if (k < 32) {
            r >>= 32 - k;
            k = 0;
        } else {
            k -= 32;
        }
        words[i] = r;
    }
}

int64_t wm_omt_randint(struct wm_omt *m, int64_t lo, int64_t hi, uint64_t *draws)
{
    assert(lo <= hi);
    /* n = hi - lo + 1 as words: 1 .. 2^64 (three words at most). */
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint32_t n[3] = {(uint32_t)(span + 1), (uint32_t)((span + 1) >> 32), span == UINT64_MAX};
    unsigned k = 0; /* n.bit_length() */
    for (int w = 2; w >= 0 && !k; w--)
        for (int b = 31; b >= 0; b--)
            if (n[w] >> b & 1) {
                k = (unsigned)(32 * w + b + 1);
                break;
            }
    /* Each draw is redrawn with odds below 1/2: 256 in a row (odds 2^-256)
     * means this generator is broken, not unlucky. */
    for (unsigned tries = 0;; tries++) {
        assert(tries < 256);
        uint32_t r[3] = {0, 0, 0};
        wm_omt_getrandbits(m, k, r);
        ++*draws;
        int below = 0; /* r < n, compared from the top word */
        for (int w = 2; w >= 0; w--)
            if (r[w] != n[w]) {
                below = r[w] < n[w];
                break;
            }
        if (below)
            return (int64_t)((uint64_t)lo + ((uint64_t)r[1] << 32 | r[0]));
    }
}
