/* warmer check and warmer replay: re-run a transcript and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "live.h"
#include "update.h"

static const char check_help[] =
    "usage: warmer check [--update] [--driver sim|threads|events]\n"
    "                    [--transport socketpair|memory] FILE...\n"
    "Re-runs each transcript from its header (scripted sides play the file's\n"
    "records) and compares. A mismatch prints a unified diff, the first differing\n"
    "file:line and the command that reproduces the run. --update rewrites a file\n"
    "that differs instead; nothing else ever writes a golden.\n"
    "Exit: 0 all match (or were updated), 1 a mismatch, 2 bad usage or a bad file.\n";

static const char replay_help[] =
    "usage: warmer replay --server [--connect HOST:PORT | --driver D] [--timeout S] FILE\n"
    "       warmer replay --client [--listen HOST:PORT | --driver D] [--timeout S] FILE\n"
    "--server plays the file's C records against a fresh in-process server seeded\n"
    "from the header, or with --connect against a live server of any\n"
    "implementation (start it with the header's seed), and checks every S record.\n"
    "--client plays the S records to a fresh in-process client driven by the\n"
    "header's games, or with --listen to live clients that connect (one per\n"
    "connection, in order), and checks every C record. A live peer's error is\n"
    "seen only as its close, so the file's peer errors are compared as closes.\n"
    "Exit: 0 match, 1 mismatch (diff, file:line, reproducing command), 2 bad usage/file.\n";

enum mode { MODE_CHECK, MODE_REPLAY_SERVER, MODE_REPLAY_CLIENT };

struct live_opts {
    const char *addr; /* NULL: the peer is in process */
    int timeout_ms;
};

/* Returns an exit code for one file. */
static int one_file(const struct wm_args *a, const char *path, enum mode mode, int update,
                    const struct wm_exec_opts *opts, const struct live_opts *live,
                    const char *repro, int *updated)
{
    *updated = 0;
    struct wm_transcript t;
    struct wm_err err;
    if (wm_tx_parse(path, &t, opts->max_journal, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    if (t.cfg.nfaults > 0 && opts->driver != WM_DRV_SIM && !live->addr) {
        fprintf(stderr, "%s: %s: a fault plan runs under --driver sim only\n", a->cmd, path);
        wm_tx_free(&t);
        return WM_EXIT_USAGE;
    }
    struct wm_cfg cfg = t.cfg; /* shares games; t owns them */
    if (mode == MODE_REPLAY_SERVER)
        cfg.client_script = 1, cfg.server_script = 0;
    if (mode == MODE_REPLAY_CLIENT)
        cfg.client_script = 0, cfg.server_script = 1;
    struct wm_conn_log *logs = NULL;
    struct wm_rendered want = {0}, got = {0};
    struct wm_live_verdict verdict = {.fault = WM_LIVE_OK};
    int rc = WM_EXIT_FAIL, ran;
    if (live->addr) {
        struct wm_live_replay_opts lo = {.remote_server = mode == MODE_REPLAY_SERVER,
                                         .addr = live->addr, .listen_fd = -1,
                                         .timeout_ms = live->timeout_ms,
                                         .max_journal = opts->max_journal};
        ran = wm_live_replay(&t, &lo, &logs, &verdict, &err);
    } else {
        ran = wm_execute(&cfg, &t, opts, &logs, &err);
    }
    if (ran < 0) {
        printf("FAIL %s: %s\nreproduce: %s %s\n", path, err.msg, a->prog, repro);
        goto out;
    }
    if (wm_render(&t.cfg, t.conns, &want) < 0 || wm_render(&t.cfg, logs, &got) < 0) {
        printf("FAIL %s: internal error rendering the transcript\n", path);
        goto out;
    }
    int same = wm_rendered_equal(&want, &got);
    if (same && verdict.fault == WM_LIVE_OK) {
        printf("ok %s\n", path);
        rc = WM_EXIT_OK;
        goto out;
    }
    if (update) { /* the diff it applies, then the file rewritten */
        wm_print_diff(stdout, path, &t, &want, &got);
        size_t header = got.n - wm_rendered_records(&t, &got);
        if (wm_update_file(path, &got, header, &err) < 0) {
            fprintf(stderr, "%s: cannot update: %s\n", a->cmd, err.msg);
            rc = WM_EXIT_USAGE;
        } else {
            printf("updated %s\n", path);
            *updated = 1;
            rc = WM_EXIT_OK;
        }
        goto out;
    }
    if (verdict.fault != WM_LIVE_OK) {
        char why[WM_ERR_MAX + 4200];
        wm_verdict_format(why, sizeof why, path, &t, &verdict, same, &want);
        printf("FAIL %s\n", why);
    } else
        printf("FAIL %s\n", path);
    if (!same) {
        size_t line = wm_print_diff(stdout, path, &t, &want, &got);
        printf("first difference: %s:%zu\n", path, line);
    }
    printf("reproduce: %s %s\n", a->prog, repro);
    /* `warmer run` without --game plays the book: no line for a file of no games. */
    if (!same && !t.cfg.client_script && !t.cfg.server_script && t.cfg.ngames > 0) {
        printf("the run alone: ");
        wm_print_run_command(stdout, a->prog, &t.cfg, opts);
    }
out:
    wm_rendered_free(&want);
    wm_rendered_free(&got);
    if (logs)
        wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return rc;
}

int wm_cmd_check(struct wm_args *a)
{
    struct wm_exec_opts opts;
    int update = 0, first_file = 0;
    wm_exec_opts_init(&opts);
    while (a->i < a->argc && !first_file) {
        int r;
        if (wm_arg_flag(a, "--help")) {
            fputs(check_help, stdout);
            return WM_EXIT_OK;
        }
        if (wm_arg_flag(a, "--update")) {
            update = 1;
            continue;
        }
        if ((r = wm_arg_exec(a, &opts)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (strncmp(a->argv[a->i], "--", 2) == 0)
            return wm_usage_error(a, "unknown option \"%s\"", a->argv[a->i]);
        first_file = 1;
    }
    if (a->i >= a->argc)
        return wm_usage_error(a, "no transcript files given");
    int worst = WM_EXIT_OK;
    unsigned passed = 0, failed = 0, updated = 0;
    for (; a->i < a->argc; a->i++) {
        const char *path = a->argv[a->i];
        if (update && strcmp(path, "-") == 0)
            return wm_usage_error(a, "--update cannot rewrite standard input");
        char repro[8400], extra[160], word[8200];
        wm_exec_opts_string(&opts, extra, sizeof extra);
        wm_shell_word(path, word, sizeof word);
        snprintf(repro, sizeof repro, "check%s %s", extra, word);
        struct live_opts in_process = {NULL, 0};
        int was_updated;
        int rc = one_file(a, path, MODE_CHECK, update, &opts, &in_process, repro, &was_updated);
        if (rc != WM_EXIT_OK)
            failed++;
        else if (was_updated)
            updated++;
        else
            passed++;
        if (rc > worst)
            worst = rc;
    }
    if (update)
        printf("%u passed, %u updated, %u failed\n", passed, updated, failed);
    else
        printf("%u passed, %u failed\n", passed, failed);
    return worst;
}

int wm_cmd_replay(struct wm_args *a)
{
    struct wm_exec_opts opts;
    enum mode mode = MODE_CHECK;
    const char *path = NULL, *v;
    struct live_opts live = {NULL, WM_DEFAULT_TIMEOUT_MS};
    int listen_flag = 0;
    wm_exec_opts_init(&opts);
    while (a->i < a->argc) {
        int r;
        int is_listen = 0;
        if ((r = wm_arg_value(a, "--connect", &v)) == 0 &&
            (r = wm_arg_value(a, "--listen", &v)) != 0)
            is_listen = 1;
        if (r != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            live.addr = v;
            listen_flag = is_listen;
            continue;
        }
        if ((r = wm_arg_timeout(a, &live.timeout_ms)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (wm_arg_flag(a, "--help")) {
            fputs(replay_help, stdout);
            return WM_EXIT_OK;
        }
        if (wm_arg_flag(a, "--server")) {
            mode = MODE_REPLAY_SERVER;
            continue;
        }
        if (wm_arg_flag(a, "--client")) {
            mode = MODE_REPLAY_CLIENT;
            continue;
        }
        if ((r = wm_arg_exec(a, &opts)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (strncmp(a->argv[a->i], "--", 2) == 0 || path)
            return wm_usage_error(a, "unexpected argument \"%s\"", a->argv[a->i]);
        path = a->argv[a->i++];
    }
    if (mode == MODE_CHECK)
        return wm_usage_error(a, "say which side to test: --server or --client");
    if (!path)
        return wm_usage_error(a, "no transcript file given");
    if (live.addr && listen_flag != (mode == MODE_REPLAY_CLIENT))
        return wm_usage_error(a, "--connect goes with --server, --listen with --client");
    char repro[8400], extra[200], word[8200];
    wm_exec_opts_string(&opts, extra, sizeof extra);
    if (live.timeout_ms != WM_DEFAULT_TIMEOUT_MS) {
        size_t n = strlen(extra);
        char secs[24];
        wm_seconds_word(secs, sizeof secs, live.timeout_ms);
        snprintf(extra + n, sizeof extra - n, " --timeout %s", secs);
    }
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "replay %s%s%s%s %s",
             mode == MODE_REPLAY_SERVER ? "--server" : "--client",
             live.addr ? (mode == MODE_REPLAY_SERVER ? " --connect " : " --listen ") : "",
             live.addr ? live.addr : "", extra, word);
    int updated;
    return one_file(a, path, mode, 0, &opts, &live, repro, &updated);
}
