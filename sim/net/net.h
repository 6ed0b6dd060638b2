/* Layer 4 of 7, sim/net/: live peers, serve, record, load; uses core/ and below (docs/DESIGN.md,
 * "Layers").
 *
 * TCP plumbing for the live commands: HOST:PORT parsing, listen, connect. */
#ifndef WM_NET_H
#define WM_NET_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

struct addrinfo;

#include "err.h"
#include "rng.h"

/* "127.0.0.1:4321", "localhost:4321", "[::1]:4321"; port 0 asks for any. */
int wm_net_listen(const char *hostport, int backlog, struct wm_err *err);
/* 0 if hostport has the form HOST:PORT with a port in 1..65535 (0..65535
 * when listen: 0 picks a free port), in plain decimal; no name lookup. Every
 * listen and connect goes through the same check. */
int wm_net_parse(const char *hostport, int listen, struct wm_err *err);
/* 0 if hostport parses and resolves (a usage check before listening). */
int wm_net_check(const char *hostport, int listen, struct wm_err *err);
int wm_net_connect(const char *hostport, struct wm_err *err);
/* The addresses hostport names for connecting (freeaddrinfo them), or NULL
 * with err: for a caller that connects many times, or not blocking. */
struct addrinfo *wm_net_resolve(const char *hostport, struct wm_err *err);
/* "HOST:PORT" of a bound or connected socket's local (peer = 0) or remote end. */
void wm_net_name(int fd, int peer, char *buf, size_t size);
/* "HOST:PORT", bracketing an IPv6 host. */
void wm_net_join(char *buf, size_t size, const char *host, const char *port);
/* Ports for peers to listen on (interop's {port}), shared by concurrent
 * cases: drawn at random from below (or above) the kernel's ephemeral
 * range, where no outgoing connection can take one between our check and
 * the peer's bind, and checked free by binding it. Without a known
 * ephemeral range, the kernel picks (bind to port 0), which a busy machine
 * can race. */
/* Ports a pool does not hand out again while they may still be in use:
 * the last this many (a --jobs worker's server may be still starting, or
 * still stopping, on the port it was given). */
#define WM_PORT_RECENT 128

struct wm_port_pool {
    pthread_mutex_t lock;
    unsigned lo, hi; /* lo == 0: let the kernel pick */
    struct wm_rng rng;
    unsigned recent[WM_PORT_RECENT]; /* a ring of the ports handed out last */
    unsigned nrecent;                /* how many were ever handed out */
    int lock_fd; /* the machine's port lock file (byte n: port n), or -1 */
};
/* Several warmer processes on one machine (interop shards, make -j) hand
 * out ports from the same range, and a port checked free may be taken by
 * another process before the server it was given to binds it: that
 * process's cases would then talk to our server. So a port handed out is
 * held, until released, as a lock on its byte of one shared file
 * (WM_PORT_LOCK_FILE in $TMPDIR, else /tmp); other processes skip held
 * ports. fcntl record locks: gone when the process ends, however it ends.
 * Without the file (not writable), ports are only checked free. */
#define WM_PORT_LOCK_FILE "warmer-ports.lock"
void wm_port_pool_init(struct wm_port_pool *p);
/* The same with the lock file at path (tests; NULL for none). */
void wm_port_pool_init_at(struct wm_port_pool *p, const char *path);
void wm_port_pool_free(struct wm_port_pool *p);
/* A port on host that is free now, as a decimal string, held for this
 * process until wm_port_release. 0, or -1 with err. */
int wm_port_take(struct wm_port_pool *p, const char *host, char *port, size_t size,
                 struct wm_err *err);
/* The server given port is gone: other processes may have it now. */
void wm_port_release(struct wm_port_pool *p, const char *port);
/* A non-blocking socket for ai, close-on-exec from the start; -1 with errno. */
int wm_net_socket(const struct addrinfo *ai);
/* accept(2) whose socket is close-on-exec from the start (net.c says why)
 * and tuned (wm_net_tune); the socket, or -1 with errno. */
int wm_net_accept(int lfd);

/* Lines are small and the protocol lockstep, so no peer may wait on a
 * timer of ours (docs/DESIGN.md, "Delayed ACK"): what we write leaves at
 * once (TCP_NODELAY), and what the peer writes is acknowledged at once
 * (TCP_QUICKACK, where the platform has it). For every TCP socket warmer
 * serves, relays or connects on; harmless on others (errors ignored). */
void wm_net_tune(int fd);
/* What one accept(2) on a listening socket came to, sorted once for serve
 * (both drivers) and record: they differ only in what they do about it. */
enum wm_accept_rc {
    WM_ACCEPT_OK,      /* *fd is the peer's socket */
    WM_ACCEPT_DRAINED, /* no connection waits: back to the loop */
    WM_ACCEPT_RETRY,   /* a signal, or a peer gone before it was taken */
    WM_ACCEPT_NO_FDS,  /* EMFILE/ENFILE: shed or wait for a close */
    WM_ACCEPT_ERROR,   /* anything else (e.g. ENOBUFS), errno says */
};
/* wm_net_accept for serve and record: also nonblock as asked and its
 * peer's name in addr; *fd is set only for WM_ACCEPT_OK. */
enum wm_accept_rc wm_net_accept_peer(int lfd, int nonblock, char *addr, size_t size, int *fd);
/* Re-arms quick ACKs on a tuned socket, which also sends at once an ACK
 * the kernel was holding: Linux's quick-ack mode is not sticky (it drops
 * back to delayed ACKs once it sees us reply). For a reader that has
 * nothing to send back: a reply carries the ACK for free. */
/* Called after data is read by a relay or a live peer, which cannot tell
 * whether a reply will follow. */
void wm_net_ack_now(int fd);

/* ms as seconds the way an option takes them: "10", "1.5", "0.01". Returns buf. */
const char *wm_seconds_word(char *buf, size_t size, int64_t ms);

#endif
