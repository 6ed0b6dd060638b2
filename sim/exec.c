#include "exec.h"

#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "drivers.h"
#include "fdlimit.h"
#include "sim.h"

void wm_exec_opts_init(struct wm_exec_opts *o)
{
    *o = (struct wm_exec_opts){.driver = WM_DRV_SIM, .transport = WM_TR_SOCKETPAIR,
                               .max_steps = WM_DEFAULT_MAX_STEPS,
                               .max_journal = WM_DEFAULT_MAX_JOURNAL};
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

int wm_execute(const struct wm_cfg *cfg, const struct wm_transcript *script,
               const struct wm_exec_opts *o, struct wm_conn_log **logs_out, struct wm_err *err)
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
    size_t max_journal = o->max_journal;
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (cfg->faults[i].kind == WM_FAULT_JOURNAL && cfg->faults[i].arg < max_journal)
            max_journal = (size_t)cfg->faults[i].arg;
    struct wm_conn_log *logs = wm_conn_logs_new(cfg->connections, max_journal);
    struct wm_conn *conns = wm_calloc(cfg->connections, sizeof *conns);
    unsigned made = 0;
    int rc = -1;
    if (!logs || !conns) {
        wm_err_set(err, "out of memory for %u connections", cfg->connections);
        goto out;
    }
    for (; made < cfg->connections; made++)
        if (wm_conn_init(&conns[made], made, cfg, &logs[made], script, err) < 0)
            goto out;
    switch (o->driver) {
    case WM_DRV_SIM: {
        struct wm_sim_opts so = {o->transport, o->max_steps, cfg->faults, cfg->nfaults};
        rc = wm_sim_run(conns, made, cfg->seed, cfg->chunking, &so, err);
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
out:
    for (unsigned i = 0; i < made; i++)
        wm_conn_free(&conns[i]);
    wm_free(conns);
    if (rc < 0)
        wm_conn_logs_free(logs, cfg->connections);
    else
        *logs_out = logs;
    if (own_counter)
        wm_alloc_install(NULL);
    return rc;
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
