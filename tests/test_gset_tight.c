/* proto/gset.c with 4-byte slots that keep only 3 bits of distance from home
 * (NARROW_RBITS_MAX 29, against 20): a cluster of 7 neighbours overflows a
 * slot, the path that in the real build takes thousands. The table must grow
 * past what its load needs and lose nothing. gset.c is compiled right here,
 * so this binary never takes gset.o from the library. */
#define NARROW_RBITS_MAX 29
#include "gset.c"

#include <inttypes.h>

#include "testutil.h"

START_TEST(distance_overflow_grows_and_keeps_members)
{
    enum { N = 50000 };
    struct wm_gset_budget b = {.limit = 64u << 20};
    struct wm_gset s;
    wm_gset_init(&s, N);
    s.budget = &b;
    wm_gset_domain(&s, 1, 1000000000000);
    uint64_t x = 0x853c49e6748fea9bULL;
    size_t beyond_load = 0, narrow = 0;
    for (size_t n = 0; n < N;) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t v = (int64_t)(x % 1000000000000u) + 1;
        int rc = wm_gset_add(&s, v);
        ck_assert_int_ge(rc, 0);
        n += (size_t)rc;
        /* a table bigger than 3/4 load asks: only a distance overflow grows it so */
        beyond_load += s.count * 8 <= s.cap * 3 && s.cap > FIRST_CAP;
        narrow += !s.wide;
    }
    ck_assert_msg(beyond_load > 0, "no distance ever overflowed a slot");
    ck_assert_msg(narrow > 0, "never held 4-byte slots");
    x = 0x853c49e6748fea9bULL;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t v = (int64_t)(x % 1000000000000u) + 1;
        if (!wm_gset_has(&s, v))
            ck_abort_msg("lost %" PRId64 " (member %zu)", v, i);
    }
    ck_assert_uint_eq(s.count, N);
    ck_assert_uint_eq(atomic_load(&b.used), wm_gset_bytes(&s));
    wm_gset_free(&s);
    ck_assert_uint_eq(atomic_load(&b.used), 0);
}
END_TEST

static Suite *gset_tight_suite(void)
{
    Suite *s = suite_create("gset_tight");
    WM_ADD_TEST(s, distance_overflow_grows_and_keeps_members);
    return s;
}

WM_TEST_MAIN(gset_tight_suite)
