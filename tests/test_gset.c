/* proto/gset.c: membership, duplicates, growth, the max bound, clear, a
 * million inserts, memory given back between games, the shared budget. */
#include <inttypes.h>
#include <stdint.h>

#include "alloc.h"
#include "gset.h"
#include "testutil.h"

/* Values that stress a hash: extremes, neighbours, and high-bit-only patterns. */
static int64_t nth_value(size_t i)
{
    switch (i % 4) {
    case 0:
        return (int64_t)(i / 4);
    case 1:
        return -(int64_t)(i / 4) - 1;
    case 2:
        return (int64_t)((uint64_t)(i / 4 + 1) << 40);
    default:
        return (int64_t)((uint64_t)INT64_MIN + i / 4);
    }
}

START_TEST(empty_set_has_nothing)
{
    struct wm_gset s;
    wm_gset_init(&s, 10);
    ck_assert_int_eq(wm_gset_has(&s, 0), 0);
    ck_assert_int_eq(wm_gset_has(&s, INT64_MIN), 0);
    ck_assert_uint_eq(s.count, 0);
    wm_gset_free(&s);
}
END_TEST

START_TEST(membership)
{
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    for (size_t i = 0; i < 400; i++)
        FAST_ASSERT(wm_gset_add(&s, nth_value(i)) == 1, "add #%zu (%" PRId64 ") not new", i,
                      nth_value(i));
    for (size_t i = 0; i < 400; i++)
        FAST_ASSERT(wm_gset_has(&s, nth_value(i)), "lost %" PRId64, nth_value(i));
    for (size_t i = 400; i < 2000; i++)
        FAST_ASSERT(!wm_gset_has(&s, nth_value(i)), "has %" PRId64 " never added", nth_value(i));
    ck_assert_uint_eq(s.count, 400);
    wm_gset_free(&s);
}
END_TEST

START_TEST(extremes_are_members)
{
    struct wm_gset s;
    wm_gset_init(&s, 10);
    ck_assert_int_eq(wm_gset_add(&s, INT64_MIN), 1);
    ck_assert_int_eq(wm_gset_add(&s, INT64_MAX), 1);
    ck_assert_int_eq(wm_gset_add(&s, 0), 1);
    ck_assert_int_eq(wm_gset_has(&s, INT64_MIN), 1);
    ck_assert_int_eq(wm_gset_has(&s, INT64_MAX), 1);
    ck_assert_int_eq(wm_gset_has(&s, 0), 1);
    ck_assert_int_eq(wm_gset_has(&s, -1), 0);
    ck_assert_int_eq(wm_gset_has(&s, INT64_MIN + 1), 0);
    wm_gset_free(&s);
}
END_TEST

/* 0 marks an empty slot (a slot stores a remainder and distance + 1, never a
 * member): 0 must behave as any member, through growth and clearing. */
START_TEST(zero_is_a_member_like_any_other)
{
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    ck_assert_int_eq(wm_gset_has(&s, 0), 0);
    for (int64_t v = -300; v <= 300; v++)
        ck_assert_int_eq(wm_gset_add(&s, v), 1);
    ck_assert_uint_eq(s.count, 601);
    ck_assert_int_eq(wm_gset_add(&s, 0), 0);
    for (int64_t v = -300; v <= 300; v++)
        ck_assert_int_eq(wm_gset_has(&s, v), 1);
    ck_assert_int_eq(wm_gset_has(&s, 301), 0);
    wm_gset_clear(&s);
    ck_assert_int_eq(wm_gset_has(&s, 0), 0);
    ck_assert_int_eq(wm_gset_add(&s, 0), 1);
    ck_assert_int_eq(wm_gset_has(&s, 0), 1);
    ck_assert_int_eq(wm_gset_has(&s, 1), 0);
    wm_gset_free(&s);
}
END_TEST

START_TEST(duplicates_not_counted)
{
    struct wm_gset s;
    wm_gset_init(&s, 100);
    ck_assert_int_eq(wm_gset_add(&s, 42), 1);
    ck_assert_int_eq(wm_gset_add(&s, 42), 0);
    ck_assert_int_eq(wm_gset_add(&s, -42), 1);
    ck_assert_int_eq(wm_gset_add(&s, 42), 0);
    ck_assert_int_eq(wm_gset_add(&s, -42), 0);
    ck_assert_uint_eq(s.count, 2);
    wm_gset_free(&s);
}
END_TEST

START_TEST(growth_keeps_members)
{
    struct wm_gset s;
    wm_gset_init(&s, 100000);
    size_t last_cap = 0, grows = 0;
    for (size_t i = 0; i < 50000; i++) {
        ck_assert_int_eq(wm_gset_add(&s, nth_value(i)), 1);
        FAST_ASSERT((s.cap & (s.cap - 1)) == 0, "cap %zu is not a power of two", s.cap);
        FAST_ASSERT(s.count * 4 <= s.cap * 3, "load above 3/4: %zu in %zu", s.count, s.cap);
        if (s.cap != last_cap) {
            grows++;
            last_cap = s.cap;
            for (size_t j = 0; j <= i; j++) /* after each growth, nothing is lost */
                FAST_ASSERT(wm_gset_has(&s, nth_value(j)), "lost %" PRId64 " growing to %zu",
                              nth_value(j), s.cap);
        }
    }
    ck_assert_msg(grows >= 10, "only %zu growths", grows);
    for (size_t i = 0; i < 50000; i++)
        FAST_ASSERT(wm_gset_add(&s, nth_value(i)) == 0, "re-add #%zu not a duplicate", i);
    ck_assert_uint_eq(s.count, 50000);
    wm_gset_free(&s);
}
END_TEST

START_TEST(max_bound)
{
    struct wm_gset s;
    wm_gset_init(&s, 3);
    ck_assert_int_eq(wm_gset_add(&s, 1), 1);
    ck_assert_int_eq(wm_gset_add(&s, 2), 1);
    ck_assert_int_eq(wm_gset_add(&s, 3), 1);
    ck_assert_int_eq(wm_gset_add(&s, 4), -1);
    ck_assert_uint_eq(s.count, 3);
    ck_assert_int_eq(wm_gset_has(&s, 4), 0);
    ck_assert_int_eq(wm_gset_add(&s, 2), 0); /* a member is still "present" when full */
    ck_assert_int_eq(wm_gset_add(&s, 5), -1);
    wm_gset_free(&s);
}
END_TEST

START_TEST(max_zero_rejects_all)
{
    struct wm_gset s;
    wm_gset_init(&s, 0);
    ck_assert_int_eq(wm_gset_add(&s, 0), -1);
    ck_assert_int_eq(wm_gset_has(&s, 0), 0);
    ck_assert_uint_eq(s.count, 0);
    wm_gset_free(&s);
}
END_TEST

START_TEST(clear_keeps_working)
{
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    for (int round = 0; round < 5; round++) {
        for (int64_t v = 0; v < 1000; v++)
            FAST_ASSERT(wm_gset_add(&s, v * 7 + round) == 1, "round %d: add %" PRId64 " failed",
                          round, v * 7 + round);
        ck_assert_int_eq(wm_gset_add(&s, -1), -1); /* full again every round */
        size_t cap = s.cap;
        wm_gset_clear(&s);
        ck_assert_uint_eq(s.count, 0);
        FAST_ASSERT(s.cap == cap, "clear changed cap %zu -> %zu", cap, s.cap);
        for (int64_t v = 0; v < 1000; v++)
            FAST_ASSERT(!wm_gset_has(&s, v * 7 + round), "round %d: %" PRId64 " survived clear",
                          round, v * 7 + round);
    }
    wm_gset_free(&s);
}
END_TEST

START_TEST(clear_before_any_insert)
{
    struct wm_gset s;
    wm_gset_init(&s, 2);
    wm_gset_clear(&s);
    ck_assert_int_eq(wm_gset_add(&s, 9), 1);
    ck_assert_int_eq(wm_gset_has(&s, 9), 1);
    wm_gset_free(&s);
}
END_TEST

START_TEST(free_then_reuse)
{
    struct wm_gset s;
    wm_gset_init(&s, 5);
    ck_assert_int_eq(wm_gset_add(&s, 1), 1);
    wm_gset_free(&s);
    ck_assert_uint_eq(s.count, 0);
    ck_assert_uint_eq(s.max, 5);
    ck_assert_int_eq(wm_gset_has(&s, 1), 0);
    ck_assert_int_eq(wm_gset_add(&s, 1), 1);
    wm_gset_free(&s);
    wm_gset_free(&s); /* twice is harmless */
}
END_TEST

START_TEST(million_inserts)
{
    enum { N = 1000000 };
    struct wm_gset s;
    wm_gset_init(&s, N);
    uint64_t x = 0x853c49e6748fea9bULL;
    for (size_t i = 0; i < N; i++) {
        /* A bijection of i (odd multiplier): distinct, scattered values. */
        int64_t v = (int64_t)((uint64_t)i * 0x9e3779b97f4a7c15ULL);
        FAST_ASSERT(wm_gset_add(&s, v) == 1, "insert #%zu failed", i);
    }
    ck_assert_uint_eq(s.count, N);
    ck_assert_int_eq(wm_gset_add(&s, 0), 0);
    ck_assert_int_eq(wm_gset_add(&s, 12345), -1);
    for (int i = 0; i < 1000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t k = x % N;
        FAST_ASSERT(wm_gset_has(&s, (int64_t)(k * 0x9e3779b97f4a7c15ULL)), "lost #%" PRIu64, k);
    }
    wm_gset_clear(&s);
    for (size_t i = 0; i < N; i++) /* sequential values after a clear */
        FAST_ASSERT(wm_gset_add(&s, (int64_t)i - N / 2) == 1, "sequential insert #%zu failed", i);
    ck_assert_uint_eq(s.count, N);
    wm_gset_free(&s);
}
END_TEST

START_TEST(clear_after_long_game_releases_memory)
{
    struct wm_gset s;
    wm_gset_init(&s, 200000);
    for (size_t i = 0; i < 200000; i++)
        FAST_ASSERT(wm_gset_add(&s, nth_value(i)) == 1, "add #%zu failed", i);
    ck_assert_uint_gt(s.cap, WM_GSET_KEEP);
    wm_gset_clear(&s);
    ck_assert_uint_eq(s.count, 0);
    ck_assert_uint_eq(s.cap, 0); /* the long game's table is gone */
    ck_assert_ptr_null(s.slots);
    ck_assert_uint_eq(s.max, 200000);
    wm_gset_clear(&s); /* PARAMS 0 -1 again: nothing to do */
    ck_assert_uint_eq(s.cap, 0);
    for (size_t i = 0; i < 200000; i += 997)
        FAST_ASSERT(!wm_gset_has(&s, nth_value(i)), "%" PRId64 " survived", nth_value(i));
    /* A short game next costs what it uses. */
    for (size_t i = 0; i < 100; i++)
        FAST_ASSERT(wm_gset_add(&s, nth_value(i + 7)) == 1, "re-add #%zu failed", i);
    ck_assert_uint_eq(s.count, 100);
    ck_assert_uint_le(s.cap, 256);
    for (size_t i = 0; i < 100; i++)
        FAST_ASSERT(wm_gset_has(&s, nth_value(i + 7)), "lost %" PRId64, nth_value(i + 7));
    ck_assert_int_eq(wm_gset_has(&s, nth_value(6)), 0);
    /* A small table is kept, and cleared. */
    size_t cap = s.cap;
    wm_gset_clear(&s);
    ck_assert_uint_eq(s.cap, cap);
    ck_assert_int_eq(wm_gset_has(&s, nth_value(7)), 0);
    ck_assert_int_eq(wm_gset_add(&s, nth_value(7)), 1);
    /* And a long game again grows as the first did. */
    for (size_t i = 0; i < 200000; i++)
        FAST_ASSERT(wm_gset_add(&s, nth_value(i)) == (i == 7 ? 0 : 1), "add #%zu", i);
    ck_assert_uint_eq(s.count, 200000);
    wm_gset_free(&s);
}
END_TEST

/* A set over all of int64 keeps 8-byte slots until its table is huge. */
static size_t wide_bytes(size_t cap)
{
    return cap * sizeof(uint64_t);
}

/* A function, so that a failed assertion prints a readable expression. */
static size_t budget_used(struct wm_gset_budget *b)
{
    return atomic_load(&b->used);
}

START_TEST(budget_refuses_growth)
{
    /* 16 slots, then 32 while the 16 are still held: 128 + 256 bytes; 64
     * slots would need 512 with the 256 held. Load 3/4: 24 fit in 32. */
    struct wm_gset_budget b = {.limit = 600};
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    s.budget = &b;
    for (int64_t v = 0; v < 24; v++)
        ck_assert_int_eq(wm_gset_add(&s, v), 1);
    ck_assert_uint_eq(s.cap, 32);
    ck_assert_uint_eq(budget_used(&b), wide_bytes(32));
    ck_assert_int_eq(wm_gset_add(&s, 24), WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(s.count, 24); /* refused: nothing changed */
    ck_assert_uint_eq(s.cap, 32);
    ck_assert_uint_eq(budget_used(&b), wide_bytes(32));
    for (int64_t v = 0; v < 24; v++)
        ck_assert_int_eq(wm_gset_has(&s, v), 1);
    ck_assert_int_eq(wm_gset_add(&s, 3), 0); /* a member is still present */
    wm_gset_clear(&s);                       /* a small table is kept: still counted */
    ck_assert_uint_eq(budget_used(&b), wide_bytes(32));
    wm_gset_free(&s);
    ck_assert_uint_eq(budget_used(&b), 0);
    ck_assert_ptr_eq(s.budget, &b);
    ck_assert_int_eq(wm_gset_add(&s, 1), 1);
    wm_gset_free(&s);
    ck_assert_uint_eq(budget_used(&b), 0);
}
END_TEST

START_TEST(budget_shared_and_given_back)
{
    /* Room for a table of 16384 slots while its 8192 are held, no more. */
    struct wm_gset_budget b = {.limit = wide_bytes(8192) + wide_bytes(16384)};
    struct wm_gset big, other;
    wm_gset_init(&big, 1000000);
    wm_gset_init(&other, 1000000);
    big.budget = other.budget = &b;
    size_t n = 0;
    int rc;
    while ((rc = wm_gset_add(&big, (int64_t)n)) == 1)
        n++;
    ck_assert_int_eq(rc, WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(n, 12288); /* 3/4 of 16384: growing to 32768 slots was refused */
    ck_assert_uint_eq(budget_used(&b), wide_bytes(16384));
    /* The other set has what is left: 4096 slots (3072 members), then 8192 is refused. */
    for (n = 0; (rc = wm_gset_add(&other, -(int64_t)n - 1)) == 1;)
        n++;
    ck_assert_int_eq(rc, WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(n, 3072);
    wm_gset_clear(&big); /* its game ended: the big table goes back to the budget */
    ck_assert_uint_eq(big.cap, 0);
    ck_assert_uint_eq(budget_used(&b), wide_bytes(4096));
    for (; n < 8192; n++)
        FAST_ASSERT(wm_gset_add(&other, -(int64_t)n - 1) == 1, "other: add #%zu refused", n);
    ck_assert_uint_eq(budget_used(&b), wide_bytes(16384));
    wm_gset_free(&other);
    wm_gset_free(&big);
    ck_assert_uint_eq(budget_used(&b), 0);
}
END_TEST

START_TEST(budget_allocation_failure_gives_back)
{
    struct wm_gset_budget b = {.limit = 1u << 20};
    struct wm_alloc_counter c = {.fail_at = 2}; /* 16 slots (12 members): 1 block; the 2nd (32) is refused */
    struct wm_gset s;
    wm_gset_init(&s, 100);
    s.budget = &b;
    wm_alloc_install(&c);
    int rc = 1;
    for (int64_t v = 0; v < 13 && rc == 1; v++)
        rc = wm_gset_add(&s, v);
    wm_alloc_install(NULL);
    ck_assert_int_eq(rc, -1);
    ck_assert_uint_eq(c.refused_at, 2); /* the planned call, and it came */
    ck_assert_uint_eq(budget_used(&b), wide_bytes(16));
    wm_gset_free(&s);
    ck_assert_uint_eq(budget_used(&b), 0);
}
END_TEST

/* xorshift64: test values with no pattern a table could favour. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* A set told its game's range holds what is in it, refuses what is not,
 * and knows the ends of every kind of range. */
START_TEST(domain_members_and_outsiders)
{
    static const struct {
        int64_t lo, hi;
    } ranges[] = {
        {1, 10},
        {5, 5},
        {-5, 5},
        {INT64_MIN, INT64_MIN + 3},
        {INT64_MAX - 2, INT64_MAX},
        {INT64_MIN, INT64_MAX},
        {1, 1000000000000},
        {-1000000000000, 0},
        {INT64_MIN, 0},
    };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        int64_t lo = ranges[k].lo, hi = ranges[k].hi;
        uint64_t span = (uint64_t)hi - (uint64_t)lo, n = span < 3000 ? span + 1 : 3000;
        uint64_t step = span < 3000 ? 1 : span / 3000; /* n members spread over the range */
        struct wm_gset s;
        wm_gset_init(&s, 100000);
        wm_gset_domain(&s, lo, hi);
        wm_gset_prefetch(&s, lo); /* a hint: no table yet, nothing to load */
        for (uint64_t i = 0; i < n; i++) {
            int64_t v = (int64_t)((uint64_t)lo + i * step);
            wm_gset_prefetch(&s, v); /* asserts its slot is in the table; changes nothing */
            FAST_ASSERT(wm_gset_add(&s, v) == 1, "[%" PRId64 ", %" PRId64 "]: add %" PRId64, lo,
                        hi, v);
            wm_gset_prefetch(&s, hi);
        }
        for (uint64_t i = 0; i < n; i++) {
            int64_t v = (int64_t)((uint64_t)lo + i * step);
            FAST_ASSERT(wm_gset_has(&s, v), "[%" PRId64 ", %" PRId64 "]: lost %" PRId64, lo, hi, v);
            FAST_ASSERT(wm_gset_add(&s, v) == 0, "[%" PRId64 ", %" PRId64 "]: re-added %" PRId64,
                        lo, hi, v);
            if (step > 1) {
                int64_t w = (int64_t)((uint64_t)v + 1); /* between two members */
                FAST_ASSERT(!wm_gset_has(&s, w), "[%" PRId64 ", %" PRId64 "]: has %" PRId64, lo,
                            hi, w);
            }
        }
        ck_assert_uint_eq(s.count, n);
        if (lo != INT64_MIN) {
            wm_gset_prefetch(&s, lo - 1); /* outside the domain: ignored */
            ck_assert_int_eq(wm_gset_has(&s, lo - 1), 0);
            ck_assert_int_eq(wm_gset_add(&s, lo - 1), -1);
        }
        if (hi != INT64_MAX) {
            wm_gset_prefetch(&s, hi + 1);
            ck_assert_int_eq(wm_gset_has(&s, hi + 1), 0);
            ck_assert_int_eq(wm_gset_add(&s, hi + 1), -1);
        }
        ck_assert_uint_eq(s.count, n);
        wm_gset_free(&s);
    }
}
END_TEST

/* Every value of a range, in scrambled order: the table holds the range. */
START_TEST(domain_exhausted)
{
    enum { N = 1 << 14 };
    struct wm_gset s;
    wm_gset_init(&s, N);
    wm_gset_domain(&s, -7, N - 8);
    for (uint64_t i = 0; i < N; i++) {
        int64_t v = (int64_t)((i * 2654435761u) % N) - 7; /* odd multiplier: a permutation */
        FAST_ASSERT(wm_gset_add(&s, v) == 1, "add %" PRId64, v);
    }
    for (int64_t v = -7; v < N - 7; v++)
        FAST_ASSERT(wm_gset_has(&s, v) && wm_gset_add(&s, v) == 0, "lost %" PRId64, v);
    ck_assert_uint_eq(s.count, N);
    ck_assert_uint_le(s.cap, 2 * (size_t)N);
    wm_gset_free(&s);
}
END_TEST

/* The point of the domain: a game in 1..10^12 keeps 4-byte slots from 2^20
 * slots on (a smaller table's remainders need 8), where all of int64 needs 8;
 * the same members either way. */
START_TEST(compact_slots_for_a_range)
{
    enum { N = 600000 };
    struct wm_gset narrow, full;
    wm_gset_init(&narrow, N);
    wm_gset_init(&full, N);
    wm_gset_domain(&narrow, 1, 1000000000000);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    size_t added = 0;
    while (added < N) {
        int64_t v = (int64_t)(next_rand(&x) % 1000000000000u) + 1;
        int a = wm_gset_add(&narrow, v), b = wm_gset_add(&full, v);
        FAST_ASSERT(a == b && a >= 0, "%" PRId64 ": narrow %d, full %d", v, a, b);
        added += (size_t)a;
    }
    ck_assert_uint_eq(narrow.cap, 1048576); /* 4/3 x 600000, to a power of two */
    ck_assert_uint_eq(full.cap, 1048576);
    ck_assert_uint_eq(wm_gset_bytes(&narrow), 1048576 * sizeof(uint32_t));
    ck_assert_uint_eq(wm_gset_bytes(&full), 1048576 * sizeof(uint64_t));
    x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < 20000; i++) { /* the same stream: members, then probes */
        int64_t v = (int64_t)(next_rand(&x) % 1000000000000u) + 1;
        FAST_ASSERT(wm_gset_has(&narrow, v) && wm_gset_has(&full, v), "lost %" PRId64, v);
    }
    for (size_t i = 0; i < 20000; i++) {
        int64_t v = (int64_t)(next_rand(&x) % 1000000000000u) + 1;
        FAST_ASSERT(wm_gset_has(&narrow, v) == wm_gset_has(&full, v), "disagree on %" PRId64, v);
    }
    wm_gset_free(&narrow);
    wm_gset_free(&full);
}
END_TEST

/* A set with members keeps its domain (a new game's range comes after a
 * clear); an empty one takes the next, whatever its kept table was. */
START_TEST(domain_only_when_empty)
{
    struct wm_gset_budget b = {.limit = 1u << 20};
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    s.budget = &b;
    wm_gset_domain(&s, 1, 10);
    ck_assert_int_eq(wm_gset_add(&s, 1), 1);
    ck_assert_int_eq(wm_gset_add(&s, 2), 1);
    wm_gset_domain(&s, 100, 200); /* not empty: ignored */
    ck_assert_int_eq(wm_gset_has(&s, 1), 1);
    ck_assert_int_eq(wm_gset_add(&s, 150), -1);
    wm_gset_clear(&s);
    wm_gset_domain(&s, 100, 200);
    ck_assert_int_eq(wm_gset_add(&s, 150), 1);
    ck_assert_int_eq(wm_gset_has(&s, 1), 0);
    /* 2-byte slots (a small range) to 8-byte ones (all of int64) and back,
     * through a kept table: each game sees only its own members. */
    for (int round = 0; round < 4; round++) {
        wm_gset_clear(&s);
        if (round % 2)
            wm_gset_domain(&s, 1, 0);
        else
            wm_gset_domain(&s, 0, 1000);
        for (int64_t v = 0; v < 500; v++)
            FAST_ASSERT(wm_gset_add(&s, v * 2 + round % 2) == 1, "round %d add %" PRId64, round, v);
        for (int64_t v = 0; v < 1000; v++)
            FAST_ASSERT(wm_gset_has(&s, v) == (v % 2 == round % 2), "round %d has %" PRId64,
                        round, v);
        ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(&s));
        ck_assert_uint_eq(wm_gset_bytes(&s), s.cap * (round % 2 ? 8 : 2));
    }
    wm_gset_free(&s);
    ck_assert_uint_eq(budget_used(&b), 0);
}
END_TEST

/* Against a plain list: random games (a random range, sometimes all of
 * int64, sometimes narrow enough to repeat), adds and probes in and out of
 * range, clears between games; the set and the list must agree on every
 * answer, and the count. */
START_TEST(agrees_with_a_list)
{
    enum { GAMES = 200, OPS = 1000 };
    static int64_t list[OPS];
    struct wm_gset_budget b = {.limit = 64u << 20};
    struct wm_gset s;
    wm_gset_init(&s, OPS);
    s.budget = &b;
    uint64_t x = 0x2545f4914f6cdd1dULL;
    for (int g = 0; g < GAMES; g++) {
        uint64_t kind = next_rand(&x) % 4, span;
        int64_t lo;
        if (kind == 0) { /* all of int64 */
            lo = INT64_MIN;
            span = UINT64_MAX;
        } else {
            span = kind == 1 ? next_rand(&x) % 50 : kind == 2 ? next_rand(&x) % 100000
                                                              : next_rand(&x) >> (next_rand(&x) % 64);
            uint64_t starts = UINT64_MAX - span; /* where lo may be, less one */
            uint64_t at = starts == UINT64_MAX ? next_rand(&x) : next_rand(&x) % (starts + 1);
            lo = (int64_t)((uint64_t)INT64_MIN + at);
        }
        int64_t hi = (int64_t)((uint64_t)lo + span);
        wm_gset_clear(&s);
        ck_assert_uint_eq(s.count, 0);
        wm_gset_domain(&s, lo, hi);
        size_t n = 0, ops = next_rand(&x) % OPS;
        for (size_t k = 0; k < ops; k++) {
            uint64_t off = span == UINT64_MAX ? next_rand(&x) : next_rand(&x) % (span + 1);
            int64_t v = (int64_t)((uint64_t)lo + off);
            int in_list = 0;
            for (size_t j = 0; j < n && !in_list; j++)
                in_list = list[j] == v;
            int has = wm_gset_has(&s, v);
            if (has != in_list)
                ck_abort_msg("game %d [%" PRId64 ", %" PRId64 "]: has(%" PRId64 ") %d, list %d", g,
                             lo, hi, v, has, in_list);
            int rc = wm_gset_add(&s, v);
            if (rc != (in_list ? 0 : 1))
                ck_abort_msg("game %d [%" PRId64 ", %" PRId64 "]: add(%" PRId64 ") %d, list %d", g,
                             lo, hi, v, rc, in_list);
            if (!in_list)
                list[n++] = v;
            int64_t out = (int64_t)((uint64_t)hi + 1 + next_rand(&x) % 8); /* beyond hi, or wrapped */
            if (span != UINT64_MAX && (out > hi || out < lo) && wm_gset_has(&s, out))
                ck_abort_msg("game %d: has %" PRId64 ", outside [%" PRId64 ", %" PRId64 "]", g, out,
                             lo, hi);
        }
        ck_assert_uint_eq(s.count, n);
        for (size_t j = 0; j < n; j++)
            if (!wm_gset_has(&s, list[j]))
                ck_abort_msg("game %d: lost %" PRId64, g, list[j]);
        ck_assert_uint_eq(atomic_load(&b.used), wm_gset_bytes(&s));
    }
    wm_gset_free(&s);
    ck_assert_uint_eq(atomic_load(&b.used), 0);
}
END_TEST

static Suite *gset_suite(void)
{
    Suite *s = suite_create("gset");
    WM_ADD_TEST(s, empty_set_has_nothing);
    WM_ADD_TEST(s, membership);
    WM_ADD_TEST(s, extremes_are_members);
    WM_ADD_TEST(s, zero_is_a_member_like_any_other);
    WM_ADD_TEST(s, duplicates_not_counted);
    WM_ADD_TEST(s, growth_keeps_members);
    WM_ADD_TEST(s, max_bound);
    WM_ADD_TEST(s, max_zero_rejects_all);
    WM_ADD_TEST(s, clear_keeps_working);
    WM_ADD_TEST(s, clear_before_any_insert);
    WM_ADD_TEST(s, free_then_reuse);
    WM_ADD_TEST(s, million_inserts);
    WM_ADD_TEST(s, clear_after_long_game_releases_memory);
    WM_ADD_TEST(s, budget_refuses_growth);
    WM_ADD_TEST(s, budget_shared_and_given_back);
    WM_ADD_TEST(s, budget_allocation_failure_gives_back);
    WM_ADD_TEST(s, domain_members_and_outsiders);
    WM_ADD_TEST(s, domain_exhausted);
    WM_ADD_TEST(s, compact_slots_for_a_range);
    WM_ADD_TEST(s, domain_only_when_empty);
    WM_ADD_TEST(s, agrees_with_a_list);
    return s;
}

WM_TEST_MAIN(gset_suite)
