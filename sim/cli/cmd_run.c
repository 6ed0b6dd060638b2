/* warmer run: simulate client and server, print the transcript or the book. */
#include <string.h>

#include "cli.h"

static const char run_help[] =
    "usage: warmer run [--seed N] [--game LO:HI:SECRET:COUNT]... [--format transcript|book]\n"
    "                  [--profile strict|book|book-asyncio]\n"
    "                  [--connections N] [--driver sim|threads|events] [--transport socketpair|memory]\n"
    "                  [--chunking] [--max-line N] [--max-guesses N] [--max-steps N]\n"
    "                  [--max-journal BYTES] [--fault FAULT]...\n"
    "Plays every game on every connection in one process and prints the transcript\n"
    "(default) or the reference's console output (book). Defaults: seed 1234 and\n"
    "the book's games 1:5:3:5 and 10:15:12:5; connection n's server RNG gets seed + n - 1.\n"
    "--profile: the sessions played (and written to the header when not strict):\n"
    "strict (default, the contract), book or book-asyncio (the book's code as it\n"
    "behaves; they take LO, HI and SECRET beyond int64).\n"
    "--transport, --chunking and --max-steps are the simulator's: --driver sim only.\n"
    "Exit: 0 ok, 1 a session reported an error (the transcript shows it), 2 bad usage.\n";

enum { RUN_FORMAT = WM_OPT_LOCAL };

static const struct wm_opt run_opts[] = {WM_OPTS_CFG, WM_OPTS_EXEC, {"format", 1, RUN_FORMAT},
                                         {NULL, 0, 0}};

struct run_ctx {
    struct wm_run_args run;
    int book;
};

static int run_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct run_ctx *r = ctx;
    if (o->id != RUN_FORMAT)
        return wm_opt_run(a, &r->run, o);
    if (strcmp(o->val, "book") != 0 && strcmp(o->val, "transcript") != 0)
        return wm_usage_error(a, "%s wants transcript or book, got \"%s\"", o->name, o->val), -1;
    r->book = strcmp(o->val, "book") == 0;
    return 0;
}

int wm_cmd_run(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {run_help, run_opts, 0};
    struct wm_cfg cfg;
    struct wm_exec_opts opts;
    struct run_ctx r = {.run = {.cfg = &cfg, .exec = &opts}};
    int rc;
    wm_cfg_init(&cfg);
    wm_exec_opts_init(&opts);
    if ((rc = wm_opts_parse(a, &spec, run_opt, &r)) != WM_OPTS_GO_ON)
        goto out;
    rc = WM_EXIT_USAGE;
    if (wm_run_args_check(a, &r.run) < 0)
        goto out;
    int book = r.book;
    struct wm_err err;
    if (cfg.ngames == 0 && wm_cfg_default_games(&cfg, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        goto out;
    }
    if (wm_cfg_validate(&cfg, &err) < 0 || wm_exec_validate(&cfg, &opts, &err) < 0) {
        wm_usage_error(a, "%s", err.msg);
        goto out;
    }
    int saw_error;
    if (wm_execute_write(&cfg, &opts, book, stdout, &saw_error, &err) < 0) {
        fflush(stdout); /* what was written, before the reason */
        fprintf(stderr, "%s: %s\nreproduce: ", a->cmd, err.msg);
        wm_print_run_command(stderr, a->prog, &cfg, &opts);
        rc = WM_EXIT_FAIL;
        goto out;
    }
    rc = WM_EXIT_OK;
    if (saw_error) {
        fflush(stdout);
        fprintf(stderr, "%s: a session reported an error (see the transcript)\n", a->cmd);
        rc = WM_EXIT_FAIL;
    }
out:
    wm_cfg_free(&cfg);
    return rc;
}
