/* The oracle's rule for a client's abort (sim/explore/oracle/oracle_reset.c): the
 * strict server's report of the reset, re-derived from the records, held to
 * its exact text (docs/ERRORS.md, "A peer's reset"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "testutil.h"

#define HDR "# warmer transcript v1\n# seed: 1234\n# game: 5:5:5:3\n# game: 1:5:3:2\n"
/* fixtures/faults/abort-client-midgame.txt: a one-value range, one guess */
#define MIDGAME HDR "# fault: abort C1 at 18\nC: PARAMS 5 5\nC: NUMBER\nS: 5\nC! close\n" \
    "S! error connection reset by peer mid-game (range [5, 5], guesses made: 1)\n"
/* after the game's PARAMS 0 -1 */
#define BETWEEN "# warmer transcript v1\n# seed: 1234\n# game: 5:5:5:1\n"                    \
    "# fault: abort C1 at 45\nC: PARAMS 5 5\nC: NUMBER\nS: 5\nC: REPORT Correct\n"           \
    "C: PARAMS 0 -1\nC! close\nS! error connection reset by peer between games\n"
/* a line cut by the reset */
#define CUT HDR "# fault: abort C1 at 21\nC: PARAMS 5 5\nC: NUMBER\nS: 5\nC! partial REP\n"   \
    "C! close\nS! error connection reset by peer after \"REP\" (no final newline)\n"

/* text with the first `from` replaced by `to`. */
static char *with(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "the test's text has no \"%s\"", from);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    ck_assert(out != NULL);
    snprintf(out, n + 1, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* kind NULL: the text holds; else the first difference is kind at line. */
static void expect(const char *text, const char *kind, size_t line)
{
    struct wm_violation v;
    int rc = wm_oracle_check(text, strlen(text), NULL, 0, &v);
    if (!kind) {
        ck_assert_msg(rc == 0, "want it to hold; got %s at line %zu: %s\n%s", v.kind, v.lineno,
                      v.msg, text);
        return;
    }
    ck_assert_msg(rc == 1, "want a %s difference at line %zu; rc %d:\n%s", kind, line, rc, text);
    ck_assert_msg(strcmp(v.kind, kind) == 0 && v.lineno == line,
                  "want %s at line %zu; got %s at line %zu: %s", kind, line, v.kind, v.lineno, v.msg);
}

START_TEST(the_servers_reset_reports_hold)
{
    expect(MIDGAME, NULL, 0);
    expect(BETWEEN, NULL, 0);
    expect(CUT, NULL, 0);
}
END_TEST

/* The mutant <= -> < in proto/server.c on_reset: a one-value range is a
 * game in play, not "between games". */
START_TEST(a_one_value_game_reported_between_games)
{
    char *t = with(MIDGAME, "mid-game (range [5, 5], guesses made: 1)", "between games");
    expect(t, "reset", 10);
    free(t);
    t = with(BETWEEN, "between games", "mid-game (range [5, 5], guesses made: 1)");
    expect(t, "reset", 11);
    free(t);
}
END_TEST

START_TEST(a_wrong_range_or_count)
{
    char *t = with(MIDGAME, "guesses made: 1", "guesses made: 0");
    expect(t, "reset", 10);
    free(t);
    t = with(MIDGAME, "range [5, 5]", "range [1, 5]");
    expect(t, "reset", 10);
    free(t);
    t = with(CUT, "after \"REP\"", "after \"RE\"");
    expect(t, "reset", 11);
    free(t);
}
END_TEST

/* A reset read as the peer's close: a quiet close, or no report at all. */
START_TEST(a_reset_taken_as_a_close)
{
    char *t = with(MIDGAME, "S! error connection reset by peer mid-game (range [5, 5], guesses "
                   "made: 1)\n", "S! close\n");
    expect(t, "reset", 10);
    free(t);
    t = with(BETWEEN, "S! error connection reset by peer between games\n", "");
    expect(t, "reset", 10); /* at the connection's end: its last record */
    free(t);
    /* an abort one past the client's last byte never acts: its close is its own */
    t = with(BETWEEN, "abort C1 at 45", "abort C1 at 46");
    char *v = with(t, "S! error connection reset by peer between games\n", "");
    expect(v, NULL, 0);
    free(v);
    free(t);
    /* a plain reset reads as a close (docs/TRANSCRIPTS.md): no report owed */
    t = with(BETWEEN, "abort C1", "reset C1");
    char *u = with(t, "S! error connection reset by peer between games\n", "");
    expect(u, NULL, 0);
    free(u);
    free(t);
}
END_TEST

/* fixtures/faults/abort-book-client-midgame.txt: the book's words, in every state */
#define BOOK "# warmer transcript v1\n# seed: 1234\n# profile: book\n# game: 5:5:5:3\n"         \
    "# game: 1:5:3:2\n# fault: abort C1 at 18\nC: PARAMS 5 5\nC: NUMBER\nS: 5\nC! close\n"      \
    "S! error connection reset by peer: the book's server raises ConnectionResetError out of " \
    "readline (its handler catches only EOFError)\n"

START_TEST(the_books_reset_in_its_words)
{
    expect(BOOK, NULL, 0);
    char *t = with(BOOK, ": the book's server raises ConnectionResetError out of readline (its "
                   "handler catches only EOFError)", " mid-game (range [5, 5], guesses made: 1)");
    expect(t, "reset", 11);
    free(t);
    /* the book's asyncio handler returning at an EOF (a hang) is no answer to a reset */
    t = with(BOOK, "S! error connection reset by peer", "S! hang the book's asyncio handler "
             "returned at the client's EOF; was");
    expect(t, "reset", 11);
    free(t);
}
END_TEST

static Suite *oracle_reset_suite(void)
{
    Suite *s = suite_create("oracle_reset");
    WM_ADD_TEST(s, the_servers_reset_reports_hold);
    WM_ADD_TEST(s, a_one_value_game_reported_between_games);
    WM_ADD_TEST(s, a_wrong_range_or_count);
    WM_ADD_TEST(s, a_reset_taken_as_a_close);
    WM_ADD_TEST(s, the_books_reset_in_its_words);
    return s;
}

WM_TEST_MAIN(oracle_reset_suite)
