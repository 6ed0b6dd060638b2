/* Shared scaffolding for the Check suites.
 * Every test is its own TCase named after its function, so one test runs
 * alone with CK_RUN_CASE=<name> (and CK_FORK=no under a debugger). */
#ifndef WM_TESTUTIL_H
#define WM_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

/* For hot loops: Check's assertions record a mark point each time they pass
 * (a pipe write when forking); this one costs nothing until it fails. */
#define FAST_ASSERT(expr, ...)                                                                     \
    do {                                                                                           \
        if (!(expr))                                                                               \
            ck_assert_msg(expr, __VA_ARGS__);                                                      \
    } while (0)

#define WM_ADD_TEST(suite, fn)                                                                     \
    do {                                                                                           \
        TCase *tc_ = tcase_create(#fn);                                                            \
        tcase_set_timeout(tc_, 120);                                                               \
        tcase_add_test(tc_, fn);                                                                   \
        suite_add_tcase((suite), tc_);                                                             \
    } while (0)

/* The same with a per-test setup/teardown run in the test's own process. */
#define WM_ADD_TEST_WITH(suite, fn, setup, teardown)                                               \
    do {                                                                                           \
        TCase *tc_ = tcase_create(#fn);                                                            \
        tcase_set_timeout(tc_, 120);                                                               \
        tcase_add_unchecked_fixture(tc_, (setup), (teardown));                                     \
        tcase_add_test(tc_, fn);                                                                   \
        suite_add_tcase((suite), tc_);                                                             \
    } while (0)

#define WM_TEST_MAIN(make_suite)                                                                   \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *sr_ = srunner_create(make_suite());                                               \
        srunner_run_all(sr_, CK_NORMAL);                                                           \
        int failed_ = srunner_ntests_failed(sr_);                                                  \
        srunner_free(sr_);                                                                         \
        return failed_ ? EXIT_FAILURE : EXIT_SUCCESS;                                              \
    }

#endif
