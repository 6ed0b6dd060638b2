/* proto/gset.c: membership, duplicates, growth, the max bound, clear, a
 * million inserts, memory given back between games, the shared budget. */
#include <inttypes.h>
#include <stdint.h>

#include "alloc.h"
#include "gset.h"
#include "testutil.h"

/* For hot loops: Check's assertions record a mark point each time they pass
 * (a pipe write when forking); this one costs nothing until it fails. */
#define FAST_ASSERT(expr, ...)                                                                     \
    do {                                                                                           \
        if (!(expr))                                                                               \
            ck_assert_msg(expr, __VA_ARGS__);                                                    \
    } while (0)

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

/* 0 marks an empty slot, so 0 itself is a flag: it must behave as any
 * member, through growth and clearing, and never be seen when absent. */
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
        FAST_ASSERT(s.count * 2 <= s.cap, "load above 1/2: %zu in %zu", s.count, s.cap);
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

/* A function, so that a failed assertion prints a readable expression. */
static size_t budget_used(struct wm_gset_budget *b)
{
    return atomic_load(&b->used);
}

START_TEST(budget_refuses_growth)
{
    /* 16 slots, then 32 while the 16 are still held: 144 + 288 bytes; 64
     * more slots would need 576 with the 288 held. */
    struct wm_gset_budget b = {.limit = 600};
    struct wm_gset s;
    wm_gset_init(&s, 1000);
    s.budget = &b;
    for (int64_t v = 0; v < 16; v++)
        ck_assert_int_eq(wm_gset_add(&s, v), 1);
    ck_assert_uint_eq(s.cap, 32);
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(32));
    ck_assert_int_eq(wm_gset_add(&s, 16), WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(s.count, 16); /* refused: nothing changed */
    ck_assert_uint_eq(s.cap, 32);
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(32));
    for (int64_t v = 0; v < 16; v++)
        ck_assert_int_eq(wm_gset_has(&s, v), 1);
    ck_assert_int_eq(wm_gset_add(&s, 3), 0); /* a member is still present */
    wm_gset_clear(&s);                       /* a small table is kept: still counted */
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(32));
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
    struct wm_gset_budget b = {.limit = wm_gset_bytes(8192) + wm_gset_bytes(16384)};
    struct wm_gset big, other;
    wm_gset_init(&big, 1000000);
    wm_gset_init(&other, 1000000);
    big.budget = other.budget = &b;
    size_t n = 0;
    int rc;
    while ((rc = wm_gset_add(&big, (int64_t)n)) == 1)
        n++;
    ck_assert_int_eq(rc, WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(n, 8192); /* growing to 32768 slots was refused */
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(16384));
    /* The other set has what is left: 4096 slots, then 8192 is refused. */
    for (n = 0; (rc = wm_gset_add(&other, -(int64_t)n - 1)) == 1;)
        n++;
    ck_assert_int_eq(rc, WM_GSET_OVER_BUDGET);
    ck_assert_uint_eq(n, 2048);
    wm_gset_clear(&big); /* its game ended: the big table goes back to the budget */
    ck_assert_uint_eq(big.cap, 0);
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(4096));
    for (; n < 8192; n++)
        FAST_ASSERT(wm_gset_add(&other, -(int64_t)n - 1) == 1, "other: add #%zu refused", n);
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(16384));
    wm_gset_free(&other);
    wm_gset_free(&big);
    ck_assert_uint_eq(budget_used(&b), 0);
}
END_TEST

START_TEST(budget_allocation_failure_gives_back)
{
    struct wm_gset_budget b = {.limit = 1u << 20};
    struct wm_alloc_counter c = {.fail_at = 2}; /* 16 slots: 1 block; the 2nd (32) is refused */
    struct wm_gset s;
    wm_gset_init(&s, 100);
    s.budget = &b;
    wm_alloc_install(&c);
    int rc = 1;
    for (int64_t v = 0; v < 9 && rc == 1; v++)
        rc = wm_gset_add(&s, v);
    wm_alloc_install(NULL);
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(c.failed, 1);
    ck_assert_uint_eq(budget_used(&b), wm_gset_bytes(16));
    wm_gset_free(&s);
    ck_assert_uint_eq(budget_used(&b), 0);
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
    return s;
}

WM_TEST_MAIN(gset_suite)
