/* warmer client: a real client over TCP; prints the transcript of the exchange. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "live.h"
#include "net.h"

static const char client_help[] =
    "usage: warmer client --connect HOST:PORT [--game LO:HI:SECRET:COUNT]... [--seed N]\n"
    "                     [--max-line N] [--max-guesses N] [--timeout S]\n"
    "                     [--profile strict|book|book-asyncio]\n"
    "Plays the games (default: the book's) against a live server of any\n"
    "implementation and prints the transcript. --seed is only written to the\n"
    "header: give the server's seed for this connection so that `warmer check`\n"
    "can re-run the file in process. --profile: the client played (default strict;\n"
    "book, book-asyncio: the book's client, which takes values beyond int64), also\n"
    "written to the header. Exit: 0 ok, 1 a session error, a timeout or\n"
    "a refused connection, 2 bad usage.\n";

enum { CLIENT_CONNECT = WM_OPT_LOCAL };

static const struct wm_opt client_opts[] = {{"connect", 1, CLIENT_CONNECT}, WM_OPTS_CFG,
                                            WM_OPTS_TIMEOUT, {NULL, 0, 0}};

struct client_ctx {
    struct wm_run_args run;
    const char *addr;
};

static int client_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct client_ctx *c = ctx;
    if (o->id != CLIENT_CONNECT)
        return wm_opt_run(a, &c->run, o);
    c->addr = o->val;
    return wm_opt_hostport(a, o, 0);
}

int wm_cmd_client(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {client_help, client_opts, 0};
    struct wm_cfg cfg;
    struct wm_err err;
    int timeout_ms = WM_DEFAULT_TIMEOUT_MS, rc;
    struct client_ctx c = {.run = {.cfg = &cfg, .timeout_ms = &timeout_ms}};
    wm_cfg_init(&cfg);
    if ((rc = wm_opts_parse(a, &spec, client_opt, &c)) != WM_OPTS_GO_ON)
        goto out;
    rc = WM_EXIT_USAGE;
    const char *addr = c.addr;
    if (!addr) {
        wm_usage_error(a, "--connect HOST:PORT is required");
        goto out;
    }
    if (cfg.connections != 1 || cfg.chunking || cfg.nfaults) {
        wm_usage_error(a, "one connection, no chunking, no faults: run several clients for more");
        goto out;
    }
    if ((cfg.ngames == 0 && wm_cfg_default_games(&cfg, &err) < 0) ||
        wm_cfg_validate(&cfg, &err) < 0) {
        wm_usage_error(a, "%s", err.msg);
        goto out;
    }
    rc = WM_EXIT_FAIL;
    struct wm_conn_log *logs = wm_conn_logs_new(1, (size_t)256 << 20);
    int fd = wm_net_connect(addr, &err);
    if (!logs || fd < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, logs ? err.msg : "out of memory");
        if (fd >= 0)
            close(fd);
        wm_conn_logs_free(logs, 1);
        goto out;
    }
    struct wm_sess_client client;
    struct wm_endpoint ep = {0};
    if (wm_sess_client_init(&client, cfg.profile, cfg.games, cfg.ngames, cfg.max_guesses) < 0 ||
        wm_ep_init(&ep, 'C', client.role, client.self, &logs[0].client, cfg.max_line,
                   (size_t)1 << 20) < 0) {
        fprintf(stderr, "%s: out of memory\n", a->cmd);
    } else {
        struct wm_live_verdict verdict = {.conn = 1};
        struct wm_live lv = {.local = &ep, .remote = &logs[0].server, .fd = fd,
                             .timeout_ms = timeout_ms, .max_line = cfg.max_line,
                             .verdict = &verdict};
        int ran = wm_live_run(&lv, &err);
        wm_tx_write(stdout, &cfg, logs);
        if (ran < 0)
            fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        else if (verdict.fault != WM_LIVE_OK)
            fprintf(stderr, "%s: %s\n", a->cmd, verdict.why.msg);
        else if (wm_logs_have_error(logs, 1))
            fprintf(stderr, "%s: a session reported an error (see the transcript)\n", a->cmd);
        else
            rc = WM_EXIT_OK;
    }
    wm_ep_free(&ep);
    wm_sess_client_free(&client);
    close(fd);
    wm_conn_logs_free(logs, 1);
out:
    wm_cfg_free(&cfg);
    return rc;
}
