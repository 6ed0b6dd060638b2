/* warmer explore: seeded swarm runs held to the invariants, the first
 * failure shrunk and written out with a command that reproduces it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "explore_args.h"
#include "explore_fail.h"
#include "explore_live.h"
#include "explore_mal.h"
#include "explore_report.h"
#include "explore_tally.h"
#include "net.h"
#include "pool.h"
#include "replay_set.h"
#include "sig.h"

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
    const struct wm_xplan *e = ctx;
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
static int settle(const struct wm_args *a, const struct wm_xplan *e, const char *dir,
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

static int explore(const struct wm_args *a, const struct wm_xplan *e, double seconds,
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

static int replay(const struct wm_args *a, const char *path, const struct wm_xplan *e,
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
    int rc = wm_explore_replay_tx(&t, &e->budget, e->no_fork, &o);
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


int wm_cmd_explore(struct wm_args *a)
{
    struct wm_xargs x;
    int rc = wm_xargs_parse(a, &x);
    if (rc != WM_OPTS_GO_ON)
        return rc;
    struct wm_xplan e = x.e;
    struct wm_live_target target = x.target;
    unsigned jobs = x.jobs;
    struct wm_xproc xproc;
    if ((rc = wm_xargs_live_cmd(a, &x, &e, &target, &xproc)) >= 0)
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
