/* warmer explore's options (explore_args.h). */
#include "explore_args.h"

#include <string.h>

#include "explore_help.h"
#include "interop.h"
#include "pool.h"

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

static int explore_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct wm_xargs *x = ctx;
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
static int choose_runs(struct wm_args *a, struct wm_xargs *x)
{
    struct wm_xplan *e = &x->e;
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

int wm_xargs_live_cmd(struct wm_args *a, const struct wm_xargs *x, struct wm_xplan *e,
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

int wm_xargs_parse(struct wm_args *a, struct wm_xargs *x)
{
    static const struct wm_cmd_spec spec = {wm_explore_help, explore_opts, 0};
    *x = (struct wm_xargs){
        .e = {.seed = 1, .bias = {.driver = -1, .faults = WM_SCN_ALL_FAULTS, .draw_profile = 1},
              .budget = {WM_EXPLORE_MAX_STEPS, WM_EXPLORE_RUN_SECONDS, 1, 0, NULL},
              .reruns = WM_EXPLORE_RERUNS},
        .target = {.server_seed = WM_DEFAULT_SEED, .timeout_ms = WM_DEFAULT_TIMEOUT_MS,
                   .close_window_ms = WM_DEFAULT_CLOSE_WINDOW_MS},
        .suite = WM_SUITE_OPTS_INIT, .runs = 1000, .jobs = wm_pool_cpus(), .dir = "explore-out",
        .process_timeout_ms = WM_XPROC_TIMEOUT_MS};
    int rc = wm_opts_parse(a, &spec, explore_opt, x);
    return rc != WM_OPTS_GO_ON ? rc : choose_runs(a, x);
}
