/* sim/explore/scenario/scenario.c under the profiles: strict draws nothing beyond
 * int64; a book profile moves a fraction of games beyond it, gives them to
 * the run as text, and shrinking brings them back. */
#include <stdlib.h>
#include <string.h>

#include "mal_book.h"
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
        /* the book's draws come after strict's: the same scenario, moved
         * (a tie recipe, drawn last, remakes one game: mal_tie.h) */
        unsigned remade = 0;
        for (unsigned i = 0; i < s.ngames && i < t.ngames; i++)
            remade += memcmp(&t.games[i], &s.games[i], sizeof s.games[i]) != 0;
        ck_assert_msg(t.ngames == s.ngames && remade <= (t.mal.tie ? 1u : 0u) &&
                          t.seed == s.seed && t.connections == s.connections,
                      "run %llu: the book's draw changed what strict draws", (unsigned long long)r);
        ck_assert_msg(wm_scn_cfg(&t, &cfg, &err) == 0, "run %llu: %s", (unsigned long long)r,
                      err.msg);
        ck_assert_int_eq(cfg.profile, WM_PROFILE_BOOK);
        for (unsigned i = 0; i < t.ngames; i++) {
            games++;
            moved += t.shift[i] != 0;
            ck_assert_msg((cfg.games[i].big != NULL) == (t.shift[i] != 0 || t.far[i] != 0),
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

/* A tie's game: its number 2^far below as drawn, after any shift (worked
 * out in Python); shrinking brings it back; the book's runs make some. */
START_TEST(tie_moves_the_number_far)
{
    struct wm_scn s, out;
    struct wm_cfg cfg;
    struct wm_err err;
    draw(&s, 0, WM_PROFILE_BOOK);
    s.ngames = 2, s.nfaults = 0;
    s.games[0] = (struct wm_game){0, 1023, 0, 5, NULL};
    s.shift[0] = 0, s.far[0] = 85;
    s.games[1] = (struct wm_game){-3, 7, 5, 1, NULL};
    s.shift[1] = 5, s.far[1] = 117;
    ck_assert_msg(wm_scn_cfg(&s, &cfg, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(cfg.games[0].big, "0:1023:-38685626227668133590597632");
    ck_assert_str_eq(cfg.games[1].big, "92233720368547758077:92233720368547758087:"
                                       "-166153499473114391879255513987284987");
    wm_cfg_free(&cfg);
    int back = 0;
    for (unsigned i = 0; wm_scn_smaller(&s, i, &out); i++)
        back |= wm_scn_less(&out, &s) && out.far[0] == 0 && out.ngames == 2 && out.far[1] == 117;
    ck_assert_msg(back, "no smaller variant with game 1's number back");
    unsigned ties = 0, far = 0;
    for (uint64_t r = 0; r < 3 * RUNS; r++) {
        draw(&s, r, WM_PROFILE_BOOK);
        ties += s.mal.tie;
        for (unsigned i = 0; i < s.ngames; i++)
            far += s.far[i] != 0;
    }
    ck_assert_msg(ties > 3 * RUNS / 40 && far > 0 && far < ties, "%u ties, %u numbers moved in %d runs",
                  ties, far, 3 * RUNS);
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

/* int()'s digit limit is reached: a book run whose corrupted line holds a
 * numeral of 4300 digits or more gets a max-line it fits in (a drawn one
 * is at most 1024), and the line the run sends is that long. */
START_TEST(book_numerals_past_the_digit_limit_fit)
{
    unsigned long_lines = 0;
    for (uint64_t r = 0; r < 3000; r++) {
        struct wm_scn s;
        draw(&s, r, WM_PROFILE_BOOK);
        size_t need = s.mal.on ? wm_mal_book_len(&s.mal) : 0;
        if (need <= WM_LINE_MAX_DEFAULT) {
            ck_assert_msg(s.max_line <= WM_LINE_MAX_DEFAULT, "run %llu: max-line %zu",
                          (unsigned long long)r, s.max_line);
            continue;
        }
        long_lines++;
        ck_assert_msg(s.max_line == need, "run %llu: a %zu-byte numeral line, max-line %zu",
                      (unsigned long long)r, need, s.max_line);
        unsigned char *out = malloc(s.max_line + WM_MAL_MAX_EXTRA + 1);
        ck_assert_ptr_nonnull(out);
        size_t n = wm_mal_book_apply(&s.mal, (const unsigned char *)"NUMBER", 6, s.max_line, out);
        size_t run = 0, longest = 0;
        for (size_t i = 0; i < n; i++) {
            run = out[i] >= '0' && out[i] <= '9' ? run + 1 : 0;
            longest = run > longest ? run : longest;
        }
        ck_assert_msg(n == need && longest >= WM_MAL_BOOK_INT_DIGITS,
                      "run %llu: %zu bytes sent of %zu, %zu digits in a row",
                      (unsigned long long)r, n, need, longest);
        free(out);
    }
    ck_assert_msg(long_lines >= 3, "%u runs of 3000 with a numeral at int()'s limit", long_lines);
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    WM_ADD_TEST(s, book_draws_some_games_beyond_int64);
    WM_ADD_TEST(s, moved_games_as_text);
    WM_ADD_TEST(s, tie_moves_the_number_far);
    WM_ADD_TEST(s, shrinking_brings_games_back);
    WM_ADD_TEST(s, unpinned_runs_draw_every_profile);
    WM_ADD_TEST(s, book_numerals_past_the_digit_limit_fit);
    return s;
}

WM_TEST_MAIN(scenario_suite)
