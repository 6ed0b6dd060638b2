/* Layer 5 of 7, sim/check/: the case judge. A case's file against what its
 * run made: both rendered and compared, the verdict and its words, the diff
 * with its first difference, and the reproduce line. check, replay, review
 * (sim/cli/check_file.c) and interop (interop.c) judge through here, so a
 * case fails for the same reasons in the same words everywhere. */
#ifndef WM_JUDGE_H
#define WM_JUDGE_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "live.h"
#include "report.h"
#include "transcript.h"

struct wm_judge {
    const char *path;               /* the file, as its reports name it */
    const struct wm_transcript *t;  /* its header and records */
    struct wm_rendered want, got;   /* the file's text and the run's */
    int rendered;                   /* both rendered */
    int same;                       /* rendered and equal */
};

/* What a case that ran is judged to be. */
enum wm_judge_verdict {
    WM_JUDGE_PASSED, /* the records are the file's, no live fault */
    WM_JUDGE_PEER,   /* a live peer's fault or reset, in the verdict's words */
    WM_JUDGE_DIFFER  /* the records differ from the file */
};

/* Renders the file's records and the run's (logs NULL: the run made none,
 * nothing is rendered) and compares them. 0, or -1 when logs were given and
 * could not be rendered (out of memory, journals that do not merge). Free
 * with wm_judge_free either way. */
int wm_judge_compare(struct wm_judge *j, const char *path, const struct wm_transcript *t,
                     const struct wm_conn_log *logs);
void wm_judge_free(struct wm_judge *j);

/* The case verdict (v NULL: an in-process run, no live verdict). Unless it
 * is WM_JUDGE_PASSED, buf gets why, as "PATH: ...": the live verdict
 * (wm_verdict_format), a reset, or "the records differ from the file"
 * (whose NULL) / "the server's records differ ..." (whose "server"). */
enum wm_judge_verdict wm_judge_verdict(const struct wm_judge *j, const struct wm_live_verdict *v,
                                       const char *whose, char *buf, size_t size);
/* "PATH: the records differ from the file", as the verdict words it. */
void wm_judge_differ_reason(char *buf, size_t size, const char *path, const char *whose);

/* The verdict lines every command prints: "ok PATH" (res->status OK), and
 * "FAIL PATH: malformed: WHY" for a file that does not parse (res->status
 * MALFORMED, res->message WHY). */
void wm_judge_print_ok(FILE *out, const char *path, struct wm_case_result *res);
void wm_judge_print_malformed(FILE *out, const char *path, const char *why,
                              struct wm_case_result *res);

/* The diff of records that differ and the "first difference: PATH:LINE"
 * line; res gets the line and the diff's place (compare.h). */
void wm_judge_diff(const struct wm_judge *j, FILE *out, struct wm_case_result *res);
/* The line that ends every diff (a streamed one's too). */
void wm_judge_first_difference(FILE *out, const char *path, size_t line);

/* The reproduce line: res->reproduce becomes "PROG COMMAND" (COMMAND: the
 * words after the program's name, shell-quoted by the caller); -1 if out
 * of memory (res->reproduce NULL). */
int wm_judge_reproduce_set(struct wm_case_result *res, const char *prog, const char *command);
/* "reproduce: PROG COMMAND", when res has one. */
void wm_judge_reproduce_print(FILE *out, const struct wm_case_result *res);

#endif
