/* warmer explore: seeded swarm runs held to the invariants, the first
 * failure shrunk and written out with a command that reproduces it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "explore.h"
#include "explore_fail.h"
#include "explore_help.h"
#include "explore_live.h"
#include "explore_mal.h"
#include "explore_proc.h"
#include "explore_mem.h"
#include "explore_report.h"
#include "explore_sig.h"
#include "explore_tally.h"
#include "interop.h"
#include "live.h"
#include "net.h"
#include "pool.h"
#include "replay_set.h"
#include "sig.h"
#include "watchdog.h"

struct explore {
    uint64_t seed;
    struct wm_scn_bias bias;
    struct wm_live_target *live; /* --connect: runs go to a live server, one at a time */
    struct wm_explore_slice slice; /* the runs this process makes */
    unsigned shard_k, shard_n;     /* --shard K/N (1/1: every run) */
    int one_run;                   /* --run K */
    int no_fork;                   /* --no-fork: scenarios run in this process */
    struct wm_explore_budget budget; /* --run-timeout, --max-steps */
    struct wm_watchdog *watch;     /* --no-fork: the run's time budget */
    struct wm_xsig_table *sigs;    /* --keep-going: the signatures found, or NULL */
    unsigned reruns;               /* --reruns */
    const struct wm_xmem *mem;     /* --memcheck: the checker, or NULL */
};

struct result {
    struct wm_scn scn;
    struct wm_outcome out;
    double seconds;     /* the run's own time, for the reports */
    uint64_t live_seed; /* --connect: the server's seed for the run's first connection */
    int oom;
    int cut;            /* stopped by SIGINT or SIGTERM: no outcome, not a run made */
};

static void run_job(void *ctx, uint64_t j, void *res)
{
    const struct explore *e = ctx;
    struct result *r = res;
    double start = wm_clock_s();
    wm_scn_draw(&r->scn, e->seed, wm_explore_slice_run(&e->slice, j), &e->bias);
    if (e->live)
        r->live_seed = e->live->server_seed + e->live->made;
    int slot = e->no_fork ? wm_watchdog_enter(e->watch, wm_explore_slice_run(&e->slice, j)) : -1;
    int rc = wm_sig_caught() ? 1 /* stopping: the pool may still hand out a job */
             : e->live       ? wm_explore_live(e->live, &r->scn, &r->out)
             : e->no_fork    ? wm_explore_run(&r->scn, &e->budget, &r->out)
                             : wm_explore_run_isolated(&r->scn, &e->budget, &r->out);
    wm_watchdog_leave(e->watch, slot);
    uint64_t k = wm_explore_slice_run(&e->slice, j);
    if (rc == 0 && e->mem && !r->out.failed && wm_xmem_sampled(e->mem, k))
        rc = wm_xmem_run(e->mem, k, &r->out); /* the run again, under the memory checker */
    r->oom = rc < 0;
    r->cut = rc > 0;
    r->seconds = wm_clock_s() - start;
}

static void drop_result(void *res)
{
    wm_outcome_free(&((struct result *)res)->out);
}

/* Run k ended as r says: told on stdout if it failed, and in the reports.
 * Returns the exit status it calls for. */
static int settle(const struct wm_args *a, const struct explore *e, const char *dir,
                  struct wm_xreport *rep, uint64_t k, struct result *r)
{
    char scenario[800], file[4200] = "";
    struct wm_case_result res = {.status = WM_CASE_OK};
    char sig[WM_XSIG_MAX] = "";
    int rc = WM_EXIT_OK;
    wm_scn_describe(&r->scn, scenario, sizeof scenario); /* as drawn, before any shrinking */
    if (r->oom) {
        fprintf(stderr, "%s: out of memory in run %" PRIu64 "\n", a->cmd, k);
        res.status = WM_CASE_FAILED;
        res.message = strdup("out of memory");
        rc = WM_EXIT_FAIL;
    } else if (r->out.failed) {
        struct wm_xfail x = {.cmd = a->cmd, .prog = a->prog, .seed = e->seed, .bias = &e->bias,
                             .live = e->live, .live_seed = r->live_seed, .dir = dir,
                             .no_fork = e->no_fork, .budget = &e->budget, .watch = e->watch,
                             .sharded = e->shard_n > 1, .reruns = e->reruns, .mem = e->mem};
        const struct wm_xsig_finding *f = NULL;
        int fresh = 1;
        if (e->sigs) { /* --keep-going: only a new signature's first run is shrunk */
            wm_xsig_of(&r->out, sig, sizeof sig);
            f = wm_xsig_add(e->sigs, sig, k, &fresh);
            x.sig = sig;
        }
        rc = fresh ? wm_xfail_report(&x, k, &r->scn, &r->out, &res, file, sizeof file)
                   : wm_xfail_again(&x, k, f ? f->first_run : UINT64_MAX, &r->out, &res);
    }
    res.seconds = r->seconds;
    wm_xreport_run(rep, e->seed, k, scenario, file[0] ? file : NULL, sig[0] ? sig : NULL, &res);
    wm_case_result_free(&res);
    return rc;
}

/* The watcher's answer to SIGINT or SIGTERM: no new run starts; a child
 * running is killed (explore_child.c), a run in this process finishes. */
static void stop_pool(void *pool, int signo)
{
    (void)signo;
    wm_pool_stop(pool);
}

static int explore(const struct wm_args *a, const struct explore *e, double seconds,
                   unsigned jobs, const char *dir, struct wm_xreport *rep)
{
    int tty = isatty(STDERR_FILENO);
    double start = wm_clock_s(), last = start;
    struct wm_xtally t = {0};
    struct result r;
    uint64_t j;
    int rc = WM_EXIT_OK;
    struct wm_sig_watch watch;
    struct wm_err err;
    struct wm_pool *p = wm_pool_start(jobs, jobs * 4, e->slice.count, sizeof r, run_job,
                                      (void *)e);
    if (!p || wm_sig_watch_start(&watch, stop_pool, p, &err) < 0) {
        wm_pool_free(p, NULL);
        fprintf(stderr, "%s: cannot start the workers\n", a->cmd);
        return WM_EXIT_FAIL;
    }
    while (wm_pool_take(p, &j, &r)) {
        if (r.cut) /* its child was killed: not a run made */
            continue;
        if (!r.oom)
            wm_xtally_count(&t, &r.scn, r.out.guesses, r.out.expected);
        if (r.oom || (r.out.failed && !e->sigs)) { /* the first failure (lowest run) ends it */
            wm_pool_stop(p);
            if (tty)
                fputs("\r\033[K", stderr);
        }
        int run_rc = settle(a, e, dir, rep, wm_explore_slice_run(&e->slice, j), &r);
        wm_outcome_free(&r.out);
        if (run_rc != WM_EXIT_OK)
            rc = run_rc;
        if (run_rc != WM_EXIT_OK && (!e->sigs || r.oom))
            break;
        double now = wm_clock_s();
        if (seconds > 0 && now - start >= seconds)
            wm_pool_stop(p);
        if (tty && now - last >= 0.2) {
            fprintf(stderr, "\rexplore: %" PRIu64 " runs, %.0f runs/s", t.runs,
                    (double)t.runs / (now - start));
            last = now;
        }
    }
    wm_sig_watch_end(&watch);
    wm_pool_free(p, drop_result);
    if (tty)
        fputs("\r\033[K", stderr);
    int signo = wm_sig_caught();
    struct wm_xtally_head head = {.seed = e->seed, .run = e->slice.first, .one_run = e->one_run,
                                  .shard_k = e->shard_k, .shard_n = e->shard_n, .live = e->live,
                                  .sigs = e->sigs};
    wm_xtally_print(&head, &t, rc == WM_EXIT_FAIL, signo);
    return signo ? WM_EXIT_SIGNAL(signo) : rc;
}

static int replay(const struct wm_args *a, const char *path, const struct explore *e,
                  int in_set)
{
    struct wm_transcript t;
    struct wm_outcome o;
    struct wm_err err;
    if (wm_tx_parse_as(path, e->bias.profile, &t, WM_DEFAULT_MAX_JOURNAL, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    if ((t.cfg.client_script || t.cfg.server_script) && in_set) { /* a DIR's bad/ goldens */
        wm_tx_free(&t);
        printf("skip %s: a side is a script; explore replays runs of sessions\n", path);
        return WM_REPLAY_SKIPPED;
    }
    int mal = t.cfg.client_script != t.cfg.server_script; /* a malformed run's file: one side a script */
    if (t.cfg.client_script && !mal) {
        wm_tx_free(&t);
        fprintf(stderr, "%s: %s: explore replays runs of sessions, not scripts\n", a->cmd, path);
        return WM_EXIT_USAGE;
    }
    int slot = wm_watchdog_enter(e->watch, WM_WATCHDOG_OTHER);
    int rc = mal         ? wm_explore_mal_replay(&t, &e->budget, &o)
             : e->no_fork ? wm_explore_replay(&t.cfg, &e->budget, &o)
                          : wm_explore_replay_isolated(&t.cfg, &e->budget, &o);
    wm_watchdog_leave(e->watch, slot);
    if (rc < 0) {
        fprintf(stderr, "%s: out of memory\n", a->cmd);
        rc = WM_EXIT_FAIL;
    } else if (o.failed) {
        printf("FAIL %s\n", path);
        wm_xfail_violation(stdout, "  fails", &o);
        rc = WM_EXIT_FAIL;
    } else {
        printf("ok %s: the invariants hold under every %s\n", path,
               t.cfg.nfaults ? "transport and chunking (the sim driver: it has a fault plan)"
                             : "driver, transport and chunking");
        rc = WM_EXIT_OK;
    }
    wm_outcome_free(&o);
    wm_tx_free(&t);
    return rc;
}

/* One file of a --replay set (replay_set.h); ctx is the explore settings. */
static int replay_one(const struct wm_args *a, void *ctx, const char *path, int in_set)
{
    return replay(a, path, ctx, in_set);
}

enum {
    EXP_CONNECT = WM_OPT_LOCAL,
    EXP_SERVER_SEED,
    EXP_SEED,
    EXP_RUNS,
    EXP_RUN,
    EXP_TIME,
    EXP_OUT,
    EXP_DRIVER,
    EXP_FAULTS,
    EXP_REPLAY,
    EXP_NO_FORK,
    EXP_RUN_TIMEOUT,
    EXP_MAX_STEPS,
    EXP_KEEP_GOING,
    EXP_MAX_FINDINGS,
    EXP_RERUNS,
    EXP_SERVER_CMD,
    EXP_CLIENT_CMD,
    EXP_PROCESS_TIMEOUT,
    EXP_MEMCHECK,
    EXP_MEMCHECK_CMD
};

static const struct wm_opt explore_opts[] = {
    {"seed", 1, EXP_SEED},       {"runs", 1, EXP_RUNS},     {"time", 1, EXP_TIME},
    {"out", 1, EXP_OUT},         WM_OPTS_JOBS,              {"faults", 1, EXP_FAULTS},
    {"driver", 1, EXP_DRIVER},   {"connect", 1, EXP_CONNECT}, {"server-seed", 1, EXP_SERVER_SEED},
    WM_OPTS_TIMEOUT,             WM_OPTS_CLOSE_WINDOW,
    {"replay", 1, EXP_REPLAY},   {"run", 1, EXP_RUN},
    {"shard", 1, WM_OPT_SHARD},  {"junit", 1, WM_OPT_JUNIT}, {"json", 1, WM_OPT_JSON},
    {"html", 1, WM_OPT_HTML},
    {"no-fork", 0, EXP_NO_FORK}, {"keyword", 1, WM_OPT_KEYWORD}, WM_OPTS_PROFILE,
    {"run-timeout", 1, EXP_RUN_TIMEOUT}, {"max-steps", 1, EXP_MAX_STEPS},
    {"keep-going", 0, EXP_KEEP_GOING}, {"max-findings", 1, EXP_MAX_FINDINGS},
    {"reruns", 1, EXP_RERUNS}, {"server", 1, EXP_SERVER_CMD}, {"client", 1, EXP_CLIENT_CMD},
    {"process-timeout", 1, EXP_PROCESS_TIMEOUT}, {"memcheck", 1, EXP_MEMCHECK},
    {"memcheck-cmd", 1, EXP_MEMCHECK_CMD}, {NULL, 0, 0}};

#define EXP_REPLAY_MAX 256 /* --replay options in one command line */

struct explore_args {
    struct explore e;
    struct wm_live_target target;
    struct wm_suite_opts suite; /* --shard, --junit, --json, parsed as check parses them */
    uint64_t runs, run;
    double seconds;
    unsigned jobs;
    const char *dir, *replay_path;
    int have_runs, have_run, have_shard;
    int keep_going;        /* --keep-going */
    uint64_t max_findings; /* --max-findings (0: not given) */
    char *replay_ops[EXP_REPLAY_MAX]; /* every --replay, in order (replay_path: the first) */
    size_t nreplay;
    struct wm_select sel; /* -k among --replay's files */
    const char *server_cmd, *client_cmd; /* --server, --client */
    int process_timeout_ms;               /* --process-timeout */
    uint64_t memcheck;      /* --memcheck N (0: off) */
    const char *memcheck_cmd; /* --memcheck-cmd */
};

static int explore_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct explore_args *x = ctx;
    char bad[64];
    switch (o->id) {
    case EXP_CONNECT:
        x->target.addr = o->val;
        return wm_opt_hostport(a, o, 0);
    case EXP_SERVER_SEED:
        return wm_opt_range(a, o, 0, UINT64_MAX, &x->target.server_seed);
    case WM_OPT_CLOSE_WINDOW:
        return wm_opt_close_window(a, o, &x->target.close_window_ms);
    case WM_OPT_TIMEOUT:
        return wm_opt_seconds(a, o, &x->target.timeout_ms);
    case WM_OPT_PROFILE:
        x->e.bias.draw_profile = 0; /* pinned: every run's */
        return wm_opt_profile(a, o, &x->e.bias.profile);
    case EXP_SEED:
        return wm_opt_range(a, o, 0, UINT64_MAX, &x->e.seed);
    case EXP_RUNS:
        x->have_runs = 1;
        return wm_opt_range(a, o, 0, UINT64_MAX - 1, &x->runs);
    case EXP_RUN:
        x->have_run = 1;
        return wm_opt_range(a, o, 0, UINT64_MAX - 1, &x->run);
    case WM_OPT_SHARD:
        x->have_shard = 1;
        return wm_opt_suite(a, &x->suite, o);
    case WM_OPT_JUNIT:
    case WM_OPT_JSON:
    case WM_OPT_HTML:
        return wm_opt_suite(a, &x->suite, o);
    case EXP_TIME: {
        int64_t ms;
        if (wm_opt_seconds_in(a, o, 0, (int64_t)86400 * 30 * 1000, &ms) < 0)
            return -1;
        x->seconds = (double)ms / 1000;
        return 0;
    }
    case EXP_OUT:
        x->dir = o->val;
        return 0;
    case WM_OPT_JOBS:
        return wm_opt_jobs(a, o, &x->jobs);
    case EXP_DRIVER:
        if (strcmp(o->val, "sim") == 0)
            x->e.bias.driver = WM_DRV_SIM;
        else if (strcmp(o->val, "threads") == 0)
            x->e.bias.driver = WM_DRV_THREADS;
        else if (strcmp(o->val, "events") == 0)
            x->e.bias.driver = WM_DRV_EVENTS;
        else
            return wm_usage_error(a, "%s wants sim, threads or events, got \"%s\"", o->name,
                                  o->val), -1;
        return 0;
    case EXP_FAULTS:
        if (wm_scn_parse_faults(o->val, &x->e.bias.faults, bad, sizeof bad) < 0)
            return wm_usage_error(a, "%s: unknown kind \"%s\" (want all, none, or a list of "
                                  "split, reset, half-close, stall, slow, delay, journal-limit, "
                                  "alloc-fail, malformed)", o->name, bad), -1;
        return 0;
    case EXP_REPLAY:
        if (x->nreplay == EXP_REPLAY_MAX)
            return wm_usage_error(a, "more than %d --replay", EXP_REPLAY_MAX), -1;
        if (!x->replay_path)
            x->replay_path = o->val;
        x->replay_ops[x->nreplay++] = (char *)o->val;
        return 0;
    case WM_OPT_KEYWORD:
        return wm_opt_select(a, &x->sel, o);
    case EXP_NO_FORK:
        x->e.no_fork = 1;
        return 0;
    case EXP_RUN_TIMEOUT: { /* auto: scaled to the runs' times (hangbudget.h) */
        uint64_t sec = WM_EXPLORE_RUN_SECONDS;
        x->e.budget.adaptive = strcmp(o->val, "auto") == 0;
        if (!x->e.budget.adaptive && wm_opt_range(a, o, 0, 86400 * 30, &sec) < 0)
            return -1;
        x->e.budget.seconds = (unsigned)sec;
        return 0;
    }
    case EXP_MAX_STEPS:
        return wm_opt_range(a, o, 1, UINT64_MAX, &x->e.budget.max_steps);
    case EXP_KEEP_GOING:
        x->keep_going = 1;
        return 0;
    case EXP_MAX_FINDINGS:
        return wm_opt_range(a, o, 1, WM_XSIG_FINDINGS_MAX, &x->max_findings);
    case EXP_SERVER_CMD:
        x->server_cmd = o->val;
        return 0;
    case EXP_CLIENT_CMD:
        x->client_cmd = o->val;
        return 0;
    case EXP_PROCESS_TIMEOUT:
        return wm_opt_seconds(a, o, &x->process_timeout_ms);
    case EXP_MEMCHECK:
        return wm_opt_range(a, o, 0, UINT32_MAX, &x->memcheck);
    case EXP_MEMCHECK_CMD:
        x->memcheck_cmd = o->val;
        return 0;
    case EXP_RERUNS: {
        uint64_t n;
        if (wm_opt_range(a, o, 0, WM_EXPLORE_RERUNS_MAX, &n) < 0)
            return -1;
        x->e.reruns = (unsigned)n;
        return 0;
    }
    }
    return wm_usage_error(a, "internal error: %s", o->name), -1;
}

/* Which runs: --run K alone, or shard K/N (default 1/1) of --runs or --time.
 * WM_OPTS_GO_ON, or the exit status after a usage message. */
static int choose_runs(struct wm_args *a, struct explore_args *x)
{
    struct explore *e = &x->e;
    if (x->have_runs && x->seconds > 0)
        return wm_usage_error(a, "give --runs or --time, not both");
    if (x->have_run && (x->have_runs || x->seconds > 0 || x->have_shard))
        return wm_usage_error(a, "--run makes one run: it takes no --runs, --time or --shard");
    if (x->replay_path && (x->have_run || x->have_shard || x->suite.junit_path ||
                           x->suite.json_path || x->suite.html_path))
        return wm_usage_error(a, "--replay replays files: it takes no --run, --shard, --junit, "
                              "--json or --html");
    if (x->replay_path && x->keep_going)
        return wm_usage_error(a, "--replay replays files: it takes no --keep-going");
    if (x->memcheck && (x->replay_path || x->target.addr))
        return wm_usage_error(a, "--memcheck samples explore's own runs: it takes no --replay "
                              "or --connect (run `CMD warmer explore --replay FILE --no-fork`)");
    if (x->memcheck_cmd && !x->memcheck)
        return wm_usage_error(a, "--memcheck-cmd names --memcheck's checker: give both");
    if (x->max_findings && !x->keep_going)
        return wm_usage_error(a, "--max-findings bounds --keep-going: give both");
    e->shard_k = x->suite.shard_k;
    e->shard_n = x->suite.shard_n;
    if (x->have_run) {
        e->one_run = 1;
        e->slice = (struct wm_explore_slice){.first = x->run, .step = 1, .count = 1};
    } else {
        /* with --time, each shard makes its own runs, in order, until its time is up */
        wm_explore_slice_shard(&e->slice, x->seconds > 0 ? UINT64_MAX : x->runs, e->shard_k,
                               e->shard_n);
    }
    return WM_OPTS_GO_ON;
}

/* --server CMD or --client CMD: runs go to a fresh process each (explore_proc.h).
 * -1 to go on, else the exit status of a usage error. */
static int live_cmd(struct wm_args *a, const struct explore_args *x, struct explore *e,
                    struct wm_live_target *target, struct wm_xproc *xp)
{
    const char *cmd = x->server_cmd ? x->server_cmd : x->client_cmd;
    if (!cmd)
        return -1;
    if (x->server_cmd && x->client_cmd)
        return wm_usage_error(a, "give --server or --client, not both");
    if (target->addr || x->replay_path)
        return wm_usage_error(a, "--%s runs against a command: it takes no --connect or "
                              "--replay", x->server_cmd ? "server" : "client");
    if (e->bias.driver >= 0)
        return wm_usage_error(a, "--driver has no say against a live implementation");
    if (!wm_interop_has(cmd, "{port}"))
        return wm_usage_error(a, "--%s: COMMAND has no {port} (where the %s listens)",
                              x->server_cmd ? "server" : "client",
                              x->server_cmd ? "server" : "client connects to warmer");
    target->proc = xp; /* set up by wm_xproc_init once the runs start */
    e->live = target;
    e->bias.live = 1;
    if (x->client_cmd) /* the replay of the server side carries out no fault */
        e->bias.faults = 0;
    return -1;
}

int wm_cmd_explore(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {wm_explore_help, explore_opts, 0};
    struct explore_args x = {
        .e = {.seed = 1, .bias = {.driver = -1, .faults = WM_SCN_ALL_FAULTS, .draw_profile = 1},
              .budget = {WM_EXPLORE_MAX_STEPS, WM_EXPLORE_RUN_SECONDS, 1, 0, NULL},
              .reruns = WM_EXPLORE_RERUNS},
        .target = {.server_seed = WM_DEFAULT_SEED, .timeout_ms = WM_DEFAULT_TIMEOUT_MS,
                   .close_window_ms = WM_DEFAULT_CLOSE_WINDOW_MS},
        .suite = WM_SUITE_OPTS_INIT, .runs = 1000, .jobs = wm_pool_cpus(), .dir = "explore-out",
        .process_timeout_ms = WM_XPROC_TIMEOUT_MS};
    int rc = wm_opts_parse(a, &spec, explore_opt, &x);
    if (rc != WM_OPTS_GO_ON || (rc = choose_runs(a, &x)) != WM_OPTS_GO_ON)
        return rc;
    struct explore e = x.e;
    struct wm_live_target target = x.target;
    unsigned jobs = x.jobs;
    struct wm_xproc xproc;
    if ((rc = live_cmd(a, &x, &e, &target, &xproc)) >= 0)
        return rc;
    if (target.proc)
        jobs = 1; /* as --connect: the runs' connections counted in order */
    if (wm_tmp_required(a) < 0) /* not a finding: said before any run */
        return WM_EXIT_ENV;
    if (x.sel.nkeys && !x.replay_path)
        return wm_usage_error(a, "-k selects among --replay's files: give --replay FILE|DIR");
    struct wm_hb hb; /* every run's time, for the budgets that scale with them */
    wm_hb_init(&hb);
    e.budget.hb = &hb;
    if (e.no_fork && wm_watchdog_start(&e.watch, &e.budget, e.seed, a->prog) < 0) {
        fprintf(stderr, "%s: cannot start the watchdog\n", a->cmd);
        return WM_EXIT_FAIL;
    }
    if (x.replay_path) {
        rc = wm_replay_set(a, x.replay_ops, x.nreplay, &x.sel, replay_one, &e);
        wm_watchdog_stop(e.watch);
        return rc;
    }
    struct wm_err err;
    if (target.addr) {
        if (wm_net_check(target.addr, 0, &err) < 0)
            return wm_usage_error(a, "--connect: %s", err.msg);
        if (e.bias.driver >= 0)
            return wm_usage_error(a, "--driver has no say against a live server");
        e.live = &target;
        e.bias.live = 1;
        jobs = 1; /* connections one after another: seeds follow accept order */
    }
    if (wm_xfail_check_dir(x.dir, &err) < 0) { /* not after an hour of runs */
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_ENV;
    }
    if (wm_suite_stdout_report(&x.suite, &err) < 0)
        return wm_usage_error(a, "%s", err.msg);
    struct wm_xreport rep;
    if (wm_xreport_open(&rep, x.suite.junit_path, x.suite.json_path, x.suite.stdout_fd, &err) <
        0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_ENV;
    }
    if (x.suite.html_path &&
        wm_xreport_html(&rep, x.suite.html_path, a->argc, a->argv, e.seed, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        wm_xreport_close(&rep, &(struct wm_err){0});
        return WM_EXIT_ENV;
    }
    struct wm_xmem mem;
    if (x.memcheck) { /* a checker that does not run is said before any run */
        char draw[200];
        wm_xfail_draw_words(&e.bias, draw, sizeof draw);
        if (wm_xmem_init(&mem, (unsigned)x.memcheck, x.memcheck_cmd, e.seed, draw, &e.budget,
                         &err) < 0) {
            fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
            wm_xreport_close(&rep, &(struct wm_err){0});
            return WM_EXIT_ENV;
        }
        e.mem = &mem;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (wm_sig_install(WM_SIG_SECOND_KILLS, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        rc = WM_EXIT_FAIL;
    } else {
        struct wm_xsig_table sigs;
        if (x.keep_going &&
            wm_xsig_init(&sigs, x.max_findings ? x.max_findings : WM_XSIG_FINDINGS_DEFAULT) < 0) {
            fprintf(stderr, "%s: out of memory\n", a->cmd);
            rc = WM_EXIT_FAIL;
        } else {
            e.sigs = x.keep_going ? &sigs : NULL;
            if (target.proc)
                wm_xproc_init(target.proc, x.server_cmd != NULL,
                              x.server_cmd ? x.server_cmd : x.client_cmd, a->prog,
                              x.process_timeout_ms);
            rc = explore(a, &e, x.seconds, jobs, x.dir, &rep);
            if (target.proc)
                wm_xproc_free(target.proc);
            if (e.sigs)
                wm_xsig_free(e.sigs);
        }
    }
    /* Closed after a signal too: the reports hold the runs made. */
    if (wm_xreport_close(&rep, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        if (rc < WM_EXIT_ENV)
            rc = WM_EXIT_ENV;
    }
    wm_sig_restore();
    wm_watchdog_stop(e.watch);
    if (e.mem)
        wm_xmem_free(&mem);
    return rc;
}
