/* proto/big.c and proto/bigrng.c against CPython's own int, float and random,
 * recorded once by ci/gen_big_vectors.py in fixtures/big/. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "big.h"
#include "rng.h"
#include "testfx.h"
#include "testutil.h"

/* The vectors' folder: fixtures/big, or WARMER_BIG_VECTORS (a fresh
 * randomized set, from ci/gen_big_vectors.py --random S --out DIR). */
#define VALUES_FIXTURE "values.txt"
#define DIGITS_FIXTURE "digits.txt"
#define ARITH_FIXTURE "arith.txt"
#define GETRANDBITS_FIXTURE "getrandbits.txt"
#define RANDINT_FIXTURE "randint.txt"

/* A value in a message: its first digits and its length, not 4300 digits. */
#define SHOW_MAX 48
struct show {
    char s[SHOW_MAX + 40];
};

static struct show show_text(const char *t)
{
    struct show r;
    size_t n = strlen(t);
    if (n <= SHOW_MAX)
        snprintf(r.s, sizeof r.s, "%.*s", (int)n, t);
    else
        snprintf(r.s, sizeof r.s, "%.*s... (%zu chars)", SHOW_MAX, t, n);
    return r;
}

static struct show show(const struct wm_big *a)
{
    char buf[WM_BIG_TEXT_MAX];
    if (wm_big_format(a, buf) > 0)
        return show_text(buf);
    struct show r;
    snprintf(r.s, sizeof r.s, "(%zu bits, beyond 4300 digits)", wm_big_bit_length(a));
    return r;
}

/* The fixture `name` in the vectors' folder. */
static void big_fx_open(struct fx *x, const char *name)
{
    const char *dir = getenv("WARMER_BIG_VECTORS");
    if (!dir || !*dir)
        dir = "fixtures/big";
    char path[sizeof x->path];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_msg(n > 0 && (size_t)n < sizeof path, "vectors path too long: %s/%s", dir, name);
    fx_open(x, path, "ci/gen_big_vectors.py");
}

/* A value token, parsed by the code under test (its parsing is tested on
 * the same tokens by values_format_parse_roundtrip). */
static char *fx_big(struct fx *x, char stop, struct wm_big *out)
{
    char *t = fx_tok(x, stop);
    FAST_ASSERT(wm_big_parse_canonical(t, strlen(t), out) == 0, "%s:%zu: parse_canonical "
                "refused %s", x->path, x->lineno, show_text(t).s);
    return t;
}

static void expect_eq(const struct fx *x, const char *what, const struct wm_big *got,
                      const char *want)
{
    char buf[WM_BIG_TEXT_MAX];
    size_t n = wm_big_format(got, buf);
    FAST_ASSERT(n > 0 && strcmp(buf, want) == 0, "%s:%zu: %s: got %s, want %s", x->path,
                x->lineno, what, show(got).s, show_text(want).s);
}

/* ---- text, bit length, int64 and float conversions ---- */

START_TEST(values_format_parse_roundtrip)
{
    struct fx x;
    struct wm_big a, b;
    char buf[WM_BIG_TEXT_MAX];
    int records = 0;
    big_fx_open(&x, VALUES_FIXTURE);
    while (fx_next(&x)) {
        char *v = fx_big(&x, ' ', &a);
        size_t n = wm_big_format(&a, buf);
        FAST_ASSERT(n == strlen(v) && strcmp(buf, v) == 0, "%s:%zu: format(parse(%s)) gave %s",
                    x.path, x.lineno, show_text(v).s, show_text(buf).s);
        uint64_t bits = fx_u64(&x, ' ');
        FAST_ASSERT(wm_big_bit_length(&a) == bits, "%s:%zu: bit_length(%s): got %zu, want %"
                    PRIu64, x.path, x.lineno, show_text(v).s, wm_big_bit_length(&a), bits);
        uint64_t fits = fx_u64(&x, ' ');
        int64_t i;
        int rc = wm_big_to_i64(&a, &i);
        FAST_ASSERT(rc == (fits ? 0 : -1), "%s:%zu: to_i64(%s) returned %d, want %d", x.path,
                    x.lineno, show_text(v).s, rc, fits ? 0 : -1);
        if (fits) {
            FAST_ASSERT(i == strtoll(v, NULL, 10), "%s:%zu: to_i64(%s) gave %" PRId64, x.path,
                        x.lineno, v, i);
            wm_big_from_i64(&b, i);
            FAST_ASSERT(wm_big_cmp(&a, &b) == 0, "%s:%zu: from_i64(%" PRId64 ") gave %s",
                        x.path, x.lineno, i, show(&b).s);
        }
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records > 400, "%s: only %d records", x.path, records);
}
END_TEST

START_TEST(values_to_double_matches_cpython)
{
    struct fx x;
    struct wm_big a;
    int records = 0, overflows = 0;
    big_fx_open(&x, VALUES_FIXTURE);
    while (fx_next(&x)) {
        char *v = fx_big(&x, ' ', &a);
        fx_tok(&x, ' '); /* bit length */
        fx_tok(&x, ' '); /* fits int64 */
        char *want = fx_tok(&x, ' ');
        double d = -1.0;
        int rc = wm_big_to_double(&a, &d);
        char got[32];
        if (rc != 0) {
            snprintf(got, sizeof got, "overflow");
        } else {
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            snprintf(got, sizeof got, "%016" PRIx64, bits);
        }
        FAST_ASSERT(strcmp(got, want) == 0, "%s:%zu: fabs(%s): got %s (%.17g), want %s", x.path,
                    x.lineno, show_text(v).s, got, d, want);
        overflows += rc != 0;
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records > 400 && overflows > 10, "%s: %d records, %d overflows", x.path,
                  records, overflows);
}
END_TEST

START_TEST(digits_leading_zeros_match_cpython)
{
    struct fx x;
    struct wm_big a;
    int records = 0;
    big_fx_open(&x, DIGITS_FIXTURE);
    while (fx_next(&x)) {
        uint64_t neg = fx_u64(&x, ' ');
        char *d = fx_tok(&x, ' ');
        char *want = fx_tok(&x, ' ');
        FAST_ASSERT(wm_big_from_digits(&a, d, strlen(d), (int)neg) == 0, "%s:%zu: from_digits(%s)"
                    " refused", x.path, x.lineno, show_text(d).s);
        expect_eq(&x, "from_digits", &a, want);
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records > 10, "%s: only %d records", x.path, records);
}
END_TEST

START_TEST(text_rejects_what_cpython_refuses)
{
    static const char *const bad[] = {"", "-", "-0", "00", "01", "-01", "+1", " 1", "1 ", "1a",
                                      "0x10", "1_000", "--1", "1-"};
    struct wm_big a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(wm_big_parse_canonical(bad[i], strlen(bad[i]), &a) == -1,
                      "parse_canonical(\"%s\") accepted a non-canonical text", bad[i]);
    ck_assert_msg(wm_big_from_digits(&a, "", 0, 0) == -1, "from_digits accepted no digits");
    ck_assert_msg(wm_big_from_digits(&a, "12x", 3, 0) == -1, "from_digits accepted \"12x\"");
    ck_assert_msg(wm_big_from_digits(&a, "1\0", 2, 0) == -1, "from_digits accepted a NUL");
    /* CPython's limit: 4300 digits pass (even all zeros), 4301 fail. */
    char buf[WM_BIG_DIGITS_MAX + 2];
    memset(buf, '9', sizeof buf);
    ck_assert_msg(wm_big_from_digits(&a, buf, WM_BIG_DIGITS_MAX, 1) == 0, "4300 digits refused");
    ck_assert_msg(wm_big_parse_canonical(buf, WM_BIG_DIGITS_MAX, &a) == 0, "4300 digits refused");
    ck_assert_msg(wm_big_from_digits(&a, buf, WM_BIG_DIGITS_MAX + 1, 0) == -1,
                  "from_digits accepted 4301 digits");
    ck_assert_msg(wm_big_parse_canonical(buf, WM_BIG_DIGITS_MAX + 1, &a) == -1,
                  "parse_canonical accepted 4301 digits");
    memset(buf, '0', sizeof buf);
    ck_assert_msg(wm_big_from_digits(&a, buf, WM_BIG_DIGITS_MAX + 1, 0) == -1,
                  "from_digits accepted 4301 zeros (int() refuses them too)");
    ck_assert_msg(wm_big_from_digits(&a, buf, 3, 1) == 0 && wm_big_is_zero(&a) && !a.neg,
                  "\"-000\" is not a plain zero");
}
END_TEST

START_TEST(format_refuses_beyond_4300_digits)
{
    /* 10^4300 = (10^4300 - 1) + 1: 4301 digits, str() refuses it and so must
     * format; one less formats fine. Both signs. */
    char nines[WM_BIG_DIGITS_MAX], buf[WM_BIG_TEXT_MAX];
    memset(nines, '9', sizeof nines);
    for (int neg = 0; neg <= 1; neg++) {
        struct wm_big a, one, r;
        ck_assert(wm_big_from_digits(&a, nines, sizeof nines, neg) == 0);
        wm_big_from_i64(&one, neg ? -1 : 1);
        size_t n = wm_big_format(&a, buf);
        ck_assert_msg(n == WM_BIG_DIGITS_MAX + (size_t)neg && buf[n] == '\0',
                      "format of %s10^4300-1 gave length %zu", neg ? "-" : "", n);
        ck_assert(wm_big_add(&r, &a, &one) == 0);
        n = wm_big_format(&r, buf);
        ck_assert_msg(n == 0, "format of %s10^4300 (4301 digits) gave length %zu, want 0",
                      neg ? "-" : "", n);
    }
}
END_TEST

START_TEST(int64_edges)
{
    static const int64_t vals[] = {0, 1, -1, 2, INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX,
                                   -(int64_t)UINT32_MAX, INT64_MAX, INT64_MIN, INT64_MIN + 1,
                                   INT64_MAX - 1, (int64_t)1 << 32, -((int64_t)1 << 32)};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        struct wm_big a;
        int64_t got = 12345;
        wm_big_from_i64(&a, vals[i]);
        int rc = wm_big_to_i64(&a, &got);
        ck_assert_msg(rc == 0 && got == vals[i], "to_i64(from_i64(%" PRId64 ")) gave rc %d, %"
                      PRId64, vals[i], rc, got);
        ck_assert_msg(a.neg == (vals[i] < 0) && (a.n == 0) == (vals[i] == 0),
                      "from_i64(%" PRId64 "): neg %d n %u", vals[i], a.neg, a.n);
    }
    /* Just outside: 2^63 and -2^63 - 1. */
    struct wm_big a, one;
    int64_t got;
    wm_big_from_i64(&one, 1);
    wm_big_from_i64(&a, INT64_MAX);
    ck_assert(wm_big_add(&a, &a, &one) == 0);
    ck_assert_msg(wm_big_to_i64(&a, &got) == -1, "to_i64(2^63) accepted: %" PRId64, got);
    wm_big_from_i64(&a, INT64_MIN);
    ck_assert(wm_big_sub(&a, &a, &one) == 0);
    ck_assert_msg(wm_big_to_i64(&a, &got) == -1, "to_i64(-2^63-1) accepted: %" PRId64, got);
}
END_TEST

/* ---- arithmetic ---- */

START_TEST(arith_matches_cpython)
{
    struct fx x;
    struct wm_big a, b, r;
    int records = 0;
    big_fx_open(&x, ARITH_FIXTURE);
    while (fx_next(&x)) {
        fx_big(&x, ' ', &a);
        fx_big(&x, ' ', &b);
        char *sum = fx_tok(&x, ' '), *diff = fx_tok(&x, ' ');
        int cmp = atoi(fx_tok(&x, ' '));
        FAST_ASSERT(wm_big_add(&r, &a, &b) == 0, "%s:%zu: add failed", x.path, x.lineno);
        expect_eq(&x, "a + b", &r, sum);
        FAST_ASSERT(wm_big_sub(&r, &a, &b) == 0, "%s:%zu: sub failed", x.path, x.lineno);
        expect_eq(&x, "a - b", &r, diff);
        FAST_ASSERT(wm_big_cmp(&a, &b) == cmp && wm_big_cmp(&b, &a) == -cmp,
                    "%s:%zu: cmp(a, b) %d, cmp(b, a) %d, want %d", x.path, x.lineno,
                    wm_big_cmp(&a, &b), wm_big_cmp(&b, &a), cmp);
        /* The result may alias either operand. */
        struct wm_big a2 = a, b2 = b;
        FAST_ASSERT(wm_big_add(&a2, &a2, &b) == 0, "%s:%zu: add failed", x.path, x.lineno);
        expect_eq(&x, "a += b", &a2, sum);
        FAST_ASSERT(wm_big_sub(&b2, &a, &b2) == 0, "%s:%zu: sub failed", x.path, x.lineno);
        expect_eq(&x, "b = a - b", &b2, diff);
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records > 300, "%s: only %d records", x.path, records);
}
END_TEST

START_TEST(add_beyond_capacity_fails)
{
    /* The largest magnitude the words hold, plus or minus one away from zero,
     * needs one more word: -1. Towards zero it fits. */
    struct wm_big max, one, r;
    max.neg = 0;
    max.n = WM_BIG_WORDS;
    for (unsigned i = 0; i < WM_BIG_WORDS; i++)
        max.w[i] = UINT32_MAX;
    wm_big_from_i64(&one, 1);
    ck_assert_msg(wm_big_add(&r, &max, &one) == -1, "max + 1 did not fail");
    ck_assert_msg(wm_big_sub(&r, &max, &one) == 0 && r.n == WM_BIG_WORDS && r.w[0] == UINT32_MAX - 1,
                  "max - 1 wrong");
    max.neg = 1;
    ck_assert_msg(wm_big_sub(&r, &max, &one) == -1, "-max - 1 did not fail");
    ck_assert_msg(wm_big_add(&r, &max, &one) == 0 && r.neg && r.n == WM_BIG_WORDS,
                  "-max + 1 wrong");
    ck_assert_msg(wm_big_add(&r, &max, &max) == -1, "-max + -max did not fail");
    struct wm_big pmax = max;
    pmax.neg = 0;
    ck_assert_msg(wm_big_add(&r, &max, &pmax) == 0 && wm_big_is_zero(&r) && !r.neg,
                  "-max + max is not a plain zero");
}
END_TEST

START_TEST(hash_follows_equality)
{
    /* Every value of the fixture hashes as the same value built another way
     * ((v + 1) - 1, or v from leading-zero digits); distinct values differ. */
    struct fx x;
    struct wm_big a, b, one;
    enum { N = 1000 };
    static uint64_t hashes[N];
    size_t count = 0;
    wm_big_from_i64(&one, 1);
    big_fx_open(&x, VALUES_FIXTURE);
    while (fx_next(&x) && count < N) {
        char *v = fx_big(&x, ' ', &a);
        b = a;
        if (wm_big_add(&b, &b, &one) == 0 && wm_big_sub(&b, &b, &one) == 0) {
            FAST_ASSERT(wm_big_hash(&a) == wm_big_hash(&b), "%s:%zu: hash(%s) != hash((v+1)-1)",
                        x.path, x.lineno, show_text(v).s);
        }
        hashes[count++] = wm_big_hash(&a);
    }
    fx_close(&x);
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            FAST_ASSERT(hashes[i] != hashes[j], "records %zu and %zu of %s hash alike", i + 1,
                        j + 1, x.path);
    struct wm_big z1, z2;
    wm_big_from_i64(&z1, 0);
    ck_assert(wm_big_from_digits(&z2, "000", 3, 1) == 0);
    ck_assert_msg(wm_big_hash(&z1) == wm_big_hash(&z2), "0 and -000 hash differently");
}
END_TEST

/* ---- random draws ---- */

START_TEST(getrandbits_matches_cpython)
{
    struct fx x;
    struct wm_rng rng;
    struct wm_big r;
    int calls = 0;
    big_fx_open(&x, GETRANDBITS_FIXTURE);
    while (fx_next(&x)) {
        wm_rng_seed(&rng, fx_u64(&x, ' '));
        while (fx_more(&x)) {
            uint64_t k = fx_u64(&x, ':');
            char *want = fx_tok(&x, ' ');
            wm_big_getrandbits(&rng, (size_t)k, &r);
            FAST_ASSERT(wm_big_bit_length(&r) <= k, "%s:%zu: getrandbits(%" PRIu64 ") has %zu "
                        "bits", x.path, x.lineno, k, wm_big_bit_length(&r));
            expect_eq(&x, "getrandbits", &r, want);
            calls++;
        }
    }
    fx_close(&x);
    ck_assert_msg(calls > 200, "%s: only %d calls", x.path, calls);
}
END_TEST

START_TEST(randint_matches_cpython)
{
    struct fx x;
    struct wm_rng rng;
    struct wm_big lo, hi, r;
    int lines = 0;
    big_fx_open(&x, RANDINT_FIXTURE);
    while (fx_next(&x)) {
        wm_rng_seed(&rng, fx_u64(&x, ' '));
        fx_big(&x, ' ', &lo);
        fx_big(&x, ' ', &hi);
        uint64_t n = fx_u64(&x, ' '), next = fx_u64(&x, ' ');
        for (uint64_t i = 0; i < n; i++) {
            char *want = fx_tok(&x, ' ');
            wm_big_randint(&rng, &lo, &hi, &r);
            expect_eq(&x, "randint", &r, want);
        }
        ck_assert_msg(!fx_more(&x), "%s:%zu: more values than n", x.path, x.lineno);
        /* The same number of words drawn as CPython (redraws included). */
        uint32_t got = wm_rng_u32(&rng);
        ck_assert_msg(got == next, "%s:%zu: the word after the draws: got %" PRIu32 ", want %"
                      PRIu64 " (a redraw too many or too few)", x.path, x.lineno, got, next);
        lines++;
    }
    fx_close(&x);
    ck_assert_msg(lines > 30, "%s: only %d lines", x.path, lines);
}
END_TEST

START_TEST(randint_equals_rng_randint_within_int64)
{
    /* Ranges of every width from 1 to 2^64 (the whole int64), picked by a
     * stream of their own; both draws from streams of one seed must agree
     * value for value and leave the streams at the same word. */
    struct wm_rng pick, s1, s2;
    wm_rng_seed(&pick, 99);
    for (int c = 0; c < 3000; c++) {
        int bits = 1 + (int)(wm_rng_u32(&pick) % 64);
        int64_t lo = (int64_t)wm_rng_getrandbits(&pick, 64);
        uint64_t span = bits == 64 ? wm_rng_getrandbits(&pick, 64)
                                   : wm_rng_getrandbits(&pick, bits) >> (wm_rng_u32(&pick) % 3);
        if (c % 7 == 0)
            span = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits); /* n = 2^bits + 1 */
        if ((uint64_t)INT64_MAX - (uint64_t)lo < span && lo >= 0)
            lo = (int64_t)((uint64_t)INT64_MAX - span);
        else if (lo < 0 && span > (uint64_t)INT64_MAX + (uint64_t)(-(lo + 1)) + 1)
            lo = INT64_MIN;
        int64_t hi = (int64_t)((uint64_t)lo + span);
        ck_assert(lo <= hi);
        wm_rng_seed(&s1, (uint64_t)c);
        wm_rng_seed(&s2, (uint64_t)c);
        struct wm_big blo, bhi, r;
        wm_big_from_i64(&blo, lo);
        wm_big_from_i64(&bhi, hi);
        for (int i = 0; i < 5; i++) {
            int64_t want = wm_rng_randint(&s1, lo, hi), got;
            wm_big_randint(&s2, &blo, &bhi, &r);
            ck_assert(wm_big_to_i64(&r, &got) == 0);
            FAST_ASSERT(got == want, "case %d draw %d: randint(%" PRId64 ", %" PRId64 "): big %"
                        PRId64 ", rng %" PRId64, c, i, lo, hi, got, want);
        }
        FAST_ASSERT(s1.mti == s2.mti, "case %d: randint(%" PRId64 ", %" PRId64 ") drew %d words "
                    "vs %d", c, lo, hi, s2.mti, s1.mti);
    }
}
END_TEST

static Suite *big_suite(void)
{
    Suite *s = suite_create("big");
    WM_ADD_TEST(s, values_format_parse_roundtrip);
    WM_ADD_TEST(s, values_to_double_matches_cpython);
    WM_ADD_TEST(s, digits_leading_zeros_match_cpython);
    WM_ADD_TEST(s, text_rejects_what_cpython_refuses);
    WM_ADD_TEST(s, format_refuses_beyond_4300_digits);
    WM_ADD_TEST(s, int64_edges);
    WM_ADD_TEST(s, arith_matches_cpython);
    WM_ADD_TEST(s, add_beyond_capacity_fails);
    WM_ADD_TEST(s, hash_follows_equality);
    WM_ADD_TEST(s, getrandbits_matches_cpython);
    WM_ADD_TEST(s, randint_matches_cpython);
    WM_ADD_TEST(s, randint_equals_rng_randint_within_int64);
    return s;
}

WM_TEST_MAIN(big_suite)
