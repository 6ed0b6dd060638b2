/* An endpoint driven over a socket: the one place that says what a recv or
 * send result means (hiredis's net.c answers "what does a failed read
 * mean" once, whatever loop drives it). Every driver that moves an
 * endpoint's bytes over a socket (drv_events.c, drv_threads.c, serve's two
 * drivers, live.c) reads, feeds, flushes and asks for readiness here; each
 * keeps only its scheduling (when to call, how long to wait) and its
 * policy (what a would-block or an error means to it). record's relay and
 * load feed no endpoint: they use the sorting alone (wm_sock_recv/send).
 * The simulator's socketpair transport (transport.c) is not a peer: it
 * never sees a reset (its sides shut down, never close early).
 *
 * A peer's reset is told apart from its clean end everywhere: the endpoint
 * gets wm_ep_reset, and every report of it uses WM_RESET_TEXT (session.h). */
#ifndef WM_SOCK_EP_H
#define WM_SOCK_EP_H

#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

/* A recv or send result, sorted once. errno is kept for WM_IO_ERROR. */
enum wm_io {
    WM_IO_DATA,  /* bytes moved */
    WM_IO_AGAIN, /* would block (or a SO_RCVTIMEO / SO_SNDTIMEO tick passed) */
    WM_IO_EOF,   /* recv: the peer's end of the stream; send: EPIPE, the peer is gone */
    WM_IO_RESET, /* ECONNRESET: the peer reset the connection */
    WM_IO_ERROR  /* anything else: errno says what */
};

/* A signal interrupting recv or send is retried at most this many times
 * in a row; then the call is reported as WM_IO_ERROR with errno EINTR. */
#define WM_SOCK_EINTR_MAX 64

/* One recv of at most cap bytes (*got: how many, on WM_IO_DATA). */
enum wm_io wm_sock_recv(int fd, void *buf, size_t cap, size_t *got);
/* One send of at most n bytes, without SIGPIPE (*put, on WM_IO_DATA). */
enum wm_io wm_sock_send(int fd, const void *p, size_t n, size_t *put);

/* One side's socket and what it has read but the endpoint not yet taken. */
struct wm_sockep {
    int fd;
    struct wm_endpoint *ep;
    struct wm_inbuf in;
    uint64_t sent, rcvd; /* bytes over this socket */
    int eof_done;        /* the peer's end (or reset) was given to the endpoint */
    int peer_gone;       /* a send found the peer gone: output is discarded */
};

void wm_sockep_init(struct wm_sockep *s, int fd, struct wm_endpoint *ep);

/* 1 if a recv now would be taken: the endpoint takes input, nothing is
 * buffered, and the end has not come. */
int wm_sockep_wants_read(const struct wm_sockep *s);
/* WM_EL_WRITE while bytes are pending, WM_EL_READ while wants_read; a
 * driver may narrow it (its own knowledge of the peer), never widen it. */
int wm_sockep_interest(const struct wm_sockep *s);

/* Hands buffered input to the endpoint, respecting its backpressure;
 * 1 if it took any. */
int wm_sockep_feed(struct wm_sockep *s);
/* One recv of at most max bytes (0: a whole chunk) into the empty buffer;
 * nothing is given to the endpoint. DATA: buffered (rcvd counts it). */
enum wm_io wm_sockep_recv(struct wm_sockep *s, size_t max);
/* Gives the endpoint the end a recv returned (WM_IO_EOF: wm_ep_eof,
 * WM_IO_RESET: wm_ep_reset), once; other results are ignored. */
void wm_sockep_end(struct wm_sockep *s, enum wm_io rc);
/* recv, then feed the bytes or give the end: the whole read for a driver
 * with nothing to decide in between. */
enum wm_io wm_sockep_read(struct wm_sockep *s);

/* One send of at most n of the pending bytes: DATA (consumed; *put
 * bytes), AGAIN, EOF or RESET (the peer is gone: peer_gone is set and
 * what is pending discarded), ERROR. */
enum wm_io wm_sockep_send(struct wm_sockep *s, size_t n, size_t *put);
/* Sends until nothing is pending: DATA when all went (or was discarded
 * because the peer is gone: a holding script may play on meanwhile),
 * AGAIN, or ERROR with errno. */
enum wm_io wm_sockep_flush(struct wm_sockep *s);

#endif
