/* The oracle's integers (oracle_num.h): schoolbook arithmetic on a fixed
 * array of words, written for the oracle alone. */
#include "oracle_num.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#define W WM_OV_WORDS

static int mag_cmp(const uint32_t *a, const uint32_t *b)
{
    for (int i = W - 1; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* r = a + b: 0, or -1 on a carry out of the top word. */
static int mag_add(uint32_t *r, const uint32_t *a, const uint32_t *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < W; i++) {
        carry += (uint64_t)a[i] + b[i];
        r[i] = (uint32_t)carry;
        carry >>= 32;
    }
    return carry ? -1 : 0;
}

/* r = a - b, a >= b. */
static void mag_sub(uint32_t *r, const uint32_t *a, const uint32_t *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < W; i++) {
        uint64_t d = (uint64_t)a[i] - b[i] - borrow;
        r[i] = (uint32_t)d;
        borrow = d >> 63;
    }
    assert(borrow == 0);
}

static int mag_zero(const uint32_t *m)
{
    for (int i = 0; i < W; i++)
        if (m[i])
            return 0;
    return 1;
}

int wm_ov_is_zero(const struct wm_ov *v)
{
    return mag_zero(v->w);
}

void wm_ov_from_i64(struct wm_ov *v, int64_t x)
{
    uint64_t m = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    memset(v, 0, sizeof *v);
    v->neg = x < 0;
    v->w[0] = (uint32_t)m, v->w[1] = (uint32_t)(m >> 32);
}

int wm_ov_to_i64(const struct wm_ov *v, int64_t *x)
{
    for (int i = 2; i < W; i++)
        if (v->w[i])
            return 0;
    uint64_t m = (uint64_t)v->w[1] << 32 | v->w[0];
    if (m > (uint64_t)INT64_MAX + v->neg)
        return 0;
    *x = v->neg ? (int64_t)(0 - m) : (int64_t)m;
    return 1;
}

unsigned wm_ov_bits(const struct wm_ov *v)
{
    for (int i = W - 1; i >= 0; i--)
        for (int b = 31; b >= 0; b--)
            if (v->w[i] >> b & 1)
                return (unsigned)(32 * i + b + 1);
    return 0;
}

int wm_ov_parse(struct wm_ov *v, const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '-';
    /* 2^256 has 78 digits: more cannot be below it, and 78 stay within the words */
    if (i == n || n - i > 78 || (s[i] == '0' && (n - i > 1 || i == 1)))
        return -1;
    memset(v, 0, sizeof *v);
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t carry = (uint64_t)(s[i] - '0');
        for (int k = 0; k < W; k++) {
            carry += (uint64_t)v->w[k] * 10;
            v->w[k] = (uint32_t)carry;
            carry >>= 32;
        }
        assert(carry == 0);
    }
    if (wm_ov_bits(v) > WM_OV_BITS)
        return -1;
    v->neg = s[0] == '-';
    return 0;
}

size_t wm_ov_format(const struct wm_ov *v, char *buf)
{
    int64_t x;
    if (wm_ov_to_i64(v, &x)) /* most values: one division a digit, not ten */
        return (size_t)snprintf(buf, WM_OV_TEXT, "%" PRId64, x);
    uint32_t m[W];
    char rev[WM_OV_TEXT];
    size_t n = 0;
    memcpy(m, v->w, sizeof m);
    do { /* divide by 10 until nothing is left: slow, and small */
        uint64_t rem = 0;
        for (int i = W - 1; i >= 0; i--) {
            uint64_t cur = rem << 32 | m[i];
            m[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        assert(n < sizeof rev);
        rev[n++] = (char)('0' + rem);
    } while (!mag_zero(m));
    size_t k = 0;
    if (v->neg)
        buf[k++] = '-';
    while (n > 0)
        buf[k++] = rev[--n];
    buf[k] = '\0';
    return k;
}

void wm_ov_short(const struct wm_ov *v, char *buf)
{
    if (wm_ov_format(v, buf) > 40)
        memcpy(buf + 37, "...", 4);
}

int wm_ov_cmp(const struct wm_ov *a, const struct wm_ov *b)
{
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    int m = mag_cmp(a->w, b->w);
    return a->neg ? -m : m;
}

int wm_ov_add(struct wm_ov *r, const struct wm_ov *a, const struct wm_ov *b)
{
    struct wm_ov t;
    if (a->neg == b->neg) {
        if (mag_add(t.w, a->w, b->w) < 0)
            return -1;
        t.neg = a->neg;
    } else if (mag_cmp(a->w, b->w) >= 0) {
        mag_sub(t.w, a->w, b->w);
        t.neg = a->neg;
    } else {
        mag_sub(t.w, b->w, a->w);
        t.neg = b->neg;
    }
    if (wm_ov_is_zero(&t))
        t.neg = 0;
    *r = t;
    return 0;
}

int wm_ov_sub(struct wm_ov *r, const struct wm_ov *a, const struct wm_ov *b)
{
    struct wm_ov nb = *b;
    nb.neg = !wm_ov_is_zero(b) && !b->neg;
    return wm_ov_add(r, a, &nb);
}

double wm_ov_abs_double(const struct wm_ov *v)
{
    unsigned bits = wm_ov_bits(v);
    if (bits <= 64)
        return (double)((uint64_t)v->w[1] << 32 | v->w[0]);
    /* the top 64 bits, and a sticky bit for any below: converted to a double
     * they round once, as the whole value would (53 < 64 - 1) */
    unsigned shift = bits - 64;
    uint64_t top = 0, sticky = 0;
    for (unsigned b = 0; b < bits; b++) {
        uint64_t bit = v->w[b / 32] >> (b % 32) & 1;
        if (b < shift)
            sticky |= bit;
        else
            top |= bit << (b - shift);
    }
    return ldexp((double)(top | sticky), (int)shift);
}

void wm_ov_randint(struct wm_omt *m, const struct wm_ov *lo, const struct wm_ov *hi,
                   struct wm_ov *out, uint64_t *draws)
{
    struct wm_ov n, one;
    wm_ov_from_i64(&one, 1);
    int rc = wm_ov_sub(&n, hi, lo);
    rc |= wm_ov_add(&n, &n, &one);
    assert(rc == 0 && !n.neg && !wm_ov_is_zero(&n));
    unsigned k = wm_ov_bits(&n);
    assert(k <= 32 * (W - 1));
    /* Redrawn with odds below 1/2 each: 256 in a row means a broken generator. */
    for (unsigned tries = 0;; tries++) {
        assert(tries < 256);
        struct wm_ov r = {0};
        wm_omt_getrandbits(m, k, r.w);
        ++*draws;
        if (mag_cmp(r.w, n.w) < 0) {
            rc = wm_ov_add(out, lo, &r);
            assert(rc == 0);
            return;
        }
    }
}
