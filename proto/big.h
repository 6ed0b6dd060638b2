/* Signed integers of the sizes the book's Python code handles, without
 * allocation: CPython's int() refuses more than 4300 decimal digits (its
 * default int_max_str_digits), so every value a book run parses, draws,
 * adds or subtracts fits a fixed array of 32-bit words. A small subset of a
 * bignum library (docs/DESIGN.md, "Big integers", says why not GMP). */
#ifndef WM_BIG_H
#define WM_BIG_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* CPython's default limit on decimal digits in int(str) and str(int). */
#define WM_BIG_DIGITS_MAX 4300
/* 10^4300 < 2^14285; a sum or difference of two such values < 2^14286;
 * 447 words hold 14304 bits. */
#define WM_BIG_WORDS 448
/* Decimal text of a value within the digit limit: sign, digits, NUL. */
#define WM_BIG_TEXT_MAX (WM_BIG_DIGITS_MAX + 2)

struct wm_big {
    int neg;                  /* 1 if < 0; never set for zero */
    unsigned n;               /* words in use: w[n - 1] != 0, n == 0 for zero */
    uint32_t w[WM_BIG_WORDS]; /* magnitude, least significant word first */
};

void wm_big_from_i64(struct wm_big *a, int64_t v);
/* 0 with *out set, or -1 if a is outside int64. */
int wm_big_to_i64(const struct wm_big *a, int64_t *out);
/* ASCII decimal digits, leading zeros allowed, 1..WM_BIG_DIGITS_MAX of them:
 * 0, or -1 (no digits, a non-digit, or too many). "-0" gives zero. */
int wm_big_from_digits(struct wm_big *a, const char *digits, size_t len, int neg);
/* Canonical decimal ("-" for negatives, no leading zeros) into buf of
 * WM_BIG_TEXT_MAX bytes, NUL-terminated; returns the length, or 0 if the
 * value has more than WM_BIG_DIGITS_MAX digits (str() refuses it too). */
size_t wm_big_format(const struct wm_big *a, char *buf);
/* Strict canonical decimal as written in headers and the CLI:
 * -?(0|[1-9][0-9]*), no "-0", at most WM_BIG_DIGITS_MAX digits. 0 or -1. */
int wm_big_parse_canonical(const char *s, size_t len, struct wm_big *out);

int wm_big_cmp(const struct wm_big *a, const struct wm_big *b); /* -1, 0, 1 */
static inline int wm_big_is_zero(const struct wm_big *a)
{
    return a->n == 0;
}
/* r = a + b, r = a - b (r may alias a or b): 0, or -1 when the result needs
 * more than WM_BIG_WORDS words (r is then unspecified). */
int wm_big_add(struct wm_big *r, const struct wm_big *a, const struct wm_big *b);
int wm_big_sub(struct wm_big *r, const struct wm_big *a, const struct wm_big *b);
/* Bits of |a| (Python's a.bit_length()); 0 for zero. */
size_t wm_big_bit_length(const struct wm_big *a);
/* math.fabs(a): *out = |a| rounded to the nearest double, ties to even, as
 * CPython converts an int (float(a) is *out with a's sign); -1 when that
 * overflows, |a| >= 2^1024 - 2^970 (Python's "OverflowError: int too large
 * to convert to float"). */
int wm_big_to_double(const struct wm_big *a, double *out);
/* A hash of the value (for sets of guesses): equal values, equal hashes. */
uint64_t wm_big_hash(const struct wm_big *a);

/* random.getrandbits(k) for 0 <= k <= 32 * WM_BIG_WORDS: CPython builds it
 * from 32-bit words, least significant first, the last one shifted right. */
void wm_big_getrandbits(struct wm_rng *rng, size_t k, struct wm_big *out);
/* random.randint(lo, hi) as CPython 3.11 draws it (randrange(lo, hi + 1):
 * lo + _randbelow_with_getrandbits(hi - lo + 1)). Requires lo <= hi; equals
 * wm_rng_randint on the same stream when both fit int64. */
void wm_big_randint(struct wm_rng *rng, const struct wm_big *lo, const struct wm_big *hi,
                    struct wm_big *out);

#endif
