/* sim/explore/engine/explore.c's shards (explore --shard K/N): N shards of R runs make
 * each run 0..R-1 exactly once, shard K the runs i = K - 1 (mod N), in
 * order; the ends of the 64-bit range do not wrap. */
#include <stdint.h>
#include <string.h>

#include "explore.h"
#include "testutil.h"

START_TEST(shards_partition_the_runs)
{
    unsigned char seen[64];
    for (uint64_t runs = 0; runs <= sizeof seen; runs++)
        for (unsigned n = 1; n <= 9; n++) {
            memset(seen, 0, sizeof seen);
            for (unsigned k = 1; k <= n; k++) {
                struct wm_explore_slice s;
                wm_explore_slice_shard(&s, runs, k, n);
                uint64_t prev = 0;
                for (uint64_t j = 0; j < s.count; j++) {
                    uint64_t i = wm_explore_slice_run(&s, j);
                    ck_assert_msg(i < runs, "runs %llu, shard %u/%u made run %llu",
                                  (unsigned long long)runs, k, n, (unsigned long long)i);
                    ck_assert_uint_eq(i % n, k - 1);
                    ck_assert(j == 0 || i > prev);
                    prev = i;
                    seen[i]++;
                }
            }
            for (uint64_t i = 0; i < runs; i++)
                ck_assert_msg(seen[i] == 1, "runs %llu over %u shards: run %llu made %u times",
                              (unsigned long long)runs, n, (unsigned long long)i, seen[i]);
        }
}
END_TEST

START_TEST(one_shard_is_every_run)
{
    struct wm_explore_slice s;
    wm_explore_slice_shard(&s, 1000, 1, 1);
    ck_assert_uint_eq(s.count, 1000);
    ck_assert_uint_eq(wm_explore_slice_run(&s, 0), 0);
    ck_assert_uint_eq(wm_explore_slice_run(&s, 999), 999);
}
END_TEST

/* --time: runs UINT64_MAX stands for "until stopped"; the last run any
 * shard may make is UINT64_MAX - 1, and nothing wraps. */
START_TEST(unbounded_shards_do_not_wrap)
{
    const unsigned ns[] = {1, 2, 3, 7, 100000};
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++)
        for (unsigned k = 1; k <= ns[t]; k += ns[t] > 10 ? 33333 : 1) {
            struct wm_explore_slice s;
            wm_explore_slice_shard(&s, UINT64_MAX, k, ns[t]);
            ck_assert_uint_gt(s.count, 0);
            uint64_t last = wm_explore_slice_run(&s, s.count - 1);
            ck_assert_uint_le(last, UINT64_MAX - 1);
            ck_assert_uint_gt(last, UINT64_MAX - 1 - ns[t]); /* the shard's last before the end */
            ck_assert_uint_eq(last % ns[t], k - 1);
        }
    struct wm_explore_slice s;
    wm_explore_slice_shard(&s, 2, 3, 3); /* more shards than runs: nothing */
    ck_assert_uint_eq(s.count, 0);
}
END_TEST

static Suite *explore_shard_suite(void)
{
    Suite *s = suite_create("explore_shard");
    WM_ADD_TEST(s, shards_partition_the_runs);
    WM_ADD_TEST(s, one_shard_is_every_run);
    WM_ADD_TEST(s, unbounded_shards_do_not_wrap);
    return s;
}

WM_TEST_MAIN(explore_shard_suite)
