/* warmer explore --connect: runs against a live server of any
 * implementation. Each run plays its games on a fresh connection, with the
 * faults our client can cause (split writes, one-byte reads, a half-close
 * or a reset at a byte), and every reply is checked against the model: the
 * same run in process, its server seeded as the live one seeds that
 * connection (connections are made one after another, so connection k gets
 * server seed + k - 1). After a run with a destructive fault, a fresh
 * connection must still be served the same games correctly. */
#ifndef WM_EXPLORE_LIVE_H
#define WM_EXPLORE_LIVE_H

#include "explore.h"

struct wm_live_target {
    const char *addr;
    const char *shown; /* what messages call it (NULL: addr; a fresh server's port varies) */
    uint64_t server_seed; /* the seed the server was started with */
    uint64_t made;        /* connections made so far */
    int timeout_ms;
    int close_window_ms; /* --close-window (live.h) */
    /* --server/--client CMD: a fresh process per run (explore_proc.h), or NULL */
    struct wm_xproc *proc;
    /* Opens each connection instead of a plain connect (a fresh server may
     * still be starting), or NULL: the socket, or -1 with err. */
    int (*open)(void *ctx, const char *addr, struct wm_err *err);
    void *open_ctx;
};

/* A wm_scn_runner for a scenario drawn with bias.live. On a failure
 * o->text is the model's transcript (replay it against a fresh server to
 * see the server differ) and *actual what the server did. 0, or -1 (OOM). */
int wm_explore_live(void *target, const struct wm_scn *s, struct wm_outcome *o);
/* The same against target->addr as it is (wm_explore_live goes through
 * target->proc when it is set, which starts the server and calls this). A
 * server that answers nothing within the timeout is a finding of kind hang. */
int wm_explore_live_conn(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o);

#endif
