/* The option layer every warmer command parses with: getopt_long under one
 * set of rules (docs/CLI.md, Conventions). A command declares a table of its
 * options and a function that applies one; wm_opts_parse walks the words,
 * calls it for each option in order, and collects the operands.
 *
 *   - Options and operands mix in any order; `--` ends the options.
 *   - A value follows its option as the next word (taken whatever it starts
 *     with: `--game -5:-1:-3:4`) or after `=`; a short option's value may be
 *     glued on (`-j4`). Long names are exact: no abbreviations.
 *   - -h/--help prints the command's usage to stdout, -V/--version the
 *     version; both end the command with status 0.
 *   - An unknown option, a missing value or a stray operand is one line on
 *     stderr, "warmer CMD: ... (try warmer CMD --help)", naming the word, and
 *     status 2. */
#ifndef WM_OPTS_H
#define WM_OPTS_H

#include <stdint.h>

#include "err.h"
#include "report.h" /* the exit statuses */


struct wm_args {
    int argc;
    char **argv;
    int i;               /* the command's first word (argv[i - 1] is its name) */
    const char *cmd;     /* for messages: "warmer run" */
    const char *prog;    /* argv[0], for reproduce lines */
    const char *version; /* what --version prints */
    char **ops;          /* after wm_opts_parse: the operands, in order */
    int nops;
};

/* One option a command takes. id is its short letter ('j': -j as well as
 * --jobs) or a number from WM_OPT_ID up (long name only). */
struct wm_opt {
    const char *name; /* without "--"; NULL ends a table */
    int arg;          /* 1: takes a value */
    int id;
};
#define WM_OPT_ID 256

/* One option as given. */
struct wm_optval {
    int id;
    const char *name; /* as the user wrote it, for messages: "--jobs" or "-j" */
    const char *val;  /* its value, or NULL */
};

/* Applies one option: 0, or -1 after printing a usage error. */
typedef int (*wm_opt_fn)(struct wm_args *a, void *ctx, const struct wm_optval *o);

struct wm_cmd_spec {
    const char *help;          /* -h, --help */
    const struct wm_opt *opts; /* the command's table ({NULL} ends it) */
    int max_ops;               /* operands allowed; -1: any number */
};

/* What wm_opts_parse returns when the command goes on: no exit status
 * (report.h) is negative, so a caller returns at once on anything else. */
enum wm_opts_rc { WM_OPTS_GO_ON = -1 };
_Static_assert((int)WM_OPTS_GO_ON < 0 && WM_EXIT_OK >= 0 && WM_EXIT_FAIL >= 0 &&
                   WM_EXIT_USAGE >= 0 && WM_EXIT_ENV >= 0,
               "going on must not read as an exit status");

/* Parses a->argv from a->i. Returns WM_OPTS_GO_ON (a->ops holds the
 * operands; main frees them), or the exit status to return at once:
 * WM_EXIT_OK after --help or --version, WM_EXIT_USAGE after a message,
 * WM_EXIT_FAIL out of memory. */
int wm_opts_parse(struct wm_args *a, const struct wm_cmd_spec *spec, wm_opt_fn fn, void *ctx);

/* Prints "warmer CMD: msg (try warmer CMD --help)" to stderr and returns
 * WM_EXIT_USAGE. */
int wm_usage_error(const struct wm_args *a, const char *fmt, ...) WM_PRINTF(2, 3);

/* The one number parser of the command line: plain decimal (digits only, no
 * sign, space or leading zero but "0 itself") in lo..hi. 0, or -1 after a
 * message naming the option and the range. */
int wm_parse_range(const struct wm_args *a, const char *name, const char *v, uint64_t lo,
                   uint64_t hi, uint64_t *out);
int wm_opt_range(const struct wm_args *a, const struct wm_optval *o, uint64_t lo, uint64_t hi,
                 uint64_t *out);
/* Seconds, up to 3 decimals ("10", "0.25"; no leading zero but "0.x"), in
 * 0.01..86400, as milliseconds. 0, or -1 after a message. Every option that
 * takes seconds parses them here, so each takes decimals. */
#define WM_OPT_SECONDS_MAX_MS 86400000
int wm_opt_seconds(const struct wm_args *a, const struct wm_optval *o, int *ms);
/* The same in 0.01..max_ms / 1000 seconds (max_ms whole seconds), or 0 when
 * zero_ok (an option whose 0 means "no limit"). */
int wm_opt_seconds_in(const struct wm_args *a, const struct wm_optval *o, int zero_ok,
                      int64_t max_ms, int64_t *ms);
/* HOST:PORT for --listen (listen: port 0 picks one) or --connect: the form
 * and the port are checked here (net.h), names are looked up later. */
int wm_opt_hostport(const struct wm_args *a, const struct wm_optval *o, int listen);

#endif
