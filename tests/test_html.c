/* The HTML report's pieces (sim/check/report/html.c, html_timeline.c, json_in.c):
 * escaping, the command line, the JSON reader against what report.c
 * writes, and a timeline's window. The pages themselves: tests/html.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "json_in.h"
#include "report.h"
#include "testutil.h"

/* What f wrote, as a string (malloc'd). */
static char *run_mem(void (*fn)(FILE *, void *), void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fn(f, arg);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

static void write_every_byte(FILE *f, void *arg)
{
    (void)arg;
    char all[256];
    for (int k = 0; k < 256; k++)
        all[k] = (char)k;
    wm_html_text(f, all, sizeof all);
}

/* Every byte: the output is printable ASCII (and \n), without < > " ' or a
 * bare & (each & starts one of our five references). */
START_TEST(text_escapes_every_byte)
{
    char *out = run_mem(write_every_byte, NULL);
    for (const char *p = out; *p; p++) {
        unsigned char c = (unsigned char)*p;
        ck_assert_msg((c >= 0x20 && c < 0x7f) || c == '\n', "byte 0x%02x written as is", c);
        ck_assert_msg(!strchr("<>\"'", c), "'%c' written as is at %td", c, p - out);
        if (c == '&')
            ck_assert_msg(!strncmp(p, "&amp;", 5) || !strncmp(p, "&lt;", 4) ||
                              !strncmp(p, "&gt;", 4) || !strncmp(p, "&quot;", 6) ||
                              !strncmp(p, "&#39;", 5),
                          "a bare & at %td: %.8s", p - out, p);
    }
    ck_assert_ptr_nonnull(strstr(out, "\\x00\\x01"));
    ck_assert_ptr_nonnull(strstr(out, "\\x7f\\x80"));
    ck_assert_ptr_nonnull(strstr(out, "\\xff"));
    ck_assert_ptr_nonnull(strstr(out, " !&quot;#$%&amp;&#39;()"));
    free(out);
}
END_TEST

START_TEST(command_line_quoted)
{
    char *argv[] = {"build/warmer", "check", "--html", "a b.html", "<x>'y'.txt", NULL};
    char *line = wm_html_command(5, argv);
    ck_assert_str_eq(line, "build/warmer check --html 'a b.html' '<x>'\\''y'\\''.txt'");
    free(line);
    line = wm_html_command(0, argv);
    ck_assert_str_eq(line, "");
    free(line);
}
END_TEST

static void write_two_cases(FILE *f, void *arg)
{
    (void)arg;
    static char text[] = "FAIL x\n--- x\n+++ y\n-S: 1\n+S: 2\n";
    struct wm_case_result r[2] = {
        {.status = WM_CASE_FAILED, .seconds = 0.25, .first_line = 7, .text = text,
         .len = sizeof text - 1, .message = "a \"quoted\"\tmessage\x01", .reproduce = "warmer check x",
         .diff_off = 7, .diff_len = sizeof text - 8, .expected = "S: 1", .actual = NULL},
        {.status = WM_CASE_SKIPPED, .message = "no peer"}};
    char *paths[] = {"dir/x.txt", "<y>.txt"};
    wm_report_json(f, paths, r, 2);
}

/* What report.c writes, json_in.c reads back member for member. */
START_TEST(json_reads_what_report_writes)
{
    char *json = run_mem(write_two_cases, NULL);
    FILE *f = fmemopen(json, strlen(json), "r");
    struct wm_jin j;
    struct wm_jin_case c;
    struct wm_err err = {{0}};
    ck_assert_int_eq(wm_jin_open(&j, f, "r.json", &err), 0);
    ck_assert_int_eq(wm_jin_next(&j, &c, &err), 1);
    ck_assert_str_eq(c.file, "dir/x.txt");
    ck_assert_str_eq(c.status, "failed");
    ck_assert(c.seconds == 0.25);
    ck_assert_uint_eq(c.first_difference, 7);
    ck_assert_str_eq(c.message, "a \"quoted\"\tmessage\x01");
    ck_assert_str_eq(c.reproduce, "warmer check x");
    ck_assert_str_eq(c.diff, "--- x\n+++ y\n-S: 1\n+S: 2\n");
    ck_assert_uint_eq(c.diff_len, strlen(c.diff));
    ck_assert_str_eq(c.expected, "S: 1");
    ck_assert_ptr_null(c.actual);
    ck_assert(!c.has_run);
    wm_jin_case_free(&c);
    ck_assert_int_eq(wm_jin_next(&j, &c, &err), 1);
    ck_assert_str_eq(c.file, "<y>.txt");
    ck_assert_str_eq(c.status, "skipped");
    ck_assert_uint_eq(c.first_difference, 0);
    wm_jin_case_free(&c);
    ck_assert_int_eq(wm_jin_next(&j, &c, &err), 0);
    ck_assert_int_eq(wm_jin_next(&j, &c, &err), 0);
    fclose(f);
    free(json);
}
END_TEST

static int jin_all(const char *text, struct wm_err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    struct wm_jin j;
    struct wm_jin_case c;
    int rc = wm_jin_open(&j, f, "t.json", err);
    while (rc == 0 && (rc = wm_jin_next(&j, &c, err)) == 1) {
        wm_jin_case_free(&c);
        rc = 0;
    }
    fclose(f);
    return rc;
}

START_TEST(json_errors_say_where)
{
    static const struct {
        const char *text, *err;
    } bad[] = {
        {"{}", "t.json:1: a JSON array ('[') expected, found '{'"},
        {"[{\"file\": 1}]", "t.json:1: \"file\" wants a string or null"},
        {"[\n{\"seed\": -1}]", "t.json:2: \"seed\" wants a whole number, got -1"},
        {"[{\"file\": \"x\"} {}]", "t.json:1: ',' or ']' expected, found '{'"},
        {"[{\"file\": \"x\"}] x", "t.json:1: nothing after the array expected, found 'x'"},
        {"[{\"file\": \"a\\qb\"}]", "t.json:1: a valid escape expected, found 'q'"},
        {"[{\"file\": \"ab", "t.json:1: a string's closing quote expected, found the end of the file"},
        {"[{\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
         "t.json:1: less nesting expected, found '['"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct wm_err err = {{0}};
        ck_assert_msg(jin_all(bad[k].text, &err) == -1, "%s: read", bad[k].text);
        ck_assert_msg(!strcmp(err.msg, bad[k].err), "%s: said \"%s\", want \"%s\"", bad[k].text,
                      err.msg, bad[k].err);
    }
    struct wm_err err = {{0}};
    ck_assert_int_eq(jin_all("[]", &err), 0);
    ck_assert_int_eq(jin_all(" [ {\"more\": {\"a\": [1, true, null, \"s\"]}, \"run\": 3} ]\n", &err), 0);
}
END_TEST

/* A file of n single-line records whose record `diff` differs. */
static char *make_file(size_t n)
{
    static char path[] = "/tmp/test_html_XXXXXX";
    strcpy(path, "/tmp/test_html_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("# warmer transcript v1\n# seed: 3\n# fault: reset C2 at 5\n", f);
    for (size_t k = 0; k < n; k++)
        fprintf(f, "C%zu: NUMBER %zu\n", k % 3 + 1, k);
    fclose(f);
    return path;
}

struct tl_arg {
    struct wm_html_case c;
};

static void write_timeline(FILE *f, void *arg)
{
    wm_html_timeline(f, &((struct tl_arg *)arg)->c, "case-1");
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

/* 1000 records, the difference at record 500 (line 504): records 400..600
 * drawn, 400 and 399 counted as left out. */
START_TEST(timeline_window_around_difference)
{
    char *path = make_file(1000);
    struct tl_arg a = {{.name = path, .file = path, .status = WM_CASE_FAILED, .first_line = 504,
                        .expected = "C3: NUMBER 500", .actual = "C3: NUMBR"}};
    char *out = run_mem(write_timeline, &a);
    ck_assert_uint_eq(count(out, "<tr class=\"rec"), 2 * WM_HTML_CONTEXT + 1);
    ck_assert_ptr_nonnull(strstr(out, "&#x22EF; 400 records before left out"));
    ck_assert_ptr_nonnull(strstr(out, "&#x22EF; 399 records after left out"));
    ck_assert_uint_eq(count(out, "firstdiff"), 1);
    ck_assert_ptr_nonnull(strstr(out, "id=\"case-1-diff-504\""));
    ck_assert_ptr_nonnull(strstr(out, "<th>conn 2 <span class=\"ev fault\">"));
    ck_assert_ptr_nonnull(strstr(out, "records 401 to 601 shown"));
    free(out);
    /* the file ended first: a row of its own after the last record */
    a.c.first_line = 2000;
    a.c.expected = NULL;
    out = run_mem(write_timeline, &a);
    ck_assert_uint_eq(count(out, "<tr class=\"rec"), WM_HTML_CONTEXT);
    ck_assert_ptr_nonnull(strstr(out, "<tr class=\"firstdiff\" id=\"case-1-diff\"><td class=\"ln\">2000"));
    ck_assert_ptr_nonnull(strstr(out, "(the file ended)"));
    free(out);
    remove(path);
    out = run_mem(write_timeline, &a);
    ck_assert_ptr_nonnull(strstr(out, "cannot be read (No such file or directory)"));
    free(out);
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    WM_ADD_TEST(s, text_escapes_every_byte);
    WM_ADD_TEST(s, command_line_quoted);
    WM_ADD_TEST(s, json_reads_what_report_writes);
    WM_ADD_TEST(s, json_errors_say_where);
    WM_ADD_TEST(s, timeline_window_around_difference);
    return s;
}

WM_TEST_MAIN(html_suite)
