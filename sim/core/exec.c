#include "exec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "drivers.h"
#include "fdlimit.h"
#include "sim.h"
#include "stream.h"

void wm_exec_opts_init(struct wm_exec_opts *o)
{
    *o = (struct wm_exec_opts){.driver = WM_DRV_SIM, .transport = WM_TR_SOCKETPAIR,
                               .max_steps = WM_DEFAULT_MAX_STEPS,
                               .max_journal = WM_DEFAULT_MAX_JOURNAL,
                               .max_run_memory = WM_DEFAULT_MAX_RUN_MEMORY};
}

int wm_exec_validate(const struct wm_cfg *cfg, const struct wm_exec_opts *o, struct wm_err *err)
{
    if (o->driver != WM_DRV_SIM && cfg->nfaults > 0) {
        wm_err_set(err, "a fault plan runs under --driver sim only");
        return -1;
    }
    if (o->driver == WM_DRV_THREADS && cfg->connections > WM_THREADS_MAX_CONNECTIONS) {
        wm_err_set(err, "--driver threads takes at most %d connections (two threads each), got %u",
                   WM_THREADS_MAX_CONNECTIONS, cfg->connections);
        return -1;
    }
    /* Two descriptors per connection: a socketpair's ends. */
    if (o->driver != WM_DRV_SIM || o->transport == WM_TR_SOCKETPAIR) {
        char what[64];
        snprintf(what, sizeof what, "a run of %u connections", cfg->connections);
        return wm_fd_limit_raise(2 * (uint64_t)cfg->connections + WM_FD_SPARE, what, err);
    }
    return 0;
}

/* Runs cfg; under the simulator its records settle as it goes (stream.h):
 * collected into *logs_out, or written to out. */
static int execute(const struct wm_cfg *cfg, const struct wm_transcript *script,
                   const struct wm_tx_index *ix, const struct wm_exec_opts *o, enum wm_stream_mode mode, FILE *out,
                   struct wm_conn_log **logs_out, int *saw_error, struct wm_err *err)
{
    *logs_out = NULL;
    if (wm_cfg_validate(cfg, err) < 0 || wm_exec_validate(cfg, o, err) < 0)
        return -1;
    /* An alloc-fail plan counts from here, so `warmer check` refuses the same
     * allocation explore did (explore installs its own counter to also see
     * that everything comes back). */
    struct wm_alloc_counter local = {0};
    int own_counter = 0;
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (cfg->faults[i].kind == WM_FAULT_ALLOC && !wm_alloc_installed()) {
            local.fail_at = cfg->faults[i].arg;
            wm_alloc_install(&local);
            own_counter = 1;
        }
    struct wm_conn_log *logs = wm_conn_logs_new(cfg->connections, o->max_journal);
    size_t max_total = SIZE_MAX; /* a journal-limit fault counts every record made */
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (cfg->faults[i].kind == WM_FAULT_JOURNAL && cfg->faults[i].arg < max_total)
            max_total = (size_t)cfg->faults[i].arg;
    for (unsigned i = 0; logs && i < cfg->connections; i++)
        logs[i].client.max_total = logs[i].server.max_total = max_total;
    struct wm_conn *conns = wm_calloc(cfg->connections, sizeof *conns);
    struct wm_stream *stream = NULL;
    unsigned made = 0;
    int rc = -1;
    if (!logs || !conns) {
        wm_err_set(err, "out of memory for %u connections", cfg->connections);
        goto out;
    }
    for (; made < cfg->connections; made++) {
        if (wm_conn_init(&conns[made], made, cfg, &logs[made], script, ix, err) < 0)
            goto out;
        if (o->script_hold)
            conns[made].client_script.hold_at = conns[made].server_script.hold_at = o->script_hold;
    }
    switch (o->driver) {
    case WM_DRV_SIM: {
        if (!(stream = wm_stream_new(cfg, logs, mode, out, o->max_run_memory, err)))
            goto out;
        if (o->skip_logs)
            wm_stream_skip_logs(stream);
        struct wm_sim_opts so = {o->transport, o->max_steps, cfg->faults, cfg->nfaults, stream};
        rc = wm_sim_run(conns, made, cfg->seed, cfg->chunking, &so, err);
        if (rc == 0)
            rc = wm_stream_finish(stream, err);
        if (rc == 0 && saw_error)
            *saw_error = wm_stream_saw_error(stream);
        break;
    }
    case WM_DRV_THREADS:
        rc = wm_threads_run(conns, made, err);
        break;
    case WM_DRV_EVENTS:
        rc = wm_events_run(conns, made, err);
        break;
    default:
        wm_err_set(err, "driver not available in this build");
        break;
    }
    /* The other drivers hold every record until the end: written now. */
    if (rc == 0 && o->driver != WM_DRV_SIM && mode != WM_STREAM_COLLECT) {
        if ((mode == WM_STREAM_BOOK ? wm_tx_write_book(out, cfg, logs)
                                    : wm_tx_write(out, cfg, logs)) < 0) {
            wm_err_set(err, "internal error: inconsistent record order");
            rc = -1;
        }
        if (saw_error)
            *saw_error = wm_logs_have_error(logs, cfg->connections);
    }
out:
    wm_stream_free(stream);
    for (unsigned i = 0; i < made; i++)
        wm_conn_free(&conns[i]);
    wm_free(conns);
    if (rc < 0 || mode != WM_STREAM_COLLECT)
        wm_conn_logs_free(logs, cfg->connections);
    else
        *logs_out = logs;
    if (own_counter)
        wm_alloc_install(NULL);
    return rc;
}

int wm_execute(const struct wm_cfg *cfg, const struct wm_transcript *script,
               const struct wm_exec_opts *o, struct wm_conn_log **logs_out, struct wm_err *err)
{
    return execute(cfg, script, NULL, o, WM_STREAM_COLLECT, NULL, logs_out, NULL, err);
}

int wm_execute_write(const struct wm_cfg *cfg, const struct wm_exec_opts *o, int book, FILE *out,
                     int *saw_error, struct wm_err *err)
{
    struct wm_conn_log *none;
    *saw_error = 0;
    if (cfg->client_script || cfg->server_script) {
        wm_err_set(err, "a scripted side plays a transcript's records: check or replay it");
        return -1;
    }
    return execute(cfg, NULL, NULL, o, book ? WM_STREAM_BOOK : WM_STREAM_TRANSCRIPT, out, &none,
                   saw_error, err);
}

int wm_execute_write_file(const struct wm_cfg *cfg, const struct wm_tx_index *ix,
                          const struct wm_exec_opts *o, FILE *out, int *saw_error,
                          struct wm_err *err)
{
    struct wm_conn_log *none;
    *saw_error = 0;
    return execute(cfg, NULL, ix, o, WM_STREAM_TRANSCRIPT, out, &none, saw_error, err);
}

int wm_logs_have_error(const struct wm_conn_log *logs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct wm_journal *js[2] = {&logs[i].client, &logs[i].server};
        for (int k = 0; k < 2; k++)
            for (size_t r = 0; r < js[k]->n; r++)
                if (js[k]->recs[r].kind == WM_REC_ERROR)
                    return 1;
    }
    return 0;
}
