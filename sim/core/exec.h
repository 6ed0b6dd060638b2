/* Layer 3 of 7, sim/core/: running a configuration; uses tx/, proto/ (docs/DESIGN.md, "Layers").
 *
 * Runs a configuration through a driver and returns each connection's logs. */
#ifndef WM_EXEC_H
#define WM_EXEC_H

#include <stdio.h>

#include "cfg.h"
#include "conn.h"
#include "transcript.h"
#include "transport.h"
#include "tx_cursor.h"

enum wm_driver { WM_DRV_SIM, WM_DRV_THREADS, WM_DRV_EVENTS };

struct wm_exec_opts {
    enum wm_driver driver;
    enum wm_transport_kind transport;
    uint64_t max_steps;
    size_t max_journal;    /* unsettled records held per side of each connection */
    size_t max_run_memory; /* records a collected run holds in all (stream.h) */
    int skip_logs;         /* console lines are not kept: the run is compared as a transcript */
    size_t script_hold;    /* output bytes a script holds at; 0: WM_EP_HIGH_WATER (tests less) */
};

void wm_exec_opts_init(struct wm_exec_opts *o);

/* Settings a driver cannot take (threads: at most 512 connections), and the
 * open-file limit the run needs: the soft limit is raised as far as that
 * (fdlimit.h); only a hard limit too low is an error. */
int wm_exec_validate(const struct wm_cfg *cfg, const struct wm_exec_opts *o, struct wm_err *err);

/* script: records for the sides cfg marks as scripted, else NULL. On
 * success *logs holds cfg->connections logs (free with wm_conn_logs_free). */
int wm_execute(const struct wm_cfg *cfg, const struct wm_transcript *script,
               const struct wm_exec_opts *o, struct wm_conn_log **logs, struct wm_err *err);

/* The run written to out as its records settle (the transcript, or with
 * book the reference's console output): memory for what is unsettled only
 * under the simulator. *saw_error: a side reported an error. 0, or -1 with
 * err (what was written so far stays written). */
int wm_execute_write(const struct wm_cfg *cfg, const struct wm_exec_opts *o, int book, FILE *out,
                     int *saw_error, struct wm_err *err);

/* The same for a file's settings (cfg, as parsed from the file ix indexes):
 * its scripted sides play its records, read from the file as they play
 * (tx_cursor.h), so a script holds one record at a time. */
int wm_execute_write_file(const struct wm_cfg *cfg, const struct wm_tx_index *ix,
                          const struct wm_exec_opts *o, FILE *out, int *saw_error,
                          struct wm_err *err);

/* 1 if any side of any connection reported an error. */
int wm_logs_have_error(const struct wm_conn_log *logs, uint32_t n);

#endif
