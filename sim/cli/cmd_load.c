/* warmer load: a load generator for a live server (load.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fdlimit.h"
#include "live.h"
#include "load.h"
#include "msg.h"
#include "net.h"
#include "sig.h"

static const char load_help[] =
    "usage: warmer load --connect HOST:PORT [--connections N] [--guesses TOTAL | --duration S]\n"
    "                   [--game LO:HI]... [--seed S] [--timeout S] [--max-guesses N]\n"
    "A load generator for a server of any implementation: one thread, non-blocking\n"
    "sockets, epoll. N connections each play lockstep games as the client does\n"
    "(PARAMS LO HI, then NUMBER and REPORT until Correct, then PARAMS 0 -1 and\n"
    "the next game, the secret drawn in [LO, HI]) and check every reply: an\n"
    "integer, in range, not repeated in the game. With --seed S (the server's\n"
    "--seed, a fresh server), connection n's replies must be exactly what\n"
    "CPython's random seeded S + n - 1 draws: connections are made one after\n"
    "another, so the server accepts them in our order.\n"
    "\n"
    "  --connections N  1..65536 (default 50); the open-file limit is raised as\n"
    "                   far as needed (up to the hard limit, else exit 2)\n"
    "  --guesses TOTAL  stop after TOTAL guesses in all (1..2^64 - 1)\n"
    "  --duration S     or stop asking after S seconds (default 10)\n"
    "  --game LO:HI     the range of each game (default 1:1000); repeat for more\n"
    "                   (at most 64), played in turn on each connection\n"
    "  --seed S         check replies against the model (0..2^64 - 1)\n"
    "  --timeout S      each connect and each wait for a reply (default 10)\n"
    "  --max-guesses N  guesses in one game before it ends (default 4194304, the\n"
    "                   server's; 1..268435456)\n"
    "\n"
    "Prints throughput (guesses/s), latency per guess (p50, p99, max), guesses,\n"
    "games finished and the errors (the first few, all counted); a progress line\n"
    "on stderr when it is a terminal. It does not wait for the server's closes.\n"
    "SIGINT or SIGTERM ends it at once with the report so far: the replies then\n"
    "awaited are counted pending, not as errors (a second signal kills it).\n"
    "Exit: 0 no error, 1 an error or a connection failure, 2 bad usage, 130\n"
    "after SIGINT, 143 after SIGTERM.\n";

enum {
    LOAD_CONNECT = WM_OPT_LOCAL,
    LOAD_CONNECTIONS,
    LOAD_GUESSES,
    LOAD_DURATION,
    LOAD_GAME,
    LOAD_MAX_GUESSES
};

static const struct wm_opt load_opts[] = {
    {"connect", 1, LOAD_CONNECT}, {"connections", 1, LOAD_CONNECTIONS},
    {"guesses", 1, LOAD_GUESSES}, {"duration", 1, LOAD_DURATION},
    {"game", 1, LOAD_GAME},       {"seed", 1, WM_OPT_SEED},
    WM_OPTS_TIMEOUT,              {"max-guesses", 1, LOAD_MAX_GUESSES},
    {NULL, 0, 0}};

struct load_ctx {
    struct wm_load_opts o;
    int timeout_ms;
    int have_duration;
};

/* "LO:HI" with LO <= HI, both canonical int64. */
static int parse_game(struct wm_args *a, struct wm_load_opts *o, const struct wm_optval *v)
{
    const char *colon = strchr(v->val, ':');
    struct wm_load_game g;
    if (o->ngames == WM_LOAD_MAX_GAMES) {
        wm_usage_error(a, "%s given more than %d times", v->name, WM_LOAD_MAX_GAMES);
        return -1;
    }
    if (!colon || wm_int64_parse(v->val, (size_t)(colon - v->val), &g.lo) < 0 ||
        wm_int64_parse(colon + 1, strlen(colon + 1), &g.hi) < 0) {
        wm_usage_error(a, "%s wants LO:HI, two signed 64-bit integers, got \"%s\"", v->name,
                       v->val);
        return -1;
    }
    if (g.lo > g.hi) {
        wm_usage_error(a, "%s wants LO <= HI (a game needs a value to guess), got \"%s\"",
                       v->name, v->val);
        return -1;
    }
    o->games[o->ngames++] = g;
    return 0;
}

static int load_opt(struct wm_args *a, void *ctx, const struct wm_optval *v)
{
    struct load_ctx *c = ctx;
    uint64_t n;
    switch (v->id) {
    case LOAD_CONNECT:
        c->o.addr = v->val;
        return wm_opt_hostport(a, v, 0);
    case LOAD_CONNECTIONS:
        if (wm_opt_range(a, v, 1, WM_LOAD_MAX_CONNECTIONS, &n) < 0)
            return -1;
        c->o.connections = (unsigned)n;
        return 0;
    case LOAD_GUESSES:
        return wm_opt_range(a, v, 1, UINT64_MAX, &c->o.guesses);
    case LOAD_DURATION:
        c->have_duration = 1;
        return wm_opt_seconds(a, v, &c->o.duration_ms);
    case LOAD_GAME:
        return parse_game(a, &c->o, v);
    case WM_OPT_SEED:
        c->o.have_seed = 1;
        return wm_opt_range(a, v, 0, UINT64_MAX, &c->o.seed);
    case WM_OPT_TIMEOUT:
        return wm_opt_seconds(a, v, &c->timeout_ms);
    case LOAD_MAX_GUESSES:
        if (wm_opt_range(a, v, 1, WM_MAX_GUESSES_LIMIT, &n) < 0)
            return -1;
        c->o.max_guesses = (size_t)n;
        return 0;
    }
    return wm_usage_error(a, "internal error: %s", v->name), -1;
}

/* Room for every connection's descriptor: the soft limit raised as far as
 * needed, or a usage error saying the hard limit and how to raise it. */
static int fd_room(struct wm_args *a, unsigned conns)
{
    uint64_t want = (uint64_t)conns + WM_LOAD_FD_SLACK;
    struct wm_fd_limits l;
    switch (wm_fd_raise(want, 0, &l)) {
    case WM_FD_RAISED:
        return 0;
    case WM_FD_HARD_LOW:
        wm_usage_error(a, "--connections %u needs %llu open files, but the hard limit "
                       "(RLIMIT_NOFILE) is %llu: raise it (ulimit -Hn %llu as root, LimitNOFILE= "
                       "under systemd) or use at most %llu connections", conns,
                       (unsigned long long)want, (unsigned long long)l.max,
                       (unsigned long long)want,
                       (unsigned long long)(l.max > WM_LOAD_FD_SLACK ? l.max - WM_LOAD_FD_SLACK : 0));
        return -1;
    case WM_FD_SET_FAILED:
        break;
    }
    wm_usage_error(a, "--connections %u needs %llu open files; raising the limit failed",
                   conns, (unsigned long long)want);
    return -1;
}

int wm_cmd_load(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {load_help, load_opts, 0};
    struct load_ctx c = {.o = {.connections = WM_LOAD_DEFAULT_CONNECTIONS,
                               .max_guesses = WM_DEFAULT_MAX_GUESSES},
                         .timeout_ms = WM_DEFAULT_TIMEOUT_MS};
    int rc = wm_opts_parse(a, &spec, load_opt, &c);
    if (rc != WM_OPTS_GO_ON)
        return rc;
    struct wm_load_opts *o = &c.o;
    if (!o->addr)
        return wm_usage_error(a, "--connect HOST:PORT is required");
    if (c.have_duration && o->guesses)
        return wm_usage_error(a, "--guesses and --duration both given: stop by count or by "
                              "time, not both");
    if (!o->guesses && !c.have_duration)
        o->duration_ms = WM_LOAD_DEFAULT_DURATION_MS;
    if (o->ngames == 0)
        o->games[o->ngames++] = (struct wm_load_game){1, 1000};
    if (o->have_seed && o->seed > UINT64_MAX - (o->connections - 1))
        return wm_usage_error(a, "--seed %llu with %u connections needs seeds past 2^64 - 1",
                              (unsigned long long)o->seed, o->connections);
    o->timeout_ms = c.timeout_ms;
    o->progress = isatty(STDERR_FILENO);
    o->stopped = wm_sig_caught;
    struct wm_err err;
    if (wm_net_check(o->addr, 0, &err) < 0)
        return wm_usage_error(a, "--connect: %s", err.msg);
    if (fd_room(a, o->connections) < 0)
        return WM_EXIT_USAGE;

    if (wm_sig_install(WM_SIG_SECOND_KILLS, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    struct wm_load_result r;
    rc = wm_load_run(o, &r, &err);
    if (rc < 0) {
        wm_sig_restore();
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    wm_load_report(stdout, o, &r);
    fflush(stdout);
    wm_sig_restore();
    if (r.signo) /* the errors are in the report */
        return WM_EXIT_SIGNAL(r.signo);
    if (r.errors + r.conn_failures == 0)
        return WM_EXIT_OK;
    fprintf(stderr, "%s: %llu error%s, %llu connection failure%s; the first: %s\n", a->cmd,
            (unsigned long long)r.errors, r.errors == 1 ? "" : "s",
            (unsigned long long)r.conn_failures, r.conn_failures == 1 ? "" : "s", r.first[0].msg);
    return WM_EXIT_FAIL;
}
