#include "explore_proc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "interop.h"
#include "live.h"
#include "proc.h"
#include "report.h"
#include "tmpfile.h"

#define ADDR_MAX 64
#define POLL_MS 10

void wm_xproc_init(struct wm_xproc *p, int test_server, const char *command, const char *prog,
                   int process_timeout_ms)
{
    *p = (struct wm_xproc){.test_server = test_server, .command = command, .prog = prog,
                           .process_timeout_ms = process_timeout_ms};
    wm_port_pool_init(&p->ports);
}

void wm_xproc_free(struct wm_xproc *p)
{
    wm_port_pool_free(&p->ports);
}

static void fail(struct wm_outcome *o, const char *kind, size_t lineno, const char *fmt, ...)
    WM_PRINTF(4, 5);
static void fail(struct wm_outcome *o, const char *kind, size_t lineno, const char *fmt, ...)
{
    va_list ap;
    o->failed = 1;
    o->v.kind = kind;
    o->v.conn = lineno ? 1 : 0;
    o->v.lineno = lineno;
    va_start(ap, fmt);
    vsnprintf(o->v.msg, sizeof o->v.msg, fmt, ap);
    va_end(ap);
}

static struct wm_interop_opts iopts(struct wm_xproc *x, const struct wm_live_target *lt,
                                    enum wm_profile profile)
{
    return (struct wm_interop_opts){
        .test_server = x->test_server, .command = x->command, .host = WM_XPROC_HOST,
        .timeout_ms = lt->timeout_ms, .close_window_ms = lt->close_window_ms,
        .process_timeout_ms = x->process_timeout_ms, .max_journal = WM_DEFAULT_MAX_JOURNAL,
        .profile = profile, .prog = x->prog, .repro_opts = "", .ports = &x->ports};
}

/* ---- --server ---------------------------------------------------------------------- */

struct fresh {
    struct wm_proc proc;
    int timeout_ms;
};

/* Connects, retrying while the fresh server is not listening yet (a
 * refused connection is never accepted, so no seed is used up). */
static int open_fresh(void *ctx, const char *addr, struct wm_err *err)
{
    struct fresh *f = ctx;
    for (int waited = 0;; waited += POLL_MS) {
        int fd = wm_net_connect(addr, err);
        if (fd >= 0 || errno != ECONNREFUSED)
            return fd;
        if (!wm_proc_alive(&f->proc)) {
            char how[64];
            wm_proc_describe(&f->proc, how, sizeof how);
            wm_err_set(err, "the server ended (%s) before accepting a connection", how);
            return -1;
        }
        if (waited >= f->timeout_ms) {
            wm_err_set(err, "the server did not listen on {port} within %d ms "
                       "(--process-timeout)", f->timeout_ms);
            return -1;
        }
        wm_sleep_ms(POLL_MS);
    }
}

/* SIGTERM, then its exit judged as interop judges a server's: a run that
 * held fails when the server will not go, or goes badly (a crash, a leak
 * checker's status). Killed and reaped either way. */
static void stop_server(const struct wm_xproc *x, struct fresh *f, struct wm_outcome *o)
{
    char why[200];
    int was_running = wm_proc_alive(&f->proc);
    int stopped = wm_proc_stop(&f->proc, x->process_timeout_ms);
    if (o->failed)
        return;
    if (!stopped)
        fail(o, "exit", 0, "the server did not exit within %d ms of SIGTERM (killed)",
             x->process_timeout_ms);
    else if (!wm_proc_ok(&f->proc, was_running, why, sizeof why))
        fail(o, "exit", 0, "the server %s %s", why,
             was_running ? "after SIGTERM" : "before it was stopped");
}

static int run_server(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o)
{
    struct wm_xproc *x = lt->proc;
    struct wm_cfg cfg;
    struct wm_err err;
    char port[16], addr[ADDR_MAX];
    int rc = 0;
    memset(o, 0, sizeof *o);
    if (wm_scn_cfg(s, &cfg, &err) < 0) {
        fail(o, "run", 0, "the scenario is not a valid run: %s", err.msg);
        return 0;
    }
    /* The run's first connection gets the scenario's seed; a second one
     * (after a destructive fault) seed + 1, which must not wrap. */
    if (cfg.seed == UINT64_MAX)
        cfg.seed--;
    struct wm_interop_opts io = iopts(x, lt, cfg.profile);
    if (wm_port_take(&x->ports, WM_XPROC_HOST, port, sizeof port, &err) < 0) {
        fail(o, "run", 0, "no port for the server: %s", err.msg);
        wm_cfg_free(&cfg);
        return 0;
    }
    char *command = wm_interop_fill(&io, &cfg, port);
    struct fresh f = {.proc = {.err_fd = -1}, .timeout_ms = x->process_timeout_ms};
    if (!command) {
        rc = -1;
    } else if (wm_proc_start(&f.proc, command, &err) < 0) {
        fail(o, "run", 0, "%s", err.msg);
    } else {
        wm_net_join(addr, sizeof addr, WM_XPROC_HOST, port);
        struct wm_live_target one = *lt;
        one.proc = NULL;
        one.addr = addr;
        one.shown = "the fresh server";
        /* Without {seed} the server seeds itself: --server-seed says how. */
        one.server_seed = wm_interop_has(x->command, "{seed}") ? cfg.seed : lt->server_seed;
        one.made = 0;
        one.open = open_fresh;
        one.open_ctx = &f;
        rc = wm_explore_live_conn(&one, s, o);
        lt->made += one.made;
        stop_server(x, &f, o);
    }
    wm_proc_free(&f.proc);
    wm_port_release(&x->ports, port);
    free(command);
    wm_cfg_free(&cfg);
    return rc;
}

/* ---- --client ---------------------------------------------------------------------- */

/* The run in process, as a transcript: what the client must do. */
static char *model(const struct wm_cfg *cfg, size_t *len, struct wm_err *err)
{
    struct wm_exec_opts eo;
    struct wm_conn_log *logs;
    wm_exec_opts_init(&eo);
    eo.transport = WM_TR_MEMORY;
    if (wm_execute(cfg, NULL, &eo, &logs, err) < 0)
        return NULL;
    char *text = wm_tx_render(cfg, logs, len);
    if (!text)
        wm_err_set(err, "out of memory");
    wm_conn_logs_free(logs, cfg->connections);
    return text;
}

/* The model into a temporary file for interop (which reads a path); its
 * path in path, or -1 with err. */
static int write_model(const char *text, size_t len, char *path, size_t size, struct wm_err *err)
{
    snprintf(path, size, "%s/warmer-explore-XXXXXX", wm_tmp_dir());
    int fd = mkstemp(path);
    if (fd < 0) {
        wm_err_set(err, "cannot create a temporary file in %s: %s", wm_tmp_dir(), strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    int bad = !f || fwrite(text, 1, len, f) != len;
    if ((f ? fclose(f) : close(fd)) != 0 || bad) {
        wm_err_set(err, "cannot write %s", path);
        unlink(path);
        return -1;
    }
    return 0;
}

/* Messages name the port warmer listened on, drawn anew each run: said as
 * {port}, so that the same run gives the same output. */
static void scrub_port(char *msg, size_t size)
{
    static const char host[] = WM_XPROC_HOST ":";
    char *out = malloc(size);
    size_t n = 0;
    if (!out)
        return;
    for (const char *p = msg; *p && n + 1 < size;) {
        if (strncmp(p, host, sizeof host - 1) == 0 && p[sizeof host - 1] >= '0' &&
            p[sizeof host - 1] <= '9') {
            n += (size_t)snprintf(out + n, size - n, "%s{port}", host);
            p += sizeof host - 1;
            p += strspn(p, "0123456789");
            if (n >= size)
                n = size - 1;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    memcpy(msg, out, n + 1);
    free(out);
}

static int run_client(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o)
{
    struct wm_xproc *x = lt->proc;
    struct wm_cfg cfg;
    struct wm_err err;
    char path[4200];
    size_t len;
    memset(o, 0, sizeof *o);
    if (wm_scn_cfg(s, &cfg, &err) < 0) {
        fail(o, "run", 0, "the scenario is not a valid run: %s", err.msg);
        return 0;
    }
    char *text = model(&cfg, &len, &err);
    if (!text || write_model(text, len, path, sizeof path, &err) < 0) {
        fail(o, "run", 0, "the model could not run: %s", err.msg);
        free(text);
        wm_cfg_free(&cfg);
        return 0;
    }
    struct wm_interop_opts io = iopts(x, lt, cfg.profile);
    struct wm_case_result res = {.status = WM_CASE_FAILED};
    char *report = NULL;
    size_t rlen = 0;
    FILE *out = open_memstream(&report, &rlen);
    if (out) {
        wm_interop_case(out, path, &io, &res);
        if (fclose(out) != 0)
            res.status = WM_CASE_FAILED;
    }
    unlink(path);
    lt->made += cfg.connections;
    for (const char *p = text; (p = strstr(p, "\nS: ")) != NULL; p++)
        o->guesses++;
    /* A file interop skips (no games for a client to be told) holds. */
    if (res.status == WM_CASE_FAILED || res.status == WM_CASE_MALFORMED) {
        /* interop's message starts with the file's path: a temporary name */
        const char *msg = res.message ? res.message : "out of memory";
        size_t plen = strlen(path);
        if (strncmp(msg, path, plen) == 0 && msg[plen] == ':')
            msg += plen + 1 + (msg[plen + 1] == ' ');
        fail(o, "live", res.first_line, "%s", msg);
        scrub_port(o->v.msg, sizeof o->v.msg);
        o->text = text, o->len = len;
        text = NULL;
    }
    free(text);
    free(report);
    wm_case_result_free(&res);
    wm_cfg_free(&cfg);
    return 0;
}

int wm_xproc_run(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o)
{
    return lt->proc->test_server ? run_server(lt, s, o) : run_client(lt, s, o);
}

/* " --timeout S" and the like, for the options not at their defaults. */
static void live_words(const struct wm_live_target *lt, char *buf, size_t size)
{
    char secs[24];
    size_t n = 0;
    buf[0] = '\0';
    if (lt->timeout_ms != WM_DEFAULT_TIMEOUT_MS)
        n += (size_t)snprintf(buf + n, size - n, " --timeout %s",
                              wm_seconds_word(secs, sizeof secs, lt->timeout_ms));
    if (n < size && lt->close_window_ms != WM_DEFAULT_CLOSE_WINDOW_MS)
        n += (size_t)snprintf(buf + n, size - n, " --close-window %s",
                              wm_seconds_word(secs, sizeof secs, lt->close_window_ms));
    if (n < size && lt->proc->process_timeout_ms != WM_XPROC_TIMEOUT_MS)
        snprintf(buf + n, size - n, " --process-timeout %s",
                 wm_seconds_word(secs, sizeof secs, lt->proc->process_timeout_ms));
}

void wm_xproc_reproducers(const struct wm_live_target *lt, const char *file, uint64_t seed,
                          uint64_t k, const char *draw, char *from_file, char *from_seed,
                          size_t size)
{
    const struct wm_xproc *x = lt->proc;
    size_t cmax = strlen(x->command) * 4 + 8;
    char *cmd = malloc(cmax), prog[4200], words[200];
    const char *side = x->test_server ? "--server" : "--client";
    if (!cmd) {
        snprintf(from_file, size, "(out of memory)");
        snprintf(from_seed, size, "(out of memory)");
        return;
    }
    wm_shell_word(x->command, cmd, cmax);
    wm_shell_word(x->prog, prog, sizeof prog);
    live_words(lt, words, sizeof words);
    /* The file names its profile; interop judges under --profile. */
    const char *prof = strstr(draw, " --profile ");
    snprintf(from_file, size, "%s interop %s %s%s%s %s", prog, side, cmd, words,
             prof ? prof : "", file);
    char own[40] = ""; /* a server that seeds itself was started with --server-seed */
    if (!wm_interop_has(x->command, "{seed}") && lt->server_seed != WM_DEFAULT_SEED)
        snprintf(own, sizeof own, " --server-seed %" PRIu64, lt->server_seed);
    snprintf(from_seed, size, "%s explore %s %s --seed %" PRIu64 " --run %" PRIu64 "%s%s%s",
             prog, side, cmd, seed, k, draw, words, own);
    free(cmd);
}
