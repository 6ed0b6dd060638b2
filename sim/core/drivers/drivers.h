/* The socket drivers: the same endpoints as the simulator (sim.h), moved
 * over one in-process AF_UNIX socketpair per connection. Only the I/O
 * differs, so the journals, and the transcripts, are the simulator's.
 *
 * Both return 0 when every side of every connection closed, or -1 with err
 * on a harness failure: a limit, no progress (naming the connection, as
 * wm_conn_describe does), a system call that failed. Both start every
 * endpoint themselves and free everything they allocate; the caller still
 * owns and frees conns. Scripted sides that can make no progress are
 * abandoned exactly when the simulator would abandon them. */
#ifndef WM_DRIVERS_H
#define WM_DRIVERS_H

#include "conn.h"
#include "err.h"

/* threads: one thread per endpoint (2n), blocking sockets. */
#define WM_THREADS_MAX_CONNECTIONS 512
/* Longest a side may wait in a blocking send or without any progress on
 * its connection before the run fails naming the connection. */
#define WM_THREADS_TIMEOUT_MS 10000
/* SO_RCVTIMEO: how often a thread blocked in recv looks up (a peer's
 * decision to abandon it, or a failed run). Not a limit. */
#define WM_THREADS_TICK_MS 100
/* How often a hung side's thread looks whether it may end. */
#define WM_THREADS_HANG_NAP_MS 5
#define WM_THREADS_STACK (256u << 10)

int wm_threads_run(struct wm_conn *conns, unsigned n, struct wm_err *err);

/* events: one thread, non-blocking sockets, the event loop of evloop.h. */
#define WM_EVENTS_MAX_ROUNDS 4000000000ULL
/* A poll that waits this long with nothing ready fails the run. */
#define WM_EVENTS_STALL_MS 10000

int wm_events_run(struct wm_conn *conns, unsigned n, struct wm_err *err);

#endif
