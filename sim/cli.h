/* Command-line plumbing shared by the warmer commands (CLI.md). */
#ifndef WM_CLI_H
#define WM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "exec.h"

enum { WM_EXIT_OK = 0, WM_EXIT_FAIL = 1, WM_EXIT_USAGE = 2 };

struct wm_args {
    int argc;
    char **argv;
    int i;           /* next argument */
    const char *cmd; /* for messages: "warmer run" */
    const char *prog;
};

/* If argv[i] is --name or --name=V, takes it (and its value) and returns 1;
 * 0 if it is not; -1 (message printed) if the value is missing. */
int wm_arg_value(struct wm_args *a, const char *name, const char **val);
int wm_arg_flag(struct wm_args *a, const char *name);
int wm_parse_u64(struct wm_args *a, const char *name, const char *v, uint64_t max, uint64_t *out);

/* Parses the options that shape a run's settings and its driver; 1 taken,
 * 0 not one of them, -1 bad (message printed). */
int wm_arg_cfg(struct wm_args *a, struct wm_cfg *cfg);
int wm_arg_exec(struct wm_args *a, struct wm_exec_opts *o);
/* --timeout S (0.01..86400 seconds, up to 3 decimals) into *ms; 1 taken, 0 not
 * it, -1 bad. */
int wm_arg_timeout(struct wm_args *a, int *ms);
/* The same for any option of seconds (name is "--process-timeout", ...). */
int wm_arg_seconds(struct wm_args *a, const char *name, int *ms);

/* Prints "warmer CMD: msg" to stderr and returns WM_EXIT_USAGE. */
int wm_usage_error(const struct wm_args *a, const char *fmt, ...) WM_PRINTF(2, 3);

/* s as one shell word: as is when safe, else in single quotes. */
void wm_shell_word(const char *s, char *buf, size_t size);

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

#endif
