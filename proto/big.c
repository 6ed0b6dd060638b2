/* Fixed-capacity signed integers (big.h): magnitude in 32-bit words, least
 * significant first, with a separate sign. Words at and above n are never
 * read, so a value needs only its n words initialised. */
#include "big.h"

#include <assert.h>
#include <string.h>

#define CHUNK 1000000000U /* 10^9: decimal conversion goes nine digits at a time */
#define CHUNK_DIGITS 9
/* Chunks of a value of WM_BIG_WORDS words: each chunk takes log2(10^9) >
 * 29.8 bits, so 32 * WM_BIG_WORDS / 29.8 + 1 of them at most. */
#define CHUNKS_MAX (32 * WM_BIG_WORDS / 29 + 2)

/* The representation's invariant: n words in use, the top one nonzero, and
 * zero never negative (so equal values have equal words: cmp and hash rely
 * on it). */
static int valid(const struct wm_big *a)
{
    return a->n <= WM_BIG_WORDS && (a->n == 0 ? a->neg == 0 : a->w[a->n - 1] != 0) &&
           (a->neg == 0 || a->neg == 1);
}

static void normalize(struct wm_big *a)
{
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
    if (a->n == 0)
        a->neg = 0;
}

void wm_big_from_i64(struct wm_big *a, int64_t v)
{
    /* The magnitude in uint64: -(uint64)v is exact for INT64_MIN too. */
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    a->neg = v < 0;
    a->w[0] = (uint32_t)m;
    a->w[1] = (uint32_t)(m >> 32);
    a->n = 2;
    normalize(a);
}

int wm_big_to_i64(const struct wm_big *a, int64_t *out)
{
    assert(valid(a));
    if (a->n > 2)
        return -1;
    uint64_t m = a->n == 0 ? 0 : a->w[0];
    if (a->n == 2)
        m |= (uint64_t)a->w[1] << 32;
    if (m > (uint64_t)INT64_MAX + (a->neg ? 1 : 0))
        return -1;
    /* -2^63 has no positive int64: it is negated as its own case. */
    if (!a->neg)
        *out = (int64_t)m;
    else
        *out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    return 0;
}

/* |a| = |a| * mul + add; the caller bounds the result to WM_BIG_WORDS. */
static void mul_add_small(struct wm_big *a, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    for (unsigned i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * mul + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) {
        assert(a->n < WM_BIG_WORDS);
        a->w[a->n++] = (uint32_t)carry;
    }
}

/* |a| = |a| / div, returning the remainder. */
static uint32_t div_small(struct wm_big *a, uint32_t div)
{
    uint64_t rem = 0;
    for (unsigned i = a->n; i-- > 0;) {
        uint64_t t = (rem << 32) | a->w[i];
        a->w[i] = (uint32_t)(t / div);
        rem = t % div;
    }
    normalize(a);
    return (uint32_t)rem;
}

int wm_big_from_digits(struct wm_big *a, const char *digits, size_t len, int neg)
{
    if (len == 0 || len > WM_BIG_DIGITS_MAX)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (digits[i] < '0' || digits[i] > '9')
            return -1;
    a->n = 0;
    a->neg = 0;
    /* The first chunk takes len % 9 digits so that the rest are whole. */
    size_t i = 0, first = len % CHUNK_DIGITS ? len % CHUNK_DIGITS : CHUNK_DIGITS;
    while (i < len) {
        size_t take = i == 0 ? first : CHUNK_DIGITS;
        uint32_t chunk = 0, mul = 1;
        for (size_t j = 0; j < take; j++) {
            chunk = chunk * 10 + (uint32_t)(digits[i + j] - '0');
            mul *= 10;
        }
        i += take;
        /* 10^4300 < 2^14285: the value always fits (mul_add_small asserts it). */
        mul_add_small(a, mul, chunk);
    }
    a->neg = neg && a->n > 0;
    return 0;
}

size_t wm_big_format(const struct wm_big *a, char *buf)
{
    assert(valid(a));
    if (a->n == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    struct wm_big t;
    t.neg = 0;
    t.n = a->n;
    memcpy(t.w, a->w, a->n * sizeof a->w[0]);
    uint32_t chunks[CHUNKS_MAX];
    size_t nc = 0;
    while (t.n > 0) {
        assert(nc < CHUNKS_MAX);
        chunks[nc++] = div_small(&t, CHUNK);
    }
    /* Digits of the top chunk, then nine for each of the others. */
    size_t top = 1;
    for (uint32_t v = chunks[nc - 1]; v >= 10; v /= 10)
        top++;
    size_t digits = top + CHUNK_DIGITS * (nc - 1);
    if (digits > WM_BIG_DIGITS_MAX)
        return 0;
    size_t len = (size_t)a->neg + digits;
    char *p = buf + len;
    *p = '\0';
    for (size_t c = 0; c < nc; c++) {
        uint32_t v = chunks[c];
        size_t width = c + 1 < nc ? CHUNK_DIGITS : top;
        for (size_t j = 0; j < width; j++) {
            *--p = (char)('0' + v % 10);
            v /= 10;
        }
    }
    if (a->neg)
        *--p = '-';
    assert(p == buf);
    return len;
}

int wm_big_parse_canonical(const char *s, size_t len, struct wm_big *out)
{
    int neg = len > 0 && s[0] == '-';
    const char *d = s + neg;
    size_t dl = len - (size_t)neg;
    if (dl == 0 || (d[0] == '0' && (dl > 1 || neg)))
        return -1; /* empty, a leading zero, or "-0" */
    return wm_big_from_digits(out, d, dl, neg);
}

static int cmp_mag(const struct wm_big *a, const struct wm_big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (unsigned i = a->n; i-- > 0;)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

int wm_big_cmp(const struct wm_big *a, const struct wm_big *b)
{
    assert(valid(a) && valid(b));
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    int c = cmp_mag(a, b);
    return a->neg ? -c : c;
}

/* r = a + (bneg ? -|b| : |b|) with b's sign taken from bneg: one pass over
 * the words, reading word i of a and b before writing word i of r, so that
 * r may alias either. */
static int add_signed(struct wm_big *r, const struct wm_big *a, const struct wm_big *b, int bneg)
{
    assert(valid(a) && valid(b));
    unsigned an = a->n, bn = b->n;
    if (a->neg == bneg) {
        int neg = a->neg;
        unsigned n = an > bn ? an : bn;
        uint64_t carry = 0;
        for (unsigned i = 0; i < n; i++) {
            uint64_t t = carry + (i < an ? a->w[i] : 0) + (i < bn ? b->w[i] : 0);
            r->w[i] = (uint32_t)t;
            carry = t >> 32;
        }
        if (carry) {
            if (n == WM_BIG_WORDS)
                return -1;
            r->w[n++] = (uint32_t)carry;
        }
        r->n = n;
        r->neg = neg;
        normalize(r);
        return 0;
    }
    /* Opposite signs: the larger magnitude minus the smaller, its sign. */
    int c = cmp_mag(a, b);
    const struct wm_big *big = c >= 0 ? a : b, *small = c >= 0 ? b : a;
    int neg = c >= 0 ? a->neg : bneg;
    unsigned n = big->n, sn = small->n;
    uint32_t borrow = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t s = (uint64_t)(i < sn ? small->w[i] : 0) + borrow;
        uint32_t x = big->w[i];
        r->w[i] = x - (uint32_t)s;
        borrow = (uint64_t)x < s;
    }
    assert(borrow == 0);
    r->n = n;
    r->neg = neg;
    normalize(r);
    return 0;
}

int wm_big_add(struct wm_big *r, const struct wm_big *a, const struct wm_big *b)
{
    return add_signed(r, a, b, b->neg);
}

int wm_big_sub(struct wm_big *r, const struct wm_big *a, const struct wm_big *b)
{
    return add_signed(r, a, b, b->n ? !b->neg : 0);
}

size_t wm_big_bit_length(const struct wm_big *a)
{
    assert(valid(a));
    if (a->n == 0)
        return 0;
    return 32 * (size_t)(a->n - 1) + (size_t)(32 - __builtin_clz(a->w[a->n - 1]));
}

/* The `count` (<= 64) bits of |a| from bit `pos` up. */
static uint64_t bits_at(const struct wm_big *a, size_t pos, unsigned count)
{
    assert(count <= 64);
    uint64_t v = 0;
    for (unsigned got = 0; got < count;) {
        size_t p = pos + got, wi = p / 32;
        unsigned off = (unsigned)(p % 32);
        uint64_t word = wi < a->n ? a->w[wi] >> off : 0;
        v |= word << got;
        got += 32 - off;
    }
    return count == 64 ? v : v & ((UINT64_C(1) << count) - 1);
}

/* Whether any bit of |a| below bit `pos` is set. */
static int any_below(const struct wm_big *a, size_t pos)
{
    size_t wi = pos / 32;
    for (size_t i = 0; i < wi && i < a->n; i++)
        if (a->w[i])
            return 1;
    unsigned off = (unsigned)(pos % 32);
    return off && wi < a->n && (a->w[wi] & ((UINT32_C(1) << off) - 1)) != 0;
}

int wm_big_to_double(const struct wm_big *a, double *out)
{
    size_t bl = wm_big_bit_length(a);
    if (bl == 0) {
        *out = 0.0;
        return 0;
    }
    /* The top 54 bits: 53 for the significand and one to round on; every
     * bit below is only "sticky" (decides a tie). Ties go to even. */
    uint64_t m;
    int sticky = 0;
    if (bl <= 54) {
        m = bits_at(a, 0, (unsigned)bl) << (54 - bl);
    } else {
        m = bits_at(a, bl - 54, 54);
        sticky = any_below(a, bl - 54);
    }
    uint64_t q = m >> 1;
    if ((m & 1) && (sticky || (q & 1)))
        q++;
    size_t e = bl - 1; /* the value is q * 2^(e - 52), q in [2^52, 2^53] */
    if (q == UINT64_C(1) << 53) {
        q >>= 1;
        e++;
    }
    if (e > 1023)
        return -1; /* >= 2^1024: "int too large to convert to float" */
    uint64_t bits = ((uint64_t)(e + 1023) << 52) | (q & ((UINT64_C(1) << 52) - 1));
    memcpy(out, &bits, sizeof *out);
    return 0;
}

uint64_t wm_big_hash(const struct wm_big *a)
{
    assert(valid(a));
    /* FNV-1a over the sign and the words in use (a value's words are unique:
     * n is minimal and zero is never negative). */
    uint64_t h = UINT64_C(14695981039346656037) ^ (uint64_t)a->neg;
    h *= UINT64_C(1099511628211);
    for (unsigned i = 0; i < a->n; i++) {
        h ^= a->w[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}
