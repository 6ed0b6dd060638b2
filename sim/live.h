/* One connection with only our side in process: our endpoint talks to a
 * live peer of any implementation over a blocking socket, and a mirror
 * journals what the peer sent, so the connection still yields a transcript. */
#ifndef WM_LIVE_H
#define WM_LIVE_H

#include "endpoint.h"
#include "journal.h"
#include "transcript.h"

#define WM_DEFAULT_TIMEOUT_MS 10000

struct wm_live {
    struct wm_endpoint *local;
    struct wm_journal *remote;              /* gets the peer's records */
    const struct wm_journal *expect_remote; /* the file's peer records, or NULL */
    int fd;
    int timeout_ms;  /* per wait for the peer */
    size_t max_line; /* the mirror records peer lines up to max-line + 64 bytes */
};

/* Runs to the end of the exchange. 0, or -1 with err (a timeout or a
 * socket error); a protocol error is a record, not a failure here. */
int wm_live_run(struct wm_live *lv, struct wm_err *err);

/* The comparison a live peer allows: its errors are seen only as closes. */
void wm_live_normalize(struct wm_journal *expect_remote);

/* Replays t against a live peer, one connection after another (so a server
 * that seeds by accept order gives connection n seed + n - 1). remote_server:
 * connect to addr and play the C records; else listen on addr and play the S
 * records to each client that connects. Normalizes t's peer records. */
int wm_live_replay(struct wm_transcript *t, int remote_server, const char *addr, int timeout_ms,
                   size_t max_journal, struct wm_conn_log **logs, struct wm_err *err);

#endif
