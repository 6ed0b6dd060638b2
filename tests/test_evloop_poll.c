/* The event loop's cases (evloop_cases.h) on its portable backend, poll(2),
 * which a Linux build does not use: sim/core/drivers/evloop.c is compiled right here
 * with WM_EL_POLL, so this binary never takes evloop.o from the library. */
#define WM_EL_POLL 1
#include "evloop.c"

#define WM_EL_EXPECT "poll"
#include "evloop_cases.h"

static Suite *evloop_poll_suite(void)
{
    Suite *s = suite_create("evloop_poll");
    wm_evloop_cases(s);
    return s;
}

WM_TEST_MAIN(evloop_poll_suite)
