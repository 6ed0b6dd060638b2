/* warmer interop: every transcript against a fresh peer started from a
 * command, cases run in parallel and reported in file order. */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "files.h"
#include "interop.h"
#include "live.h"
#include "pool.h"
#include "sig.h"

/* A peer under valgrind can take seconds to start and to exit. */
#define PROCESS_TIMEOUT_MS 30000

static const char interop_help[] =
    "usage: warmer interop --server 'COMMAND' [-j N] [--timeout S] [--process-timeout S]\n"
    "                      [--host H] [--shard K/N] [--junit FILE] [--json FILE] [--tap]\n"
    "                      [--color WHEN] [--progress S] [--durations N] [--html FILE]\n"
    "                      [-k PATTERN]... [--last-failed] [--cache-dir DIR | --no-cache]\n"
    "                      [--profile strict|book|book-asyncio] FILE|DIR...\n"
    "       warmer interop --client 'COMMAND' [same options] FILE|DIR...\n"
    "Conformance of another implementation: for each transcript, a fresh peer is\n"
    "started from COMMAND (by /bin/sh, in its own process group) and one side of\n"
    "the file is replayed against it over TCP. A DIR is searched recursively for\n"
    "transcripts (files whose first line is \"# warmer transcript v1\"), in\n"
    "sorted order. In COMMAND these are filled in from the file's header:\n"
    "  {seed} {max-line} {max-guesses}  the header's values\n"
    "  {games}   the file's games as words: --game LO:HI:SECRET:COUNT ...\n"
    "  {host}    --host (default 127.0.0.1)\n"
    "  {port}    --server: a free port for the server to listen on (without\n"
    "            {port}, the server must print \"listening on HOST:PORT\" on its\n"
    "            stderr); --client: the port warmer listens on\n"
    "--server: COMMAND is a server; the file's client side is played to it, then\n"
    "  the server gets SIGTERM and must exit 0 (or die of SIGTERM) within\n"
    "  --process-timeout: any other status fails the case, so `valgrind --error-exitcode=99\n"
    "  ./myserver --port {port} --seed {seed}` checks a server for leaks too.\n"
    "--client: COMMAND is a client, run once per connection of the file against\n"
    "  the file's server side; it must exit 0 when the file's client finishes\n"
    "  cleanly, non-zero when the file shows the client's error.\n"
    "A peer's error is seen only as its close; a peer that answers where the file\n"
    "shows it closing, or stays open, fails. A file that cannot run against\n"
    "COMMAND (its tested side is a script, or it sets a limit COMMAND has no\n"
    "placeholder for) is skipped, with the reason.\n"
    "  -j N, --jobs N  cases at once, 1..256 (default: the CPU count); output\n"
    "                  stays in file order\n"
    "  --timeout S     each wait for the peer's lines and closes (default 10)\n"
    "  --close-window S  a close before the line that should cause it fails:\n"
    "                  each line held waits this long first (default 0.05, 0 off)\n"
    "  --process-timeout S  for a peer to start listening or connecting, and to\n"
    "                  exit once stopped or done (default 30)\n"
    "  --profile P     the profile the peer is judged under (default strict): a\n"
    "                  file of another (naming none: strict) is judged against\n"
    "                  P's own side re-run in process from the file's other side\n"
    "  --shard K/N, --junit FILE, --json FILE, --tap, --color WHEN, --progress S,\n"
    "  --durations N, --html FILE\n"
    "                  as for warmer check: a skipped case is <skipped> in JUnit,\n"
    "                  \"# SKIP\" in TAP\n"
    "  -k PATTERN, --keyword PATTERN, --last-failed, --cache-dir DIR, --no-cache\n"
    "                  as for warmer check (the cache file: DIR/interop-lastfailed)\n"
    "Prints \"ok FILE\", \"skip FILE: why\" or \"FAIL FILE: why\" (then a diff and\n"
    "reproduce lines) per case, and \"N passed, N failed, N skipped\".\n"
    "SIGINT or SIGTERM starts no more cases and kills every running peer's group;\n"
    "the cases cut short are not reported (a second signal kills at once).\n"
    "Exit: 0 none failed, 1 a case failed, 2 bad usage or a malformed file, 130\n"
    "after SIGINT, 143 after SIGTERM.\n";

struct runner {
    struct wm_interop_opts opts;
    struct wm_port_pool ports;
    struct wm_files files;
    struct wm_suite_opts suite;
    unsigned jobs;
    struct wm_pool *pool;
    pthread_mutex_t lock; /* guards stopping and the peer table */
    int stopping;         /* a signal came: every peer is killed */
    pid_t *pgid;          /* per running case: its peer's group, 0 if none */
    unsigned char *cut;   /* per running case: its peer was killed by the signal */
    unsigned char *busy;  /* per running case: the entry is a running case's */
};

/* A running case's entry in the peer table: at most `jobs` run at once. */
struct slot {
    struct runner *r;
    unsigned k;
};

/* A case's result in the pool: its report, and whether the signal cut it. */
struct iop_result {
    struct wm_case_result r;
    int cut;
};

/* A peer started after the signal's sweep is killed here, so none is missed. */
static void track_peer(void *ctx, pid_t pgid)
{
    struct slot *sl = ctx;
    struct runner *r = sl->r;
    pthread_mutex_lock(&r->lock);
    r->pgid[sl->k] = pgid;
    if (r->stopping && pgid > 0) {
        kill(-pgid, SIGKILL);
        r->cut[sl->k] = 1;
    }
    pthread_mutex_unlock(&r->lock);
}

/* A free entry of the peer table for a case that begins. */
static unsigned slot_take(struct runner *r)
{
    unsigned k = 0;
    pthread_mutex_lock(&r->lock);
    while (k < r->jobs && r->busy[k])
        k++;
    assert(k < r->jobs); /* the pool runs at most jobs cases at once */
    r->busy[k] = 1;
    r->cut[k] = 0;
    r->pgid[k] = 0;
    pthread_mutex_unlock(&r->lock);
    return k;
}

/* One case, on a pool worker: its report into memory, taken in file order. */
static void interop_job(void *ctx, uint64_t i, void *res)
{
    struct runner *r = ctx;
    struct iop_result *ir = res;
    struct slot sl = {r, slot_take(r)};
    struct wm_interop_opts o = r->opts;
    o.track = track_peer;
    o.track_ctx = &sl;
    ir->r.status = WM_CASE_FAILED;
    double t0 = wm_clock_s();
    FILE *f = open_memstream(&ir->r.text, &ir->r.len);
    if (f) {
        wm_interop_case(f, r->files.paths[i], &o, &ir->r);
        if (fclose(f) != 0)
            ir->r.status = WM_CASE_FAILED;
    }
    ir->r.seconds = wm_clock_s() - t0;
    pthread_mutex_lock(&r->lock);
    ir->cut = r->cut[sl.k]; /* its peer killed mid-case: not a result */
    r->busy[sl.k] = 0;
    pthread_mutex_unlock(&r->lock);
}

static void drop_result(void *res)
{
    wm_case_result_free(&((struct iop_result *)res)->r);
}

/* SIGINT or SIGTERM (the watcher's thread): start no more cases and kill
 * every running peer's process group at once, so none outlives warmer and
 * no case waits out a timeout; the cases cut short are not reported. */
static void on_signal(void *ctx, int signo)
{
    struct runner *r = ctx;
    (void)signo;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    if (r->pool)
        wm_pool_stop(r->pool);
    for (unsigned k = 0; k < r->jobs; k++) {
        if (r->busy[k] && r->pgid[k] > 0) {
            kill(-r->pgid[k], SIGKILL);
            r->cut[k] = 1;
        }
    }
    pthread_mutex_unlock(&r->lock);
}

/* Every case on sim/core's pool, reported in file order as each and those
 * before it are done; a signal ends the reports at the first case cut short
 * or not started. */
static int run_all(struct runner *r)
{
    size_t n = r->files.n;
    struct wm_suite s = {0};
    struct wm_sig_watch watch = {0};
    struct wm_err err;
    struct iop_result ir;
    uint64_t i;
    int rc = WM_EXIT_FAIL;
    r->pgid = calloc(r->jobs, sizeof *r->pgid);
    r->cut = calloc(r->jobs, 1);
    r->busy = calloc(r->jobs, 1);
    if (!r->pgid || !r->cut || !r->busy) {
        fprintf(stderr, "warmer interop: out of memory\n");
        goto out;
    }
    int begun = wm_suite_begin(&s, "warmer interop", "warmer.interop", &r->suite, r->files.paths, n);
    if (begun != WM_SUITE_BEGUN) {
        rc = begun == WM_SUITE_NO_REPORT ? WM_EXIT_ENV : WM_EXIT_FAIL;
        goto out;
    }
    s.not_transcripts = r->files.skipped;
    if (wm_sig_watch_start(&watch, on_signal, r, &err) < 0) {
        fprintf(stderr, "warmer interop: %s\n", err.msg);
        goto end;
    }
    struct wm_pool *p = n ? wm_pool_start(r->jobs, r->jobs * 4, n, sizeof ir, interop_job, r) : NULL;
    if (n && !p) {
        fprintf(stderr, "warmer interop: cannot start a thread\n");
        goto join;
    }
    pthread_mutex_lock(&r->lock); /* the watcher stops it from now on */
    r->pool = p;
    if (p && r->stopping)
        wm_pool_stop(p);
    pthread_mutex_unlock(&r->lock);
    while (p && wm_pool_take(p, &i, &ir)) {
        if (ir.cut) {
            drop_result(&ir);
            break;
        }
        wm_suite_case(&s, &ir.r); /* the suite owns it now */
    }
    rc = s.counts[WM_CASE_MALFORMED] ? WM_EXIT_USAGE
         : s.counts[WM_CASE_FAILED]  ? WM_EXIT_FAIL
                                     : WM_EXIT_OK;
join:
    wm_sig_watch_end(&watch); /* before the pool goes: the watcher stops it */
    wm_pool_free(r->pool, drop_result); /* the cases running finish first */
    r->pool = NULL;
end:;
    int signo = wm_sig_caught();
    if (wm_suite_end(&s, signo) < 0) /* a report file not written */
        rc = WM_EXIT_ENV;
    if (signo)
        rc = WM_EXIT_SIGNAL(signo);
out:
    free(r->pgid);
    free(r->cut);
    free(r->busy);
    return rc;
}

enum { IOP_SERVER = WM_OPT_LOCAL, IOP_CLIENT, IOP_HOST, IOP_PROCESS_TIMEOUT };

static const struct wm_opt interop_opts[] = {
    {"server", 1, IOP_SERVER}, {"client", 1, IOP_CLIENT},
    WM_OPTS_JOBS,              WM_OPTS_TIMEOUT,           WM_OPTS_CLOSE_WINDOW,
    {"host", 1, IOP_HOST},     {"process-timeout", 1, IOP_PROCESS_TIMEOUT},
    WM_OPTS_SUITE,             WM_OPTS_PROFILE,           {NULL, 0, 0}};

static int interop_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct runner *r = ctx;
    switch (o->id) {
    case IOP_SERVER:
    case IOP_CLIENT:
        if (r->opts.command)
            return wm_usage_error(a, "give one of --server or --client, once"), -1;
        r->opts.command = o->val;
        r->opts.test_server = o->id == IOP_SERVER;
        return 0;
    case WM_OPT_JOBS:
        return wm_opt_jobs(a, o, &r->jobs);
    case WM_OPT_TIMEOUT:
        return wm_opt_seconds(a, o, &r->opts.timeout_ms);
    case WM_OPT_CLOSE_WINDOW:
        return wm_opt_close_window(a, o, &r->opts.close_window_ms);
    case IOP_HOST:
        r->opts.host = o->val;
        return 0;
    case IOP_PROCESS_TIMEOUT:
        return wm_opt_seconds(a, o, &r->opts.process_timeout_ms);
    case WM_OPT_PROFILE:
        return wm_opt_profile(a, o, &r->opts.profile);
    case WM_OPT_SHARD:
    case WM_OPT_JUNIT:
    case WM_OPT_JSON:
    case WM_OPT_HTML:
    case WM_OPT_TAP:
    case WM_OPT_COLOR:
    case WM_OPT_PROGRESS:
    case WM_OPT_DURATIONS:
    case WM_OPT_KEYWORD:
    case WM_OPT_LAST_FAILED:
    case WM_OPT_CACHE_DIR:
    case WM_OPT_NO_CACHE:
        return wm_opt_suite(a, &r->suite, o);
    }
    return wm_usage_error(a, "internal error: %s", o->name), -1;
}

int wm_cmd_interop(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {interop_help, interop_opts, -1};
    struct runner r = {.jobs = wm_pool_cpus(), .suite = WM_SUITE_OPTS_INIT};
    struct wm_interop_opts *o = &r.opts;
    char repro[256] = "";
    int rc;
    *o = (struct wm_interop_opts){.host = "127.0.0.1", .timeout_ms = WM_DEFAULT_TIMEOUT_MS,
                                  .close_window_ms = WM_DEFAULT_CLOSE_WINDOW_MS,
                                  .process_timeout_ms = PROCESS_TIMEOUT_MS,
                                  .max_journal = WM_DEFAULT_MAX_JOURNAL, .prog = a->prog,
                                  .repro_opts = repro};
    if ((rc = wm_opts_parse(a, &spec, interop_opt, &r)) != WM_OPTS_GO_ON)
        return rc;
    if (!o->command)
        return wm_usage_error(a, "say what to test: --server 'COMMAND' or --client 'COMMAND'");
    if (a->nops == 0)
        return wm_usage_error(a, "no transcript files or directories given");
    if (wm_select_args_check(a, &r.suite.sel) < 0)
        return WM_EXIT_USAGE;
    if (o->timeout_ms != WM_DEFAULT_TIMEOUT_MS) {
        char secs[24];
        wm_seconds_word(secs, sizeof secs, o->timeout_ms);
        snprintf(repro, sizeof repro, " --timeout %s", secs);
    }
    if (o->close_window_ms != WM_DEFAULT_CLOSE_WINDOW_MS) {
        char secs[24];
        size_t n = strlen(repro);
        wm_seconds_word(secs, sizeof secs, o->close_window_ms);
        snprintf(repro + n, sizeof repro - n, " --close-window %s", secs);
    }
    if (o->process_timeout_ms != PROCESS_TIMEOUT_MS) {
        char secs[24];
        size_t n = strlen(repro);
        wm_seconds_word(secs, sizeof secs, o->process_timeout_ms);
        snprintf(repro + n, sizeof repro - n, " --process-timeout %s", secs);
    }
    if (o->profile != WM_PROFILE_STRICT) {
        size_t n = strlen(repro);
        snprintf(repro + n, sizeof repro - n, " --profile %s", wm_profile_name(o->profile));
    }
    if (strcmp(o->host, "127.0.0.1") != 0) {
        char word[160];
        wm_shell_word(o->host, word, sizeof word);
        size_t n = strlen(repro);
        snprintf(repro + n, sizeof repro - n, " --host %s", word);
    }
    r.suite.show_skipped = 1;
    if ((rc = wm_suite_files(a, &r.files, &r.suite, "interop", 1)) != 0)
        return rc;
    struct wm_err err;
    if (r.files.n < r.jobs)
        r.jobs = r.files.n ? (unsigned)r.files.n : 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_mutex_init(&r.lock, NULL);
    wm_port_pool_init(&r.ports);
    o->ports = &r.ports;
    if (wm_sig_install(WM_SIG_SECOND_KILLS, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        rc = WM_EXIT_FAIL;
    } else {
        rc = run_all(&r);
        wm_sig_restore();
    }
    wm_port_pool_free(&r.ports);
    pthread_mutex_destroy(&r.lock);
    wm_files_free(&r.files);
    return rc;
}
