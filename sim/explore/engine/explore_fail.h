/* How `warmer explore` tells a failing run: the violation and the scenario,
 * the case written as found, shrunk, written again, and the commands that
 * reproduce it, on stdout and into the run's report (report.h). */
#ifndef WM_EXPLORE_FAIL_H
#define WM_EXPLORE_FAIL_H

#include <stdio.h>

#include "explore.h"
#include "explore_live.h"
#include "explore_mem.h"
#include "report.h"
#include "watchdog.h"

struct wm_xfail {
    const char *cmd, *prog;         /* for messages, and the reproduce lines */
    uint64_t seed;
    const struct wm_scn_bias *bias; /* --driver and --faults: part of every run's draw */
    struct wm_live_target *live;    /* --connect, or NULL */
    uint64_t live_seed;             /* the live server's seed for the run's first connection */
    const char *dir;                /* --out */
    /* a shard of many machines: the reproduce line must need nothing this
     * machine wrote, so it names the run (--seed S --run K), not the file */
    int sharded;
    int no_fork; /* --no-fork: the shrinking runs stay in this process */
    const struct wm_explore_budget *budget; /* every run's (NULL: the defaults) */
    struct wm_watchdog *watch;             /* --no-fork's, or NULL */
    const char *sig; /* --keep-going: the finding's signature (explore_sig.h), said; or NULL */
    unsigned reruns; /* --reruns: the shrunk case's runs before it is reported */
    const struct wm_xmem *mem; /* --memcheck: a memory finding's checker, or NULL */
};

/* Run k failed (*out, on *scn): prints it, writes the case as found, shrinks
 * *scn and *out, writes the shrunk case and prints the reproduce lines.
 * res gets the same text, the violation as its message, the reproduce
 * command and the shrunk violation's line; file the shrunk case's path (""
 * if none was written). Returns WM_EXIT_FAIL. */
int wm_xfail_report(const struct wm_xfail *x, uint64_t k, struct wm_scn *scn,
                    struct wm_outcome *out, struct wm_case_result *res, char *file, size_t size);

/* --keep-going: run k failed (*out) with a signature an earlier run (first)
 * was reported and shrunk for (UINT64_MAX: a signature past --max-findings): told in short, not shrunk, with the command
 * that repeats the run from the seed; res as for wm_xfail_report. Returns
 * WM_EXIT_FAIL. */
int wm_xfail_again(const struct wm_xfail *x, uint64_t k, uint64_t first,
                   const struct wm_outcome *out, struct wm_case_result *res);

/* Before any run: 0 if a failure could be written under dir (it exists as
 * a folder this process may write in, or its nearest existing ancestor is
 * one), else -1 with err naming it. Nothing is created. */
int wm_xfail_check_dir(const char *dir, struct wm_err *err);

/* The options that change what run k draws, as " --faults reset,split". */
void wm_xfail_draw_words(const struct wm_scn_bias *b, char *buf, size_t size);

/* "LABEL: kind at line N, connection C: message\n" */
void wm_xfail_violation(FILE *f, const char *label, const struct wm_outcome *o);

#endif
