/* Layer 7 of 7, sim/cli/: the commands; uses every layer (docs/DESIGN.md, "Layers").
 *
 * Command-line plumbing shared by the warmer commands (CLI.md). */
#ifndef WM_CLI_H
#define WM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "exec.h"
#include "opts.h"
#include "pool.h"
#include "suite.h"

/* Options several commands share, one definition each: their ids, their
 * table entries, and wm_opt_run, which applies them. */
enum {
    WM_OPT_SEED = WM_OPT_ID, /* the run's settings (struct wm_cfg) */
    WM_OPT_GAME,
    WM_OPT_CONNECTIONS,
    WM_OPT_MAX_LINE,
    WM_OPT_MAX_GUESSES,
    WM_OPT_CHUNKING,
    WM_OPT_FAULT,
    WM_OPT_PROFILE,
    WM_OPT_DRIVER, /* how it runs (struct wm_exec_opts) */
    WM_OPT_TRANSPORT,
    WM_OPT_MAX_STEPS,
    WM_OPT_MAX_JOURNAL,
    WM_OPT_MAX_RUN_MEMORY,
    WM_OPT_TIMEOUT, /* waits for a live peer */
    WM_OPT_CLOSE_WINDOW,
    WM_OPT_SHARD,   /* a suite of cases (struct wm_suite_opts) */
    WM_OPT_JUNIT,
    WM_OPT_JSON,
    WM_OPT_TAP,
    WM_OPT_COLOR,
    WM_OPT_PROGRESS,
    WM_OPT_DURATIONS,
    WM_OPT_LAST_FAILED, /* selecting cases (struct wm_select) */
    WM_OPT_CACHE_DIR,
    WM_OPT_NO_CACHE,
    WM_OPT_HTML,
    WM_OPT_LOCAL    /* a command's own ids start here */
};
#define WM_OPT_JOBS 'j' /* -j N, --jobs N: 1..WM_JOBS_MAX */
#define WM_OPT_KEYWORD 'k' /* -k PATTERN, --keyword PATTERN (select.h) */
#define WM_JOBS_MAX WM_POOL_MAX_WORKERS

#define WM_OPTS_SEED {"seed", 1, WM_OPT_SEED}
#define WM_OPTS_MAX_LINE {"max-line", 1, WM_OPT_MAX_LINE}
#define WM_OPTS_MAX_GUESSES {"max-guesses", 1, WM_OPT_MAX_GUESSES}
/* every command that plays or judges sessions: --profile strict|book|book-asyncio */
#define WM_OPTS_PROFILE {"profile", 1, WM_OPT_PROFILE}
/* run, client: --seed --profile --game --connections --max-line --max-guesses --chunking --fault */
#define WM_OPTS_CFG                                                                                \
    WM_OPTS_SEED, WM_OPTS_PROFILE, {"game", 1, WM_OPT_GAME},                                     \
        {"connections", 1, WM_OPT_CONNECTIONS}, WM_OPTS_MAX_LINE, WM_OPTS_MAX_GUESSES,           \
        {"chunking", 0, WM_OPT_CHUNKING}, {"fault", 1, WM_OPT_FAULT}
/* run, check, replay: --driver --transport --max-steps --max-journal --max-run-memory */
#define WM_OPTS_EXEC                                                                               \
    {"driver", 1, WM_OPT_DRIVER}, {"transport", 1, WM_OPT_TRANSPORT},                            \
        {"max-steps", 1, WM_OPT_MAX_STEPS}, {"max-journal", 1, WM_OPT_MAX_JOURNAL},              \
        {"max-run-memory", 1, WM_OPT_MAX_RUN_MEMORY}
#define WM_OPTS_TIMEOUT {"timeout", 1, WM_OPT_TIMEOUT}
#define WM_OPTS_CLOSE_WINDOW {"close-window", 1, WM_OPT_CLOSE_WINDOW}
/* check, interop: --shard K/N --junit FILE --json FILE --tap --color WHEN
 * --progress SECONDS --durations N --html FILE, and WM_OPTS_SELECT */
#define WM_OPTS_SUITE                                                                              \
    {"shard", 1, WM_OPT_SHARD}, {"junit", 1, WM_OPT_JUNIT}, {"json", 1, WM_OPT_JSON},           \
        {"tap", 0, WM_OPT_TAP}, {"color", 1, WM_OPT_COLOR}, {"progress", 1, WM_OPT_PROGRESS},   \
        {"durations", 1, WM_OPT_DURATIONS}, {"html", 1, WM_OPT_HTML}, WM_OPTS_SELECT,           \
        {"no-cache", 0, WM_OPT_NO_CACHE}
/* check, interop, review: -k PATTERN --last-failed --cache-dir DIR */
#define WM_OPTS_SELECT                                                                             \
    {"keyword", 1, WM_OPT_KEYWORD}, {"last-failed", 0, WM_OPT_LAST_FAILED},                      \
        {"cache-dir", 1, WM_OPT_CACHE_DIR}
#define WM_OPTS_JOBS {"jobs", 1, WM_OPT_JOBS}

/* Where wm_opt_run puts the shared options; a NULL target's options are not
 * the command's (its table leaves them out). */
struct wm_run_args {
    struct wm_cfg *cfg;
    struct wm_exec_opts *exec;
    int *timeout_ms;
    const char *sim_only; /* the first of --transport, --max-steps, --chunking given */
};

/* Applies a shared option: 0, or -1 after a usage error. */
int wm_opt_run(struct wm_args *a, struct wm_run_args *r, const struct wm_optval *o);
/* After parsing: the simulator's options under another driver are refused.
 * 0, or -1 after a usage error. */
int wm_run_args_check(struct wm_args *a, const struct wm_run_args *r);
/* A suite option (WM_OPTS_SUITE) into *s: 0, or -1 after a usage error. */
int wm_opt_suite(struct wm_args *a, struct wm_suite_opts *s, const struct wm_optval *o);
/* A selecting option (WM_OPTS_SELECT, --no-cache) into *s: 0, or -1 after a
 * usage error. */
int wm_opt_select(struct wm_args *a, struct wm_select *s, const struct wm_optval *o);
/* After parsing: --last-failed and --cache-dir want the cache on. 0, or -1
 * after a usage error. */
int wm_select_args_check(struct wm_args *a, const struct wm_select *s);
/* Is o a selecting option (wm_opt_select's)? */
#define WM_OPT_IS_SELECT(id)                                                                       \
    ((id) == WM_OPT_KEYWORD || (id) == WM_OPT_LAST_FAILED || (id) == WM_OPT_CACHE_DIR ||          \
     (id) == WM_OPT_NO_CACHE)
/* --profile NAME into *p: 0, or -1 after a usage error naming NAME and the
 * three names. */
int wm_opt_profile(struct wm_args *a, const struct wm_optval *o, enum wm_profile *p);
/* -j N, --jobs N into *jobs: 0, or -1 after a usage error. */
int wm_opt_jobs(struct wm_args *a, const struct wm_optval *o, unsigned *jobs);
/* --close-window S (0: off) into *ms: 0, or -1 after a usage error. */
int wm_opt_close_window(struct wm_args *a, const struct wm_optval *o, int *ms);

/* That $TMPDIR (else /tmp) takes the temporary files runs spool to: 0, or
 * -1 after saying why on stderr (the command then exits WM_EXIT_ENV). */
int wm_tmp_required(const struct wm_args *a);

/* The FILE|DIR operands of check, interop and review, made ready to run:
 * collected, selected (-k, --last-failed from `cache_cmd`'s cache), $TMPDIR
 * checked and, if `report`, the report to stdout opened. 0, or the exit
 * code after saying why, files freed. */
int wm_suite_files(const struct wm_args *a, struct wm_files *files, struct wm_suite_opts *so,
                   const char *cache_cmd, int report);

/* The options that differ from the defaults, as " --driver threads ...". */
void wm_exec_opts_string(const struct wm_exec_opts *o, char *buf, size_t size);
/* The one-line command that reproduces cfg (and o, if not NULL) with warmer run. */
void wm_print_run_command(FILE *out, const char *prog, const struct wm_cfg *cfg,
                          const struct wm_exec_opts *o);

int wm_cmd_run(struct wm_args *a);
int wm_cmd_check(struct wm_args *a);
int wm_cmd_replay(struct wm_args *a);
int wm_cmd_client(struct wm_args *a);
int wm_cmd_serve(struct wm_args *a);
int wm_cmd_interop(struct wm_args *a);
int wm_cmd_explore(struct wm_args *a);
int wm_cmd_record(struct wm_args *a);
int wm_cmd_load(struct wm_args *a);
int wm_cmd_review(struct wm_args *a);
int wm_cmd_report(struct wm_args *a);

#endif
