/* A simulated run's records merged into the canonical order while it runs
 * (docs/TRANSCRIPTS.md, "Order inside a connection"): a record is settled
 * once no record its peer could still make may come before it. Written
 * out, settled records leave memory, so a run holds only what is unsettled;
 * connections that settle before their turn in the file wait in an unlinked
 * spool file. Collected, they stay in the journals for the caller, under one
 * budget for the whole run. Either way the order is wm_merge's. */
#ifndef WM_STREAM_H
#define WM_STREAM_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "conn.h"
#include "err.h"
#include "transcript.h"

enum wm_stream_mode {
    WM_STREAM_COLLECT,    /* keep every record in the journals (check, replay, explore) */
    WM_STREAM_TRANSCRIPT, /* write the transcript to out as it settles (run, client) */
    WM_STREAM_BOOK        /* write the reference's console output instead */
};

/* The default of --max-run-memory: what a collected run may hold in all. */
#define WM_DEFAULT_MAX_RUN_MEMORY (256u << 20)

struct wm_stream;

/* For cfg's connections, whose records go to logs. budget bounds the bytes a
 * collected run holds (records and text, wm_journal_bytes); a written run
 * holds only unsettled records, each side bounded by --max-journal. NULL
 * with err if out of memory. */
struct wm_stream *wm_stream_new(const struct wm_cfg *cfg, struct wm_conn_log *logs,
                                enum wm_stream_mode mode, FILE *out, size_t budget,
                                struct wm_err *err);
/* A collected run's console lines are not kept (it is compared as a
 * transcript, which shows none); a written transcript never keeps them. */
void wm_stream_skip_logs(struct wm_stream *s);
void wm_stream_free(struct wm_stream *s);

/* Settles what it can of connection i, whose endpoints are c: after any step
 * of it. 0, or -1 with err (the budget is spent, the spool failed). */
int wm_stream_pump(struct wm_stream *s, unsigned i, const struct wm_conn *c, struct wm_err *err);
/* After the run: every record is settled and written, in connection order.
 * 0, or -1 with err (records in an order no run makes: a bug). */
int wm_stream_finish(struct wm_stream *s, struct wm_err *err);
/* A written run: 1 if any side's record was an error. */
int wm_stream_saw_error(const struct wm_stream *s);

#endif
