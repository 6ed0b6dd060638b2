/* sim/core/sessions.c: the one place that picks a profile's sessions. */
#include "sessions.h"
#include "testutil.h"

START_TEST(strict_and_book_sessions_picked)
{
    static const struct wm_game games[1] = {{1, 5, 3, 5, NULL}};
    struct wm_sess_server s;
    struct wm_sess_client c;
    ck_assert_int_eq(wm_sess_server_init(&s, WM_PROFILE_STRICT, 7, 64, NULL), 0);
    ck_assert(s.role == &wm_server_role && s.self == &s.strict && !s.book);
    wm_sess_server_free(&s);
    ck_assert(s.role == NULL);
    wm_sess_server_free(&s); /* twice, or never started: nothing to do */
    for (int p = WM_PROFILE_BOOK; p <= WM_PROFILE_BOOK_ASYNCIO; p++) {
        ck_assert_int_eq(wm_sess_server_init(&s, (enum wm_profile)p, 7, 64, NULL), 0);
        ck_assert(s.role == &wm_book_server_role && s.self == s.book && s.book);
        ck_assert_int_eq(s.book->profile, p);
        wm_sess_server_free(&s);
        ck_assert_int_eq(wm_sess_client_init(&c, (enum wm_profile)p, games, 1, 64), 0);
        ck_assert(c.role == &wm_book_client_role && c.self == c.book && c.book);
        wm_sess_client_free(&c);
    }
    ck_assert_int_eq(wm_sess_client_init(&c, WM_PROFILE_STRICT, games, 1, 64), 0);
    ck_assert(c.role == &wm_client_role && c.self == &c.strict && !c.book);
    wm_sess_client_free(&c);
}
END_TEST

static Suite *sessions_suite(void)
{
    Suite *s = suite_create("sessions");
    WM_ADD_TEST(s, strict_and_book_sessions_picked);
    return s;
}

WM_TEST_MAIN(sessions_suite)
