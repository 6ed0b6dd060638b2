/* warmer serve: a real server over TCP until SIGINT or SIGTERM (serve.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"
#include "serve.h"

static const char serve_help[] =
    "usage: warmer serve --listen HOST:PORT [--seed N] [--driver threads|events]\n"
    "                    [--max-connections N] [--idle-timeout S] [--max-line N]\n"
    "                    [--max-guesses N]\n"
    "Serves the guessing protocol over TCP (IPv4 or IPv6: 127.0.0.1:0, [::1]:0;\n"
    "port 0 picks a free port) until SIGINT or SIGTERM. Once listening it prints\n"
    "one line \"listening on HOST:PORT\" (the real port) to stderr.\n"
    "\n"
    "Connection K (from 1, as in transcripts) is the K-th accepted session and\n"
    "its server is seeded seed + K - 1 (--seed, default 1234), so `warmer replay\n"
    "--server --connect` of a transcript against a fresh server reproduces it.\n"
    "A connection that would need a seed past 2^64 - 1 is refused.\n"
    "\n"
    "  --driver events      one thread, non-blocking sockets, a poll loop (default)\n"
    "  --driver threads     an accept loop and one blocking thread per connection\n"
    "  --max-connections N  open at once, 1..65536 (default 1024); beyond it a\n"
    "                       connection is accepted and closed at once, with a line\n"
    "                       on stderr; a refused connection uses up no seed\n"
    "  --idle-timeout S     close a connection after S seconds with nothing\n"
    "                       received (a client that stops reading its replies is\n"
    "                       soon not read either); default 30, 0 for none\n"
    "  --max-line N         longest line accepted, 1..16777216 bytes (default 1024)\n"
    "  --max-guesses N      guesses per game, 1..268435456 (default 4194304)\n"
    "\n"
    "The sessions' console lines (\"Server: 4 is Unsure\") go to stdout. Every\n"
    "protocol error goes to stderr as \"connection K (ADDR): reason\" and closes\n"
    "only that connection. On SIGINT or SIGTERM every connection is closed and a\n"
    "one-line summary goes to stderr. Exit: 0 after a signal, 1 if the server\n"
    "could not listen or failed, 2 bad usage.\n";

/* Makes room for max_conns descriptors if the hard limit allows; a note if not. */
static void raise_fd_limit(unsigned max_conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)max_conns + 32;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return;
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        rl.rlim_cur = old;
    if (rl.rlim_cur < want)
        fprintf(stderr, "warmer serve: note: the open-file limit (%llu) is below "
                "--max-connections %u + 32; connections past it are refused\n",
                (unsigned long long)rl.rlim_cur, max_conns);
}

static int parse_size(struct wm_args *a, const char *name, const char *v, uint64_t lo,
                      uint64_t hi, uint64_t *out)
{
    if (wm_parse_u64(a, name, v, hi, out) < 0)
        return -1;
    if (*out < lo) {
        wm_usage_error(a, "%s must be %llu..%llu, got %s", name, (unsigned long long)lo,
                       (unsigned long long)hi, v);
        return -1;
    }
    return 0;
}

/* 1 parsed, 0 not ours, -1 bad (message printed). */
static int parse_opt(struct wm_args *a, struct wm_serve_opts *o, const char **listen)
{
    const char *v;
    uint64_t n;
    int r;
    if ((r = wm_arg_value(a, "--listen", &v)) != 0) {
        *listen = v;
        return r;
    }
    if ((r = wm_arg_value(a, "--seed", &v)) != 0)
        return r < 0 || wm_parse_u64(a, "--seed", v, UINT64_MAX, &o->seed) < 0 ? -1 : 1;
    if ((r = wm_arg_value(a, "--driver", &v)) != 0) {
        if (r < 0)
            return -1;
        if (strcmp(v, "events") == 0)
            o->driver = WM_SERVE_EVENTS;
        else if (strcmp(v, "threads") == 0)
            o->driver = WM_SERVE_THREADS;
        else
            return wm_usage_error(a, "--driver wants threads or events, got \"%s\"", v), -1;
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-connections", &v)) != 0) {
        if (r < 0 || parse_size(a, "--max-connections", v, 1, WM_SERVE_MAX_CONNECTIONS, &n) < 0)
            return -1;
        o->max_conns = (unsigned)n;
        return 1;
    }
    if ((r = wm_arg_value(a, "--idle-timeout", &v)) != 0) {
        if (r < 0 || parse_size(a, "--idle-timeout", v, 0, WM_SERVE_MAX_IDLE_S, &n) < 0)
            return -1;
        o->idle_s = (unsigned)n;
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-line", &v)) != 0) {
        if (r < 0 || parse_size(a, "--max-line", v, 1, 1u << 24, &n) < 0)
            return -1;
        o->max_line = (size_t)n;
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-guesses", &v)) != 0) {
        if (r < 0 || parse_size(a, "--max-guesses", v, 1, 1u << 28, &n) < 0)
            return -1;
        o->max_guesses = (size_t)n;
        return 1;
    }
    return 0;
}

int wm_cmd_serve(struct wm_args *a)
{
    struct wm_serve_opts o = {.seed = WM_DEFAULT_SEED, .driver = WM_SERVE_EVENTS,
                              .max_conns = WM_SERVE_DEFAULT_MAX_CONNECTIONS,
                              .idle_s = WM_SERVE_DEFAULT_IDLE_S, .max_line = WM_LINE_MAX_DEFAULT,
                              .max_guesses = WM_DEFAULT_MAX_GUESSES};
    const char *listen = NULL;
    while (a->i < a->argc) {
        if (wm_arg_flag(a, "--help")) {
            fputs(serve_help, stdout);
            return WM_EXIT_OK;
        }
        int r = parse_opt(a, &o, &listen);
        if (r < 0)
            return WM_EXIT_USAGE;
        if (r == 0)
            return wm_usage_error(a, "unknown argument \"%s\"", a->argv[a->i]);
    }
    if (!listen)
        return wm_usage_error(a, "--listen HOST:PORT is required");
    struct wm_err err;
    if (wm_net_check(listen, &err) < 0)
        return wm_usage_error(a, "--listen: %s", err.msg);

    setvbuf(stdout, NULL, _IOLBF, 0); /* a long-lived server: one line at a time */
    raise_fd_limit(o.max_conns);
    int lfd = wm_net_listen(listen, WM_SERVE_BACKLOG, &err);
    if (lfd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    int sigfd = wm_serve_signals_install(&err);
    if (sigfd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        close(lfd);
        return WM_EXIT_FAIL;
    }
    char name[128];
    wm_net_name(lfd, 0, name, sizeof name);
    fprintf(stderr, "listening on %s\n", name);
    fflush(stderr);

    struct wm_serve_stats st = {0};
    int signo = 0;
    int rc = o.driver == WM_SERVE_THREADS ? wm_serve_threads(lfd, sigfd, &o, &st, &signo, &err)
                                          : wm_serve_events(lfd, sigfd, &o, &st, &signo, &err);
    close(lfd);
    fflush(stdout);
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
    fprintf(stderr, "%s: %s: %llu connections served, %llu refused, %llu errors, %llu idle "
            "timeouts, %llu open at shutdown\n", a->cmd,
            rc < 0 ? "failed" : signo == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM",
            (unsigned long long)st.served, (unsigned long long)st.refused,
            (unsigned long long)st.errors, (unsigned long long)st.idle,
            (unsigned long long)st.cut);
    wm_serve_signals_restore(); /* after the summary: a second signal cannot cut it */
    return rc < 0 ? WM_EXIT_FAIL : WM_EXIT_OK;
}
