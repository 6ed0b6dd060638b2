/* The oracle's integers: a sign and a fixed array of 32-bit words, enough
 * for every value explore's book runs meet (their games stay below 2^127;
 * the oracle reads values below 2^256 and follows no connection past that).
 * Written for the oracle alone: nothing of proto/big.h, so a slip in the
 * port's arithmetic cannot also be in its check. No allocation. */
#ifndef WM_ORACLE_NUM_H
#define WM_ORACLE_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "oracle_mt.h"

#define WM_OV_BITS 256  /* a value read is below 2^256 in magnitude */
#define WM_OV_WORDS 10  /* room for a sum or difference of two, and a draw */
#define WM_OV_TEXT 96   /* decimal text of a value within WM_OV_WORDS, sign, NUL */

struct wm_ov {
    int neg;                 /* never set for 0 */
    uint32_t w[WM_OV_WORDS]; /* the magnitude, least significant word first */
};

void wm_ov_from_i64(struct wm_ov *v, int64_t x);
/* 1 with *x when v fits int64, else 0. */
int wm_ov_to_i64(const struct wm_ov *v, int64_t *x);
/* Canonical decimal, -?(0|[1-9][0-9]*) and no "-0", below 2^WM_OV_BITS:
 * 0, or -1 (not canonical, or too large). */
int wm_ov_parse(struct wm_ov *v, const char *s, size_t n);
/* Decimal text into buf (WM_OV_TEXT bytes): its length. */
size_t wm_ov_format(const struct wm_ov *v, char *buf);
/* str(v) cut to 40 characters with "..." (the book names a range so). */
void wm_ov_short(const struct wm_ov *v, char *buf);
int wm_ov_cmp(const struct wm_ov *a, const struct wm_ov *b);
int wm_ov_is_zero(const struct wm_ov *v);
/* r = a + b, r = a - b: 0, or -1 past the words' room (r unchanged). */
int wm_ov_add(struct wm_ov *r, const struct wm_ov *a, const struct wm_ov *b);
int wm_ov_sub(struct wm_ov *r, const struct wm_ov *a, const struct wm_ov *b);
/* The magnitude's bit length (0 for 0). */
unsigned wm_ov_bits(const struct wm_ov *v);
/* |v| as a double: the nearest, ties to even, as Python's float(int). */
double wm_ov_abs_double(const struct wm_ov *v);
/* CPython's randint(lo, hi), lo <= hi, hi - lo + 1 below 2^(32 * WM_OV_WORDS - 32):
 * lo + _randbelow_with_getrandbits(hi - lo + 1). *draws counts getrandbits. */
void wm_ov_randint(struct wm_omt *m, const struct wm_ov *lo, const struct wm_ov *hi,
                   struct wm_ov *out, uint64_t *draws);

#endif
