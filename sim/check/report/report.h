/* Test reports of `warmer check`, `warmer interop` and `warmer explore` for
 * CI pipelines, from one result per case: JUnit XML as Jenkins, GitLab and
 * GitHub read it, TAP version 13 (prove refuses 14; we use nothing of 14),
 * and a JSON array. The human format is the cases' own text, printed as they
 * come; these are written from the same results. */
#ifndef WM_REPORT_H
#define WM_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* The exit statuses every command keeps (docs/CLI.md): the worst case wins.
 * An environment error (no writable $TMPDIR, a report path that cannot be
 * written) is 2 as bad usage is: it says nothing of the code under test. */
enum { WM_EXIT_OK = 0, WM_EXIT_FAIL = 1, WM_EXIT_USAGE = 2, WM_EXIT_ENV = 2 };

enum wm_case_status {
    WM_CASE_OK,
    WM_CASE_UPDATED,
    WM_CASE_FAILED,
    WM_CASE_MALFORMED,
    WM_CASE_SKIPPED, /* could not run here (interop: the reason is the message) */
    WM_CASE_NSTATUS
};

struct wm_case_result {
    enum wm_case_status status;
    double seconds;
    size_t first_line; /* first differing line of the file, 0 if none */
    char *text;        /* the human report: "ok FILE", or "FAIL ..." with the diff */
    size_t len;
    char *message;     /* one line: why it failed (malloc'd, or NULL) */
    char *reproduce;   /* the command that repeats it (malloc'd, or NULL) */
    /* A failed comparison, for the JSON report: the unified diff as it
     * stands in text (diff_len 0: none), and the first differing line, the
     * file's (expected) and the run's (actual); malloc'd, NULL where that
     * side has no line there (it ended first). */
    size_t diff_off, diff_len;
    char *expected, *actual;
};

void wm_case_result_free(struct wm_case_result *r);
/* Notes where a diff printed to out (r->text's stream) begins and ends;
 * call wm_case_diff_begin before printing it, wm_case_diff_end after. */
void wm_case_diff_begin(struct wm_case_result *r, FILE *out);
void wm_case_diff_end(struct wm_case_result *r, FILE *out);
/* The first differing line of each side (NULL: that side has none). */
void wm_case_first_lines(struct wm_case_result *r, const char *want, size_t want_len,
                         const char *got, size_t got_len);
const char *wm_case_status_name(enum wm_case_status s);

/* The <testsuite>'s timestamp (the run's start, UTC, as the JUnit schema's
 * pattern has it: no zone suffix) and hostname. They differ run to run:
 * reports are never compared byte for byte. */
struct wm_junit_stamp {
    char timestamp[24]; /* 2026-12-07T09:52:07 */
    char hostname[256];
};
void wm_report_junit_stamp(struct wm_junit_stamp *s, time_t start);

/* One <testsuite> of n cases named by paths; failures carry the human text
 * (a malformed case's, its reproduce line too). */
void wm_report_junit(FILE *f, const char *suite, const struct wm_junit_stamp *stamp,
                     char *const *paths, const struct wm_case_result *r, size_t n);
/* TAP 13: the version and plan lines, then one line (and a YAML block for a
 * failure) per case, so it can stream. */
void wm_report_tap_begin(FILE *f, size_t n);
void wm_report_tap_case(FILE *f, size_t number, const char *path, const struct wm_case_result *r);
void wm_report_json(FILE *f, char *const *paths, const struct wm_case_result *r, size_t n);

/* The pieces the two reports are made of, for one written as its cases come
 * (explore, whose runs are too many to hold): the testsuite's counts, added
 * up case by case, go in its head, so the cases are written apart first. */
struct wm_junit_totals {
    size_t tests, failures, errors, skipped;
    double seconds;
};
void wm_report_junit_count(struct wm_junit_totals *t, const struct wm_case_result *r);
void wm_report_junit_head(FILE *f, const char *suite, const struct wm_junit_stamp *stamp,
                          const struct wm_junit_totals *t);
void wm_report_junit_case(FILE *f, const char *suite, const char *name,
                          const struct wm_case_result *r);
void wm_report_junit_tail(FILE *f);
/* s as a JSON string, or null for NULL. */
void wm_report_json_string(FILE *f, const char *s);
/* A case's "status", "seconds", "first_difference", "message" and
 * "reproduce" members, comma-separated, without the braces. */
void wm_report_json_fields(FILE *f, const struct wm_case_result *r);

/* The report file at path, for writing; "-" is stdout_fd (the real stdout,
 * see wm_suite_stdout_report), which fclose then closes. NULL with errno. */
FILE *wm_report_open(const char *path, int stdout_fd);
/* path as messages name it: "-" is "standard output". */
const char *wm_report_name(const char *path);

/* s as one shell word, for a reproduce line: as is when safe, else in
 * single quotes. */
void wm_shell_word(const char *s, char *buf, size_t size);

#endif
