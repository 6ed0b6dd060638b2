/* warmer serve: a real server over TCP until SIGINT or SIGTERM (serve.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fdlimit.h"
#include "net.h"
#include "serve.h"

static const char serve_help[] =
    "usage: warmer serve --listen HOST:PORT [--seed N] [--profile strict|book|book-asyncio]\n"
    "                    [--driver threads|events]\n"
    "                    [--max-connections N] [--idle-timeout S] [--max-line N]\n"
    "                    [--max-guesses N] [--max-memory BYTES] [--console-queue BYTES]\n"
    "Serves the guessing protocol over TCP (IPv4 or IPv6: 127.0.0.1:0, [::1]:0;\n"
    "port 0 picks a free port) until SIGINT or SIGTERM. Once listening it prints\n"
    "one line \"listening on HOST:PORT\" (the real port) to stderr.\n"
    "\n"
    "Connection K (from 1, as in transcripts) is the K-th accepted session and\n"
    "its server is seeded seed + K - 1 (--seed, default 1234), so `warmer replay\n"
    "--server --connect` of a transcript against a fresh server reproduces it.\n"
    "A connection that would need a seed past 2^64 - 1 is refused.\n"
    "\n"
    "  --profile P          the server served: strict (default, the contract), book\n"
    "                       (the book's threaded server as it behaves on the wire)\n"
    "                       or book-asyncio (its asyncio server: never closes after\n"
    "                       the client's end; --idle-timeout ends those)\n"
    "  --driver events      one thread, non-blocking sockets, epoll (default)\n"
    "  --driver threads     an accept loop and one blocking thread per connection\n"
    "  --max-connections N  open at once, 1..65536 (default 1024); beyond it a\n"
    "                       connection is accepted and closed at once, with a line\n"
    "                       on stderr; a refused connection uses up no seed\n"
    "  --idle-timeout S     close a connection after S seconds with nothing\n"
    "                       received (a client that stops reading its replies is\n"
    "                       soon not read either); default 30, 0 for none\n"
    "  --max-line N         longest line accepted, 1..16777216 bytes (default 1024)\n"
    "  --max-guesses N      guesses per game, 1..268435456 (default 4194304)\n"
    "  --max-memory BYTES   the guesses of every connection together, at least 1024\n"
    "                       (default: a quarter of physical memory); a NUMBER that\n"
    "                       would need more is an error closing its connection.\n"
    "                       A game's memory is given back when the game ends\n"
    "  --console-queue BYTES  lines waiting to be written, per stream (stdout,\n"
    "                       stderr), 1024..1073741824 (default 1048576); when a\n"
    "                       stream is behind and its queue full, lines are dropped\n"
    "                       and counted, clients are never held up\n"
    "\n"
    "The sessions' console lines (\"Server: 4 is Unsure\") go to stdout. Every\n"
    "protocol error goes to stderr as \"connection K (ADDR): reason\" and closes\n"
    "only that connection. On SIGINT or SIGTERM every connection is closed, the\n"
    "queued lines get at most 0.5 s to be written (the rest are dropped), and a\n"
    "one-line summary goes to stderr, with the lines dropped. Exit: 0 after a\n"
    "signal, 1 if the server could not listen or failed, 2 bad usage.\n";

/* Makes room for max_conns descriptors if the hard limit allows; a note if not. */
static void raise_fd_limit(unsigned max_conns)
{
    struct wm_fd_limits l;
    if (wm_fd_raise((uint64_t)max_conns + WM_FD_SPARE, 1, &l) != WM_FD_RAISED)
        fprintf(stderr, "warmer serve: note: the open-file limit (%llu) is below "
                "--max-connections %u + %d; connections past it are refused\n",
                (unsigned long long)l.cur, max_conns, WM_FD_SPARE);
}

enum {
    SERVE_LISTEN = WM_OPT_LOCAL,
    SERVE_DRIVER,
    SERVE_MAX_CONNECTIONS,
    SERVE_IDLE_TIMEOUT,
    SERVE_MAX_MEMORY,
    SERVE_CONSOLE_QUEUE
};

/* --seed, --profile, --max-line and --max-guesses are run's (cli.h), into a wm_cfg. */
static const struct wm_opt serve_opts[] = {
    {"listen", 1, SERVE_LISTEN},           WM_OPTS_SEED, WM_OPTS_PROFILE, {"driver", 1, SERVE_DRIVER},
    {"max-connections", 1, SERVE_MAX_CONNECTIONS}, {"idle-timeout", 1, SERVE_IDLE_TIMEOUT},
    WM_OPTS_MAX_LINE,                      WM_OPTS_MAX_GUESSES, {"max-memory", 1, SERVE_MAX_MEMORY},
    {"console-queue", 1, SERVE_CONSOLE_QUEUE}, {NULL, 0, 0}};

struct serve_ctx {
    struct wm_serve_opts o;
    size_t max_memory;
    struct wm_cfg cfg;
    struct wm_run_args run;
    const char *listen;
};

static int serve_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct serve_ctx *c = ctx;
    uint64_t n;
    switch (o->id) {
    case SERVE_LISTEN:
        c->listen = o->val;
        return wm_opt_hostport(a, o, 1);
    case SERVE_DRIVER:
        if (strcmp(o->val, "events") == 0)
            c->o.driver = WM_SERVE_EVENTS;
        else if (strcmp(o->val, "threads") == 0)
            c->o.driver = WM_SERVE_THREADS;
        else
            return wm_usage_error(a, "%s wants threads or events, got \"%s\"", o->name, o->val), -1;
        return 0;
    case SERVE_MAX_CONNECTIONS:
        if (wm_opt_range(a, o, 1, WM_SERVE_MAX_CONNECTIONS, &n) < 0)
            return -1;
        c->o.max_conns = (unsigned)n;
        return 0;
    case SERVE_IDLE_TIMEOUT: {
        int64_t ms;
        if (wm_opt_seconds_in(a, o, 1, WM_SERVE_MAX_IDLE_MS, &ms) < 0)
            return -1;
        c->o.idle_ms = (unsigned)ms;
        return 0;
    }
    case SERVE_MAX_MEMORY:
        if (wm_opt_range(a, o, WM_SERVE_MIN_MEMORY, SIZE_MAX, &n) < 0)
            return -1;
        c->max_memory = (size_t)n;
        return 0;
    case SERVE_CONSOLE_QUEUE:
        if (wm_opt_range(a, o, WM_CON_MIN_QUEUE, WM_CON_MAX_QUEUE, &n) < 0)
            return -1;
        c->o.console_queue = (size_t)n;
        return 0;
    default:
        return wm_opt_run(a, &c->run, o);
    }
}

int wm_cmd_serve(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {serve_help, serve_opts, 0};
    struct serve_ctx c = {.o = {.driver = WM_SERVE_EVENTS,
                                .max_conns = WM_SERVE_DEFAULT_MAX_CONNECTIONS,
                                .idle_ms = WM_SERVE_DEFAULT_IDLE_MS,
                                .console_queue = WM_CON_DEFAULT_QUEUE}};
    wm_cfg_init(&c.cfg);
    c.run.cfg = &c.cfg;
    int parsed = wm_opts_parse(a, &spec, serve_opt, &c);
    wm_cfg_free(&c.cfg); /* no games: only its numbers are used */
    if (parsed != WM_OPTS_GO_ON)
        return parsed;
    struct wm_serve_opts o = c.o;
    o.seed = c.cfg.seed;
    o.profile = c.cfg.profile;
    o.max_line = c.cfg.max_line;
    o.max_guesses = c.cfg.max_guesses;
    const char *listen = c.listen;
    if (!listen)
        return wm_usage_error(a, "--listen HOST:PORT is required");
    struct wm_err err;
    if (wm_net_check(listen, 1, &err) < 0)
        return wm_usage_error(a, "--listen: %s", err.msg);

    struct wm_gset_budget budget = {.limit = c.max_memory ? c.max_memory
                                                           : wm_serve_default_memory()};
    o.budget = &budget;
    raise_fd_limit(o.max_conns);
    int lfd = wm_net_listen(listen, WM_SERVE_BACKLOG, &err);
    if (lfd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    fflush(stdout); /* from here on every line goes through the console */
    o.con = wm_con_start(STDOUT_FILENO, STDERR_FILENO, o.console_queue, &err);
    if (!o.con) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        close(lfd);
        return WM_EXIT_FAIL;
    }
    int sigfd = wm_sig_install(0, &err);
    if (sigfd < 0) {
        wm_con_free(o.con);
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        close(lfd);
        return WM_EXIT_FAIL;
    }
    char name[128];
    wm_net_name(lfd, 0, name, sizeof name);
    wm_serve_log(o.con, "listening on %s", name);

    struct wm_serve_stats st = {0};
    int signo = 0;
    int rc = o.driver == WM_SERVE_THREADS ? wm_serve_threads(lfd, sigfd, &o, &st, &signo, &err)
                                          : wm_serve_events(lfd, sigfd, &o, &st, &signo, &err);
    close(lfd);
    /* A reader that is not reading must not hold the shutdown. */
    st.dropped = wm_con_stop(o.con, WM_CON_STOP_MS);
    char last[WM_ERR_MAX + 512];
    int n = 0;
    if (rc < 0)
        n = snprintf(last, sizeof last, "%s: %s\n", a->cmd, err.msg);
    snprintf(last + n, sizeof last - (size_t)n, "%s: %s: %llu connections served, %llu refused, "
             "%llu errors, %llu idle timeouts, %llu open at shutdown, %llu console lines "
             "dropped\n", a->cmd,
             rc < 0 ? "failed" : signo == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM",
             (unsigned long long)st.served, (unsigned long long)st.refused,
             (unsigned long long)st.errors, (unsigned long long)st.idle,
             (unsigned long long)st.cut, (unsigned long long)st.dropped);
    wm_con_write_now(STDERR_FILENO, last, strlen(last), WM_CON_FINAL_MS);
    wm_con_free(o.con);
    wm_sig_restore(); /* after the summary: a second signal cannot cut it */
    return rc < 0 ? WM_EXIT_FAIL : WM_EXIT_OK;
}
