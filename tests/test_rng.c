/* proto/rng.c against PROTOCOL.md's check values and against CPython's own
 * random module, recorded once by ci/gen_rng_fixtures.py in fixtures/rng/. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "testfx.h"
#include "testutil.h"

#define GETRANDBITS_FIXTURE "fixtures/rng/getrandbits.txt"
#define RANDINT_FIXTURE "fixtures/rng/randint.txt"
#define SEED_WORDS_FIXTURE "fixtures/rng/seed_words.txt"

/* ---- PROTOCOL.md's check values (Python 3.11) ---- */

static void check_u32s(uint64_t seed, const uint32_t *want, int n)
{
    struct wm_rng r;
    wm_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        uint64_t got = wm_rng_getrandbits(&r, 32);
        ck_assert_msg(got == want[i], "seed %" PRIu64 " getrandbits(32) #%d: got %" PRIu64
                      ", want %" PRIu32, seed, i + 1, got, want[i]);
    }
}

static void check_randints(uint64_t seed, int64_t lo, int64_t hi, const int64_t *want, int n)
{
    struct wm_rng r;
    wm_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        int64_t got = wm_rng_randint(&r, lo, hi);
        ck_assert_msg(got == want[i], "seed %" PRIu64 " randint(%" PRId64 ", %" PRId64 ") #%d: got %"
                      PRId64 ", want %" PRId64, seed, lo, hi, i + 1, got, want[i]);
    }
}

START_TEST(spec_seed0_getrandbits32)
{
    static const uint32_t want[] = {3626764237u, 1654615998u, 3255389356u};
    check_u32s(0, want, 3);
}
END_TEST

START_TEST(spec_seed1234_getrandbits32)
{
    static const uint32_t want[] = {4150886329u, 3342196574u, 1892932127u};
    check_u32s(1234, want, 3);
}
END_TEST

START_TEST(spec_seed_above_2pow32_getrandbits32)
{
    static const uint32_t want[] = {675479763u, 2085189291u, 1213270837u};
    check_u32s(4294967301u, want, 3);
}
END_TEST

START_TEST(spec_seed1234_randint_1_5)
{
    static const int64_t want[] = {4, 1, 1, 1};
    check_randints(1234, 1, 5, want, 4);
}
END_TEST

START_TEST(spec_seed42_randint_full_int64)
{
    static const int64_t want[] = {-7169676182496904803, -4149976519821344517,
                                   836864915349561680, -1440288104464612247};
    check_randints(42, INT64_MIN, INT64_MAX, want, 4);
}
END_TEST

START_TEST(spec_seed7_randint_0_2pow40)
{
    static const int64_t want[] = {868231286071, 105874957392, 208460025899, 470330855157};
    check_randints(7, 0, (int64_t)1 << 40, want, 4);
}
END_TEST

/* ---- the CPython fixtures ---- */

START_TEST(fixture_getrandbits_matches_cpython)
{
    struct fx x;
    fx_open(&x, GETRANDBITS_FIXTURE, "ci/gen_rng_fixtures.py");
    size_t records = 0, values = 0, longest = 0;
    int seen_k[65] = {0}, seed0 = 0, seed_u32max = 0, seed_2pow32 = 0, seed_above = 0,
        seed_u64max = 0;
    while (fx_next(&x)) {
        uint64_t seed = fx_u64(&x, ' ');
        struct wm_rng r;
        wm_rng_seed(&r, seed);
        size_t i = 0;
        while (fx_more(&x)) {
            uint64_t k = fx_u64(&x, ':');
            uint64_t want = fx_u64(&x, ' ');
            FAST_ASSERT(k >= 1 && k <= 64, "%s:%zu: k %" PRIu64, x.path, x.lineno, k);
            uint64_t got = wm_rng_getrandbits(&r, (int)k);
            i++;
            FAST_ASSERT(got == want, "%s:%zu: seed %" PRIu64 " draw #%zu getrandbits(%" PRIu64
                          "): got %" PRIu64 ", want %" PRIu64, x.path, x.lineno, seed, i, k, got,
                          want);
            seen_k[k] = 1;
        }
        values += i;
        longest = i > longest ? i : longest;
        records++;
        seed0 |= seed == 0;
        seed_u32max |= seed == UINT32_MAX;
        seed_2pow32 |= seed == (uint64_t)1 << 32;
        seed_above |= seed > ((uint64_t)1 << 32) && seed < UINT64_MAX;
        seed_u64max |= seed == UINT64_MAX;
    }
    fx_close(&x);
    /* A truncated or thinned-out fixture must not pass silently. */
    ck_assert_msg(records >= 80, "only %zu records in %s", records, GETRANDBITS_FIXTURE);
    ck_assert_msg(longest >= 2000, "longest run %zu < 2000 draws", longest);
    for (int k = 1; k <= 64; k++)
        ck_assert_msg(seen_k[k], "getrandbits(%d) not covered by %s", k, GETRANDBITS_FIXTURE);
    ck_assert_msg(seed0 && seed_u32max && seed_2pow32 && seed_above && seed_u64max,
                  "seed coverage: 0 %d, 2^32-1 %d, 2^32 %d, >2^32 %d, 2^64-1 %d", seed0,
                  seed_u32max, seed_2pow32, seed_above, seed_u64max);
    ck_assert_msg(values > 6000, "only %zu values", values);
}
END_TEST

START_TEST(fixture_randint_matches_cpython)
{
    struct fx x;
    fx_open(&x, RANDINT_FIXTURE, "ci/gen_rng_fixtures.py");
    size_t records = 0, longest = 0;
    int size_2pow32 = 0, size_2pow32p1 = 0, full = 0, negative = 0, above = 0;
    while (fx_next(&x)) {
        uint64_t seed = fx_u64(&x, ' ');
        int64_t lo = fx_i64(&x), hi = fx_i64(&x);
        uint64_t n = fx_u64(&x, ' '), next = fx_u64(&x, ' ');
        ck_assert_msg(lo <= hi, "%s:%zu: empty range", x.path, x.lineno);
        struct wm_rng r;
        wm_rng_seed(&r, seed);
        for (uint64_t i = 0; i < n; i++) {
            int64_t want = fx_i64(&x);
            int64_t got = wm_rng_randint(&r, lo, hi);
            FAST_ASSERT(got == want, "%s:%zu: seed %" PRIu64 " randint(%" PRId64 ", %" PRId64
                          ") #%" PRIu64 ": got %" PRId64 ", want %" PRId64, x.path, x.lineno,
                          seed, lo, hi, i + 1, got, want);
        }
        ck_assert_msg(!fx_more(&x), "%s:%zu: more values than n", x.path, x.lineno);
        /* The same number of words consumed as CPython: the next word agrees. */
        uint32_t got_next = wm_rng_u32(&r);
        ck_assert_msg(got_next == next, "%s:%zu: seed %" PRIu64 " randint(%" PRId64 ", %" PRId64
                      ") x%" PRIu64 " consumed a different number of words: next word %" PRIu32
                      ", want %" PRIu64, x.path, x.lineno, seed, lo, hi, n, got_next, next);
        uint64_t span = (uint64_t)hi - (uint64_t)lo;
        size_2pow32 |= span == UINT32_MAX;
        size_2pow32p1 |= span == (uint64_t)1 << 32;
        full |= span == UINT64_MAX;
        negative |= hi < 0;
        above |= span > UINT32_MAX;
        longest = n > longest ? n : longest;
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records >= 40, "only %zu records in %s", records, RANDINT_FIXTURE);
    ck_assert_msg(longest >= 2000, "longest run %zu < 2000 draws", longest);
    ck_assert_msg(size_2pow32 && size_2pow32p1 && full && negative && above,
                  "range coverage: 2^32 %d, 2^32+1 %d, 2^64 %d, negative %d, >2^32 %d",
                  size_2pow32, size_2pow32p1, full, negative, above);
}
END_TEST

START_TEST(fixture_seed_words_matches_cpython)
{
    struct fx x;
    fx_open(&x, SEED_WORDS_FIXTURE, "ci/gen_rng_fixtures.py");
    size_t records = 0;
    int seen_len[9] = {0};
    while (fx_next(&x)) {
        uint64_t len = fx_u64(&x, ' ');
        ck_assert_msg(len >= 1 && len <= 8, "%s:%zu: len %" PRIu64, x.path, x.lineno, len);
        uint32_t key[8];
        for (uint64_t i = 0; i < len; i++) {
            uint64_t w = fx_u64(&x, ' ');
            ck_assert_msg(w <= UINT32_MAX, "%s:%zu: word %" PRIu64, x.path, x.lineno, w);
            key[i] = (uint32_t)w;
        }
        struct wm_rng r;
        wm_rng_seed_words(&r, key, (int)len);
        for (int i = 0; i < 8; i++) {
            uint64_t want = fx_u64(&x, ' ');
            uint32_t got = wm_rng_u32(&r);
            FAST_ASSERT(got == want, "%s:%zu: %" PRIu64 "-word key, word #%d: got %" PRIu32
                          ", want %" PRIu64, x.path, x.lineno, len, i + 1, got, want);
        }
        ck_assert_msg(!fx_more(&x), "%s:%zu: trailing values", x.path, x.lineno);
        seen_len[len] = 1;
        records++;
    }
    fx_close(&x);
    ck_assert_msg(records >= 10, "only %zu records in %s", records, SEED_WORDS_FIXTURE);
    for (int k = 1; k <= 8; k++)
        ck_assert_msg(seen_len[k], "no %d-word key in %s", k, SEED_WORDS_FIXTURE);
}
END_TEST

START_TEST(seed_words_agrees_with_seed)
{
    /* seed(n) is init_by_array over n's words: the two entry points agree. */
    static const uint64_t seeds[] = {0, 1, 1234, UINT32_MAX, (uint64_t)1 << 32, UINT64_MAX};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint32_t key[2] = {(uint32_t)seeds[i], (uint32_t)(seeds[i] >> 32)};
        struct wm_rng a, b;
        wm_rng_seed(&a, seeds[i]);
        wm_rng_seed_words(&b, key, key[1] ? 2 : 1);
        for (int j = 0; j < 700; j++) {
            uint32_t x = wm_rng_u32(&a), y = wm_rng_u32(&b);
            ck_assert_msg(x == y, "seed %" PRIu64 " word %d: seed %" PRIu32 " vs seed_words %"
                          PRIu32, seeds[i], j, x, y);
        }
    }
}
END_TEST

/* ---- properties that need no fixture ---- */

START_TEST(u32_is_getrandbits32)
{
    struct wm_rng a, b;
    wm_rng_seed(&a, 99);
    wm_rng_seed(&b, 99);
    for (int i = 0; i < 2000; i++) {
        uint32_t x = wm_rng_u32(&a);
        uint64_t y = wm_rng_getrandbits(&b, 32);
        ck_assert_msg(x == y, "draw %d: u32 %" PRIu32 " vs getrandbits(32) %" PRIu64, i, x, y);
    }
}
END_TEST

START_TEST(getrandbits_word_layout)
{
    /* k <= 32 takes the top bits of one word; 32 < k <= 64 takes two words,
     * least significant first, the second shifted right by 64 - k. */
    for (int k = 1; k <= 64; k++) {
        struct wm_rng a, b;
        wm_rng_seed(&a, 5);
        wm_rng_seed(&b, 5);
        uint64_t got = wm_rng_getrandbits(&a, k), want;
        if (k <= 32) {
            want = wm_rng_u32(&b) >> (32 - k);
        } else {
            uint64_t lo = wm_rng_u32(&b);
            want = lo | ((uint64_t)(wm_rng_u32(&b) >> (64 - k)) << 32);
        }
        ck_assert_msg(got == want, "getrandbits(%d): got %" PRIu64 ", want %" PRIu64, k, got, want);
        ck_assert_msg(wm_rng_u32(&a) == wm_rng_u32(&b), "getrandbits(%d) consumed a different "
                      "number of words", k);
    }
}
END_TEST

START_TEST(reseed_restarts_stream)
{
    struct wm_rng r;
    wm_rng_seed(&r, (uint64_t)1 << 32);
    uint32_t first[5];
    for (int i = 0; i < 5; i++)
        first[i] = wm_rng_u32(&r);
    for (int i = 0; i < 1000; i++)
        wm_rng_u32(&r);
    wm_rng_seed(&r, (uint64_t)1 << 32);
    for (int i = 0; i < 5; i++) {
        uint32_t again = wm_rng_u32(&r);
        ck_assert_msg(again == first[i], "after reseed, word %d: %" PRIu32 " != %" PRIu32, i,
                      again, first[i]);
    }
}
END_TEST

START_TEST(seeds_differing_in_high_word_differ)
{
    /* seed(2^32) has key [0, 1], seed(0) key [0], seed(1) key [1]: all distinct. */
    static const uint64_t seeds[] = {0, 1, (uint64_t)1 << 32, ((uint64_t)1 << 32) + 1, UINT32_MAX};
    uint32_t w[5];
    for (int i = 0; i < 5; i++) {
        struct wm_rng r;
        wm_rng_seed(&r, seeds[i]);
        w[i] = wm_rng_u32(&r);
    }
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            ck_assert_msg(w[i] != w[j], "seeds %" PRIu64 " and %" PRIu64 " give the same first word",
                          seeds[i], seeds[j]);
}
END_TEST

START_TEST(independent_states_interleave)
{
    /* No global state: interleaving two generators changes neither stream. */
    struct wm_rng a, b, ref;
    wm_rng_seed(&a, 1);
    wm_rng_seed(&b, 2);
    wm_rng_seed(&ref, 1);
    for (int i = 0; i < 1500; i++) {
        (void)wm_rng_randint(&b, INT64_MIN, INT64_MAX);
        int64_t x = wm_rng_randint(&a, -7, 7), y = wm_rng_randint(&ref, -7, 7);
        ck_assert_msg(x == y, "draw %d: interleaved %" PRId64 " vs alone %" PRId64, i, x, y);
    }
}
END_TEST

START_TEST(randint_stays_in_range)
{
    static const int64_t ranges[][2] = {
        {INT64_MIN, INT64_MIN}, {INT64_MAX, INT64_MAX}, {INT64_MIN, INT64_MIN + 2},
        {INT64_MAX - 2, INT64_MAX}, {-1, 0}, {0, INT64_MAX}, {INT64_MIN, -1},
        {-((int64_t)1 << 31), ((int64_t)1 << 31) - 1}, {INT64_MIN, INT64_MAX}};
    struct wm_rng r;
    wm_rng_seed(&r, 2024);
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        for (int j = 0; j < 500; j++) {
            int64_t v = wm_rng_randint(&r, ranges[i][0], ranges[i][1]);
            ck_assert_msg(v >= ranges[i][0] && v <= ranges[i][1], "randint(%" PRId64 ", %" PRId64
                          ") gave %" PRId64, ranges[i][0], ranges[i][1], v);
        }
    }
}
END_TEST

/* The words one randint's draw takes: getrandbits(n.bit_length()), so 1
 * word for n < 2^32, 2 above (n = 2^32 is 33 bits); a kept first draw
 * moves the stream by exactly this. */
static int words_per_draw(int64_t lo, int64_t hi)
{
    uint64_t n = (uint64_t)hi - (uint64_t)lo + 1;
    return n != 0 && n < ((uint64_t)1 << 32) ? 1 : 2;
}

START_TEST(peek_is_the_next_randint)
{
    /* Ranges whose first draw is often redrawn (n just above a power of
     * two) and rarely; 1 and 2 words; draws run across several rounds of
     * 624 words, so the peek reads words on both sides of a round's end. */
    static const int64_t ranges[][2] = {
        {1, 5}, {1, 100}, {10, 15}, {0, ((int64_t)1 << 31)}, {1, (int64_t)1 << 32},
        {0, (int64_t)1 << 32}, {1, 1000000000000}, {INT64_MIN, -1}, {7, 7}, {-3, 3}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        int64_t lo = ranges[i][0], hi = ranges[i][1];
        int per = words_per_draw(lo, hi);
        for (uint64_t seed = 0; seed < 6; seed++) {
            struct wm_rng r;
            wm_rng_seed(&r, seed * 977 + i);
            if (seed & 1) /* two-word draws then start at odd words: one spans 623 and 0 */
                (void)wm_rng_u32(&r);
            int kept = 0, redrawn = 0;
            for (int d = 0; d < 1500; d++) {
                int64_t want = 0;
                int before = r.mti;
                int ok = wm_rng_peek_randint(&r, lo, hi, &want);
                FAST_ASSERT(r.mti == before, "the peek moved the stream");
                int64_t got = wm_rng_randint(&r, lo, hi);
                int took = (r.mti - before + WM_RNG_N) % WM_RNG_N;
                if (ok) {
                    kept++;
                    FAST_ASSERT(got == want, "randint(%" PRId64 ", %" PRId64 ") seed %" PRIu64
                                " draw %d: peek said %" PRId64 ", randint gave %" PRId64, lo, hi,
                                seed, d, want, got);
                    FAST_ASSERT(took == per, "a peeked draw took %d words, not %d", took, per);
                } else {
                    redrawn++;
                    FAST_ASSERT(took > per, "randint(%" PRId64 ", %" PRId64 ") seed %" PRIu64
                                " draw %d: peek said redrawn, but it took %d word(s)", lo, hi,
                                seed, d, took);
                }
            }
            ck_assert_msg(kept > 600, "only %d of 1500 peeks kept in [%" PRId64 ", %" PRId64 "]",
                          kept, lo, hi);
            (void)redrawn;
        }
    }
    /* A span of 2^64 takes three words a draw: never peeked. */
    struct wm_rng r;
    int64_t v = 42;
    wm_rng_seed(&r, 1);
    ck_assert_int_eq(wm_rng_peek_randint(&r, INT64_MIN, INT64_MAX, &v), 0);
    ck_assert_int_eq(v, 42);
}
END_TEST

static Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    WM_ADD_TEST(s, spec_seed0_getrandbits32);
    WM_ADD_TEST(s, spec_seed1234_getrandbits32);
    WM_ADD_TEST(s, spec_seed_above_2pow32_getrandbits32);
    WM_ADD_TEST(s, spec_seed1234_randint_1_5);
    WM_ADD_TEST(s, spec_seed42_randint_full_int64);
    WM_ADD_TEST(s, spec_seed7_randint_0_2pow40);
    WM_ADD_TEST(s, fixture_getrandbits_matches_cpython);
    WM_ADD_TEST(s, fixture_randint_matches_cpython);
    WM_ADD_TEST(s, fixture_seed_words_matches_cpython);
    WM_ADD_TEST(s, seed_words_agrees_with_seed);
    WM_ADD_TEST(s, u32_is_getrandbits32);
    WM_ADD_TEST(s, getrandbits_word_layout);
    WM_ADD_TEST(s, reseed_restarts_stream);
    WM_ADD_TEST(s, seeds_differing_in_high_word_differ);
    WM_ADD_TEST(s, independent_states_interleave);
    WM_ADD_TEST(s, randint_stays_in_range);
    WM_ADD_TEST(s, peek_is_the_next_randint);
    return s;
}

WM_TEST_MAIN(rng_suite)
