/* warmer check and warmer replay: re-run a transcript and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_file.h"
#include "cli.h"
#include "clock.h"
#include "files.h"
#include "judge.h"
#include "pool.h"
#include "report.h"
#include "sig.h"
#include "suite.h"
#include "update.h"

static const char check_help[] =
    "usage: warmer check [--update [--dry-run]] [-j N] [--shard K/N] [--junit FILE] [--tap]\n"
    "                    [--json FILE] [--color auto|always|never] [--progress S] [--durations N]\n"
    "                    [--html FILE] [-k PATTERN]... [--last-failed] [--cache-dir DIR | --no-cache]\n"
    "                    [--driver sim|threads|events] [--transport socketpair|memory]\n"
    "                    [--max-steps N] [--max-journal BYTES]\n"
    "                    [--profile strict|book|book-asyncio] FILE|DIR...\n"
    "Re-runs each transcript from its header (scripted sides play the file's\n"
    "records) and compares. A DIR is searched recursively for transcripts (files\n"
    "whose first line is \"# warmer transcript v1\"), in sorted order. A mismatch\n"
    "prints a unified diff, the first differing file:line and the command that\n"
    "reproduces the run; a malformed file is a failing case (\"FAIL FILE: malformed:\n"
    "FILE:LINE: ...\"). --update rewrites a file that differs instead, keeping its\n"
    "header and comments (the diff it applies is printed); nothing else ever\n"
    "writes a golden. --update --dry-run prints the diffs --update would apply and\n"
    "\"would update FILE\", and writes nothing (such a file fails, as without --update).\n"
    "  -j N          cases at once (default: the CPU count); output in file order\n"
    "  --shard K/N   only the cases whose name hashes to shard K of N (stable as\n"
    "                files are added; the N shards together run each case once)\n"
    "  --junit FILE  a JUnit XML report (one testcase per file)\n"
    "  --json FILE   a JSON report (one object per case)\n"
    "                (FILE -: the report on stdout, the rest on stderr)\n"
    "  --html FILE   a self-contained HTML page: the cases, each failure open with\n"
    "                its connections' timeline, the diff and the reproduce line\n"
    "  --tap         TAP version 13 on stdout instead of the human format\n"
    "  --color WHEN  auto (default: on a terminal, NO_COLOR unset), always, never\n"
    "  --progress S  off a terminal, a progress line on stderr every S seconds\n"
    "                (default 10, 0 none); on a terminal a live line\n"
    "  --durations N after the summary, the N slowest cases (0: all)\n"
    "  -k PATTERN, --keyword PATTERN  only the cases whose path contains a match\n"
    "                of the shell pattern (* and ? match / too); repeat: any of\n"
    "                them; !PATTERN leaves out what it matches. Selecting none is\n"
    "                exit 2; the summary counts the others \"deselected\"\n"
    "  --last-failed only the cases that failed or were malformed in the last runs\n"
    "                (all when none of them did), from the cache: each run merges its\n"
    "                cases' verdicts into DIR/check-lastfailed\n"
    "  --cache-dir DIR  the cache (default $WARMER_CACHE_DIR, else .warmer_cache)\n"
    "  --no-cache    neither read nor write the cache\n"
    "  --profile P   the profile of files whose header names none (default strict);\n"
    "                a file naming one (\"# profile: book\") is checked under it\n"
    "SIGINT or SIGTERM starts no new case: those running finish, the summary says\n"
    "how many ran, the reports hold them (a second signal kills at once).\n"
    "Exit: 0 all match (or were updated), 1 a mismatch, 2 bad usage or a malformed\n"
    "file (2 wins when a run has both), 130 after SIGINT, 143 after SIGTERM.\n";

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
    "A live peer's close is judged where it came: where the file shows it open,\n"
    "lines go one at a time, each after --close-window S (default 0.05, 0 off)\n"
    "with the peer still open, and a close inside that stretch fails.\n"
    "--profile strict|book|book-asyncio: in process, the profile of a file whose\n"
    "header names none (default strict); against a live peer, the profile it is\n"
    "judged under: a file of another (naming none: strict) is judged against P's\n"
    "own side re-run in process from the file's other side.\n"
    "Exit: 0 match, 1 mismatch (diff, file:line, reproducing command), 2 bad usage/file.\n";

struct check_run {
    const struct wm_args *a;
    struct wm_files files;
    int update;
    enum wm_profile profile; /* of the files whose header names none */
    struct wm_exec_opts opts;
};

struct check_result {
    struct wm_case_result r;
    int rc;
};

/* One case, on a worker thread: its report into memory, printed in order. */
static void check_job(void *ctx, uint64_t i, void *res)
{
    const struct check_run *c = ctx;
    struct check_result *cr = res;
    const char *path = c->files.paths[i];
    char repro[8400], extra[160], word[8200];
    wm_exec_opts_string(&c->opts, extra, sizeof extra);
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "check%s%s%s %s", c->profile ? " --profile " : "",
             c->profile ? wm_profile_name(c->profile) : "", extra, word);
    struct wm_check_live in_process = {NULL, 0, 0};
    FILE *out = open_memstream(&cr->r.text, &cr->r.len);
    double t0 = wm_clock_s();
    if (!out) {
        cr->rc = WM_EXIT_FAIL;
        return;
    }
    cr->rc = wm_check_file(c->a, path, WM_CHECK_FILE, c->profile, c->update, &c->opts,
                           &in_process, repro, out, &cr->r);
    fclose(out);
    /* a malformed file's reports say how to see it again, as a failure's do */
    if (cr->r.status == WM_CASE_MALFORMED && !cr->r.reproduce)
        wm_judge_reproduce_set(&cr->r, c->a->prog, repro);
    cr->r.seconds = wm_clock_s() - t0;
}

static void drop_result(void *res)
{
    wm_case_result_free(&((struct check_result *)res)->r);
}

/* The watcher's answer to SIGINT or SIGTERM: no new case starts; those
 * running finish and are reported. */
static void stop_pool(void *pool, int signo)
{
    (void)signo;
    wm_pool_stop(pool);
}

static int run_cases(struct check_run *c, unsigned jobs, const struct wm_suite_opts *so)
{
    size_t n = c->files.n;
    struct wm_suite s;
    int worst = WM_EXIT_OK;
    int begun = wm_suite_begin(&s, c->a->cmd, "warmer.check", so, c->files.paths, n);
    if (begun != WM_SUITE_BEGUN)
        return begun == WM_SUITE_NO_REPORT ? WM_EXIT_ENV : WM_EXIT_FAIL;
    s.not_transcripts = c->files.skipped;
    struct check_result cr;
    struct wm_sig_watch w = {0};
    struct wm_err err;
    struct wm_pool *p = n ? wm_pool_start(jobs, jobs * 4, n, sizeof cr, check_job, c) : NULL;
    if (n && (!p || wm_sig_watch_start(&w, stop_pool, p, &err) < 0)) {
        fprintf(stderr, "%s: cannot start the workers\n", c->a->cmd);
        worst = WM_EXIT_FAIL;
    }
    uint64_t i;
    while (w.started && wm_pool_take(p, &i, &cr)) {
        wm_suite_case(&s, &cr.r);
        if (cr.rc > worst)
            worst = cr.rc;
    }
    wm_sig_watch_end(&w);
    wm_pool_free(p, drop_result);
    int signo = wm_sig_caught();
    if (wm_suite_end(&s, signo) < 0) /* a report file not written */
        worst = WM_EXIT_ENV;
    return signo ? WM_EXIT_SIGNAL(signo) : worst;
}

/* check's own options. */
enum { CHECK_UPDATE = WM_OPT_LOCAL, CHECK_DRY_RUN };

static const struct wm_opt check_opts[] = {{"update", 0, CHECK_UPDATE}, WM_OPTS_SUITE,
                                           WM_OPTS_EXEC, WM_OPTS_JOBS, WM_OPTS_PROFILE,
                                           {"dry-run", 0, CHECK_DRY_RUN}, {NULL, 0, 0}};

struct check_opts {
    struct check_run *c;
    struct wm_run_args run;
    unsigned jobs;
    struct wm_suite_opts suite;
    int dry_run; /* --dry-run */
};

static int check_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct check_opts *co = ctx;
    switch (o->id) {
    case CHECK_UPDATE:
        co->c->update = co->suite.show_updated = 1;
        return 0;
    case CHECK_DRY_RUN:
        co->dry_run = 1;
        return 0;
    case WM_OPT_KEYWORD:
    case WM_OPT_LAST_FAILED:
    case WM_OPT_CACHE_DIR:
    case WM_OPT_NO_CACHE:
    case WM_OPT_SHARD:
    case WM_OPT_JUNIT:
    case WM_OPT_JSON:
    case WM_OPT_HTML:
    case WM_OPT_TAP:
    case WM_OPT_COLOR:
    case WM_OPT_PROGRESS:
    case WM_OPT_DURATIONS:
        return wm_opt_suite(a, &co->suite, o);
    case WM_OPT_JOBS:
        return wm_opt_jobs(a, o, &co->jobs);
    case WM_OPT_PROFILE:
        return wm_opt_profile(a, o, &co->c->profile);
    default:
        return wm_opt_run(a, &co->run, o);
    }
}

int wm_cmd_check(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {check_help, check_opts, -1};
    struct check_run c = {.a = a};
    struct check_opts co = {.c = &c, .jobs = wm_pool_cpus(), .suite = WM_SUITE_OPTS_INIT};
    int rc;
    wm_exec_opts_init(&c.opts);
    co.run.exec = &c.opts;
    if ((rc = wm_opts_parse(a, &spec, check_opt, &co)) != WM_OPTS_GO_ON)
        return rc;
    if (wm_run_args_check(a, &co.run) < 0)
        return WM_EXIT_USAGE;
    if (a->nops == 0)
        return wm_usage_error(a, "no transcript files given");
    if (wm_select_args_check(a, &co.suite.sel) < 0)
        return WM_EXIT_USAGE;
    if (co.dry_run && !c.update)
        return wm_usage_error(a, "--dry-run goes with --update");
    if (co.dry_run) { /* nothing is updated: the summary counts what would be as failed */
        c.update = WM_CHECK_DRY_RUN;
        co.suite.show_updated = 0;
    }
    for (int k = 0; c.update && k < a->nops; k++)
        if (strcmp(a->ops[k], "-") == 0)
            return wm_usage_error(a, "--update cannot rewrite standard input");
    if ((rc = wm_suite_files(a, &c.files, &co.suite, "check", 1)) != 0)
        return rc;
    struct wm_err err;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (wm_sig_install(WM_SIG_SECOND_KILLS, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        wm_files_free(&c.files);
        return WM_EXIT_FAIL;
    }
    rc = run_cases(&c, co.jobs, &co.suite);
    wm_sig_restore();
    wm_files_free(&c.files);
    return rc;
}

/* replay's own options. */
enum { REPLAY_SERVER = WM_OPT_LOCAL, REPLAY_CLIENT, REPLAY_CONNECT, REPLAY_LISTEN };

static const struct wm_opt replay_opts[] = {
    {"server", 0, REPLAY_SERVER}, {"client", 0, REPLAY_CLIENT}, {"connect", 1, REPLAY_CONNECT},
    {"listen", 1, REPLAY_LISTEN}, WM_OPTS_TIMEOUT, WM_OPTS_CLOSE_WINDOW, WM_OPTS_EXEC,
    WM_OPTS_PROFILE, {NULL, 0, 0}};

struct replay_ctx {
    struct wm_run_args run;
    enum wm_profile profile; /* of a file whose header names none */
    enum wm_check_mode mode;
    struct wm_check_live live;
    int listen_flag;
};

static int replay_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct replay_ctx *r = ctx;
    switch (o->id) {
    case REPLAY_SERVER:
        r->mode = WM_CHECK_REPLAY_SERVER;
        return 0;
    case REPLAY_CLIENT:
        r->mode = WM_CHECK_REPLAY_CLIENT;
        return 0;
    case REPLAY_CONNECT:
    case REPLAY_LISTEN:
        r->live.addr = o->val;
        r->listen_flag = o->id == REPLAY_LISTEN;
        return wm_opt_hostport(a, o, r->listen_flag);
    case WM_OPT_CLOSE_WINDOW:
        return wm_opt_close_window(a, o, &r->live.close_window_ms);
    case WM_OPT_PROFILE:
        return wm_opt_profile(a, o, &r->profile);
    default:
        return wm_opt_run(a, &r->run, o);
    }
}

int wm_cmd_replay(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {replay_help, replay_opts, 1};
    struct wm_exec_opts opts;
    struct replay_ctx c = {.mode = WM_CHECK_FILE,
                           .live = {NULL, WM_DEFAULT_TIMEOUT_MS, WM_DEFAULT_CLOSE_WINDOW_MS}};
    int rc;
    wm_exec_opts_init(&opts);
    c.run.exec = &opts;
    c.run.timeout_ms = &c.live.timeout_ms;
    if ((rc = wm_opts_parse(a, &spec, replay_opt, &c)) != WM_OPTS_GO_ON)
        return rc;
    enum wm_check_mode mode = c.mode;
    struct wm_check_live live = c.live;
    const char *path = a->nops ? a->ops[0] : NULL;
    if (wm_run_args_check(a, &c.run) < 0)
        return WM_EXIT_USAGE;
    if (mode == WM_CHECK_FILE)
        return wm_usage_error(a, "say which side to test: --server or --client");
    if (!path)
        return wm_usage_error(a, "no transcript file given");
    if (live.addr && c.listen_flag != (mode == WM_CHECK_REPLAY_CLIENT))
        return wm_usage_error(a, "--connect goes with --server, --listen with --client");
    char repro[8400], extra[200], word[8200];
    wm_exec_opts_string(&opts, extra, sizeof extra);
    if (live.timeout_ms != WM_DEFAULT_TIMEOUT_MS) {
        size_t n = strlen(extra);
        char secs[24];
        wm_seconds_word(secs, sizeof secs, live.timeout_ms);
        snprintf(extra + n, sizeof extra - n, " --timeout %s", secs);
    }
    if (live.close_window_ms != WM_DEFAULT_CLOSE_WINDOW_MS) {
        size_t n = strlen(extra);
        char secs[24];
        wm_seconds_word(secs, sizeof secs, live.close_window_ms);
        snprintf(extra + n, sizeof extra - n, " --close-window %s", secs);
    }
    if (c.profile != WM_PROFILE_STRICT) {
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, " --profile %s", wm_profile_name(c.profile));
    }
    wm_shell_word(path, word, sizeof word);
    int len = snprintf(repro, sizeof repro, "replay %s%s%s%s %s",
                       mode == WM_CHECK_REPLAY_SERVER ? "--server" : "--client",
                       live.addr ? (mode == WM_CHECK_REPLAY_SERVER ? " --connect " : " --listen ") : "",
                       live.addr ? live.addr : "", extra, word);
    if (len < 0 || (size_t)len >= sizeof repro) /* a path of kilobytes: say it was cut */
        memcpy(repro + sizeof repro - 4, "...", 4);
    struct wm_case_result res = {0};
    rc = wm_check_file(a, path, mode, c.profile, 0, &opts, &live, repro, stdout, &res);
    wm_case_result_free(&res);
    return rc;
}
