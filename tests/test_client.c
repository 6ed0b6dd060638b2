/* proto/client.c driven through wm_client_role with a recording sink: the
 * book run, judging with doubles above 2^53 and near 2^64, a lying server,
 * EOF, count-0 games and a Correct first guess. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "escape.h"
#include "sinkrec.h"
#include "testutil.h"

struct cli {
    struct wm_client c;
    struct rec r;
    struct wm_sink sink;
    enum wm_sess_rc rc;
};

static void cli_start(struct cli *v, const struct wm_game *games, size_t ngames, size_t max)
{
    memset(v, 0, sizeof *v);
    wm_client_init(&v->c, games, ngames, max);
    v->sink = (struct wm_sink){rec_emit, &v->r};
    v->rc = wm_client_role.start(&v->c, &v->sink);
}

/* The server's replies, in order; the client must be open for each. */
static void replies(struct cli *v, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(v->rc == WM_SESS_OPEN, "closed before reply %zu \"%s\": %s", i, lines[i],
                      v->r.s);
        v->rc = wm_client_role.on_line(&v->c, lines[i], strlen(lines[i]), &v->sink);
    }
}

#define REPLY(v, ...)                                                                              \
    do {                                                                                           \
        static const char *const lines_[] = {__VA_ARGS__};                                         \
        replies((v), lines_, sizeof lines_ / sizeof lines_[0]);                                    \
    } while (0)

/* The transcript so far is exactly `want`, and the session is open/closed.
 * The session is freed first, so a failed assertion leaks nothing. */
static void expect_out(struct cli *v, const char *want, enum wm_sess_rc rc)
{
    int closed = v->c.done;
    wm_client_free(&v->c);
    ck_assert_str_eq(v->r.s, want);
    ck_assert_msg(v->rc == rc, "session %s, want %s", v->rc ? "closed" : "open",
                  rc ? "closed" : "open");
    ck_assert_int_eq(closed, rc == WM_SESS_CLOSED);
}

/* The reference client's game `finally`: sent before every client error. */
#define FINALLY "S:PARAMS 0 -1\n"
#define BOOK_GAME1 "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\nS:NUMBER\n"
#define P53 ((int64_t)1 << 53)

/* ---- the book run ---- */

START_TEST(book_run_client_side)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}, {10, 15, 12, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 2, 4194304);
    REPLY(&v, "4", "1", "5", "3", "11", "10", "12");
    expect_out(&v,
               BOOK_GAME1 "S:REPORT Unsure\nS:NUMBER\nS:REPORT Colder\nS:NUMBER\n"
               "S:REPORT Unsure\nS:NUMBER\nS:REPORT Correct\nS:PARAMS 0 -1\n"
               "L:Guess a number between 10 and 15! Shhhhh, it's 12.\nS:PARAMS 10 15\nS:NUMBER\n"
               "S:REPORT Unsure\nS:NUMBER\nS:REPORT Colder\nS:NUMBER\nS:REPORT Correct\n"
               "S:PARAMS 0 -1\n"
               "L:Client: 4 is Unsure\nL:Client: 1 is Colder\nL:Client: 5 is Unsure\n"
               "L:Client: 3 is Correct\nL:Client: 11 is Unsure\nL:Client: 10 is Colder\n"
               "L:Client: 12 is Correct\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

/* ---- judging: exact distance, then one rounding to double ---- */

START_TEST(judge_basic_table)
{
    double d = -1;
    ck_assert_int_eq(wm_judge(3, 3, 0, 0, &d), WM_CORRECT);
    ck_assert_msg(d == 0, "distance %g", d);
    ck_assert_int_eq(wm_judge(5, 3, 0, 0, &d), WM_UNSURE);
    ck_assert_msg(d == 2, "distance %g", d);
    ck_assert_int_eq(wm_judge(4, 3, 1, 2, &d), WM_WARMER);
    ck_assert_int_eq(wm_judge(0, 3, 1, 2, &d), WM_COLDER);
    ck_assert_int_eq(wm_judge(1, 3, 1, 2, &d), WM_UNSURE);
    ck_assert_int_eq(wm_judge(3, 3, 1, 2, &d), WM_CORRECT);
}
END_TEST

START_TEST(judge_above_2pow53_equal_doubles_unsure)
{
    double d1, d2;
    ck_assert_int_eq(wm_judge(P53, 0, 0, 0, &d1), WM_UNSURE);
    /* 2^53 + 1 rounds to 2^53: equal as doubles, so Unsure, not Colder. */
    ck_assert_int_eq(wm_judge(P53 + 1, 0, 1, d1, &d2), WM_UNSURE);
    ck_assert_msg(d1 == d2, "distances %.17g and %.17g should round alike", d1, d2);
    static const struct wm_game games[] = {{0, INT64_MAX, 0, 3, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "9007199254740992", "9007199254740993", "9007199254740995");
    expect_out(&v,
               "L:Guess a number between 0 and 9223372036854775807! Shhhhh, it's 0.\n"
               "S:PARAMS 0 9223372036854775807\nS:NUMBER\nS:REPORT Unsure\nS:NUMBER\n"
               "S:REPORT Unsure\nS:NUMBER\nS:REPORT Colder\nS:PARAMS 0 -1\n"
               "L:Client: 9007199254740992 is Unsure\nL:Client: 9007199254740993 is Unsure\n"
               "L:Client: 9007199254740995 is Colder\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(judge_above_2pow53_distinct_doubles_ordered)
{
    double d1, d2;
    /* 2^53 + 2 and 2^53 are both exact doubles: ordered as the integers. */
    ck_assert_int_eq(wm_judge(P53 + 2, 0, 0, 0, &d1), WM_UNSURE);
    ck_assert_int_eq(wm_judge(P53, 0, 1, d1, &d2), WM_WARMER);
    /* Around 2^60 one ulp is 256 (secret -2^60): 2^60 + 128 ties to 2^60,
     * while 2^60 + 256 is the next double up. */
    int64_t s = -((int64_t)1 << 60);
    ck_assert_int_eq(wm_judge(0, s, 0, 0, &d1), WM_UNSURE);
    ck_assert_int_eq(wm_judge(128, s, 1, d1, &d2), WM_UNSURE);
    ck_assert_msg(d2 == 1152921504606846976.0, "2^60 + 128 rounded to %.17g", d2);
    ck_assert_int_eq(wm_judge(256, s, 1, d2, &d1), WM_COLDER);
    ck_assert_int_eq(wm_judge(-256, s, 1, d1, &d2), WM_WARMER);
    const struct wm_game games[] = {{INT64_MIN, INT64_MAX, s, 3, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "256", "0", "-1152921504606846976");
    expect_out(&v,
               "L:Guess a number between -9223372036854775808 and 9223372036854775807! Shhhhh, "
               "it's -1152921504606846976.\n"
               "S:PARAMS -9223372036854775808 9223372036854775807\nS:NUMBER\nS:REPORT Unsure\n"
               "S:NUMBER\nS:REPORT Warmer\nS:NUMBER\nS:REPORT Correct\nS:PARAMS 0 -1\n"
               "L:Client: 256 is Unsure\nL:Client: 0 is Warmer\n"
               "L:Client: -1152921504606846976 is Correct\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(judge_rounds_exact_difference_once)
{
    /* Secret 1: |2^53+3 - 1| = 2^53+2 is exact, |2^53+5 - 1| = 2^53+4: Colder.
     * Rounding each operand first would make both 2^53+4 and say Unsure. */
    double d1, d2;
    ck_assert_int_eq(wm_judge(P53 + 3, 1, 0, 0, &d1), WM_UNSURE);
    ck_assert_msg(d1 == 9007199254740994.0, "2^53 + 2 became %.17g", d1);
    ck_assert_int_eq(wm_judge(P53 + 5, 1, 1, d1, &d2), WM_COLDER);
    static const struct wm_game games[] = {{0, INT64_MAX, 1, 2, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "9007199254740995", "9007199254740997");
    expect_out(&v,
               "L:Guess a number between 0 and 9223372036854775807! Shhhhh, it's 1.\n"
               "S:PARAMS 0 9223372036854775807\nS:NUMBER\nS:REPORT Unsure\nS:NUMBER\n"
               "S:REPORT Colder\nS:PARAMS 0 -1\nL:Client: 9007199254740995 is Unsure\n"
               "L:Client: 9007199254740997 is Colder\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(judge_distance_near_2pow64)
{
    double d1, d2;
    ck_assert_int_eq(wm_judge(INT64_MAX, INT64_MIN, 0, 0, &d1), WM_UNSURE);
    ck_assert_msg(d1 == 18446744073709551616.0, "|INT64_MAX - INT64_MIN| became %.17g", d1);
    ck_assert_int_eq(wm_judge(INT64_MIN, INT64_MAX, 0, 0, &d2), WM_UNSURE);
    ck_assert_msg(d2 == 18446744073709551616.0, "|INT64_MIN - INT64_MAX| became %.17g", d2);
    ck_assert_int_eq(wm_judge(INT64_MAX - 1, INT64_MIN, 1, d1, &d2), WM_UNSURE);
    ck_assert_int_eq(wm_judge(0, INT64_MIN, 1, d2, &d1), WM_WARMER);
    ck_assert_msg(d1 == 9223372036854775808.0, "2^63 became %.17g", d1);
    static const struct wm_game games[] = {{INT64_MIN, INT64_MAX, INT64_MIN, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "9223372036854775807", "9223372036854775806", "0", "-9223372036854775808");
    expect_out(&v,
               "L:Guess a number between -9223372036854775808 and 9223372036854775807! Shhhhh, "
               "it's -9223372036854775808.\n"
               "S:PARAMS -9223372036854775808 9223372036854775807\nS:NUMBER\nS:REPORT Unsure\n"
               "S:NUMBER\nS:REPORT Unsure\nS:NUMBER\nS:REPORT Warmer\nS:NUMBER\n"
               "S:REPORT Correct\nS:PARAMS 0 -1\n"
               "L:Client: 9223372036854775807 is Unsure\nL:Client: 9223372036854775806 is Unsure\n"
               "L:Client: 0 is Warmer\nL:Client: -9223372036854775808 is Correct\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

/* ---- a lying server ---- */

START_TEST(lying_server_non_integer)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}};
    static const char *const lies[] = {"4x", "", "-0", "04", "+4", " 4", "4.0",
                                       "9223372036854775808"};
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        struct cli v;
        char want[512], q[64];
        cli_start(&v, games, 1, 100);
        replies(&v, &lies[i], 1);
        wm_escape(q, sizeof q, lies[i], strlen(lies[i]));
        snprintf(want, sizeof want, BOOK_GAME1 FINALLY
                 "E:server sent a non-integer guess \"%s\" (game 1)\n", q);
        expect_out(&v, want, WM_SESS_CLOSED);
    }
}
END_TEST

START_TEST(lying_server_out_of_range)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "6");
    expect_out(&v, BOOK_GAME1 FINALLY
               "E:server guessed 6, outside [1, 5] (game 1)\n", WM_SESS_CLOSED);
    cli_start(&v, games, 1, 100);
    REPLY(&v, "2", "0");
    expect_out(&v, BOOK_GAME1 "S:REPORT Unsure\nS:NUMBER\n" FINALLY
               "E:server guessed 0, outside [1, 5] (game 1)\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(lying_server_repeated_guess)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}, {1, 5, 2, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 2, 100);
    REPLY(&v, "4", "4");
    expect_out(&v, BOOK_GAME1 "S:REPORT Unsure\nS:NUMBER\n" FINALLY
               "E:server repeated the guess 4 (game 1, guess 2)\n", WM_SESS_CLOSED);
    /* A new game forgets the old guesses; repeats within it are caught. */
    cli_start(&v, games, 2, 100);
    REPLY(&v, "3", "3", "4", "4");
    expect_out(&v, BOOK_GAME1 "S:REPORT Correct\nS:PARAMS 0 -1\n"
                              "L:Guess a number between 1 and 5! Shhhhh, it's 2.\nS:PARAMS 1 5\n"
                              "S:NUMBER\nS:REPORT Unsure\nS:NUMBER\nS:REPORT Colder\nS:NUMBER\n"
                              FINALLY "E:server repeated the guess 4 (game 2, guess 3)\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(eof_while_awaiting_guess)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}, {10, 15, 12, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 2, 100);
    v.rc = wm_client_role.on_eof(&v.c, &v.sink);
    expect_out(&v, BOOK_GAME1 FINALLY
               "E:server closed the connection while the client awaited a guess "
               "(game 1, guess 1)\n", WM_SESS_CLOSED);
    cli_start(&v, games, 2, 100);
    REPLY(&v, "3", "11", "10");
    v.r.n = 0; /* only the end matters here */
    v.rc = wm_client_role.on_eof(&v.c, &v.sink);
    expect_out(&v, FINALLY
               "E:server closed the connection while the client awaited a guess (game 2, "
               "guess 3)\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(bad_input_reported_verbatim)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}};
    struct cli v;
    struct wm_err e;
    cli_start(&v, games, 1, 100);
    wm_err_set(&e, "line longer than 1024 bytes: \"...\"");
    v.rc = wm_client_role.on_bad_input(&v.c, &e, &v.sink);
    expect_out(&v, BOOK_GAME1 FINALLY "E:line longer than 1024 bytes: \"...\"\n", WM_SESS_CLOSED);
}
END_TEST

/* ---- game shapes ---- */

START_TEST(count_zero_games)
{
    static const struct wm_game games[] = {{1, 5, 3, 0, NULL}, {10, 15, 12, 0, NULL}};
    struct cli v;
    cli_start(&v, games, 2, 100);
    expect_out(&v, "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\n"
                   "S:PARAMS 0 -1\nL:Guess a number between 10 and 15! Shhhhh, it's 12.\n"
                   "S:PARAMS 10 15\nS:PARAMS 0 -1\nC:\n", WM_SESS_CLOSED);
    static const struct wm_game mixed[] = {{1, 5, 3, 0, NULL}, {10, 15, 12, 1, NULL}, {0, 0, 0, 0, NULL}};
    cli_start(&v, mixed, 3, 100);
    REPLY(&v, "13");
    expect_out(&v, "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\n"
                   "S:PARAMS 0 -1\nL:Guess a number between 10 and 15! Shhhhh, it's 12.\n"
                   "S:PARAMS 10 15\nS:NUMBER\nS:REPORT Unsure\nS:PARAMS 0 -1\n"
                   "L:Guess a number between 0 and 0! Shhhhh, it's 0.\nS:PARAMS 0 0\n"
                   "S:PARAMS 0 -1\nL:Client: 13 is Unsure\nC:\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(no_games_closes_at_start)
{
    struct cli v;
    cli_start(&v, NULL, 0, 100);
    expect_out(&v, "C:\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(correct_on_first_guess)
{
    static const struct wm_game games[] = {{1, 5, 3, 5, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "3");
    expect_out(&v, BOOK_GAME1 "S:REPORT Correct\nS:PARAMS 0 -1\nL:Client: 3 is Correct\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(count_reached_without_correct)
{
    static const struct wm_game games[] = {{1, 5, 3, 2, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "1", "5");
    expect_out(&v, BOOK_GAME1 "S:REPORT Unsure\nS:NUMBER\nS:REPORT Unsure\nS:PARAMS 0 -1\n"
                              "L:Client: 1 is Unsure\nL:Client: 5 is Unsure\nC:\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(max_guesses_per_session)
{
    static const struct wm_game games[] = {{1, 5, 3, 2, NULL}, {1, 5, 3, 2, NULL}};
    struct cli v;
    cli_start(&v, games, 2, 3);
    REPLY(&v, "1", "2", "1", "2");
    /* The bound is per session: the fourth guess, in game 2, is refused. */
    expect_out(&v, BOOK_GAME1 "S:REPORT Unsure\nS:NUMBER\nS:REPORT Warmer\nS:PARAMS 0 -1\n"
                              "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\n"
                              "S:NUMBER\nS:REPORT Unsure\nS:NUMBER\n"
                              FINALLY "E:more than 3 guesses (max-guesses)\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(longest_params_sent_intact)
{
    /* Two 20-character bounds make the longest PARAMS line, 48 characters. */
    static const struct wm_game games[] = {{INT64_MIN, -1000000000000000000, INT64_MIN, 1, NULL}};
    struct cli v;
    cli_start(&v, games, 1, 100);
    REPLY(&v, "-9223372036854775808");
    expect_out(&v, "L:Guess a number between -9223372036854775808 and -1000000000000000000! "
                   "Shhhhh, it's -9223372036854775808.\n"
                   "S:PARAMS -9223372036854775808 -1000000000000000000\nS:NUMBER\n"
                   "S:REPORT Correct\nS:PARAMS 0 -1\nL:Client: -9223372036854775808 is Correct\n"
                   "C:\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(game_parse_strict)
{
    struct wm_game g;
    struct wm_err e;
    ck_assert_int_eq(wm_game_parse("-5:-1:-3:4", 10, &g, &e), 0);
    ck_assert_msg(g.lo == -5 && g.hi == -1 && g.secret == -3 && g.count == 4, "parsed wrongly");
    ck_assert_int_eq(wm_game_parse("0:0:0:18446744073709551615", 26, &g, &e), 0);
    ck_assert_msg(g.count == UINT64_MAX, "count %" PRIu64, g.count);
    static const char *const bad[] = {"1:5:3", "1:5:3:5:6", "a:5:3:5", "1:5:3:-1", "1::3:5",
                                      "1:5:3:5:", "", "01:5:3:5", "1:5:3:18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "bad game \"%s\": want LO:HI:SECRET:COUNT, LO/HI/SECRET "
                 "signed 64-bit decimal, COUNT unsigned", bad[i]);
        ck_assert_msg(wm_game_parse(bad[i], strlen(bad[i]), &g, &e) == -1, "\"%s\" accepted",
                      bad[i]);
        ck_assert_str_eq(e.msg, want);
    }
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    WM_ADD_TEST(s, book_run_client_side);
    WM_ADD_TEST(s, judge_basic_table);
    WM_ADD_TEST(s, judge_above_2pow53_equal_doubles_unsure);
    WM_ADD_TEST(s, judge_above_2pow53_distinct_doubles_ordered);
    WM_ADD_TEST(s, judge_rounds_exact_difference_once);
    WM_ADD_TEST(s, judge_distance_near_2pow64);
    WM_ADD_TEST(s, lying_server_non_integer);
    WM_ADD_TEST(s, lying_server_out_of_range);
    WM_ADD_TEST(s, lying_server_repeated_guess);
    WM_ADD_TEST(s, eof_while_awaiting_guess);
    WM_ADD_TEST(s, bad_input_reported_verbatim);
    WM_ADD_TEST(s, count_zero_games);
    WM_ADD_TEST(s, no_games_closes_at_start);
    WM_ADD_TEST(s, correct_on_first_guess);
    WM_ADD_TEST(s, count_reached_without_correct);
    WM_ADD_TEST(s, max_guesses_per_session);
    WM_ADD_TEST(s, longest_params_sent_intact);
    WM_ADD_TEST(s, game_parse_strict);
    return s;
}

WM_TEST_MAIN(client_suite)
