/* live_book.h: the book's behaviours are named only where a file's records
 * show the situation exactly. */
#include <stdio.h>
#include <string.h>

#include "live_book.h"
#include "testutil.h"

/* Journals from records "C PARAMS 1 2", "S 1", "S!" (a close): each
 * record's cause is the other side's wire items before it. */
static void build(const char *const *recs, struct wm_journal *c, struct wm_journal *s)
{
    wm_journal_init(c, 1 << 20);
    wm_journal_init(s, 1 << 20);
    for (; *recs; recs++) {
        const char *r = *recs;
        struct wm_journal *own = r[0] == 'C' ? c : s, *other = r[0] == 'C' ? s : c;
        int close = r[1] == '!';
        const char *text = close ? "" : r + 2;
        ck_assert_int_eq(wm_journal_add(own, close ? WM_REC_CLOSE : WM_REC_LINE, other->wire, text,
                                        strlen(text)), 0);
    }
}

/* wm_book_exhausted for the client's wire item k: 1 with note, or 0. */
static int exhausted(const char *const *recs, uint64_t k, char *note)
{
    struct wm_journal c, s;
    build(recs, &c, &s);
    int r = wm_book_exhausted(&c, &s, k, note, 300);
    wm_journal_free(&c);
    wm_journal_free(&s);
    return r;
}

static int accepts(const char *const *recs, uint64_t k, const char *line, char *note)
{
    struct wm_journal c, s;
    build(recs, &c, &s);
    int r = wm_book_accepts(&c, &s, k, line, strlen(line), note, 300);
    wm_journal_free(&c);
    wm_journal_free(&s);
    return r;
}

START_TEST(exhausted_named)
{
    const char *recs[] = {"C PARAMS 1 2", "C NUMBER", "S 1", "C REPORT Unsure", "C NUMBER", "S 2",
                          "C REPORT Unsure", "C NUMBER", "S!", NULL};
    char note[300] = "";
    ck_assert_int_eq(exhausted(recs, 6, note), 1);
    ck_assert_msg(strstr(note, "loops forever here: every value of [1, 2] was guessed (a known "
                               "behaviour of the reference"), "%s", note);
    ck_assert_int_eq(exhausted(recs, 5, note), 0); /* the REPORT before it */
    ck_assert_int_eq(exhausted(recs, 4, note), 0); /* the NUMBER that drew 2 */
}
END_TEST

START_TEST(exhausted_not_named_with_a_value_left)
{
    const char *recs[] = {"C PARAMS 1 3", "C NUMBER", "S 1", "C REPORT Unsure", "C NUMBER", "S 2",
                          "C REPORT Unsure", "C NUMBER", "S!", NULL};
    char note[300];
    ck_assert_int_eq(exhausted(recs, 6, note), 0);
}
END_TEST

START_TEST(exhausted_not_named_once_the_secret_is_known)
{
    const char *recs[] = {"C PARAMS 1 2", "C NUMBER", "S 1", "C REPORT Unsure", "C NUMBER", "S 2",
                          "C REPORT Correct", "C NUMBER", "S!", NULL};
    char note[300];
    ck_assert_int_eq(exhausted(recs, 6, note), 0);
}
END_TEST

START_TEST(exhausted_guesses_cleared_by_params)
{
    const char *recs[] = {"C PARAMS 7 7", "C NUMBER", "S 7", "C REPORT Unsure", "C PARAMS 7 7",
                          "C NUMBER", "S!", NULL};
    char note[300];
    ck_assert_int_eq(exhausted(recs, 5, note), 0);
    const char *again[] = {"C PARAMS 7 7", "C NUMBER", "S 7", "C REPORT Unsure", "C NUMBER", "S!",
                           NULL};
    ck_assert_int_eq(exhausted(again, 4, note), 1);
    ck_assert_msg(strstr(note, "every value of [7, 7] was guessed"), "%s", note);
}
END_TEST

START_TEST(first_word_named)
{
    char note[300];
    ck_assert_int_eq(wm_book_first_word("NUMBER x", 8, note, sizeof note), 1);
    ck_assert_msg(strstr(note, "the book's server answers `NUMBER x`: it reads only a line's first "
                               "word"), "%s", note);
    ck_assert_int_eq(wm_book_first_word("NUMBER ", 7, note, sizeof note), 1);
    ck_assert_msg(strstr(note, "`NUMBER\\x20`"), "%s", note);
    ck_assert_int_eq(wm_book_first_word("NUMBER", 6, note, sizeof note), 0);
    ck_assert_int_eq(wm_book_first_word("NUMBERS x", 9, note, sizeof note), 0);
}
END_TEST

START_TEST(params_python_int_named)
{
    const char *recs[] = {"C PARAMS", NULL};
    char note[300];
    const char *taken[] = {"PARAMS +1 5", "PARAMS 05 1_000", "PARAMS 1 5\r", "PARAMS -1 \t9",
                           "PARAMS 1 99999999999999999999"};
    /* warmer takes it; Python's int() does not; or not claimed (non-ASCII digits) */
    const char *not_named[] = {"PARAMS 1 5", "PARAMS x 5", "PARAMS 1__0 5", "PARAMS 1_ 5",
                             "PARAMS  1 5", "PARAMS 1 5 6", "PARAMS +-1 5", "PARAMS 1 \xd9\xa5"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
        ck_assert_msg(accepts(recs, 1, taken[i], note) == 1, "not named: %s", taken[i]);
        ck_assert_msg(strstr(note, "it reads each number with Python's int()"), "%s", note);
    }
    for (size_t i = 0; i < sizeof not_named / sizeof *not_named; i++)
        ck_assert_msg(accepts(recs, 1, not_named[i], note) == 0, "named: %s", not_named[i]);
}
END_TEST

START_TEST(report_any_decision_named)
{
    const char *guessed[] = {"C PARAMS 1 5", "C NUMBER", "S 4", "C REPORT Hot", NULL};
    const char *none[] = {"C PARAMS 1 5", "C REPORT Hot", NULL};
    char note[300];
    ck_assert_int_eq(accepts(guessed, 3, "REPORT Hot", note), 1);
    ck_assert_msg(strstr(note, "the book's server takes `REPORT Hot`: it accepts any word as a "
                               "decision"), "%s", note);
    ck_assert_int_eq(accepts(guessed, 3, "REPORT Warmer", note), 0); /* warmer takes it */
    ck_assert_int_eq(accepts(guessed, 3, "REPORT Hot x", note), 0);
    ck_assert_int_eq(accepts(none, 2, "REPORT Hot", note), 0); /* the book fails it too */
}
END_TEST

/* wm_book_client_takes for the server's line record `at` (from 0). */
static int client_takes(const char *const *recs, size_t at, char *note)
{
    struct wm_journal c, s;
    build(recs, &c, &s);
    int r = wm_book_client_takes(&c, &s, &s.recs[at], note, 300);
    wm_journal_free(&c);
    wm_journal_free(&s);
    return r;
}

START_TEST(client_takes_named)
{
    const char *out[] = {"C PARAMS 1 5", "C NUMBER", "S 4", "C REPORT Unsure", "C NUMBER", "S 6",
                         "S!", NULL};
    const char *again[] = {"C PARAMS 1 5", "C NUMBER", "S 4", "C REPORT Unsure", "C NUMBER", "S 4",
                           "S!", NULL};
    const char *new_game[] = {"C PARAMS 1 5", "C NUMBER", "S 4", "C REPORT Unsure", "C PARAMS 1 5",
                              "C NUMBER", "S 4", "S!", NULL};
    const char *word[] = {"C PARAMS 1 5", "C NUMBER", "S x", "S!", NULL};
    char note[300];
    ck_assert_int_eq(client_takes(out, 1, note), 1);
    ck_assert_msg(strstr(note, "the book's client takes `6`, outside [1, 5]: it checks no guess"),
                  "%s", note);
    ck_assert_int_eq(client_takes(out, 0, note), 0); /* 4 is a fair first guess */
    ck_assert_int_eq(client_takes(again, 1, note), 1);
    ck_assert_msg(strstr(note, "the book's client takes `4` again"), "%s", note);
    ck_assert_int_eq(client_takes(new_game, 1, note), 0);
    ck_assert_int_eq(client_takes(word, 0, note), 0); /* int() fails it: the book's client too */
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("book");
    WM_ADD_TEST(s, exhausted_named);
    WM_ADD_TEST(s, exhausted_not_named_with_a_value_left);
    WM_ADD_TEST(s, exhausted_not_named_once_the_secret_is_known);
    WM_ADD_TEST(s, exhausted_guesses_cleared_by_params);
    WM_ADD_TEST(s, first_word_named);
    WM_ADD_TEST(s, params_python_int_named);
    WM_ADD_TEST(s, report_any_decision_named);
    WM_ADD_TEST(s, client_takes_named);
    return s;
}

WM_TEST_MAIN(make_suite)
