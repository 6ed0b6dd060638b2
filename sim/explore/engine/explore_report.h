/* `warmer explore --junit FILE --json FILE`: the reports `warmer check`
 * writes (report.h), one testcase or object per run, so the files of many
 * shards merge (docs/EXPLORE.md, "Many machines"). An exploration may be
 * long, so nothing is held per run: JSON objects go to their file as runs
 * end, JUnit testcases to an unlinked spool file ($TMPDIR, else /tmp) until
 * the counts the testsuite's head carries are known. */
#ifndef WM_EXPLORE_REPORT_H
#define WM_EXPLORE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "html.h"
#include "report.h"

struct wm_xreport {
    const char *junit_path, *json_path; /* NULL: not asked for */
    FILE *junit, *spool, *json;
    struct wm_junit_totals totals;
    struct wm_junit_stamp stamp; /* when (the reports' opening) and where */
    uint64_t objects; /* JSON objects written */
    const char *html_path; /* --html FILE: the page, put together at the end */
    FILE *html;
    struct wm_html page;
    char *command; /* the page's head: the command line, and the seed */
    uint64_t seed;
};

/* Opens the files asked for (paths may be NULL; "-" is stdout_fd, see
 * wm_suite_stdout_report), so a path that cannot be
 * written fails before any run: 0, or -1 with err. */
int wm_xreport_open(struct wm_xreport *x, const char *junit_path, const char *json_path,
                    int stdout_fd, struct wm_err *err);
/* After wm_xreport_open: --html FILE too (path not "-"), the page's head
 * saying argv and seed: 0, or -1 with err (then close as ever). */
int wm_xreport_html(struct wm_xreport *x, const char *path, int argc, char *const *argv,
                    uint64_t seed, struct wm_err *err);
/* Run `run` of `seed` ended: its testcase "run RUN of seed SEED" and its
 * object {"run": RUN, "seed": SEED, "scenario": ..., "file": ..., then
 * "signature": ... when sig is not NULL (--keep-going's failures), then the
 * members check writes}. file: the case written for a failure, or NULL. */
void wm_xreport_run(struct wm_xreport *x, uint64_t seed, uint64_t run, const char *scenario,
                    const char *file, const char *sig, const struct wm_case_result *r);
/* Finishes and closes both files, also after an error: 0, or -1 with err. */
int wm_xreport_close(struct wm_xreport *x, struct wm_err *err);

#endif
