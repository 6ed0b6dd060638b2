/* The explore invariants (sim/explore/oracle/invariants.c): every golden holds them, and
 * each way a session could go wrong is caught with its own kind, at the
 * line where it shows, on a transcript changed by one record. */
#include <stdio.h>
#include <string.h>

#include "invariants.h"
#include "runcmd.h"
#include "testutil.h"

#define HDR "# warmer transcript v1\n# seed: 1234\n"
#define BOOK1 HDR "# game: 1:5:3:5\nC: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\n"

static void expect_holds(const char *text)
{
    struct wm_violation v;
    int rc = wm_inv_check(text, strlen(text), &v);
    ck_assert_msg(rc == 0, "want it to hold; got %s at line %zu: %s\n%s", v.kind, v.lineno, v.msg,
                  text);
}

static void expect_broken(const char *text, const char *kind, size_t line)
{
    struct wm_violation v;
    int rc = wm_inv_check(text, strlen(text), &v);
    ck_assert_msg(rc != 0, "want a %s violation at line %zu; it held:\n%s", kind, line, text);
    ck_assert_msg(strcmp(v.kind, kind) == 0 && v.lineno == line,
                  "want %s at line %zu; got %s at line %zu: %s\n%s", kind, line, v.kind, v.lineno,
                  v.msg, text);
}

START_TEST(every_golden_holds)
{
    struct rc_names n;
    ck_assert_int_eq(rc_list_dir("fixtures/golden", ".txt", &n), 0);
    ck_assert_msg(n.n > 30, "fixtures/golden has %zu files", n.n);
    for (size_t i = 0; i < n.n; i++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof path, "fixtures/golden/%s", n.v[i]);
        char *text = rc_read_file(path, &len);
        ck_assert_msg(text != NULL, "%s", path);
        struct wm_violation v;
        int rc = wm_inv_check(text, len, &v);
        ck_assert_msg(rc == 0, "%s:%zu: %s: %s", path, v.lineno, v.kind, v.msg);
        free(text);
    }
    rc_names_free(&n);
}
END_TEST

START_TEST(a_wrong_decision)
{
    expect_holds(HDR "# game: 1:5:3:2\nC: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\n"
                     "C: NUMBER\nS: 1\nC: REPORT Colder\nC: PARAMS 0 -1\nC! close\n");
    expect_broken(BOOK1 "C: NUMBER\nS: 1\nC: REPORT Warmer\n", "decision", 10);
    /* distances past 2^53 round to the same double: Unsure, not Colder */
    expect_holds(HDR "# game: 0:9223372036854775807:36028797018963967:2\nC: PARAMS 0 "
                     "9223372036854775807\nC: NUMBER\nS: 0\nC: REPORT Unsure\nC: NUMBER\nS: 1\n"
                     "C: REPORT Unsure\nC: PARAMS 0 -1\nC! close\n");
    expect_broken(HDR "# game: 0:9223372036854775807:36028797018963967:2\nC: PARAMS 0 "
                      "9223372036854775807\nC: NUMBER\nS: 0\nC: REPORT Unsure\nC: NUMBER\nS: 1\n"
                      "C: REPORT Colder\n", "decision", 10);
}
END_TEST

START_TEST(a_guess_out_of_range_or_repeated)
{
    expect_broken(BOOK1 "C: NUMBER\nS: 6\n", "range", 9);
    expect_broken(BOOK1 "C: NUMBER\nS: 4\n", "repeat", 9);
    expect_broken(BOOK1 "C: NUMBER\nS: 04\n", "range", 9);
}
END_TEST

START_TEST(a_game_cut_short_or_too_long)
{
    expect_broken(BOOK1 "C: PARAMS 0 -1\n", "count", 8);
    expect_broken(HDR "# game: 1:5:4:1\nC: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Correct\n"
                      "C: NUMBER\n", "count", 8);
    expect_broken(HDR "# game: 1:5:3:1\nC: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\n"
                      "C: NUMBER\n", "count", 8);
    expect_broken(HDR "# game: 1:5:3:1\nC: PARAMS 1 6\n", "games", 4);
}
END_TEST

START_TEST(a_server_error_nobody_caused)
{
    expect_broken(BOOK1 "C: NUMBER\nS! error NUMBER after all 5 values of [1, 5] were guessed\n",
                  "server-error", 9);
    expect_broken(BOOK1 "C: NUMBER\nS! close\n", "server-end", 9);
    /* exhaustion is due once every value was guessed */
    expect_holds(HDR "# game: 1:2:9:3\nC: PARAMS 1 2\nC: NUMBER\nS: 2\nC: REPORT Unsure\n"
                     "C: NUMBER\nS: 1\nC: REPORT Colder\nC: NUMBER\nS! error NUMBER after all 2 "
                     "values of [1, 2] were guessed\nC: PARAMS 0 -1\nC! error server closed the "
                     "connection while the client awaited a guess (game 1, guess 3)\n");
}
END_TEST

/* strict's NUMBER errors are held word for word (docs/ERRORS.md): a count
 * or a range that is not the game's is a server-error where it is said. */
START_TEST(a_server_error_text_word_for_word)
{
#define EXH(COUNT, RANGE)                                                                          \
    HDR "# game: 1:2:9:3\nC: PARAMS 1 2\nC: NUMBER\nS: 2\nC: REPORT Unsure\nC: NUMBER\nS: 1\n"   \
        "C: REPORT Colder\nC: NUMBER\nS! error NUMBER after all " COUNT " values of " RANGE       \
        " were guessed\nC: PARAMS 0 -1\nC! error server closed the connection while the "         \
        "client awaited a guess (game 1, guess 3)\n"
    expect_holds(EXH("2", "[1, 2]"));
    expect_broken(EXH("1", "[1, 2]"), "server-error", 12);
    expect_broken(EXH("3", "[1, 2]"), "server-error", 12);
    expect_broken(EXH("2", "[1, 3]"), "server-error", 12);
#undef EXH
#define EMPTY(RANGE)                                                                               \
    HDR "# game: 5:1:3:1\nC: PARAMS 5 1\nC: NUMBER\nS! error NUMBER with an empty range " RANGE    \
        "\nC: PARAMS 0 -1\nC! error server closed the connection while the client awaited a "     \
        "guess (game 1, guess 1)\n"
    expect_holds(EMPTY("[5, 1]"));
    expect_broken(EMPTY("[1, 5]"), "server-error", 6);
#undef EMPTY
#define LIMIT(N)                                                                                   \
    HDR "# game: 1:100:0:10\n# max-guesses: 1\nC: PARAMS 1 100\nC: NUMBER\nS: 96\n"              \
        "C: REPORT Unsure\nC: NUMBER\nS! error NUMBER beyond the limit of " N " guesses in one "    \
        "game (max-guesses)\nC: PARAMS 0 -1\nC! error server closed the connection while the "    \
        "client awaited a guess (game 1, guess 2)\n"
    expect_holds(LIMIT("1"));
    expect_broken(LIMIT("2"), "server-error", 10);
#undef LIMIT
}
END_TEST

START_TEST(a_client_error_wrong_or_without_finally)
{
    static const char due[] = HDR "# game: 5:1:3:2\nC: PARAMS 5 1\nC: NUMBER\nS! error NUMBER "
                                  "with an empty range [5, 1]\n";
    char text[1024];
    snprintf(text, sizeof text, "%sC! error server closed the connection while the client "
             "awaited a guess (game 1, guess 1)\n", due);
    expect_broken(text, "client-error", 7);
    snprintf(text, sizeof text, "%sC: PARAMS 0 -1\nC! error server closed the connection "
             "while the client awaited a guess (game 1, guess 2)\n", due);
    expect_broken(text, "client-error", 8);
    snprintf(text, sizeof text, "%sC: PARAMS 0 -1\nC! error server closed the connection "
             "while the client awaited a guess (game 1, guess 1)\n", due);
    expect_holds(text);
    expect_broken(BOOK1 "C! error out of nothing\n", "client-error", 8);
}
END_TEST

START_TEST(a_connection_missing_or_unfinished)
{
    expect_broken(HDR "# game: 1:5:3:0\n# connections: 2\nC1: PARAMS 1 5\nC1: PARAMS 0 -1\n"
                      "C1! close\n", "format", 7);
    expect_broken(HDR "# game: 1:5:3:0\nC: PARAMS 1 5\nC: PARAMS 0 -1\n", "client-end", 5);
}
END_TEST

/* Under a book profile the server's and the client's texts are Python's
 * (where an error comes is still checked), and an exhausted range is the
 * server's hang: nothing more is owed on that connection. */
START_TEST(book_profile_rules)
{
#define BOOKHDR "# warmer transcript v1\n# seed: 1234\n# profile: book\n"
    static const char empty[] = "# game: 5:1:3:2\nC: PARAMS 5 1\nC: NUMBER\n"
                                "S! error ValueError: empty range for randrange() (5, 2, -3)\n"
                                "C: PARAMS 0 -1\nC! error ConnectionError: server closed\n";
    char text[1024];
    snprintf(text, sizeof text, "%s%s", HDR, empty);
    expect_broken(text, "server-error", 6); /* strict: its own text or nothing */
    snprintf(text, sizeof text, "%s%s", BOOKHDR, empty);
    expect_holds(text);
    /* an error nobody caused is still one */
    expect_broken(BOOKHDR "# game: 1:5:3:5\nC: PARAMS 1 5\nC: NUMBER\nS! error ValueError: x\n",
                  "server-error", 7);
    expect_broken(BOOKHDR "# game: 1:5:3:5\nC: PARAMS 1 5\nC: NUMBER\nS: 4\n"
                          "C: REPORT Warmer\n", "decision", 8);
    /* every value guessed: the book's server loops, the connection ends there */
    static const char spent[] = "# game: 1:2:9:3\nC: PARAMS 1 2\nC: NUMBER\nS: 2\n"
                                "C: REPORT Unsure\nC: NUMBER\nS: 1\nC: REPORT Colder\n"
                                "C: NUMBER\n";
    snprintf(text, sizeof text, "%s%s", HDR, spent);
    expect_broken(text, "client-end", 11);
    snprintf(text, sizeof text, "%s%s", BOOKHDR, spent);
    expect_holds(text);
    snprintf(text, sizeof text, "%s%sS! close\n", BOOKHDR, spent);
    expect_holds(text);
    /* one value short of it, an end is unasked */
    expect_broken(BOOKHDR "# game: 1:3:9:3\nC: PARAMS 1 3\nC: NUMBER\nS: 2\nC: REPORT Unsure\n"
                          "C: NUMBER\nS! close\n", "server-end", 10);
    /* games beyond int64: held to the same rules, on their text */
    static const char big[] = "# game: 18446744073709551616:18446744073709551618:"
                              "18446744073709551617:3\nC: PARAMS 18446744073709551616 "
                              "18446744073709551618\nC: NUMBER\nS: 18446744073709551618\n"
                              "C: REPORT Unsure\nC: NUMBER\n";
    snprintf(text, sizeof text, "%s%sS: 18446744073709551616\nC: REPORT Unsure\nC: NUMBER\n"
             "S: 18446744073709551617\nC: REPORT Correct\nC: PARAMS 0 -1\nC! close\n", BOOKHDR, big);
    expect_holds(text);
    snprintf(text, sizeof text, "%s%sS: 18446744073709551616\nC: REPORT Warmer\n", BOOKHDR, big);
    expect_broken(text, "decision", 11);
    snprintf(text, sizeof text, "%s%sS: 18446744073709551619\n", BOOKHDR, big);
    expect_broken(text, "range", 10);
    snprintf(text, sizeof text, "%s%sS: 18446744073709551618\n", BOOKHDR, big);
    expect_broken(text, "repeat", 10);
    snprintf(text, sizeof text, "%s%s", HDR, big); /* strict reads no such PARAMS */
    expect_broken(text, "format", 4);
    expect_broken(BOOKHDR "# game: 1:18446744073709551616:5:3\nC: PARAMS 1 18446744073709551615\n",
                  "games", 5);
    /* a distance across zero: |(-2^64) - (-1)| = 2^64 - 1, then 1: Warmer */
    expect_holds(BOOKHDR "# game: -18446744073709551616:1:-1:2\nC: PARAMS -18446744073709551616 1\n"
                         "C: NUMBER\nS: -18446744073709551616\nC: REPORT Unsure\nC: NUMBER\n"
                         "S: 0\nC: REPORT Warmer\nC: PARAMS 0 -1\nC! close\n");
    /* a range of two values beyond int64 exhausted: the hang (both distances
     * round to 2^64: Unsure) */
    expect_holds(BOOKHDR "# game: 18446744073709551616:18446744073709551617:5:3\n"
                         "C: PARAMS 18446744073709551616 18446744073709551617\nC: NUMBER\n"
                         "S: 18446744073709551617\nC: REPORT Unsure\nC: NUMBER\n"
                         "S: 18446744073709551616\nC: REPORT Unsure\nC: NUMBER\n");
    /* with a fault plan: a line cut by a fault is read by the book as its
     * bytes less the last, and the client plays on (strict's client fails) */
    static const char cut[] = "# game: 15:15:0:1\n# fault: half-close S1 at 2\nC: PARAMS 15 15\n"
                              "C: NUMBER\nS! partial 15\nS! close\nC: REPORT Unsure\n"
                              "C: PARAMS 0 -1\n";
    snprintf(text, sizeof text, "%s%s", HDR, cut);
    expect_broken(text, "client-error", 9);
    snprintf(text, sizeof text, "%s%s", BOOKHDR, cut);
    expect_holds(text);
    /* the book's client records a guess after its REPORT: out of memory
     * there ends the game early, with its finally */
    static const char oom[] = "# game: 0:9:1:2\n# fault: alloc-fail at 18\nC: PARAMS 0 9\n"
                              "C: NUMBER\nS: 0\nC: REPORT Unsure\nC: PARAMS 0 -1\n"
                              "C! error out of memory recording a guess\n";
    snprintf(text, sizeof text, "%s%s", HDR, oom);
    expect_broken(text, "count", 9);
    snprintf(text, sizeof text, "%s%s", BOOKHDR, oom);
    expect_holds(text);
    /* the hang as recorded, then the client's timeout */
    snprintf(text, sizeof text, "%s%sS! hang NUMBER after all 2 values of [1, 2] were guessed\n"
             "C: PARAMS 0 -1\nC! error timed out waiting for a guess\n", BOOKHDR, spent);
    expect_holds(text);
#undef BOOKHDR
}
END_TEST

static Suite *invariants_suite(void)
{
    Suite *s = suite_create("invariants");
    WM_ADD_TEST(s, every_golden_holds);
    WM_ADD_TEST(s, a_wrong_decision);
    WM_ADD_TEST(s, a_guess_out_of_range_or_repeated);
    WM_ADD_TEST(s, a_game_cut_short_or_too_long);
    WM_ADD_TEST(s, a_server_error_nobody_caused);
    WM_ADD_TEST(s, a_server_error_text_word_for_word);
    WM_ADD_TEST(s, a_client_error_wrong_or_without_finally);
    WM_ADD_TEST(s, a_connection_missing_or_unfinished);
    WM_ADD_TEST(s, book_profile_rules);
    return s;
}

WM_TEST_MAIN(invariants_suite)
