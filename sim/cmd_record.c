/* warmer record: a recording proxy between a real client and a real server
 * (record.h); prints one verified transcript of every connection (rec_tx.h). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "net.h"
#include "rec_tx.h"
#include "record.h"
#include "serve.h"

static const char record_help[] =
    "usage: warmer record --listen HOST:PORT --connect HOST:PORT [--seed N] [--connections N]\n"
    "                     [--max-line N] [--max-connections N] [--max-journal BYTES]\n"
    "                     [--close-wait S]\n"
    "A recording proxy: clients connect to --listen (port 0 picks a free one; the\n"
    "line \"record: listening on HOST:PORT\" on stderr gives it), each is connected,\n"
    "in accept order, to the real server at --connect, and the bytes are relayed\n"
    "both ways unchanged. At the end one transcript of every connection goes to\n"
    "stdout (connection K is the K-th client whose server connection worked).\n"
    "\n"
    "The header says what the traffic tells, verified by re-running it in process:\n"
    "the client's games (a game's secret is the guess reported Correct, its count\n"
    "the NUMBERs sent) when every connection played the same known games, and the\n"
    "server's seed when --seed is given and the replies follow it (connection K\n"
    "seed + K - 1). A side that does not re-run is written as a script (the file's\n"
    "own records), so `warmer check` passes on every recording.\n"
    "\n"
    "  --seed N             the real server's seed, written to the header\n"
    "  --connections N      stop once N connections have ended (default 1; 0: only\n"
    "                       a signal stops it); at most N clients are accepted\n"
    "  --max-line N         records hold lines up to N + 64 bytes; a longer line\n"
    "                       cuts its connection (default 1024, 1..16777216)\n"
    "  --max-connections N  open at once, 1..4096 (default 64); more clients wait\n"
    "                       in the listen backlog\n"
    "  --max-journal BYTES  records kept per side of a connection (default 256 MiB)\n"
    "  --close-wait S       after one side's close is passed on, wait at most S s\n"
    "                       for the other's (default 5; 0: no limit)\n"
    "\n"
    "SIGINT or SIGTERM stops it early: open connections are closed (a client still\n"
    "open is written as closing there) and what was recorded is written.\n"
    "Exit: 0 every connection recorded and its header verified, 1 a client whose\n"
    "server could not be reached, a limit hit, or a recording that does not\n"
    "replay (written with both sides scripted, and a warning), 2 bad usage.\n";

struct rec_args {
    const char *listen;
    struct wm_rec_opts o;
    struct wm_rec_tx_opts tx;
};

static int parse_range(struct wm_args *a, const char *name, const char *v, uint64_t lo,
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

/* 1 taken, 0 not ours, -1 bad (message printed). */
static int parse_opt(struct wm_args *a, struct rec_args *r)
{
    const char *v;
    uint64_t n;
    int got;
    if ((got = wm_arg_value(a, "--listen", &v)) != 0) {
        r->listen = v;
        return got;
    }
    if ((got = wm_arg_value(a, "--connect", &v)) != 0) {
        r->o.connect = v;
        return got;
    }
    if ((got = wm_arg_value(a, "--seed", &v)) != 0) {
        r->tx.have_seed = 1;
        return got < 0 || wm_parse_u64(a, "--seed", v, UINT64_MAX, &r->tx.seed) < 0 ? -1 : 1;
    }
#define RANGE(flag, lo, hi, dst)                                                                   \
    if ((got = wm_arg_value(a, flag, &v)) != 0) {                                                  \
        if (got < 0 || parse_range(a, flag, v, lo, hi, &n) < 0)                                    \
            return -1;                                                                             \
        dst = n;                                                                                   \
        return 1;                                                                                  \
    }
    RANGE("--connections", 0, WM_MAX_CONNECTIONS, r->o.connections)
    RANGE("--max-line", 1, 1u << 24, r->o.max_line)
    RANGE("--max-connections", 1, WM_REC_MAX_CONNECTIONS, r->o.max_conns)
    RANGE("--max-journal", 1, SIZE_MAX, r->o.max_journal)
    RANGE("--close-wait", 0, WM_REC_MAX_CLOSE_WAIT_S, r->o.close_wait_s)
#undef RANGE
    return 0;
}

static const char *signame(int signo)
{
    return signo == SIGINT ? "SIGINT" : "SIGTERM";
}

int wm_cmd_record(struct wm_args *a)
{
    struct rec_args r = {.o = {.connections = 1, .max_conns = WM_REC_DEFAULT_MAX_CONNECTIONS,
                               .max_line = WM_LINE_MAX_DEFAULT,
                               .max_journal = WM_DEFAULT_MAX_JOURNAL,
                               .close_wait_s = WM_REC_DEFAULT_CLOSE_WAIT_S}};
    struct wm_err err;
    while (a->i < a->argc) {
        if (wm_arg_flag(a, "--help") || wm_arg_flag(a, "-h")) {
            fputs(record_help, stdout);
            return WM_EXIT_OK;
        }
        int got = parse_opt(a, &r);
        if (got < 0)
            return WM_EXIT_USAGE;
        if (got == 0)
            return wm_usage_error(a, "unknown argument \"%s\"", a->argv[a->i]);
    }
    if (!r.listen || !r.o.connect)
        return wm_usage_error(a, "--listen HOST:PORT and --connect HOST:PORT are required");
    if (wm_net_check(r.listen, &err) < 0)
        return wm_usage_error(a, "--listen: %s", err.msg);
    if (wm_net_check(r.o.connect, &err) < 0)
        return wm_usage_error(a, "--connect: %s", err.msg);
    r.tx.max_line = r.o.max_line;
    r.tx.max_journal = r.o.max_journal;

    int lfd = wm_net_listen(r.listen, 128, &err);
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
    fprintf(stderr, "record: listening on %s\n", name);
    fflush(stderr);

    struct wm_rec_out out = {0};
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
    struct wm_conn_log *logs = wm_rec_out_take(&out);
    struct wm_rec_verdict v = {0};
    if (n == 0) {
        fprintf(stderr, "%s: no connection was recorded; nothing written\n", a->cmd);
        rc = WM_EXIT_FAIL;
    } else if (!logs || wm_rec_write(stdout, &r.tx, logs, n, &v, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, logs ? err.msg : "out of memory");
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
    wm_conn_logs_free(logs, n);
    wm_rec_out_free(&out);
    wm_serve_signals_restore(); /* after the output: a second signal cannot cut it */
    return rc;
}
