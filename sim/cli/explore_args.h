/* warmer explore's command line: its options parsed, checked against each
 * other, and the plan they make (which runs, where they go, their budget). */
#ifndef WM_EXPLORE_ARGS_H
#define WM_EXPLORE_ARGS_H

#include "cli.h"
#include "explore.h"
#include "explore_mem.h"
#include "explore_proc.h"
#include "explore_sig.h"
#include "live.h"
#include "watchdog.h"

struct wm_xplan {
    uint64_t seed;
    struct wm_scn_bias bias;
    struct wm_live_target *live; /* --connect: runs go to a live server, one at a time */
    struct wm_explore_slice slice; /* the runs this process makes */
    unsigned shard_k, shard_n;     /* --shard K/N (1/1: every run) */
    int one_run;                   /* --run K */
    int no_fork;                   /* --no-fork: scenarios run in this process */
    struct wm_explore_budget budget; /* --run-timeout, --max-steps */
    struct wm_watchdog *watch;     /* --no-fork: the run's time budget */
    struct wm_xsig_table *sigs;    /* --keep-going: the signatures found, or NULL */
    unsigned reruns;               /* --reruns */
    const struct wm_xmem *mem;     /* --memcheck: the checker, or NULL */
};

#define EXP_REPLAY_MAX 256 /* --replay options in one command line */

struct wm_xargs {
    struct wm_xplan e;
    struct wm_live_target target;
    struct wm_suite_opts suite; /* --shard, --junit, --json, parsed as check parses them */
    uint64_t runs, run;
    double seconds;
    unsigned jobs;
    const char *dir, *replay_path;
    int have_runs, have_run, have_shard;
    int keep_going;        /* --keep-going */
    uint64_t max_findings; /* --max-findings (0: not given) */
    char *replay_ops[EXP_REPLAY_MAX]; /* every --replay, in order (replay_path: the first) */
    size_t nreplay;
    struct wm_select sel; /* -k among --replay's files */
    const char *server_cmd, *client_cmd; /* --server, --client */
    int process_timeout_ms;               /* --process-timeout */
    uint64_t memcheck;      /* --memcheck N (0: off) */
    const char *memcheck_cmd; /* --memcheck-cmd */
};


/* Parses a's options into x (its defaults set here) and checks them
 * against each other: WM_OPTS_GO_ON, or the exit status after a usage
 * message. */
int wm_xargs_parse(struct wm_args *a, struct wm_xargs *x);

/* --server CMD or --client CMD: runs go to a fresh process each
 * (explore_proc.h). -1 to go on, else the exit status of a usage error. */
int wm_xargs_live_cmd(struct wm_args *a, const struct wm_xargs *x, struct wm_xplan *e,
                      struct wm_live_target *target, struct wm_xproc *xp);

#endif
