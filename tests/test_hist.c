/* proto/hist.c: a client's history gives back every guess and judgement in
 * order, across games of every width (1 to 9 bytes) and across blocks;
 * memory refused records nothing. */
#include <inttypes.h>
#include <stdint.h>

#include "alloc.h"
#include "hist.h"
#include "testutil.h"

struct entry {
    int64_t v;
    uint8_t d;
};

/* Reads h back and compares it with want[0..n). */
static void expect_hist(const struct wm_hist *h, const struct entry *want, size_t n)
{
    struct wm_hist_iter it;
    wm_hist_iter_init(&it);
    int64_t v;
    uint8_t d;
    size_t i = 0;
    while (wm_hist_next(h, &it, &v, &d)) {
        if (i >= n)
            ck_abort_msg("entry %zu (%" PRId64 ") beyond the %zu recorded", i, v, n);
        if (v != want[i].v || d != want[i].d)
            ck_abort_msg("entry %zu: got %" PRId64 "/%u, want %" PRId64 "/%u", i, v, d, want[i].v,
                         want[i].d);
        i++;
    }
    ck_assert_uint_eq(i, n);
    ck_assert_uint_eq(h->count, n);
}

START_TEST(empty_history)
{
    struct wm_hist h;
    wm_hist_init(&h);
    expect_hist(&h, NULL, 0);
    wm_hist_game(&h, 1, 10); /* a game with no guess costs nothing */
    ck_assert_uint_eq(h.nblocks, 0);
    expect_hist(&h, NULL, 0);
    wm_hist_free(&h);
}
END_TEST

/* Games of every width, ends included, many blocks: all back, in order. */
START_TEST(games_of_every_width_in_order)
{
    static const struct {
        int64_t lo, hi;
    } games[] = {
        {1, 10}, {5, 5}, {-300, 300}, {INT64_MIN, INT64_MAX}, {1, 1000000000000},
        {INT64_MAX - 70000, INT64_MAX}, {INT64_MIN, INT64_MIN + 255}, {3, 1}, {0, 65535},
    };
    enum { PER_GAME = 700, N = 9 * PER_GAME };
    static struct entry want[N];
    struct wm_hist h;
    wm_hist_init(&h);
    size_t n = 0;
    uint64_t x = 0x243f6a8885a308d3ULL;
    for (size_t g = 0; g < sizeof games / sizeof games[0]; g++) {
        int64_t lo = games[g].lo, hi = games[g].hi;
        wm_hist_game(&h, lo, hi);
        uint64_t span = lo <= hi ? (uint64_t)hi - (uint64_t)lo : UINT64_MAX;
        for (size_t i = 0; i < PER_GAME; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint64_t off = i == 0 ? 0 : i == 1 ? span : (span == UINT64_MAX ? x : x % (span + 1));
            int64_t v = lo <= hi ? (int64_t)((uint64_t)lo + off) : (int64_t)x;
            want[n] = (struct entry){v, (uint8_t)(x % 4)};
            if (wm_hist_add(&h, v, want[n].d) != 0)
                ck_abort_msg("add %" PRId64 " refused", v);
            n++;
        }
    }
    ck_assert_uint_gt(h.nblocks, 10);
    expect_hist(&h, want, n);
    wm_hist_free(&h);
    ck_assert_uint_eq(h.nblocks, 0);
}
END_TEST

/* Short games of every width: headers and guesses meet block ends at every
 * offset, a header sometimes the last record of its block. */
START_TEST(many_short_games_across_blocks)
{
    enum { GAMES = 3000, N = GAMES * 3 };
    static struct entry want[N];
    static const int64_t spans[] = {0, 1, 63, 64, 16383, 16384, 4194303, 1073741823,
                                    INT64_MAX};
    struct wm_hist h;
    wm_hist_init(&h);
    size_t n = 0;
    for (size_t g = 0; g < GAMES; g++) {
        int64_t lo = -(int64_t)g, span = spans[g % 9];
        int64_t hi = span > INT64_MAX + lo ? INT64_MAX : lo + span;
        wm_hist_game(&h, lo, hi);
        for (size_t i = 0; i < g % 4; i++) { /* 0 to 3 guesses: a game with none leaves nothing */
            int64_t v = i == 0 ? hi : lo + (int64_t)i - 1;
            want[n] = (struct entry){v, (uint8_t)((g + i) % 4)};
            if (wm_hist_add(&h, v, want[n].d) != 0)
                ck_abort_msg("game %zu: add %" PRId64 " refused", g, v);
            n++;
        }
    }
    expect_hist(&h, want, n);
    wm_hist_free(&h);
}
END_TEST

/* 6 bytes a guess in 1..10^12 (40 bits of offset, 2 of judgement), in
 * blocks that waste less than one block. */
START_TEST(compact_for_a_range)
{
    enum { N = 100000 };
    struct wm_hist h;
    wm_hist_init(&h);
    wm_hist_game(&h, 1, 1000000000000);
    for (int64_t i = 0; i < N; i++)
        if (wm_hist_add(&h, 1 + i * 9999991, 1) != 0)
            ck_abort_msg("add #%" PRId64 " refused", i);
    size_t held = 0;
    for (size_t i = 0; i < h.nblocks; i++)
        held += i == 0 ? 256 : i == 1 ? 512 : WM_HIST_BLOCK_MAX;
    ck_assert_uint_ge(held, (size_t)N * 6 + 17);
    ck_assert_uint_lt(held, (size_t)N * 6 + 17 + WM_HIST_BLOCK_MAX + 6 * (held / WM_HIST_BLOCK_MAX));
    wm_hist_free(&h);
}
END_TEST

/* A refused block records nothing; the history goes on when memory does. */
START_TEST(refused_memory_records_nothing)
{
    struct wm_hist h;
    wm_hist_init(&h);
    wm_hist_game(&h, 0, 100);
    struct entry want[400];
    size_t n = 0;
    struct wm_alloc_counter c = {.fail_at = 3}; /* the block array, block 0, then block 1 refused */
    wm_alloc_install(&c);
    int rc = 0;
    while (n < 400 && (rc = wm_hist_add(&h, (int64_t)(n % 101), 2)) == 0)
        want[n] = (struct entry){(int64_t)(n % 101), 2}, n++;
    wm_alloc_install(NULL);
    ck_assert_int_eq(rc, -1);
    ck_assert_uint_eq(c.refused_at, 3); /* the planned call, and it came */
    ck_assert_uint_eq(n, (256 - 17) / 2); /* what block 0 holds: the game's header, then 2 bytes a guess */
    expect_hist(&h, want, n);
    ck_assert_int_eq(wm_hist_add(&h, 7, 3), 0);
    want[n++] = (struct entry){7, 3};
    expect_hist(&h, want, n);
    wm_hist_free(&h);
}
END_TEST

static Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    WM_ADD_TEST(s, empty_history);
    WM_ADD_TEST(s, games_of_every_width_in_order);
    WM_ADD_TEST(s, many_short_games_across_blocks);
    WM_ADD_TEST(s, compact_for_a_range);
    WM_ADD_TEST(s, refused_memory_records_nothing);
    return s;
}

WM_TEST_MAIN(hist_suite)
