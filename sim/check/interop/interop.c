#include "interop.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "judge.h"
#include "live.h"
#include "net.h"
#include "proc.h"
#include "rederive.h"

#define ADDR_MAX 300
#define REASON_MAX (WM_ERR_MAX + 4300)

struct icase {
    const struct wm_interop_opts *o;
    const char *path;
    struct wm_transcript *t;
    char *command; /* filled in */
    struct wm_proc proc;
    int running;   /* proc holds a started peer not yet released */
    char addr[ADDR_MAX];   /* where the server listens, or where warmer does */
    char peer_fail[600];   /* the first bad exit of a peer, "" if none */
    char tail[WM_PROC_TAIL_MAX * 5]; /* a finished client's stderr, kept for the report */
    unsigned char *client_error; /* --client: per connection, the file shows its error */
    int ended_unused;    /* the server ended before it accepted a connection */
    char port[16];       /* the port taken for {port}, held until the server is gone; "" if none */
    char note[160];      /* which expectations: "" the file's own, else how re-derived */
};

static const char *peer_word(const struct icase *c)
{
    return c->o->test_server ? "server" : "client";
}

static void track(struct icase *c, pid_t pgid)
{
    if (c->o->track)
        c->o->track(c->o->track_ctx, pgid);
}

static int start_peer(struct icase *c, struct wm_err *err)
{
    if (wm_proc_start(&c->proc, c->command, err) < 0)
        return -1;
    c->running = 1;
    track(c, c->proc.pid);
    return 0;
}

static void release_peer(struct icase *c)
{
    if (!c->running)
        return;
    track(c, 0);
    wm_proc_free(&c->proc);
    c->running = 0;
}

/* ---- starting and stopping peers --------------------------------------------------- */

/* Waits for the server's "listening on HOST:PORT" line; a wildcard host
 * (0.0.0.0, [::]) is reached through --host. */
static int await_listening(struct icase *c, struct wm_err *err)
{
    char found[ADDR_MAX], secs[32];
    for (int waited = 0;; waited += 10) {
        if (wm_proc_listening(&c->proc, found, sizeof found)) {
            const char *colon = strrchr(found, ':');
            if (strncmp(found, "0.0.0.0:", 8) == 0 || strncmp(found, "[::]:", 5) == 0)
                wm_net_join(c->addr, sizeof c->addr, c->o->host, colon + 1);
            else
                snprintf(c->addr, sizeof c->addr, "%s", found);
            return 0;
        }
        if (!wm_proc_alive(&c->proc)) {
            char how[64];
            wm_proc_describe(&c->proc, how, sizeof how);
            wm_err_set(err, "the server ended (%s) before printing \"listening on HOST:PORT\" on "
                       "its stderr", how);
            return -1;
        }
        if (waited >= c->o->process_timeout_ms) {
            wm_live_seconds(secs, sizeof secs, c->o->process_timeout_ms);
            wm_err_set(err, "the server printed no \"listening on HOST:PORT\" line on its stderr "
                       "within %s (--process-timeout; use {port} in COMMAND, or print that "
                       "line)", secs);
            return -1;
        }
        wm_sleep_ms(10);
    }
}

/* Connects to the server, retrying while it is not listening yet (a
 * refused connection is never accepted, so no seed is used up). */
static int open_server(void *ctx, uint32_t conn, int lfd, struct wm_err *err)
{
    struct icase *c = ctx;
    (void)conn;
    (void)lfd;
    for (int waited = 0;; waited += 10) {
        int fd = wm_net_connect(c->addr, err);
        if (fd >= 0 || errno != ECONNREFUSED)
            return fd;
        if (!wm_proc_alive(&c->proc)) {
            char how[64];
            wm_proc_describe(&c->proc, how, sizeof how);
            wm_err_set(err, "the server ended (%s) before accepting a connection on %s", how,
                       c->addr);
            c->ended_unused = conn == 1;
            return -1;
        }
        if (waited >= c->o->process_timeout_ms)
            return -1; /* err says the connection was refused */
        wm_sleep_ms(10);
    }
}

static int start_client(void *ctx, uint32_t conn, struct wm_err *err)
{
    (void)conn;
    return start_peer(ctx, err);
}

/* Accepts the client's connection, unless the client ends first. */
static int open_client(void *ctx, uint32_t conn, int lfd, struct wm_err *err)
{
    struct icase *c = ctx;
    char secs[32];
    for (int waited = 0;; waited += 10) {
        struct pollfd pfd = {.fd = lfd, .events = POLLIN};
        if (poll(&pfd, 1, 10) > 0) {
            int fd = wm_net_accept(lfd);
            if (fd < 0)
                wm_err_set(err, "accept: %s", strerror(errno));
            return fd;
        }
        if (!wm_proc_alive(&c->proc)) {
            char how[64];
            wm_proc_describe(&c->proc, how, sizeof how);
            wm_err_set(err, "the client ended (%s) without connecting to %s (connection %u)", how,
                       c->addr, conn);
            return -1;
        }
        if (waited >= c->o->process_timeout_ms) {
            wm_live_seconds(secs, sizeof secs, c->o->process_timeout_ms);
            wm_err_set(err, "the client did not connect to %s within %s (connection %u)", c->addr,
                       secs, conn);
            return -1;
        }
    }
}

/* Per connection, whether the file shows the client's error: taken before
 * the replay, which compares a live peer's errors as closes. */
static unsigned char *client_errors(const struct wm_transcript *t)
{
    unsigned char *want = calloc(t->cfg.connections, 1);
    for (uint32_t k = 0; want && k < t->cfg.connections; k++) {
        const struct wm_journal *j = &t->conns[k].client;
        for (size_t i = 0; i < j->n; i++)
            want[k] |= j->recs[i].kind == WM_REC_ERROR;
    }
    return want;
}

/* The client's connection ended: it must exit, with the status the file
 * implies (0 for a clean finish, non-zero after its error). */
static int reap_client(void *ctx, uint32_t conn, struct wm_err *err)
{
    struct icase *c = ctx;
    char secs[32], why[200], where[40] = "";
    (void)err;
    if (c->t->cfg.connections > 1)
        snprintf(where, sizeof where, " (connection %u)", conn);
    wm_live_seconds(secs, sizeof secs, c->o->process_timeout_ms);
    int ended = wm_proc_wait(&c->proc, c->o->process_timeout_ms);
    if (!ended)
        wm_proc_stop(&c->proc, c->o->process_timeout_ms);
    int want_error = c->client_error[conn - 1];
    int ok = ended && wm_proc_ok(&c->proc, 0, why, sizeof why);
    if (c->peer_fail[0] == '\0') {
        if (!ended)
            snprintf(c->peer_fail, sizeof c->peer_fail,
                     "the client did not exit within %s after its connection ended%s", secs, where);
        else if (WIFSIGNALED(c->proc.status) || (!ok && !want_error))
            snprintf(c->peer_fail, sizeof c->peer_fail, "the client %s%s%s", why, where,
                     want_error ? "" : ", though the file shows it finishing cleanly");
        else if (ok && want_error)
            snprintf(c->peer_fail, sizeof c->peer_fail,
                     "the client exited with status 0%s, though the file shows it failing", where);
    }
    if (c->peer_fail[0] == '\0' || !c->tail[0]) /* keep the failing client's */
        wm_proc_stderr_tail(&c->proc, "  | ", c->tail, sizeof c->tail);
    release_peer(c);
    return 0;
}

/* SIGTERM to the server's group, then its exit status. */
static void stop_server(struct icase *c)
{
    char secs[32], why[200];
    if (!c->running)
        return;
    int was_running = wm_proc_alive(&c->proc);
    int stopped = wm_proc_stop(&c->proc, c->o->process_timeout_ms);
    wm_live_seconds(secs, sizeof secs, c->o->process_timeout_ms);
    if (!stopped)
        snprintf(c->peer_fail, sizeof c->peer_fail,
                 "the server did not exit within %s of SIGTERM (killed)", secs);
    else if (!wm_proc_ok(&c->proc, was_running, why, sizeof why))
        snprintf(c->peer_fail, sizeof c->peer_fail, "the server %s %s", why,
                 was_running ? "after SIGTERM" : "before it was stopped");
    track(c, 0);
    c->running = 0;
}

/* ---- the report -------------------------------------------------------------------- */

/* The reproduce line (the judge's), then how to run the case by hand. */
static void print_reproduce(FILE *out, const struct icase *c, struct wm_case_result *res)
{
    const struct wm_interop_opts *o = c->o;
    size_t cmd_size = strlen(o->command) * 4 + 8;
    char *cmd_word = malloc(cmd_size), path_word[8200], *command = NULL;
    size_t size = 0;
    FILE *r = cmd_word ? open_memstream(&command, &size) : NULL;
    if (!r) {
        free(cmd_word);
        return;
    }
    wm_shell_word(o->command, cmd_word, cmd_size);
    wm_shell_word(c->path, path_word, sizeof path_word);
    fprintf(r, "interop %s %s%s %s", o->test_server ? "--server" : "--client", cmd_word,
            o->repro_opts, path_word);
    if (fclose(r) == 0 && wm_judge_reproduce_set(res, o->prog, command) == 0)
        wm_judge_reproduce_print(out, res);
    free(command);
    free(cmd_word);
    char prof[40] = "";
    if (o->profile != WM_PROFILE_STRICT)
        snprintf(prof, sizeof prof, " --profile %s", wm_profile_name(o->profile));
    if (c->command && c->addr[0]) {
        if (o->test_server && wm_interop_has(o->command, "{port}"))
            fprintf(out, "by hand:   %s & sleep 1; %s replay%s --server --connect %s %s; kill $!\n",
                    c->command, o->prog, prof, c->addr, path_word);
        else if (o->test_server)
            fprintf(out, "by hand:   %s &   # then, at the address it prints:\n"
                         "           %s replay%s --server --connect %s %s\n",
                    c->command, o->prog, prof, c->addr, path_word);
        else
            fprintf(out, "by hand:   %s replay%s --client --listen %s %s & sleep 1; %s; wait $!\n",
                    o->prog, prof, c->addr, path_word, c->command);
    }
}

/* The case's report: the judge's verdict on the peer's records, with what
 * only interop knows (a run that could not go on, the peer's exit status
 * and stderr). */
static enum wm_case_status report(FILE *out, struct icase *c, const struct wm_conn_log *logs,
                                  const struct wm_live_verdict *v, const char *error,
                                  struct wm_case_result *res)
{
    struct wm_judge j;
    wm_judge_compare(&j, c->path, c->t, logs); /* not rendered: the records differ */
    char *first = malloc(REASON_MAX);
    enum wm_case_status end = WM_CASE_FAILED;
    if (!first) {
        fprintf(out, "FAIL %s: out of memory\n", c->path);
        goto out;
    }
    enum wm_judge_verdict verdict = wm_judge_verdict(&j, v, peer_word(c), first, REASON_MAX);
    if (!error && verdict == WM_JUDGE_PASSED && !c->peer_fail[0]) {
        wm_judge_print_ok(out, c->path, res);
        end = WM_CASE_OK;
        goto out;
    }
    if (error)
        snprintf(first, REASON_MAX, "%s: %s", c->path, error);
    else if (verdict == WM_JUDGE_PASSED)
        snprintf(first, REASON_MAX, "%s: %s", c->path, c->peer_fail);
    fprintf(out, "FAIL %s\n", first);
    if (c->note[0])
        fprintf(out, "%s\n", c->note);
    res->message = strdup(first);
    if (j.rendered && !j.same && !error)
        wm_judge_diff(&j, out, res);
    if (c->peer_fail[0] && (error || verdict != WM_JUDGE_PASSED))
        fprintf(out, "also: %s\n", c->peer_fail);
    if (!c->tail[0] && c->proc.err_fd >= 0)
        wm_proc_stderr_tail(&c->proc, "  | ", c->tail, sizeof c->tail);
    if (c->tail[0])
        fprintf(out, "the %s's stderr (its end):\n%s", peer_word(c), c->tail);
    else if (c->proc.err_fd >= 0) /* not even a "listening on" line: it may never have run */
        fprintf(out, "the %s's stderr: empty\n", peer_word(c));
    print_reproduce(out, c, res);
out:
    free(first);
    wm_judge_free(&j);
    return end;
}

/* ---- one case ---------------------------------------------------------------------- */

/* Starts the server and replays the file against it: 0, or -1 with *error. */
static int serve_and_replay(struct icase *c, struct wm_conn_log **logs, struct wm_live_verdict *v,
                            struct wm_err *err)
{
    char *port = c->port;
    if (wm_interop_has(c->o->command, "{port}") &&
        wm_port_take(c->o->ports, c->o->host, port, sizeof c->port, err) < 0) {
        port[0] = '\0';
        return -1;
    }
    if (!(c->command = wm_interop_fill(c->o, &c->t->cfg, port))) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    if (start_peer(c, err) < 0)
        return -1;
    if (port[0])
        wm_net_join(c->addr, sizeof c->addr, c->o->host, port);
    else if (await_listening(c, err) < 0)
        return -1;
    struct wm_live_hooks hooks = {.open = open_server, .ctx = c};
    struct wm_live_replay_opts lo = {.remote_server = 1, .addr = c->addr, .listen_fd = -1,
                                     .timeout_ms = c->o->timeout_ms,
                                     .close_window_ms = c->o->close_window_ms,
                                     .max_journal = c->o->max_journal, .hooks = &hooks};
    return wm_live_replay(c->t, &lo, logs, v, err);
}

/* A server given {port} that ends with a failure before it was stopped
 * most likely lost the port to another program between our check and its
 * bind (our connections may even have reached that program): it is started
 * again on another port, at most this many times in all. */
#define SERVER_STARTS 3

static int lost_its_port(struct icase *c)
{
    if (!wm_interop_has(c->o->command, "{port}") || wm_proc_alive(&c->proc))
        return 0;
    return c->ended_unused || WIFSIGNALED(c->proc.status) || WEXITSTATUS(c->proc.status) != 0;
}

/* The server is gone (stopped or ended): its port may go to others. */
static void give_back_port(struct icase *c)
{
    if (c->port[0])
        wm_port_release(c->o->ports, c->port);
    c->port[0] = '\0';
}

static enum wm_case_status run_server_case(FILE *out, struct icase *c,
                                           struct wm_case_result *res)
{
    struct wm_err err;
    struct wm_conn_log *logs = NULL;
    struct wm_live_verdict v = {.fault = WM_LIVE_OK};
    int rc = -1;
    for (int start = 1; start <= SERVER_STARTS; start++) {
        c->ended_unused = 0;
        rc = serve_and_replay(c, &logs, &v, &err);
        if (start == SERVER_STARTS || !c->running || !lost_its_port(c))
            break;
        if (logs)
            wm_conn_logs_free(logs, c->t->cfg.connections);
        logs = NULL;
        v = (struct wm_live_verdict){.fault = WM_LIVE_OK};
        release_peer(c);
        give_back_port(c);
        wm_proc_free(&c->proc);
        free(c->command);
        c->command = NULL;
    }
    stop_server(c);
    give_back_port(c);
    enum wm_case_status end = report(out, c, logs, &v, rc < 0 ? err.msg : NULL, res);
    if (logs)
        wm_conn_logs_free(logs, c->t->cfg.connections);
    return end;
}

static enum wm_case_status run_client_case(FILE *out, struct icase *c,
                                           struct wm_case_result *res)
{
    struct wm_err err;
    struct wm_conn_log *logs = NULL;
    struct wm_live_verdict v = {.fault = WM_LIVE_OK};
    char any[ADDR_MAX], port[16] = "0";
    const char *error = NULL;
    wm_net_join(any, sizeof any, c->o->host, "0");
    int lfd = -1;
    if (!(c->client_error = client_errors(c->t)))
        error = "out of memory";
    else if ((lfd = wm_net_listen(any, 4, &err)) < 0) {
        error = err.msg;
    } else {
        char name[ADDR_MAX];
        wm_net_name(lfd, 0, name, sizeof name);
        const char *colon = strrchr(name, ':');
        snprintf(port, sizeof port, "%s", colon ? colon + 1 : "0");
        wm_net_join(c->addr, sizeof c->addr, c->o->host, port);
        if (!(c->command = wm_interop_fill(c->o, &c->t->cfg, port)))
            error = "out of memory";
    }
    if (!error) {
        struct wm_live_hooks hooks = {.before = start_client, .open = open_client,
                                      .after = reap_client, .ctx = c};
        struct wm_live_replay_opts lo = {.remote_server = 0, .listen_fd = lfd,
                                         .timeout_ms = c->o->timeout_ms,
                                         .close_window_ms = c->o->close_window_ms,
                                         .max_journal = c->o->max_journal, .hooks = &hooks};
        if (wm_live_replay(c->t, &lo, &logs, &v, &err) < 0)
            error = err.msg;
    }
    if (lfd >= 0)
        close(lfd);
    enum wm_case_status end = report(out, c, logs, &v, error, res);
    if (logs)
        wm_conn_logs_free(logs, c->t->cfg.connections);
    return end;
}

enum wm_case_status wm_interop_case(FILE *out, const char *path, const struct wm_interop_opts *o,
                                    struct wm_case_result *res)
{
    struct wm_transcript t;
    struct wm_err err;
    char why[WM_ERR_MAX + 256];
    if (wm_tx_parse_as(path, o->profile, &t, o->max_journal, &err) < 0) {
        wm_judge_print_malformed(out, path, err.msg, res);
        struct icase bad = {.o = o, .path = path}; /* how to see it again, as check says */
        print_reproduce(out, &bad, res);
        return res->status = WM_CASE_MALFORMED;
    }
    struct icase c = {.o = o, .path = path, .t = &t, .proc = {.err_fd = -1}};
    const char *skip = wm_interop_skip_reason(o, &t.cfg, why, sizeof why);
    if (!skip && wm_rederive(&t, o->profile, o->test_server, o->max_journal, c.note,
                             sizeof c.note, &err) == WM_REDERIVE_FAILED) {
        snprintf(why, sizeof why, "its records are %s's and its %s lines cannot be replayed "
                 "under %s: %s", wm_profile_name(wm_rederive_file_profile(&t)),
                 o->test_server ? "client" : "server", wm_profile_name(o->profile), err.msg);
        skip = why;
    }
    if (skip) {
        fprintf(out, "skip %s: %s\n", path, skip);
        res->message = strdup(skip);
        res->status = WM_CASE_SKIPPED;
    } else {
        res->status = o->test_server ? run_server_case(out, &c, res) : run_client_case(out, &c, res);
    }
    release_peer(&c);
    wm_proc_free(&c.proc);
    free(c.command);
    free(c.client_error);
    wm_tx_free(&t);
    return res->status;
}
