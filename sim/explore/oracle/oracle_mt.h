/* A second MT19937, written from the Mersenne Twister paper's reference code
 * (mt19937ar.c: init_genrand, init_by_array, genrand_int32) and CPython's
 * Modules/_randommodule.c and Lib/random.py (seed of an int, getrandbits,
 * _randbelow_with_getrandbits, randint). It shares no code with
 * proto/rng.c on purpose: the oracle (oracle.h) re-derives every guess with
 * it, so a slip in the port's generator cannot also be in its check. Plain
 * and slow where the port is clever: the whole state is twisted at once. */
#ifndef WM_ORACLE_MT_H
#define WM_ORACLE_MT_H

#include <stddef.h>
#include <stdint.h>

#define WM_OMT_N 624

struct wm_omt {
    uint32_t mt[WM_OMT_N];
    int mti;
};

/* CPython's random.seed(n) for n = hi * 2^64 + lo (hi 0 or 1: a base seed
 * plus a connection number may pass 2^64): init_by_array over n's 32-bit
 * words, least significant first, [0] for n = 0. */
void wm_omt_seed(struct wm_omt *m, uint64_t lo, unsigned hi);
/* init_by_array over an explicit key (the words of a larger seed). */
void wm_omt_seed_words(struct wm_omt *m, const uint32_t *key, int len);
uint32_t wm_omt_genrand(struct wm_omt *m);
/* getrandbits(k), 1 <= k <= WM_OMT_BITS_MAX, into words[0..(k+31)/32 - 1],
 * least significant first. */
#define WM_OMT_BITS_MAX 1024
void wm_omt_getrandbits(struct wm_omt *m, unsigned k, uint32_t *words);
/* randint(lo, hi), lo <= hi: lo + _randbelow(hi - lo + 1), redrawing while
 * a draw of n.bit_length() bits is >= n. *draws counts getrandbits calls. */
int64_t wm_omt_randint(struct wm_omt *m, int64_t lo, int64_t hi, uint64_t *draws);

#endif
