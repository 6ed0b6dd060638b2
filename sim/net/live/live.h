/* One connection with only our side in process: our endpoint talks to a
 * live peer of any implementation over a blocking socket, and a mirror
 * journals what the peer sent, so the connection still yields a transcript.
 * A live peer is judged on its closes as well as its lines: a peer that
 * answers where the file shows it closing, or stays open, fails. */
#ifndef WM_LIVE_H
#define WM_LIVE_H

#include <stdint.h>

#include "endpoint.h"
#include "rng.h"
#include "journal.h"
#include "net.h" /* wm_seconds_word */
#include "script.h"
#include "transcript.h"

#define WM_DEFAULT_TIMEOUT_MS 10000
/* --close-window: where the file shows a peer still open, it must not
 * close within this long of our last line (docs/CLI.md, replay). */
#define WM_DEFAULT_CLOSE_WINDOW_MS 50
#define WM_CLOSE_WINDOW_MAX_MS 60000

/* How a live peer failed other than by a different line (the diff shows those). */
enum wm_live_fault {
    WM_LIVE_OK,
    WM_LIVE_SENT_FOR_END, /* it sent a line where the file shows its end */
    WM_LIVE_KEPT_OPEN,    /* the file shows its end; it stayed open for the timeout */
    WM_LIVE_LEFT_OPEN,    /* after our close, it stayed open for the timeout */
    WM_LIVE_CLOSED_EARLY, /* it closed before the line (or close) of ours that should end it */
    WM_LIVE_NO_ANSWER,    /* the file shows it sending a line; nothing came for the timeout */
    WM_LIVE_NO_HANG       /* the file shows it hanging; it sent or closed within the window */
};

struct wm_live_verdict {
    enum wm_live_fault fault;
    uint32_t conn;   /* connection, from 1 */
    size_t lineno;   /* the file line of the end (or line) the peer failed to give, 0 if none */
    struct wm_err why;
    /* The first connection whose peer reset it, 0 none: a reset is recorded
     * as a close (a transcript has no reset), so a failing case names it. */
    uint32_t reset_conn;
};

struct wm_live {
    struct wm_endpoint *local;
    const struct wm_script *script;         /* local's script, or NULL for a session */
    struct wm_journal *remote;              /* gets the peer's records */
    const struct wm_journal *expect_remote; /* the file's peer records, or NULL */
    int fd;
    int timeout_ms;  /* per wait for the peer */
    int close_window_ms; /* 0: a peer's close is not timed (no file, or off) */
    size_t max_line; /* the mirror records peer lines up to max-line + 64 bytes */
    struct wm_live_verdict *verdict; /* set when the peer fails on a close */
    /* The faults our side can cause a live peer (explore --connect): */
    size_t read_max;       /* bytes per read (1: a slow reader); 0 for no limit */
    struct wm_rng *split;  /* sends in drawn pieces, or NULL */
};

/* Runs to the end of the exchange, or to the peer's first fault on a close
 * (lv->verdict). 0, or -1 with err (a socket error, or a timeout of a
 * session awaiting a reply); a protocol error is a record, not a failure. */
int wm_live_run(struct wm_live *lv, struct wm_err *err);

/* The comparison a live peer allows: its errors are seen only as closes. */
void wm_live_normalize(struct wm_journal *expect_remote);

/* Hooks around each connection of a replay, for a runner that starts a peer
 * process per connection (warmer interop); 0 or -1 with err. */
struct wm_live_hooks {
    int (*before)(void *ctx, uint32_t conn, struct wm_err *err);
    /* Opens the connection instead of the plain connect or accept: the
     * socket, or -1 with err. listen_fd is -1 when connecting. */
    int (*open)(void *ctx, uint32_t conn, int listen_fd, struct wm_err *err);
    int (*after)(void *ctx, uint32_t conn, struct wm_err *err);
    void *ctx;
};

struct wm_live_replay_opts {
    int remote_server;  /* 1: connect to addr and play the C records; 0: accept */
    const char *addr;   /* connect to, or listen on when listen_fd < 0 */
    int listen_fd;      /* >= 0: accept on this socket (the caller's) */
    int timeout_ms;
    int close_window_ms; /* see struct wm_live */
    size_t max_journal;
    const struct wm_live_hooks *hooks; /* or NULL */
};

/* Replays t against a live peer, one connection after another (so a server
 * that seeds by accept order gives connection n seed + n - 1); stops after a
 * connection with a verdict. Normalizes t's peer records. 0 with *logs (what
 * happened), or -1 with err. */
int wm_live_replay(struct wm_transcript *t, const struct wm_live_replay_opts *o,
                   struct wm_conn_log **logs, struct wm_live_verdict *verdict,
                   struct wm_err *err);

/* "10 s", "1.5 s": a timeout for messages. */
void wm_live_seconds(char *buf, size_t size, int ms);

#endif
