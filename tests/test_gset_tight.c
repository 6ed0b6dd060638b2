/* proto/gset.c with 2- and 4-byte slots that keep only 3 bits of distance
 * from home (NARROW16_RBITS_MAX 13 and NARROW_RBITS_MAX 29, against 6 and
 * 20): a cluster of 7 neighbours overflows a slot, the path that in the real
 * build takes a thousand. The table must grow past what its load needs and
 * lose nothing. gset.c is compiled right here, so this binary never takes
 * gset.o from the library. */
#define NARROW16_RBITS_MAX 13
#define NARROW_RBITS_MAX 29
#include "gset.c"

#include <inttypes.h>

#include "testutil.h"

/* Adds n random members of lo..hi; every one must come back, and the
 * table must have held slot_bytes-wide slots and grown on an overflow. */
static void overflow_case(int64_t lo, int64_t hi, size_t n, unsigned slot_bytes)
{
    struct wm_gset_budget b = {.limit = 64u << 20};
    struct wm_gset s;
    wm_gset_init(&s, n);
    s.budget = &b;
    wm_gset_domain(&s, lo, hi);
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1, x = 0x853c49e6748fea9bULL;
    size_t beyond_load = 0, held = 0;
    for (size_t k = 0; k < n;) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int rc = wm_gset_add(&s, (int64_t)((uint64_t)lo + x % span));
        if (rc < 0) /* no Check mark point per add: cheap under valgrind */
            ck_abort_msg("add #%zu refused: %d", k, rc);
        k += (size_t)rc;
        /* a table bigger than 3/4 load asks: only a distance overflow grows it so */
        beyond_load += s.count * 8 <= s.cap * 3 && s.cap > FIRST_CAP;
        held += s.slot_bytes == slot_bytes;
    }
    ck_assert_msg(beyond_load > 0, "no distance ever overflowed a slot");
    ck_assert_msg(held > 0, "never held %u-byte slots", slot_bytes);
    x = 0x853c49e6748fea9bULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t v = (int64_t)((uint64_t)lo + x % span);
        if (!wm_gset_has(&s, v))
            ck_abort_msg("lost %" PRId64 " (member %zu)", v, i);
    }
    ck_assert_uint_eq(s.count, n);
    ck_assert_uint_eq(atomic_load(&b.used), wm_gset_bytes(&s));
    wm_gset_free(&s);
    ck_assert_uint_eq(atomic_load(&b.used), 0);
}

START_TEST(distance_overflow_grows_and_keeps_members)
{
    overflow_case(1, 1000000000000, 50000, 4);
}
END_TEST

START_TEST(distance_overflow_in_two_byte_slots)
{
    overflow_case(-500000, 500000, 50000, 2);
}
END_TEST

static Suite *gset_tight_suite(void)
{
    Suite *s = suite_create("gset_tight");
    WM_ADD_TEST(s, distance_overflow_grows_and_keeps_members);
    WM_ADD_TEST(s, distance_overflow_in_two_byte_slots);
    return s;
}

WM_TEST_MAIN(gset_tight_suite)
