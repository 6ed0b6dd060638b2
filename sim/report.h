/* Test reports of `warmer check` and `warmer interop` for CI pipelines, from one result per
 * case: JUnit XML as Jenkins, GitLab and GitHub read it, TAP version 14, and
 * a JSON array. The human format is the cases' own text, printed as they
 * come; these are written from the same results. */
#ifndef WM_REPORT_H
#define WM_REPORT_H

#include <stddef.h>
#include <stdio.h>

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
};

void wm_case_result_free(struct wm_case_result *r);
const char *wm_case_status_name(enum wm_case_status s);

/* One <testsuite> of n cases named by paths; failures carry the human text. */
void wm_report_junit(FILE *f, const char *suite, char *const *paths,
                     const struct wm_case_result *r, size_t n);
/* TAP 14: the version and plan lines, then one line (and a YAML block for a
 * failure) per case, so it can stream. */
void wm_report_tap_begin(FILE *f, size_t n);
void wm_report_tap_case(FILE *f, size_t number, const char *path, const struct wm_case_result *r);
void wm_report_json(FILE *f, char *const *paths, const struct wm_case_result *r, size_t n);

/* s as one shell word, for a reproduce line: as is when safe, else in
 * single quotes. */
void wm_shell_word(const char *s, char *buf, size_t size);

#endif
