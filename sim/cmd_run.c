/* warmer run: simulate client and server, print the transcript or the book. */
#include <string.h>

#include "cli.h"

static const char run_help[] =
    "usage: warmer run [--seed N] [--game LO:HI:SECRET:COUNT]... [--format transcript|book]\n"
    "                  [--connections N] [--driver sim|threads|events] [--transport socketpair|memory]\n"
    "                  [--chunking] [--max-line N] [--max-guesses N] [--max-steps N]\n"
    "                  [--max-journal BYTES]\n"
    "Plays every game on every connection in one process and prints the transcript\n"
    "(default) or the reference's console output (book). Defaults: seed 1234 and\n"
    "the book's games 1:5:3:5 and 10:15:12:5; connection n's server RNG gets seed + n - 1.\n"
    "Exit: 0 ok, 1 a session reported an error (the transcript shows it), 2 bad usage.\n";

int wm_cmd_run(struct wm_args *a)
{
    struct wm_cfg cfg;
    struct wm_exec_opts opts;
    int book = 0, rc = WM_EXIT_USAGE;
    wm_cfg_init(&cfg);
    wm_exec_opts_init(&opts);
    while (a->i < a->argc) {
        const char *v;
        int r;
        if (wm_arg_flag(a, "--help")) {
            fputs(run_help, stdout);
            rc = WM_EXIT_OK;
            goto out;
        }
        if ((r = wm_arg_cfg(a, &cfg)) != 0 || (r = wm_arg_exec(a, &opts)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if ((r = wm_arg_value(a, "--format", &v)) != 0) {
            if (r < 0)
                goto out;
            if (strcmp(v, "book") != 0 && strcmp(v, "transcript") != 0) {
                wm_usage_error(a, "--format wants transcript or book, got \"%s\"", v);
                goto out;
            }
            book = strcmp(v, "book") == 0;
            continue;
        }
        wm_usage_error(a, "unknown argument \"%s\"", a->argv[a->i]);
        goto out;
    }
    struct wm_err err;
    if (cfg.ngames == 0 && wm_cfg_default_games(&cfg, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        goto out;
    }
    if (wm_cfg_validate(&cfg, &err) < 0 || wm_exec_validate(&cfg, &opts, &err) < 0) {
        wm_usage_error(a, "%s", err.msg);
        goto out;
    }
    struct wm_conn_log *logs;
    if (wm_execute(&cfg, NULL, &opts, &logs, &err) < 0) {
        fprintf(stderr, "%s: %s\nreproduce: ", a->cmd, err.msg);
        wm_print_run_command(stderr, a->prog, &cfg, &opts);
        rc = WM_EXIT_FAIL;
        goto out;
    }
    int wrc = book ? wm_tx_write_book(stdout, &cfg, logs) : wm_tx_write(stdout, &cfg, logs);
    rc = WM_EXIT_OK;
    if (wrc < 0) {
        fprintf(stderr, "%s: internal error: inconsistent record order\n", a->cmd);
        rc = WM_EXIT_FAIL;
    } else if (wm_logs_have_error(logs, cfg.connections)) {
        fprintf(stderr, "%s: a session reported an error (see the transcript)\n", a->cmd);
        rc = WM_EXIT_FAIL;
    }
    wm_conn_logs_free(logs, cfg.connections);
out:
    wm_cfg_free(&cfg);
    return rc;
}
