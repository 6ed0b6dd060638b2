/* warmer record: a recording proxy between a real client and a real server
 * (record.h); prints one verified transcript of every connection (rec_tx.h). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "net.h"
#include "rec_verify.h"
#include "record.h"
#include "serve.h"

static const char record_help[] =
    "usage: warmer record --listen HOST:PORT --connect HOST:PORT [--seed N] [--connections N]\n"
    "                     [--max-line N] [--max-connections N] [--max-journal BYTES]\n"
    "                     [--close-wait S] [--connect-timeout S]\n"
    "                     [--profile strict|book|book-asyncio]\n"
    "A recording proxy: clients connect to --listen (port 0 picks a free one; the\n"
    "line \"record: listening on HOST:PORT\" on stderr gives it), each is connected,\n"
    "in accept order, to the real server at --connect (without blocking: no\n"
    "connection waits for another's), and the bytes are relayed both ways\n"
    "unchanged. At the end one transcript of every connection goes to stdout\n"
    "(connection K is the K-th client whose server connection was made).\n"
    "\n"
    "The header says what the traffic tells, verified by re-running it in process:\n"
    "the client's games (a game's secret is the guess reported Correct, its count\n"
    "the NUMBERs sent) when every connection played the same known games, and the\n"
    "server's seed when --seed is given and the replies follow it (connection K\n"
    "seed + K - 1). A side that does not re-run is written as a script (the file's\n"
    "own records), so `warmer check` passes on every recording.\n"
    "\n"
    "  --seed N             the real server's seed, written to the header\n"
    "  --profile P          the header's profile (default strict): the recording is\n"
    "                       verified by re-running it with P's sessions (book,\n"
    "                       book-asyncio: the book's code as it behaves)\n"
    "  --connections N      stop once N connections have ended (default 1; 0: only\n"
    "                       a signal stops it); at most N clients are accepted\n"
    "  --max-line N         records hold lines up to N + 64 bytes; a longer line\n"
    "                       cuts its connection (default 1024, 1..16777216)\n"
    "  --max-connections N  open at once, 1..4096 (default 64); more clients wait\n"
    "                       in the listen backlog\n"
    "  --max-journal BYTES  records kept per side of a connection (default 256 MiB)\n"
    "  --close-wait S       after one side's close is passed on, wait at most S s\n"
    "                       for the other's (default 5; 0: no limit)\n"
    "  --connect-timeout S  a server connection not made within S s (decimals\n"
    "                       allowed, 0.01..86400; default 10) fails as an\n"
    "                       unreachable server does\n"
    "\n"
    "SIGINT or SIGTERM stops it early: open connections are closed (a client still\n"
    "open is written as closing there) and what was recorded is written.\n"
    "Exit: 0 every connection recorded and its header verified, 1 a client whose\n"
    "server could not be reached, a limit hit, or a recording that does not\n"
    "replay (written with both sides scripted, and a warning), 2 bad usage.\n";

enum {
    REC_LISTEN = WM_OPT_LOCAL,
    REC_CONNECT,
    REC_CONNECTIONS,
    REC_MAX_CONNECTIONS,
    REC_MAX_JOURNAL,
    REC_CLOSE_WAIT,
    REC_CONNECT_TIMEOUT
};

/* --seed, --profile and --max-line are run's (cli.h); --connections takes 0 here and
 * --max-journal does not, so they are record's own. */
static const struct wm_opt record_opts[] = {{"listen", 1, REC_LISTEN},
                                            {"connect", 1, REC_CONNECT},
                                            WM_OPTS_SEED,
                                            WM_OPTS_PROFILE,
                                            {"connections", 1, REC_CONNECTIONS},
                                            WM_OPTS_MAX_LINE,
                                            {"max-connections", 1, REC_MAX_CONNECTIONS},
                                            {"max-journal", 1, REC_MAX_JOURNAL},
                                            {"close-wait", 1, REC_CLOSE_WAIT},
                                            {"connect-timeout", 1, REC_CONNECT_TIMEOUT},
                                            {NULL, 0, 0}};

struct rec_args {
    const char *listen;
    struct wm_recd_opts o;
    struct wm_recd_tx_opts tx;
    struct wm_cfg cfg; /* --seed, --profile, --max-line */
    struct wm_run_args run;
};

static int record_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct rec_args *r = ctx;
    uint64_t n;
    int64_t ms;
    switch (o->id) {
    case REC_LISTEN:
        r->listen = o->val;
        return wm_opt_hostport(a, o, 1);
    case REC_CONNECT:
        r->o.connect = o->val;
        return wm_opt_hostport(a, o, 0);
    case WM_OPT_SEED:
        r->tx.have_seed = 1;
        return wm_opt_run(a, &r->run, o);
    case REC_CONNECTIONS:
        if (wm_opt_range(a, o, 0, WM_MAX_CONNECTIONS, &n) < 0)
            return -1;
        r->o.connections = (uint32_t)n;
        return 0;
    case REC_MAX_CONNECTIONS:
        if (wm_opt_range(a, o, 1, WM_RECD_MAX_CONNECTIONS, &n) < 0)
            return -1;
        r->o.max_conns = (unsigned)n;
        return 0;
    case REC_MAX_JOURNAL:
        if (wm_opt_range(a, o, 1, SIZE_MAX, &n) < 0)
            return -1;
        r->o.max_journal = (size_t)n;
        return 0;
    case REC_CLOSE_WAIT:
        if (wm_opt_seconds_in(a, o, 1, WM_RECD_MAX_CLOSE_WAIT_MS, &ms) < 0)
            return -1;
        r->o.close_wait_ms = (unsigned)ms;
        return 0;
    case REC_CONNECT_TIMEOUT:
        return wm_opt_seconds(a, o, &r->o.connect_timeout_ms);
    default:
        return wm_opt_run(a, &r->run, o);
    }
}

static const char *signame(int signo)
{
    return signo == SIGINT ? "SIGINT" : "SIGTERM";
}

int wm_cmd_record(struct wm_args *a)
{
    struct rec_args r = {.o = {.connections = 1, .max_conns = WM_RECD_DEFAULT_MAX_CONNECTIONS,
                               .max_line = WM_LINE_MAX_DEFAULT,
                               .max_journal = WM_DEFAULT_MAX_JOURNAL,
                               .close_wait_ms = WM_RECD_DEFAULT_CLOSE_WAIT_MS,
                               .connect_timeout_ms = WM_RECD_DEFAULT_CONNECT_TIMEOUT_MS}};
    static const struct wm_cmd_spec spec = {record_help, record_opts, 0};
    struct wm_err err;
    wm_cfg_init(&r.cfg);
    r.run.cfg = &r.cfg;
    int parsed = wm_opts_parse(a, &spec, record_opt, &r);
    wm_cfg_free(&r.cfg); /* no games: only its numbers are used */
    if (parsed != WM_OPTS_GO_ON)
        return parsed;
    r.tx.seed = r.cfg.seed;
    r.tx.profile = r.cfg.profile;
    r.o.max_line = r.cfg.max_line;
    if (!r.listen || !r.o.connect)
        return wm_usage_error(a, "--listen HOST:PORT and --connect HOST:PORT are required");
    if (wm_net_check(r.listen, 1, &err) < 0)
        return wm_usage_error(a, "--listen: %s", err.msg);
    if (wm_net_check(r.o.connect, 0, &err) < 0)
        return wm_usage_error(a, "--connect: %s", err.msg);
    r.tx.max_line = r.o.max_line;
    r.tx.max_journal = r.o.max_journal;

    if (wm_tmp_required(a) < 0) /* before a client connects: it spools there */
        return WM_EXIT_ENV;
    int lfd = wm_net_listen(r.listen, 128, &err);
    if (lfd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    int sigfd = wm_sig_install(0, &err);
    if (sigfd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        close(lfd);
        return WM_EXIT_FAIL;
    }
    char name[128];
    wm_net_name(lfd, 0, name, sizeof name);
    fprintf(stderr, "record: listening on %s\n", name);
    fflush(stderr);

    struct wm_recd_out out = {0};
    int ran = wm_record(lfd, sigfd, &r.o, &out, &err);
    close(lfd);
    int rc = WM_EXIT_OK;
    if (ran < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        rc = WM_EXIT_FAIL;
    }
    if (out.signo)
        fprintf(stderr, "%s: stopped by %s: %u open connection%s cut\n", a->cmd,
                signame(out.signo), out.cut, out.cut == 1 ? "" : "s");
    uint32_t n = out.n;
    struct wm_recd_verdict v = {0};
    if (n == 0) {
        fprintf(stderr, "%s: no connection was recorded; nothing written\n", a->cmd);
        rc = WM_EXIT_FAIL;
    } else if (out.spool_failed) { /* the disk, not the peers */
        fprintf(stderr, "%s: %s; nothing written\n", a->cmd, out.spool_err.msg);
        rc = WM_EXIT_ENV;
    } else if (wm_recd_finish(stdout, &r.tx, out.spool, &v, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        rc = WM_EXIT_FAIL;
    } else {
        if (!v.verified) {
            fprintf(stderr, "%s: warning: the recording does not replay even with both sides "
                    "scripted; written with both scripted, marked NOT VERIFIED\n", a->cmd);
            rc = WM_EXIT_FAIL;
        }
        fprintf(stderr, "%s: %u connection%s recorded, %u failed; client %s, server %s%s\n",
                a->cmd, n, n == 1 ? "" : "s", out.failed, v.client_script ? "script" : "games",
                v.server_script ? "script" : "rng", v.verified ? ", verified" : "");
    }
    if (out.failed)
        rc = WM_EXIT_FAIL;
    wm_recd_out_free(&out);
    wm_sig_restore(); /* after the output: a second signal cannot cut it */
    return rc;
}
