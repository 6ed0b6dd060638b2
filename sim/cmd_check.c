/* warmer check and warmer replay: re-run a transcript and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "live.h"
#include "pool.h"

static const char check_help[] =
    "usage: warmer check [--update] [-j N] [--driver sim|threads|events]\n"
    "                    [--transport socketpair|memory] [--max-steps N]\n"
    "                    [--max-journal BYTES] FILE...\n"
    "Re-runs each transcript from its header (scripted sides play the file's\n"
    "records) and compares. A mismatch prints a unified diff, the first differing\n"
    "file:line and the command that reproduces the run. --update rewrites a file\n"
    "that differs instead; nothing else ever writes a golden. -j N checks N files\n"
    "at once (default 1); the output is the same, in file order.\n"
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

/* Writes beside the file, then renames: a golden is never half written. */
static int write_file(const char *path, const struct wm_rendered *l)
{
    size_t n = strlen(path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    int rc = -1;
    FILE *f = fopen(tmp, "wb");
    if (f) {
        size_t w = fwrite(l->buf, 1, l->size, f);
        if (fclose(f) == 0 && w == l->size && rename(tmp, path) == 0)
            rc = 0;
        else
            remove(tmp);
    }
    free(tmp);
    return rc;
}

enum mode { MODE_CHECK, MODE_REPLAY_SERVER, MODE_REPLAY_CLIENT };

struct live_opts {
    const char *addr; /* NULL: the peer is in process */
    int timeout_ms;
};

/* Returns an exit code for one file; its report goes to out, its errors to errf. */
static int one_file(const struct wm_args *a, const char *path, enum mode mode, int update,
                    const struct wm_exec_opts *opts, const struct live_opts *live,
                    const char *repro, FILE *out, FILE *errf)
{
    struct wm_transcript t;
    struct wm_err err;
    if (wm_tx_parse(path, &t, opts->max_journal, &err) < 0) {
        fprintf(errf, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    if (t.cfg.nfaults > 0 && opts->driver != WM_DRV_SIM && !live->addr) {
        fprintf(errf, "%s: %s: a fault plan runs under --driver sim only\n", a->cmd, path);
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
        fprintf(out, "FAIL %s: %s\nreproduce: %s %s\n", path, err.msg, a->prog, repro);
        goto out;
    }
    if (wm_render(&t.cfg, t.conns, &want) < 0 || wm_render(&t.cfg, logs, &got) < 0) {
        fprintf(out, "FAIL %s: internal error rendering the transcript\n", path);
        goto out;
    }
    int same = wm_rendered_equal(&want, &got);
    if (same && verdict.fault == WM_LIVE_OK) {
        fprintf(out, "ok %s\n", path);
        rc = WM_EXIT_OK;
        goto out;
    }
    if (update) {
        if (write_file(path, &got) < 0) {
            fprintf(errf, "%s: %s: cannot write the update\n", a->cmd, path);
            rc = WM_EXIT_USAGE;
        } else {
            fprintf(out, "updated %s\n", path);
            rc = WM_EXIT_OK;
        }
        goto out;
    }
    if (verdict.fault != WM_LIVE_OK) {
        char why[WM_ERR_MAX + 4200];
        wm_verdict_format(why, sizeof why, path, &t, &verdict, same, &want);
        fprintf(out, "FAIL %s\n", why);
    } else
        fprintf(out, "FAIL %s\n", path);
    if (!same) {
        size_t line = wm_print_diff(out, path, &t, &want, &got);
        fprintf(out, "first difference: %s:%zu\n", path, line);
    }
    fprintf(out, "reproduce: %s %s\n", a->prog, repro);
    /* `warmer run` without --game plays the book: no line for a file of no games. */
    if (!same && !t.cfg.client_script && !t.cfg.server_script && t.cfg.ngames > 0) {
        fprintf(out, "the run alone: ");
        wm_print_run_command(out, a->prog, &t.cfg, opts);
    }
out:
    wm_rendered_free(&want);
    wm_rendered_free(&got);
    if (logs)
        wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return rc;
}

/* check's own options. */
enum { CHECK_UPDATE = WM_OPT_LOCAL };

static const struct wm_opt check_opts[] = {{"update", 0, CHECK_UPDATE}, WM_OPTS_EXEC, WM_OPTS_JOBS,
                                           {NULL, 0, 0}};

struct check_ctx {
    struct wm_args *a;
    struct wm_run_args run;
    struct wm_exec_opts opts;
    int update;
    unsigned jobs;
};

static int check_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct check_ctx *c = ctx;
    if (o->id == CHECK_UPDATE) {
        c->update = 1;
        return 0;
    }
    if (o->id == WM_OPT_JOBS)
        return wm_opt_jobs(a, o, &c->jobs);
    return wm_opt_run(a, &c->run, o);
}

static int check_file(const struct check_ctx *c, const char *path, FILE *out, FILE *errf)
{
    char repro[8400], extra[160], word[8200];
    wm_exec_opts_string(&c->opts, extra, sizeof extra);
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "check%s %s", extra, word);
    struct live_opts in_process = {NULL, 0};
    return one_file(c->a, path, MODE_CHECK, c->update, &c->opts, &in_process, repro, out, errf);
}

/* -j N: files checked on N threads, each report kept until those before it
 * are out, so the output is the same as one at a time. */
struct check_result {
    char *out, *err;
    size_t nout, nerr;
    int rc;
};

static void check_job(void *ctx, uint64_t k, void *res)
{
    const struct check_ctx *c = ctx;
    struct check_result *r = res;
    FILE *out = open_memstream(&r->out, &r->nout);
    FILE *errf = open_memstream(&r->err, &r->nerr);
    r->rc = -1;
    if (out && errf)
        r->rc = check_file(c, c->a->ops[k], out, errf);
    if (out)
        fclose(out);
    if (errf)
        fclose(errf);
}

static void check_result_free(void *res)
{
    struct check_result *r = res;
    free(r->out);
    free(r->err);
}

int wm_cmd_check(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {check_help, check_opts, -1};
    struct check_ctx c = {.a = a, .jobs = 1};
    int rc;
    c.run.exec = &c.opts;
    wm_exec_opts_init(&c.opts);
    if ((rc = wm_opts_parse(a, &spec, check_opt, &c)) >= 0)
        return rc;
    if (wm_run_args_check(a, &c.run) < 0)
        return WM_EXIT_USAGE;
    if (a->nops == 0)
        return wm_usage_error(a, "no transcript files given");
    for (int k = 0; c.update && k < a->nops; k++)
        if (strcmp(a->ops[k], "-") == 0)
            return wm_usage_error(a, "--update cannot rewrite standard input");
    int worst = WM_EXIT_OK;
    unsigned passed = 0, failed = 0;
    struct wm_pool *pool = NULL;
    if (c.jobs > 1 && a->nops > 1) {
        unsigned workers = c.jobs < (unsigned)a->nops ? c.jobs : (unsigned)a->nops;
        pool = wm_pool_start(workers, workers * 2, (uint64_t)a->nops, sizeof(struct check_result),
                             check_job, &c);
        if (!pool) {
            fprintf(stderr, "%s: cannot start the workers\n", a->cmd);
            return WM_EXIT_FAIL;
        }
    }
    for (int k = 0; k < a->nops; k++) {
        if (pool) {
            struct check_result r;
            uint64_t at;
            if (!wm_pool_take(pool, &at, &r))
                break;
            fflush(stdout);
            if (r.out)
                fwrite(r.out, 1, r.nout, stdout);
            fflush(stdout);
            if (r.err)
                fwrite(r.err, 1, r.nerr, stderr);
            check_result_free(&r);
            if (r.rc < 0) {
                fprintf(stderr, "%s: %s: out of memory\n", a->cmd, a->ops[at]);
                r.rc = WM_EXIT_FAIL;
            }
            rc = r.rc;
        } else {
            rc = check_file(&c, a->ops[k], stdout, stderr);
            fflush(stdout); /* a file's report before the next file's errors */
        }
        if (rc == WM_EXIT_OK)
            passed++;
        else
            failed++;
        if (rc > worst)
            worst = rc;
    }
    if (pool)
        wm_pool_free(pool, check_result_free);
    printf("%u passed, %u failed\n", passed, failed);
    return worst;
}

/* replay's own options. */
enum { REPLAY_SERVER = WM_OPT_LOCAL, REPLAY_CLIENT, REPLAY_CONNECT, REPLAY_LISTEN };

static const struct wm_opt replay_opts[] = {
    {"server", 0, REPLAY_SERVER}, {"client", 0, REPLAY_CLIENT}, {"connect", 1, REPLAY_CONNECT},
    {"listen", 1, REPLAY_LISTEN}, WM_OPTS_TIMEOUT, WM_OPTS_EXEC, {NULL, 0, 0}};

struct replay_ctx {
    struct wm_run_args run;
    enum mode mode;
    struct live_opts live;
    int listen_flag;
};

static int replay_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct replay_ctx *r = ctx;
    switch (o->id) {
    case REPLAY_SERVER:
        r->mode = MODE_REPLAY_SERVER;
        return 0;
    case REPLAY_CLIENT:
        r->mode = MODE_REPLAY_CLIENT;
        return 0;
    case REPLAY_CONNECT:
    case REPLAY_LISTEN:
        r->live.addr = o->val;
        r->listen_flag = o->id == REPLAY_LISTEN;
        return wm_opt_hostport(a, o, r->listen_flag);
    default:
        return wm_opt_run(a, &r->run, o);
    }
}

int wm_cmd_replay(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {replay_help, replay_opts, 1};
    struct wm_exec_opts opts;
    struct replay_ctx c = {.mode = MODE_CHECK, .live = {NULL, WM_DEFAULT_TIMEOUT_MS}};
    int rc;
    wm_exec_opts_init(&opts);
    c.run.exec = &opts;
    c.run.timeout_ms = &c.live.timeout_ms;
    if ((rc = wm_opts_parse(a, &spec, replay_opt, &c)) >= 0)
        return rc;
    enum mode mode = c.mode;
    struct live_opts live = c.live;
    const char *path = a->nops ? a->ops[0] : NULL;
    if (wm_run_args_check(a, &c.run) < 0)
        return WM_EXIT_USAGE;
    if (mode == MODE_CHECK)
        return wm_usage_error(a, "say which side to test: --server or --client");
    if (!path)
        return wm_usage_error(a, "no transcript file given");
    if (live.addr && c.listen_flag != (mode == MODE_REPLAY_CLIENT))
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
    return one_file(a, path, mode, 0, &opts, &live, repro, stdout, stderr);
}
