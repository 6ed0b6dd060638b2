/* sim/explore/scenario/scenario.c under the profiles: strict draws nothing beyond
 * int64; a book profile moves a fraction of games beyond it, gives them to
 * the run as text, and shrinking brings them back. */
#include <string.h>

#include "scenario.h"
#include "testutil.h"

#define RUNS 300

static void draw(struct wm_scn *s, uint64_t run, enum wm_profile p)
{
    struct wm_scn_bias b = {.driver = -1, .profile = p, .faults = WM_SCN_ALL_FAULTS};
    wm_scn_draw(s, 1, run, &b);
}

START_TEST(book_draws_some_games_beyond_int64)
{
    unsigned games = 0, moved = 0;
    for (uint64_t r = 0; r < RUNS; r++) {
        struct wm_scn s, t;
        struct wm_cfg cfg;
        struct wm_err err;
        draw(&s, r, WM_PROFILE_STRICT);
        draw(&t, r, WM_PROFILE_BOOK);
        for (unsigned i = 0; i < s.ngames; i++)
            ck_assert_msg(s.shift[i] == 0, "strict run %llu moved game %u",
                          (unsigned long long)r, i);
        /* the book's draws come after strict's: the same scenario, moved */
        ck_assert_msg(t.ngames == s.ngames && memcmp(t.games, s.games, sizeof s.games) == 0 &&
                          t.seed == s.seed && t.connections == s.connections,
                      "run %llu: the book's draw changed what strict draws", (unsigned long long)r);
        ck_assert_msg(wm_scn_cfg(&t, &cfg, &err) == 0, "run %llu: %s", (unsigned long long)r,
                      err.msg);
        ck_assert_int_eq(cfg.profile, WM_PROFILE_BOOK);
        for (unsigned i = 0; i < t.ngames; i++) {
            games++;
            moved += t.shift[i] != 0;
            ck_assert_msg((cfg.games[i].big != NULL) == (t.shift[i] != 0),
                          "run %llu game %u: shift %lld, text %s", (unsigned long long)r, i,
                          (long long)t.shift[i], cfg.games[i].big ? cfg.games[i].big : "none");
        }
        wm_cfg_free(&cfg);
    }
    ck_assert_msg(moved > games / 8 && moved < games / 2, "%u of %u games moved", moved, games);
}
END_TEST

/* The text is the value plus shift * 2^64 (worked out in Python). */
START_TEST(moved_games_as_text)
{
    struct wm_scn s;
    struct wm_cfg cfg;
    struct wm_err err;
    draw(&s, 0, WM_PROFILE_BOOK);
    s.ngames = 2;
    s.games[0] = (struct wm_game){-63557, -60724, -61985, 2133, NULL};
    s.shift[0] = -1;
    s.games[1] = (struct wm_game){5, -3, 7, 1, NULL};
    s.shift[1] = INT64_C(4611686018427387904);
    s.nfaults = 0;
    ck_assert_msg(wm_scn_cfg(&s, &cfg, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(cfg.games[0].big,
                     "-18446744073709615173:-18446744073709612340:-18446744073709613601");
    ck_assert_uint_eq(cfg.games[0].count, 2133);
    ck_assert_str_eq(cfg.games[1].big, "85070591730234615865843651857942052869:"
                                       "85070591730234615865843651857942052861:"
                                       "85070591730234615865843651857942052871");
    wm_cfg_free(&cfg);
    s.profile = WM_PROFILE_STRICT; /* strict refuses what it cannot play */
    ck_assert(wm_scn_cfg(&s, &cfg, &err) < 0);
    ck_assert_msg(strstr(err.msg, "beyond int64") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(shrinking_brings_games_back)
{
    struct wm_scn s, out;
    draw(&s, 0, WM_PROFILE_BOOK);
    s.ngames = 1;
    s.games[0] = (struct wm_game){1, 5, 3, 5, NULL};
    s.shift[0] = -4294967296;
    int back = 0, half = 0;
    for (unsigned i = 0; wm_scn_smaller(&s, i, &out); i++) {
        if (!wm_scn_less(&out, &s))
            continue;
        back |= out.ngames == 1 && out.shift[0] == 0 &&
                memcmp(&out.games[0], &s.games[0], sizeof s.games[0]) == 0;
        half |= out.shift[0] == -2147483648;
    }
    ck_assert_msg(back && half, "a variant with the game back within int64 (%d) and halfway (%d)",
                  back, half);
    s.shift[0] = 0;
    struct wm_scn t = s;
    t.shift[0] = 1;
    ck_assert(wm_scn_less(&s, &t) && !wm_scn_less(&t, &s));
}
END_TEST

/* Without --profile each run draws its own: every profile in a fair share,
 * and run k is, draw for draw, the run --profile P makes of it. */
START_TEST(unpinned_runs_draw_every_profile)
{
    unsigned seen[3] = {0, 0, 0};
    struct wm_scn_bias any = {.driver = -1, .faults = WM_SCN_ALL_FAULTS, .draw_profile = 1};
    for (uint64_t r = 0; r < RUNS; r++) {
        struct wm_scn s, t;
        wm_scn_draw(&s, 1, r, &any);
        ck_assert_int_eq(s.profile, wm_scn_profile_of(1, r));
        seen[s.profile]++;
        draw(&t, r, s.profile);
        ck_assert_msg(memcmp(&s, &t, sizeof s) == 0,
                      "run %llu (%s) differs from the run --profile %s draws",
                      (unsigned long long)r, wm_profile_name(s.profile), wm_profile_name(s.profile));
    }
    /* half strict, a quarter each book: within a generous margin of 300 */
    ck_assert_msg(seen[0] > RUNS * 2 / 5 && seen[0] < RUNS * 3 / 5 && seen[1] > RUNS / 6 &&
                      seen[2] > RUNS / 6,
                  "profiles drawn: strict %u, book %u, book-asyncio %u of %d", seen[0], seen[1],
                  seen[2], RUNS);
    struct wm_scn_bias live = any;
    live.live = 1; /* against a live server the profile is ours to say */
    for (uint64_t r = 0; r < 20; r++) {
        struct wm_scn s;
        wm_scn_draw(&s, 1, r, &live);
        ck_assert_int_eq(s.profile, WM_PROFILE_STRICT);
    }
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    WM_ADD_TEST(s, book_draws_some_games_beyond_int64);
    WM_ADD_TEST(s, moved_games_as_text);
    WM_ADD_TEST(s, shrinking_brings_games_back);
    WM_ADD_TEST(s, unpinned_runs_draw_every_profile);
    return s;
}

WM_TEST_MAIN(scenario_suite)
