/* sim/check/judge.c: the case verdict and its words, the diff's first
 * difference and the reproduce line, as check, replay and interop print
 * them (docs/DESIGN.md, "Who owns what"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "session.h"
#include "testutil.h"

#define BOOK "fixtures/golden/book.txt"
#define PATH "dir/case.txt"

/* The book golden, parsed; with `from` replaced by `to` once when given. */
static void load(struct wm_transcript *t, const char *from, const char *to)
{
    FILE *f = fopen(BOOK, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the checkout)", BOOK);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char edited[sizeof text + 64];
    const char *at = from ? strstr(text, from) : NULL;
    ck_assert_msg(!from || at, "no \"%s\" in %s", from, BOOK);
    if (at)
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, to,
                 at + strlen(from));
    else
        snprintf(edited, sizeof edited, "%s", text);
    FILE *m = fmemopen(edited, strlen(edited), "rb");
    struct wm_err err;
    ck_assert_msg(wm_tx_parse_file(m, PATH, t, 1u << 24, &err) == 0, "%s", err.msg);
    fclose(m);
}

/* Text a call prints, in *buf (freed by the caller). */
#define PRINTED(buf, call)                                                                        \
    do {                                                                                           \
        size_t size_;                                                                              \
        FILE *out = open_memstream(&(buf), &size_);                                                \
        call;                                                                                      \
        fclose(out);                                                                               \
    } while (0)

START_TEST(test_same_records_pass)
{
    struct wm_transcript file, run;
    load(&file, NULL, NULL);
    load(&run, NULL, NULL);
    struct wm_judge j;
    char why[512] = "untouched";
    ck_assert_int_eq(wm_judge_compare(&j, PATH, &file, run.conns), 0);
    ck_assert(j.rendered && j.same);
    ck_assert_int_eq(wm_judge_verdict(&j, NULL, NULL, why, sizeof why), WM_JUDGE_PASSED);
    /* a reset the file shows as a close, and every record matches: passes */
    struct wm_live_verdict v = {.fault = WM_LIVE_OK, .reset_conn = 1};
    ck_assert_int_eq(wm_judge_verdict(&j, &v, "server", why, sizeof why), WM_JUDGE_PASSED);
    ck_assert_str_eq(why, "untouched");
    wm_judge_free(&j);
    wm_tx_free(&file);
    wm_tx_free(&run);
}
END_TEST

START_TEST(test_differ_words_and_first_difference)
{
    struct wm_transcript file, run;
    load(&file, "\nS: 4\n", "\nS: 5\n"); /* the file's line 7 */
    load(&run, NULL, NULL);
    struct wm_judge j;
    char why[512];
    ck_assert_int_eq(wm_judge_compare(&j, PATH, &file, run.conns), 0);
    ck_assert(j.rendered && !j.same);
    ck_assert_int_eq(wm_judge_verdict(&j, NULL, NULL, why, sizeof why), WM_JUDGE_DIFFER);
    ck_assert_str_eq(why, PATH ": the records differ from the file");
    ck_assert_int_eq(wm_judge_verdict(&j, NULL, "server", why, sizeof why), WM_JUDGE_DIFFER);
    ck_assert_str_eq(why, PATH ": the server's records differ from the file");
    struct wm_case_result res = {0};
    char *text = NULL;
    PRINTED(text, wm_judge_diff(&j, out, &res));
    ck_assert_uint_eq(res.first_line, 7);
    ck_assert_msg(strstr(text, "\n-S: 5\n+S: 4\n") != NULL, "no -S: 5/+S: 4 in:\n%s", text);
    const char *last = "first difference: " PATH ":7\n";
    size_t n = strlen(text);
    ck_assert_msg(n >= strlen(last) && strcmp(text + n - strlen(last), last) == 0,
                  "the diff does not end in \"%s\":\n%s", last, text);
    free(text);
    wm_case_result_free(&res);
    wm_judge_free(&j);
    wm_tx_free(&file);
    wm_tx_free(&run);
}
END_TEST

START_TEST(test_live_fault_and_reset_named)
{
    struct wm_transcript file, run;
    load(&file, "\nS: 4\n", "\nS: 5\n");
    load(&run, NULL, NULL);
    struct wm_judge j;
    char why[512], want[512];
    ck_assert_int_eq(wm_judge_compare(&j, PATH, &file, run.conns), 0);
    /* a reset the run recorded as a close: named, not "records differ" */
    struct wm_live_verdict v = {.fault = WM_LIVE_OK, .reset_conn = 1};
    ck_assert_int_eq(wm_judge_verdict(&j, &v, "server", why, sizeof why), WM_JUDGE_PEER);
    ck_assert_str_eq(why, PATH ": connection 1: " WM_RESET_TEXT);
    /* a live fault wins over both, in the live verdict's own words */
    v = (struct wm_live_verdict){.fault = WM_LIVE_KEPT_OPEN, .conn = 1, .lineno = 7};
    wm_verdict_format(want, sizeof want, PATH, &file, &v, &j.want, &j.got);
    ck_assert_int_eq(wm_judge_verdict(&j, &v, "server", why, sizeof why), WM_JUDGE_PEER);
    ck_assert_str_eq(why, want);
    wm_judge_free(&j);
    /* a run that made no records (interop's run that could not go on) */
    ck_assert_int_eq(wm_judge_compare(&j, PATH, &file, NULL), 0);
    ck_assert(!j.rendered && !j.same);
    ck_assert_int_eq(wm_judge_verdict(&j, NULL, "client", why, sizeof why), WM_JUDGE_DIFFER);
    ck_assert_str_eq(why, PATH ": the client's records differ from the file");
    wm_judge_free(&j);
    wm_tx_free(&file);
    wm_tx_free(&run);
}
END_TEST

START_TEST(test_reproduce_line)
{
    struct wm_case_result res = {0};
    char *text = NULL;
    PRINTED(text, wm_judge_reproduce_print(out, &res)); /* none: no line */
    ck_assert_str_eq(text, "");
    free(text);
    ck_assert_int_eq(wm_judge_reproduce_set(&res, "warmer", "check old.txt"), 0);
    ck_assert_int_eq(wm_judge_reproduce_set(&res, "build/warmer", "check 'a b.txt'"), 0);
    ck_assert_str_eq(res.reproduce, "build/warmer check 'a b.txt'"); /* the reports' */
    PRINTED(text, wm_judge_reproduce_print(out, &res));
    ck_assert_str_eq(text, "reproduce: build/warmer check 'a b.txt'\n"); /* the same string */
    free(text);
    wm_case_result_free(&res);
}
END_TEST

START_TEST(test_verdict_lines)
{
    struct wm_case_result res = {.status = WM_CASE_FAILED};
    char *text = NULL;
    PRINTED(text, wm_judge_print_ok(out, PATH, &res));
    ck_assert_str_eq(text, "ok " PATH "\n");
    ck_assert_int_eq(res.status, WM_CASE_OK);
    free(text);
    PRINTED(text, wm_judge_print_malformed(out, PATH, PATH ":3: no such field", &res));
    ck_assert_str_eq(text, "FAIL " PATH ": malformed: " PATH ":3: no such field\n");
    ck_assert_int_eq(res.status, WM_CASE_MALFORMED);
    ck_assert_str_eq(res.message, PATH ":3: no such field"); /* the reports' message */
    free(text);
    wm_case_result_free(&res);
}
END_TEST

static Suite *judge_suite(void)
{
    Suite *s = suite_create("judge");
    WM_ADD_TEST(s, test_same_records_pass);
    WM_ADD_TEST(s, test_differ_words_and_first_difference);
    WM_ADD_TEST(s, test_live_fault_and_reset_named);
    WM_ADD_TEST(s, test_reproduce_line);
    WM_ADD_TEST(s, test_verdict_lines);
    return s;
}

WM_TEST_MAIN(judge_suite)
