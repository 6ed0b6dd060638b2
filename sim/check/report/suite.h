/* Layer 5 of 7, sim/check/: judging runs against files, reports, interop; uses net/ and below
 * (docs/DESIGN.md, "Layers").
 *
 * A run of many cases as a CI pipeline sees it, shared by `warmer check` and
 * `warmer interop`: the shard of the cases to run, each case's report printed
 * in file order as it comes (the human text, or TAP), a progress line on a
 * terminal, one summary line, and the JUnit, JSON and HTML files written at
 * the end from the same results (report.h, html.h). */
#ifndef WM_SUITE_H
#define WM_SUITE_H

#include <stddef.h>

#include "err.h"
#include "files.h"
#include "report.h"
#include "select.h"

struct wm_suite_opts {
    unsigned shard_k, shard_n; /* --shard K/N; 1/1 runs every case */
    int tap;                   /* --tap: TAP 13 on stdout instead of the human text */
    const char *junit_path;    /* --junit FILE, or NULL; "-" is stdout */
    const char *json_path;     /* --json FILE, or NULL; "-" is stdout */
    int show_updated;          /* the summary counts "updated" (check --update) */
    int show_skipped;          /* the summary counts "skipped" (interop) */
    int stdout_fd;             /* the real stdout, for the report named "-"; or -1 */
    int color;                 /* --color: WM_COLOR_AUTO, _ALWAYS or _NEVER */
    int progress_ms;           /* --progress: off a terminal, a line this often (0: none) */
    long durations;            /* --durations N: the N slowest cases (0: all; -1: none) */
    struct wm_select sel;      /* -k, --last-failed, --cache-dir, --no-cache */
    /* set by wm_suite_select: */
    const char *cache_cmd;     /* whose last-failed file the run updates, or NULL */
    size_t deselected;         /* cases of this shard -k or --last-failed left out */
    const char *html_path;     /* --html FILE, or NULL (never "-": stdout has the cases) */
    int argc;                  /* the command line, for the page's head */
    char *const *argv;
};
enum { WM_COLOR_AUTO, WM_COLOR_ALWAYS, WM_COLOR_NEVER };
#define WM_PROGRESS_DEFAULT_MS 10000
#define WM_DURATIONS_MAX 1000000
#define WM_SUITE_OPTS_INIT                                                                         \
    {1, 1, 0, NULL, NULL, 0, 0, -1, WM_COLOR_AUTO, WM_PROGRESS_DEFAULT_MS, -1, {{NULL}, 0, 0, 0, NULL}, \
     NULL, 0, NULL, 0, NULL}

/* "K/N" into o: 0, or -1 if it is not 1 <= K <= N <= WM_SHARD_MAX. */
#define WM_SHARD_MAX 100000
int wm_suite_parse_shard(const char *v, struct wm_suite_opts *o);
/* Keeps in f, in order, the cases of shard K: those whose path hashes
 * (FNV-1a) to K - 1 modulo N. A case's shard depends on its name alone, so
 * shards stay stable as files are added, and N shards run each case once. */
void wm_suite_shard(struct wm_files *f, const struct wm_suite_opts *o);
/* The cases to run of f: those -k and --last-failed select (select.h), then
 * the shard's; o->deselected counts the shard's cases left out, and
 * o->cache_cmd is cmd (the run then updates cmd's last-failed file) unless
 * --no-cache. A note goes to stderr prefixed with prog ("warmer check").
 * 0, or -1 with err (nothing selected, the cache unreadable). */
int wm_suite_select(struct wm_files *f, struct wm_suite_opts *o, const char *prog,
                    const char *cmd, struct wm_err *err);

struct wm_suite {
    const char *cmd;   /* for messages and the progress line: "warmer check" */
    const char *name;  /* the JUnit suite: "warmer.check" */
    const struct wm_suite_opts *o;
    char *const *paths;
    size_t n, taken;   /* cases, and those reported so far (in order) */
    struct wm_case_result *all;
    unsigned counts[WM_CASE_NSTATUS];
    int tty;           /* stderr is a terminal: show progress */
    int color;         /* the cases' text is coloured (--color, NO_COLOR, stdout a terminal) */
    double started, last_progress; /* wm_clock_s() (clock.h): for the progress lines */
    size_t not_transcripts; /* files the directories held that were skipped, for the summary */
    size_t deselected;      /* cases -k or --last-failed left out (o->deselected) */
    struct wm_junit_stamp stamp; /* when and where the run began, for JUnit */
    FILE *junit, *json, *html;   /* the report files, open from the start */
};

/* A report named "-" goes to stdout, and the human text (or anything else
 * the command prints there) to stderr instead: keeps the real stdout in
 * o->stdout_fd and points fd 1 at stderr. At most one report may be "-", and
 * not with --tap. 0 (nothing to do too), or -1 with the reason in err. */
int wm_suite_stdout_report(struct wm_suite_opts *o, struct wm_err *err);

/* "auto", "always" or "never" into *color: 0, or -1. */
int wm_suite_parse_color(const char *v, int *color);
/* Whether the cases' text is coloured: --color always, or auto with stdout
 * a terminal and NO_COLOR unset or empty (no-color.org: an option given
 * wins over the variable). */
int wm_suite_use_color(int color, int stdout_is_tty, const char *no_color);


/* Starts a run of n cases (the TAP plan line) and opens its report files.
 * WM_SUITE_BEGUN, or an error said on stderr. */
enum { WM_SUITE_BEGUN = 0, WM_SUITE_NO_MEMORY = -1, WM_SUITE_NO_REPORT = -2 };
int wm_suite_begin(struct wm_suite *s, const char *cmd, const char *name,
                   const struct wm_suite_opts *o, char *const *paths, size_t n);
/* Case number s->taken (the next in file order) has ended: prints it
 * (coloured if s->color), keeps r, which the suite now owns, and says the
 * progress: a live line on a terminal, else a line on stderr at most every
 * --progress seconds once that long has passed. */
void wm_suite_case(struct wm_suite *s, struct wm_case_result *r);
/* Prints the summary ("N passed, N failed ...", then ", interrupted by
 * SIGINT: K of N cases ran" when signo is not 0; a TAP "Bail out!" when
 * fewer than n cases ran), the slowest cases if --durations asked, writes
 * the report files with the cases that ran, merges them into the
 * last-failed file (o->cache_cmd; a failure to is a warning), frees. 0, or -1 if a report file could not be written (said on
 * stderr). */
int wm_suite_end(struct wm_suite *s, int signo);

#endif
