/* CPython-compatible MT19937 (random.Random) with no global state. */
#ifndef WM_RNG_H
#define WM_RNG_H

#include <stdint.h>

#define WM_RNG_N 624

struct wm_rng {
    uint32_t mt[WM_RNG_N];
    int mti; /* the next word to read (and twist); 0 after a seed */
};

/* random.seed(n) for an integer n >= 0: init_by_array over n's 32-bit words. */
void wm_rng_seed(struct wm_rng *rng, uint64_t seed);
/* init_by_array over an explicit key (1..8 words): other streams, same generator. */
void wm_rng_seed_words(struct wm_rng *rng, const uint32_t *key, int len);
uint32_t wm_rng_u32(struct wm_rng *rng);
/* random.getrandbits(k) for 1 <= k <= 64. */
uint64_t wm_rng_getrandbits(struct wm_rng *rng, int k);
/* random.randint(lo, hi) for lo <= hi over the whole int64 range (span up to 2^64). */
int64_t wm_rng_randint(struct wm_rng *rng, int64_t lo, int64_t hi);
/* What the next wm_rng_randint(lo, hi) returns if its first draw is kept:
 * 1 with *out set, 0 if that draw would be redrawn (or the span is 2^64).
 * Reads the state, never changes it: a caller can look ahead (to warm the
 * cache for the value) without moving the stream. */
int wm_rng_peek_randint(const struct wm_rng *rng, int64_t lo, int64_t hi, int64_t *out);

#endif
