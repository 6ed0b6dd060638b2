/* A side's journal (sim/tx/journal.h): what wm_journal_add answers, by
 * name, at each of its bounds, and that a refused record changes nothing. */
#include <string.h>

#include "journal.h"
#include "testutil.h"

/* Room for exactly one record of two bytes (and its NUL) under either bound. */
#define ONE_REC (sizeof(struct wm_rec) + 3)

START_TEST(add_within_the_bounds_is_ok)
{
    struct wm_journal j;
    wm_journal_init(&j, ONE_REC);
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 0, "ab", 2), WM_JOURNAL_OK);
    ck_assert_uint_eq(j.n, 1);
    ck_assert_str_eq(wm_rec_text(&j, &j.recs[0]), "ab");
    wm_journal_free(&j);
}
END_TEST

START_TEST(over_max_bytes_is_full_and_changes_nothing)
{
    struct wm_journal j;
    wm_journal_init(&j, ONE_REC);
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 0, "ab", 2), WM_JOURNAL_OK);
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 1, "cd", 2), WM_JOURNAL_FULL);
    ck_assert_uint_eq(j.n, 1);
    ck_assert_uint_eq(j.total_n, 1);
    ck_assert_uint_eq(j.wire, 1);
    /* Console lines are not held to max_bytes. */
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LOG, 1, "log", 3), WM_JOURNAL_OK);
    wm_journal_free(&j);
}
END_TEST

START_TEST(over_max_total_is_limit)
{
    struct wm_journal j;
    wm_journal_init(&j, SIZE_MAX);
    j.max_total = ONE_REC;
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 0, "ab", 2), WM_JOURNAL_OK);
    j.settled_n = 1;
    wm_journal_drop_settled(&j); /* a streamed run's journal: the limit counts it still */
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 1, "cd", 2), WM_JOURNAL_LIMIT);
    ck_assert_uint_eq(j.n, 0);
    ck_assert_uint_eq(j.total_n, 1);
    wm_journal_free(&j);
}
END_TEST

/* The error that ends a full side still goes in, past the bound. */
START_TEST(add_last_passes_the_bound)
{
    struct wm_journal j;
    wm_journal_init(&j, ONE_REC);
    j.max_total = ONE_REC;
    ck_assert_int_eq(wm_journal_add(&j, WM_REC_LINE, 0, "ab", 2), WM_JOURNAL_OK);
    const char *why = "client side: transcript limit reached";
    ck_assert_int_eq(wm_journal_add_last(&j, WM_REC_ERROR, 0, why, strlen(why)), WM_JOURNAL_OK);
    ck_assert_uint_eq(j.n, 2);
    ck_assert_str_eq(wm_rec_text(&j, &j.recs[1]), why);
    wm_journal_free(&j);
}
END_TEST

static Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    WM_ADD_TEST(s, add_within_the_bounds_is_ok);
    WM_ADD_TEST(s, over_max_bytes_is_full_and_changes_nothing);
    WM_ADD_TEST(s, over_max_total_is_limit);
    WM_ADD_TEST(s, add_last_passes_the_bound);
    return s;
}

WM_TEST_MAIN(journal_suite)
