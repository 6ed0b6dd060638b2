/* warmer check and warmer replay: re-run a transcript and compare. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "files.h"
#include "live.h"
#include "pool.h"
#include "report.h"
#include "update.h"

/* A formatted string in memory; -1 if out of memory. */
static int asprintf_dup(char **out, const char *fmt, ...) WM_PRINTF(2, 3);
static int asprintf_dup(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *out = n < 0 ? NULL : malloc((size_t)n + 1);
    if (!*out)
        return -1;
    va_start(ap, fmt);
    vsnprintf(*out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return 0;
}

static const char check_help[] =
    "usage: warmer check [--update] [-j N] [--shard K/N] [--junit FILE] [--tap] [--json FILE]\n"
    "                    [--driver sim|threads|events] [--transport socketpair|memory]\n"
    "                    FILE|DIR...\n"
    "Re-runs each transcript from its header (scripted sides play the file's\n"
    "records) and compares. A DIR is searched recursively for transcripts (files\n"
    "whose first line is \"# warmer transcript v1\"), in sorted order. A mismatch\n"
    "prints a unified diff, the first differing file:line and the command that\n"
    "reproduces the run; a malformed file is a failing case (\"FAIL FILE: malformed:\n"
    "FILE:LINE: ...\"). --update rewrites a file that differs instead, keeping its\n"
    "header and comments (the diff it applies is printed); nothing else ever\n"
    "writes a golden.\n"
    "  -j N          cases at once (default: the CPU count); output in file order\n"
    "  --shard K/N   only the cases whose name hashes to shard K of N (stable as\n"
    "                files are added; the N shards together run each case once)\n"
    "  --junit FILE  a JUnit XML report (one testcase per file)\n"
    "  --json FILE   a JSON report (one object per case)\n"
    "  --tap         TAP version 14 on stdout instead of the human format\n"
    "Exit: 0 all match (or were updated), 1 a mismatch, 2 bad usage or a malformed\n"
    "file (2 wins when a run has both).\n";

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

/* One file: its report goes to out ("ok FILE", or "FAIL ..." with the diff
 * and the reproduce lines) and its result to *res. Returns an exit code. */
static int one_file(const struct wm_args *a, const char *path, enum mode mode, int update,
                    const struct wm_exec_opts *opts, const struct live_opts *live,
                    const char *repro, FILE *out, struct wm_case_result *res)
{
    struct wm_transcript t;
    struct wm_err err;
    char line[WM_ERR_MAX + 4300];
    res->status = WM_CASE_FAILED;
    if (asprintf_dup(&res->reproduce, "%s %s", a->prog, repro) < 0)
        res->reproduce = NULL;
    if (wm_tx_parse(path, &t, opts->max_journal, &err) < 0) {
        /* a result like any other (stdout, every report), and a diagnostic */
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        fprintf(out, "FAIL %s: malformed: %s\n", path, err.msg);
        res->status = WM_CASE_MALFORMED;
        res->message = strdup(err.msg);
        free(res->reproduce);
        res->reproduce = NULL;
        return WM_EXIT_USAGE;
    }
    if (t.cfg.nfaults > 0 && opts->driver != WM_DRV_SIM && !live->addr) {
        snprintf(line, sizeof line, "%s: a fault plan runs under --driver sim only", path);
        fprintf(stderr, "%s: %s\n", a->cmd, line);
        fprintf(out, "FAIL %s\n", line);
        res->status = WM_CASE_MALFORMED;
        res->message = strdup(line);
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
        snprintf(line, sizeof line, "%s: %s", path, err.msg);
        fprintf(out, "FAIL %s\nreproduce: %s %s\n", line, a->prog, repro);
        res->message = strdup(line);
        goto out;
    }
    if (wm_render(&t.cfg, t.conns, &want) < 0 || wm_render(&t.cfg, logs, &got) < 0) {
        snprintf(line, sizeof line, "%s: internal error rendering the transcript", path);
        fprintf(out, "FAIL %s\n", line);
        res->message = strdup(line);
        goto out;
    }
    int same = wm_rendered_equal(&want, &got);
    if (same && verdict.fault == WM_LIVE_OK) {
        fprintf(out, "ok %s\n", path);
        res->status = WM_CASE_OK;
        rc = WM_EXIT_OK;
        goto out;
    }
    if (update) { /* the diff it applies, then the file rewritten */
        wm_print_diff(out, path, &t, &want, &got);
        size_t header = got.n - wm_rendered_records(&t, &got);
        if (wm_update_file(path, &got, header, &err) < 0) {
            fprintf(stderr, "%s: cannot update: %s\n", a->cmd, err.msg);
            fprintf(out, "FAIL %s: cannot update: %s\n", path, err.msg);
            res->message = strdup(err.msg);
            rc = WM_EXIT_USAGE;
        } else {
            fprintf(out, "updated %s\n", path);
            res->status = WM_CASE_UPDATED;
            rc = WM_EXIT_OK;
        }
        goto out;
    }
    if (verdict.fault != WM_LIVE_OK)
        wm_verdict_format(line, sizeof line, path, &t, &verdict, same, &want);
    else
        snprintf(line, sizeof line, "%s: the records differ from the file", path);
    fprintf(out, "FAIL %s\n", verdict.fault != WM_LIVE_OK ? line : path);
    res->message = strdup(line);
    if (!same) {
        res->first_line = wm_print_diff(out, path, &t, &want, &got);
        fprintf(out, "first difference: %s:%zu\n", path, res->first_line);
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

struct check_run {
    const struct wm_args *a;
    struct wm_files files;
    int update;
    struct wm_exec_opts opts;
};

struct check_result {
    struct wm_case_result r;
    int rc;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One case, on a worker thread: its report into memory, printed in order. */
static void check_job(void *ctx, uint64_t i, void *res)
{
    const struct check_run *c = ctx;
    struct check_result *cr = res;
    const char *path = c->files.paths[i];
    char repro[8400], extra[160], word[8200];
    wm_exec_opts_string(&c->opts, extra, sizeof extra);
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "check%s %s", extra, word);
    struct live_opts in_process = {NULL, 0};
    FILE *out = open_memstream(&cr->r.text, &cr->r.len);
    double t0 = now_s();
    if (!out) {
        cr->rc = WM_EXIT_FAIL;
        return;
    }
    cr->rc = one_file(c->a, path, MODE_CHECK, c->update, &c->opts, &in_process, repro, out,
                      &cr->r);
    fclose(out);
    cr->r.seconds = now_s() - t0;
}

static void drop_result(void *res)
{
    wm_case_result_free(&((struct check_result *)res)->r);
}

/* --shard K/N: the cases whose name hashes to K (FNV-1a), so a file's shard
 * never moves when others are added; the N shards cover each case once. */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int parse_shard(const char *v, unsigned *k, unsigned *n)
{
    const char *slash = strchr(v, '/');
    uint64_t a, b;
    if (!slash || wm_uint64_parse(v, (size_t)(slash - v), &a) < 0 ||
        wm_uint64_parse(slash + 1, strlen(slash + 1), &b) < 0 || b == 0 || b > 100000 || a == 0 ||
        a > b)
        return -1;
    *k = (unsigned)a, *n = (unsigned)b;
    return 0;
}

static int write_report(const char *path, void (*fn)(FILE *, void *), void *ctx)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fn(f, ctx);
    return fclose(f) != 0 ? -1 : 0;
}

struct reports {
    char *const *paths;
    const struct wm_case_result *r;
    size_t n;
};

static void junit(FILE *f, void *ctx)
{
    const struct reports *rp = ctx;
    wm_report_junit(f, "warmer.check", rp->paths, rp->r, rp->n);
}

static void json(FILE *f, void *ctx)
{
    const struct reports *rp = ctx;
    wm_report_json(f, rp->paths, rp->r, rp->n);
}

static int run_cases(struct check_run *c, unsigned jobs, int tap, const char *junit_path,
                     const char *json_path)
{
    size_t n = c->files.n;
    struct wm_case_result *all = calloc(n ? n : 1, sizeof *all);
    unsigned counts[4] = {0};
    int worst = WM_EXIT_OK, tty = isatty(STDERR_FILENO);
    if (!all) {
        fprintf(stderr, "%s: out of memory\n", c->a->cmd);
        return WM_EXIT_FAIL;
    }
    struct check_result cr;
    struct wm_pool *p = n ? wm_pool_start(jobs, jobs * 4, n, sizeof cr, check_job, c) : NULL;
    if (n && !p) {
        fprintf(stderr, "%s: cannot start the workers\n", c->a->cmd);
        free(all);
        return WM_EXIT_FAIL;
    }
    if (tap)
        wm_report_tap_begin(stdout, n);
    uint64_t i;
    while (p && wm_pool_take(p, &i, &cr)) {
        if (tty)
            fputs("\r\033[K", stderr);
        if (tap)
            wm_report_tap_case(stdout, (size_t)i + 1, c->files.paths[i], &cr.r);
        else if (cr.r.text)
            fwrite(cr.r.text, 1, cr.r.len, stdout);
        fflush(stdout);
        if (tty)
            fprintf(stderr, "check: %llu/%zu", (unsigned long long)i + 1, n);
        all[i] = cr.r;
        counts[cr.r.status]++;
        if (cr.rc > worst)
            worst = cr.rc;
    }
    wm_pool_free(p, drop_result);
    if (tty)
        fputs("\r\033[K", stderr);
    char summary[160];
    unsigned failed = counts[WM_CASE_FAILED] + counts[WM_CASE_MALFORMED];
    if (c->update)
        snprintf(summary, sizeof summary, "%u passed, %u updated, %u failed", counts[WM_CASE_OK],
                 counts[WM_CASE_UPDATED], failed);
    else
        snprintf(summary, sizeof summary, "%u passed, %u failed", counts[WM_CASE_OK], failed);
    if (counts[WM_CASE_MALFORMED]) {
        size_t l = strlen(summary);
        snprintf(summary + l, sizeof summary - l, " (%u malformed)", counts[WM_CASE_MALFORMED]);
    }
    printf(tap ? "# %s\n" : "%s\n", summary);
    struct reports rp = {c->files.paths, all, n};
    if (junit_path && write_report(junit_path, junit, &rp) < 0) {
        fprintf(stderr, "%s: cannot write %s\n", c->a->cmd, junit_path);
        worst = WM_EXIT_USAGE;
    }
    if (json_path && write_report(json_path, json, &rp) < 0) {
        fprintf(stderr, "%s: cannot write %s\n", c->a->cmd, json_path);
        worst = WM_EXIT_USAGE;
    }
    for (size_t k = 0; k < n; k++)
        wm_case_result_free(&all[k]);
    free(all);
    return worst;
}

int wm_cmd_check(struct wm_args *a)
{
    struct check_run c = {.a = a};
    const char *v, *junit_path = NULL, *json_path = NULL;
    unsigned jobs = wm_pool_cpus(), shard_k = 1, shard_n = 1;
    int tap = 0, rc = WM_EXIT_USAGE;
    char **operands = calloc((size_t)a->argc + 1, sizeof *operands);
    size_t nops = 0;
    wm_exec_opts_init(&c.opts);
    if (!operands)
        return WM_EXIT_USAGE;
    while (a->i < a->argc) {
        int r;
        uint64_t n;
        if (wm_arg_flag(a, "--help") || wm_arg_flag(a, "-h")) {
            fputs(check_help, stdout);
            rc = WM_EXIT_OK;
            goto out;
        }
        if (wm_arg_flag(a, "--update")) {
            c.update = 1;
            continue;
        }
        if (wm_arg_flag(a, "--tap")) {
            tap = 1;
            continue;
        }
        if ((r = wm_arg_value(a, "--junit", &junit_path)) != 0 ||
            (r = wm_arg_value(a, "--json", &json_path)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if ((r = wm_arg_value(a, "--shard", &v)) != 0) {
            if (r < 0)
                goto out;
            if (parse_shard(v, &shard_k, &shard_n) < 0) {
                wm_usage_error(a, "--shard wants K/N with 1 <= K <= N, got \"%s\"", v);
                goto out;
            }
            continue;
        }
        if (strncmp(a->argv[a->i], "-j", 2) == 0 && a->argv[a->i][2] >= '0' &&
            a->argv[a->i][2] <= '9') {
            v = a->argv[a->i++] + 2;
            goto jobs;
        }
        if ((r = wm_arg_value(a, "-j", &v)) != 0 || (r = wm_arg_value(a, "--jobs", &v)) != 0) {
            if (r < 0)
                goto out;
jobs:
            if (wm_parse_u64(a, "-j", v, WM_POOL_MAX_WORKERS, &n) < 0)
                goto out;
            if (n == 0) {
                wm_usage_error(a, "-j wants 1..%d", WM_POOL_MAX_WORKERS);
                goto out;
            }
            jobs = (unsigned)n;
            continue;
        }
        if ((r = wm_arg_exec(a, &c.opts)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if (strcmp(a->argv[a->i], "--") == 0) {
            for (a->i++; a->i < a->argc;)
                operands[nops++] = a->argv[a->i++];
            break;
        }
        if (a->argv[a->i][0] == '-' && a->argv[a->i][1] != '\0') {
            wm_usage_error(a, "unknown option \"%s\"", a->argv[a->i]);
            goto out;
        }
        operands[nops++] = a->argv[a->i++];
    }
    if (nops == 0) {
        wm_usage_error(a, "no transcript files given");
        goto out;
    }
    for (size_t k = 0; k < nops; k++)
        if (c.update && strcmp(operands[k], "-") == 0) {
            wm_usage_error(a, "--update cannot rewrite standard input");
            goto out;
        }
    struct wm_err err;
    if (wm_files_collect(&c.files, operands, nops, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        goto out;
    }
    size_t kept = 0; /* this shard's cases, in order */
    for (size_t k = 0; k < c.files.n; k++) {
        if (shard_n > 1 && name_hash(c.files.paths[k]) % shard_n != shard_k - 1) {
            free(c.files.paths[k]);
            continue;
        }
        c.files.paths[kept++] = c.files.paths[k];
    }
    c.files.n = kept;
    setvbuf(stdout, NULL, _IOLBF, 0);
    rc = run_cases(&c, jobs, tap, junit_path, json_path);
    wm_files_free(&c.files);
out:
    free(operands);
    return rc;
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
    struct wm_case_result res = {0};
    int rc = one_file(a, path, mode, 0, &opts, &live, repro, stdout, &res);
    wm_case_result_free(&res);
    return rc;
}
