/* One side of a connection as every driver sees it: bytes in, bytes out.
 * It glues a framer, a session role and this side's journal; drivers only
 * move bytes (sim.c in-process, threads/events over sockets). */
#ifndef WM_ENDPOINT_H
#define WM_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fault.h"
#include "frame.h"
#include "journal.h"
#include "session.h"

struct wm_endpoint {
    char side;                 /* 'C' or 'S' */
    const struct wm_role *role;
    void *self;                /* the role's session */
    struct wm_framer framer;
    struct wm_journal *journal; /* NULL: records go to observe instead (a live server) */
    void (*observe)(void *ctx, const struct wm_endpoint *ep, enum wm_rec_kind kind,
                    const char *text, size_t len);
    void *observe_ctx;
    char *out;                 /* bytes waiting to be written */
    size_t out_off, out_len, out_cap, out_max;
    int started, closed, peer_eof;
    int fault;                 /* a harness limit was hit: see fault_msg */
    struct wm_err fault_msg;
    int journal_full;          /* the side ended because its journal was full */
    /* A side fault of the run's plan (fault.h), at a byte of this side's
     * output, so it lands at the same place under any scheduling. */
    int has_cut, cut_done;
    enum wm_fault_kind cut_kind;
    int cut_abort;             /* the reset is abortive: the peer reads a reset */
    uint64_t cut_at;
    uint64_t out_total;        /* bytes this side has sent: its wire offset */
    int out_shut;              /* half-closed: what the session sends now is dropped */
    int stalled;               /* stalled: it neither reads nor writes any more */
    /* hung (WM_OUT_HANG, also stalled): recorded; what it sent before goes
     * out, then it neither reads, writes nor closes; only its driver ends
     * it (its peer gone, or the run over), unrecorded */
    int hung;
    /* the session's own error or close ended the side in the call under
     * way: it must then say WM_SESS_CLOSED (apply() asserts it) */
    int session_ended;
};

/* The endpoint's state, for drivers, roles and verdicts: read through these
 * named queries, never its flags (they are endpoint.c's). */
/* The session ended: what is pending still goes out, then the close. */
static inline int wm_ep_closed(const struct wm_endpoint *ep)
{
    return ep->closed;
}
/* Half-closed: its write side is shut once the pending bytes are out; it
 * reads on. */
static inline int wm_ep_half_closed(const struct wm_endpoint *ep)
{
    return ep->out_shut;
}
/* Stalled by a fault: it neither reads nor writes any more. */
static inline int wm_ep_stalled(const struct wm_endpoint *ep)
{
    return ep->stalled;
}
/* Hung (also stalled): only its driver ends it, with wm_ep_harness_end. */
static inline int wm_ep_hung(const struct wm_endpoint *ep)
{
    return ep->hung;
}
/* The peer's end of stream (or reset) was fed. */
static inline int wm_ep_peer_ended(const struct wm_endpoint *ep)
{
    return ep->peer_eof;
}
/* A harness limit was hit: the run fails with wm_ep_fault_msg. */
static inline int wm_ep_faulted(const struct wm_endpoint *ep)
{
    return ep->fault;
}
static inline const char *wm_ep_fault_msg(const struct wm_endpoint *ep)
{
    return ep->fault_msg.msg;
}
/* Its planned reset fault has been reached: the driver resets the socket. */
static inline int wm_ep_reset_due(const struct wm_endpoint *ep)
{
    return ep->cut_done && ep->cut_kind == WM_FAULT_RESET;
}
/* Its planned reset was an abort (fault.h): the simulator gives its peer a
 * reset (wm_ep_reset), not the end of the stream. */
static inline int wm_ep_aborted(const struct wm_endpoint *ep)
{
    return wm_ep_reset_due(ep) && ep->cut_abort;
}
/* The driver ends a stalled or hung side that can do nothing more: closed,
 * unrecorded (it did nothing). */
void wm_ep_harness_end(struct wm_endpoint *ep);

/* Backpressure: feeding pauses while this many bytes wait to be written. */
#define WM_EP_HIGH_WATER 65536
/* Bytes a driver reads at once. */
#define WM_IO_CHUNK 4096

/* Bytes a driver has read that its endpoint has not taken yet. */
struct wm_inbuf {
    char data[WM_IO_CHUNK];
    size_t off, len;
};

static inline size_t wm_inbuf_left(const struct wm_inbuf *b)
{
    return b->len - b->off;
}

int wm_ep_init(struct wm_endpoint *ep, char side, const struct wm_role *role, void *self,
               struct wm_journal *journal, size_t max_line, size_t out_max);
void wm_ep_free(struct wm_endpoint *ep);

/* Arms a side fault (reset or abort, half-close or stall) at its byte of the output. */
void wm_ep_set_cut(struct wm_endpoint *ep, const struct wm_fault *f);

void wm_ep_start(struct wm_endpoint *ep);
/* Feeds received bytes; returns how many were taken (fewer while the output
 * is above the high-water mark; all of them once the session has closed). */
size_t wm_ep_feed(struct wm_endpoint *ep, const char *p, size_t n);
/* wm_ep_feed from b: takes what the endpoint will (returned), and empties b
 * once all is taken. */
size_t wm_ep_feed_inbuf(struct wm_endpoint *ep, struct wm_inbuf *b);
void wm_ep_eof(struct wm_endpoint *ep);
/* The peer reset the connection: the end of the stream, and an unfinished
 * line is reported as cut by the reset, not as a missing newline; else the
 * role's on_reset says it (NULL: as wm_ep_eof). */
void wm_ep_reset(struct wm_endpoint *ep);
/* Ends a side that can make no progress (a script left waiting): a close,
 * recorded unless the role's on_abandon says it is implied. */
void wm_ep_abandon(struct wm_endpoint *ep);
/* The peer stalled: the session reports what it awaited and closes. */
void wm_ep_timeout(struct wm_endpoint *ep);

static inline size_t wm_ep_pending(const struct wm_endpoint *ep)
{
    return ep->out_len - ep->out_off;
}
static inline const char *wm_ep_pending_data(const struct wm_endpoint *ep)
{
    return ep->out + ep->out_off;
}
/* n bytes were written; or the peer is gone. Either may let a holding
 * script play on, so more may be pending after. */
void wm_ep_consumed(struct wm_endpoint *ep, size_t n);
void wm_ep_discard(struct wm_endpoint *ep);
/* 1 while the side's script holds records until its output drains: it
 * takes no input, not even the end of the stream. */
int wm_ep_holding(const struct wm_endpoint *ep);
/* 1 if the side takes input now: open, not stalled or hung, its output
 * under the high-water mark, not holding. Drivers give bytes and the end
 * only then. */
int wm_ep_can_take(const struct wm_endpoint *ep);

/* Peer wire items this side has begun to consume: the cause of its records. */
uint64_t wm_ep_items_seen(const struct wm_endpoint *ep);

#endif
