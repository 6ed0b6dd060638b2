/* warmer explore: seeded swarm runs held to the invariants, the first
 * failure shrunk and written out with a command that reproduces it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"
#include "explore_live.h"
#include "live.h"
#include "net.h"
#include "pool.h"

static const char explore_help[] =
    "usage: warmer explore [--seed S] [--runs N | --time SECONDS] [--out DIR] [-j N]\n"
    "                      [--faults LIST] [--driver sim|threads|events]\n"
    "       warmer explore --connect HOST:PORT [--server-seed N] [--timeout S] [...]\n"
    "       warmer explore --replay FILE\n"
    "Draws run k's whole scenario from (S, k) alone: games at the protocol's edges\n"
    "(single values, tiny ranges played to exhaustion, negative, straddling zero,\n"
    "the full 64-bit range, distances past 2^53, empty ranges, counts past the\n"
    "range), 1..24 connections, transport, chunking, driver, small limits. Each\n"
    "run's transcript is held to invariants re-derived from the transcript alone\n"
    "(docs/EXPLORE.md), then run again under another driver, transport or\n"
    "chunking and required to be byte-identical. The first failure is shrunk to\n"
    "the smallest scenario that fails the same way, written to DIR as a\n"
    "transcript, and a `reproduce:` line names the command that fails on it.\n"
    "  --seed S        the exploration's seed (default 1); same seed, same output\n"
    "  --runs N        runs 0..N-1 (default 1000)\n"
    "  --time S        as many runs as fit in S seconds instead\n"
    "  --out DIR       where a failure's transcript goes (default explore-out)\n"
    "  -j N            runs at once (default: the CPU count); output does not change\n"
    "  --faults LIST   fault kinds runs may turn on: all (default), none, or a\n"
    "                  list of split, reset, half-close, stall, slow, delay,\n"
    "                  journal-limit, alloc-fail; each run turns on its own random\n"
    "                  subset\n"
    "  --driver D      every run's first execution uses driver D (runs with a\n"
    "                  fault plan use sim, which carries faults out)\n"
    "  --connect A     explore a live server of any implementation at A instead,\n"
    "                  one connection after another (-j 1): valid games and the\n"
    "                  faults our client can cause (split writes, one-byte reads,\n"
    "                  half-close, reset), every reply checked against the model\n"
    "                  for that connection's seed; after a destructive fault a\n"
    "                  fresh connection must still be served\n"
    "  --server-seed N the live server's --seed (default 1234): connection k is\n"
    "                  seeded N + k - 1\n"
    "  --timeout S     each wait for the live server (default 10)\n"
    "  --replay FILE   runs FILE's settings under every driver, transport and\n"
    "                  chunking: each must hold the invariants and all must agree\n"
    "  --no-fork       runs each scenario in this process, not in a child: a\n"
    "                  failed assert then stops explore instead of being a\n"
    "                  finding (what a memory checker such as valgrind needs)\n"
    "A progress line goes to stderr on a terminal only. Exit: 0 every run held,\n"
    "1 a run failed, 2 bad usage.\n";

struct tally {
    uint64_t runs, connections, games, guesses;
    uint64_t driver[3], transport[2], small_line, small_guesses;
    uint64_t kind[WM_FAULT_KINDS + 1]; /* runs with each fault kind on (and split) */
};

struct explore {
    uint64_t seed;
    struct wm_scn_bias bias;
    struct wm_live_target *live; /* --connect: runs go to a live server, one at a time */
    int no_fork;                 /* --no-fork: scenarios run in this process */
};

static int run_here(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    (void)ctx;
    return wm_explore_run(s, o);
}

struct result {
    struct wm_scn scn;
    struct wm_outcome out;
    int oom;
};

static void run_job(void *ctx, uint64_t k, void *res)
{
    const struct explore *e = ctx;
    struct result *r = res;
    wm_scn_draw(&r->scn, e->seed, k, &e->bias);
    r->oom = (e->live ? wm_explore_live(e->live, &r->scn, &r->out)
                      : e->no_fork ? wm_explore_run(&r->scn, &r->out)
                                   : wm_explore_run_isolated(&r->scn, &r->out)) < 0;
}

static void drop_result(void *res)
{
    wm_outcome_free(&((struct result *)res)->out);
}

static void count(struct tally *t, const struct result *r)
{
    const struct wm_scn *s = &r->scn;
    t->runs++;
    t->connections += s->connections;
    t->games += s->ngames;
    t->guesses += r->out.guesses;
    t->driver[s->run.driver]++;
    t->transport[s->run.transport]++;
    for (unsigned k = 0; k <= WM_FAULT_KINDS; k++)
        t->kind[k] += (s->swarm >> k) & 1;
    t->small_line += s->max_line != WM_LINE_MAX_DEFAULT;
    t->small_guesses += s->max_guesses != WM_DEFAULT_MAX_GUESSES;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* mkdir -p: each level of dir that is missing. */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return -1;
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) < 0 && errno != EEXIST)
            return -1;
        path[i] = c;
    }
    return 0;
}

/* Writes a failing transcript: DIR/explore-SEED-RUN[SUFFIX].txt. */
static int write_case(const char *dir, uint64_t seed, uint64_t k, const char *suffix,
                      const struct wm_scn *scn, const struct wm_outcome *o, char *path,
                      size_t size)
{
    if (make_dirs(dir) < 0)
        return -1;
    snprintf(path, size, "%s/explore-%" PRIu64 "-%" PRIu64 "%s.txt", dir, seed, k, suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = o->text ? fwrite(o->text, 1, o->len, f) : 0;
    int bad = o->text && w != o->len;
    if (!o->text) { /* the run failed before a transcript: its header alone replays it */
        struct wm_cfg cfg;
        struct wm_err err;
        if (wm_scn_cfg(scn, &cfg, &err) == 0) {
            wm_tx_write_header(f, &cfg);
            fprintf(f, "# This run failed before it made a transcript:\n# %s\n", o->v.msg);
        }
        wm_cfg_free(&cfg);
    }
    return fclose(f) != 0 || bad ? -1 : 0;
}

static void print_violation(const char *label, const struct wm_outcome *o)
{
    const struct wm_violation *v = &o->v;
    printf("%s: %s", label, v->kind);
    if (v->lineno)
        printf(" at line %zu", v->lineno);
    if (v->conn)
        printf(", connection %u", v->conn);
    printf(": %s\n", v->msg);
}

static int report_failure(const struct wm_args *a, const struct explore *e, const char *dir,
                          uint64_t k, struct result *r)
{
    char before[800], after[800], path[4200], word[8200], prog[8200];
    wm_scn_describe(&r->scn, before, sizeof before);
    printf("FAIL run %" PRIu64 " of seed %" PRIu64 "\n", k, e->seed);
    print_violation("  found", &r->out);
    printf("  scenario: %s\n", before);
    /* Kept before shrinking, which runs the bug again and again: if one of
     * those runs crashes, the case as found is still on disk. */
    if (write_case(dir, e->seed, k, "-found", &r->scn, &r->out, path, sizeof path) < 0) {
        fprintf(stderr, "%s: cannot write %s/: %s\n", a->cmd, dir, strerror(errno));
        return WM_EXIT_FAIL;
    }
    printf("  wrote %s (as found)\n", path);
    fflush(stdout);
    unsigned spent = e->live ? wm_explore_shrink(&r->scn, &r->out, wm_explore_live, e->live)
                             : wm_explore_shrink(&r->scn, &r->out, e->no_fork ? run_here : NULL,
                                                 NULL);
    wm_scn_describe(&r->scn, after, sizeof after);
    printf("  shrunk in %u runs to: %s\n", spent, after);
    print_violation("  fails", &r->out);
    if (write_case(dir, e->seed, k, "", &r->scn, &r->out, path, sizeof path) < 0) {
        fprintf(stderr, "%s: cannot write %s/: %s\n", a->cmd, dir, strerror(errno));
        return WM_EXIT_FAIL;
    }
    wm_shell_word(path, word, sizeof word);
    wm_shell_word(a->prog, prog, sizeof prog);
    printf("  wrote %s\n", path);
    if (e->live) { /* the file is what the model says the server must do */
        char addr[600], apath[4200];
        if (r->out.actual) {
            struct wm_outcome act = {.text = r->out.actual, .len = r->out.actual_len};
            if (write_case(dir, e->seed, k, "-actual", &r->scn, &act, apath, sizeof apath) == 0)
                printf("  wrote %s (what the server did)\n", apath);
        }
        wm_shell_word(e->live->addr, addr, sizeof addr);
        printf("reproduce: against a fresh server started with the file's seed: %s replay --server "
               "--connect %s %s\n", prog, addr, word);
        return WM_EXIT_FAIL;
    }
    printf("reproduce: %s explore --replay %s\n", prog, word);
    return WM_EXIT_FAIL;
}

static void print_tally(const struct explore *e, const struct tally *t, uint64_t failed)
{
    printf("explore: seed %" PRIu64 ", %" PRIu64 " runs, %s\n", e->seed, t->runs,
           failed ? "1 failed" : "all held");
    printf("  tried: %" PRIu64 " connections, %" PRIu64 " games, %" PRIu64 " guesses\n",
           e->live ? e->live->made : t->connections, t->games, t->guesses);
    if (!e->live)
        printf("  drivers: sim %" PRIu64 ", events %" PRIu64 ", threads %" PRIu64
           "; transports: socketpair %" PRIu64 ", memory %" PRIu64 "\n",
           t->driver[WM_DRV_SIM], t->driver[WM_DRV_EVENTS], t->driver[WM_DRV_THREADS],
           t->transport[WM_TR_SOCKETPAIR], t->transport[WM_TR_MEMORY]);
    printf("  faults tried (runs):");
    for (unsigned k = 0; k <= WM_FAULT_KINDS; k++)
        printf("%s %s %" PRIu64, k ? "," : "", wm_scn_fault_name(k), t->kind[k]);
    printf("\n  limits: small max-line %" PRIu64 ", small max-guesses %" PRIu64 "\n",
           t->small_line, t->small_guesses);
}

static int explore(const struct wm_args *a, const struct explore *e, uint64_t runs,
                   double seconds, unsigned jobs, const char *dir)
{
    int tty = isatty(STDERR_FILENO);
    double start = now_s(), last = start;
    struct tally t = {0};
    struct result r;
    uint64_t k;
    int rc = WM_EXIT_OK;
    struct wm_pool *p = wm_pool_start(jobs, jobs * 4, seconds > 0 ? UINT64_MAX : runs, sizeof r,
                                      run_job, (void *)e);
    if (!p) {
        fprintf(stderr, "%s: cannot start the workers\n", a->cmd);
        return WM_EXIT_FAIL;
    }
    while (wm_pool_take(p, &k, &r)) {
        if (r.oom) {
            fprintf(stderr, "%s: out of memory in run %" PRIu64 "\n", a->cmd, k);
            wm_outcome_free(&r.out);
            rc = WM_EXIT_FAIL;
            break;
        }
        count(&t, &r);
        if (r.out.failed) {
            wm_pool_stop(p);
            if (tty)
                fputs("\r\033[K", stderr);
            rc = report_failure(a, e, dir, k, &r);
            wm_outcome_free(&r.out);
            break;
        }
        wm_outcome_free(&r.out);
        double now = now_s();
        if (seconds > 0 && now - start >= seconds)
            wm_pool_stop(p);
        if (tty && now - last >= 0.2) {
            fprintf(stderr, "\rexplore: %" PRIu64 " runs, %.0f runs/s", t.runs,
                    (double)t.runs / (now - start));
            last = now;
        }
    }
    wm_pool_free(p, drop_result);
    if (tty)
        fputs("\r\033[K", stderr);
    print_tally(e, &t, rc == WM_EXIT_FAIL);
    return rc;
}

static int replay(const struct wm_args *a, const char *path, int no_fork)
{
    struct wm_transcript t;
    struct wm_outcome o;
    struct wm_err err;
    if (wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    if (t.cfg.client_script || t.cfg.server_script) {
        wm_tx_free(&t);
        fprintf(stderr, "%s: %s: explore replays runs of sessions, not scripts\n", a->cmd, path);
        return WM_EXIT_USAGE;
    }
    int rc = no_fork ? wm_explore_replay(&t.cfg, &o) : wm_explore_replay_isolated(&t.cfg, &o);
    if (rc < 0) {
        fprintf(stderr, "%s: out of memory\n", a->cmd);
        rc = WM_EXIT_FAIL;
    } else if (o.failed) {
        printf("FAIL %s\n", path);
        print_violation("  fails", &o);
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

enum {
    EXP_CONNECT = WM_OPT_LOCAL,
    EXP_SERVER_SEED,
    EXP_SEED,
    EXP_RUNS,
    EXP_TIME,
    EXP_OUT,
    EXP_DRIVER,
    EXP_FAULTS,
    EXP_REPLAY,
    EXP_NO_FORK
};

static const struct wm_opt explore_opts[] = {
    {"seed", 1, EXP_SEED},       {"runs", 1, EXP_RUNS},     {"time", 1, EXP_TIME},
    {"out", 1, EXP_OUT},         WM_OPTS_JOBS,              {"faults", 1, EXP_FAULTS},
    {"driver", 1, EXP_DRIVER},   {"connect", 1, EXP_CONNECT}, {"server-seed", 1, EXP_SERVER_SEED},
    WM_OPTS_TIMEOUT,             {"replay", 1, EXP_REPLAY}, {"no-fork", 0, EXP_NO_FORK},
    {NULL, 0, 0}};

struct explore_args {
    struct explore e;
    struct wm_live_target target;
    uint64_t runs;
    double seconds;
    unsigned jobs;
    const char *dir, *replay_path;
    int have_runs;
};

static int explore_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct explore_args *x = ctx;
    uint64_t n;
    char bad[64];
    switch (o->id) {
    case EXP_CONNECT:
        x->target.addr = o->val;
        return wm_opt_hostport(a, o, 0);
    case EXP_SERVER_SEED:
        return wm_opt_range(a, o, 0, UINT64_MAX, &x->target.server_seed);
    case WM_OPT_TIMEOUT:
        return wm_opt_seconds(a, o, &x->target.timeout_ms);
    case EXP_SEED:
        return wm_opt_range(a, o, 0, UINT64_MAX, &x->e.seed);
    case EXP_RUNS:
        x->have_runs = 1;
        return wm_opt_range(a, o, 0, UINT64_MAX - 1, &x->runs);
    case EXP_TIME:
        if (wm_opt_range(a, o, 1, 86400 * 30, &n) < 0)
            return -1;
        x->seconds = (double)n;
        return 0;
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
                                  "alloc-fail)", o->name, bad), -1;
        return 0;
    case EXP_REPLAY:
        x->replay_path = o->val;
        return 0;
    case EXP_NO_FORK:
        x->e.no_fork = 1;
        return 0;
    }
    return wm_usage_error(a, "internal error: %s", o->name), -1;
}

int wm_cmd_explore(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {explore_help, explore_opts, 0};
    struct explore_args x = {
        .e = {.seed = 1, .bias = {.driver = -1, .faults = WM_SCN_ALL_FAULTS}},
        .target = {.server_seed = WM_DEFAULT_SEED, .timeout_ms = WM_DEFAULT_TIMEOUT_MS},
        .runs = 1000, .jobs = wm_pool_cpus(), .dir = "explore-out"};
    int rc = wm_opts_parse(a, &spec, explore_opt, &x);
    if (rc >= 0)
        return rc;
    struct explore e = x.e;
    struct wm_live_target target = x.target;
    uint64_t runs = x.runs;
    double seconds = x.seconds;
    unsigned jobs = x.jobs;
    const char *dir = x.dir, *replay_path = x.replay_path;
    int have_runs = x.have_runs;
    if (have_runs && seconds > 0)
        return wm_usage_error(a, "give --runs or --time, not both");
    if (replay_path)
        return replay(a, replay_path, e.no_fork);
    if (target.addr) {
        struct wm_err err;
        if (wm_net_check(target.addr, 0, &err) < 0)
            return wm_usage_error(a, "--connect: %s", err.msg);
        if (e.bias.driver >= 0)
            return wm_usage_error(a, "--driver has no say against a live server");
        e.live = &target;
        e.bias.live = 1;
        jobs = 1; /* connections one after another: seeds follow accept order */
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    return explore(a, &e, runs, seconds, jobs, dir);
}
