/* warmer serve: a real server over TCP (CLI.md), one server session per
 * accepted connection, the k-th (k from 0) seeded seed + k. Two drivers
 * move the bytes: events (one thread, non-blocking sockets, evloop.h) and
 * threads (an accept loop and one blocking thread per connection). Both
 * follow the rules of the socketpair drivers (drivers.h): feed respecting
 * backpressure, deliver EOF once, discard output the peer will never read.
 *
 * What both share lives here and in serve.c: the options, the counters,
 * one connection's session and endpoint (records go to stdout and stderr
 * through the endpoint's observer, never to a journal), admission (the
 * connection limit and the seed range) and the log lines; SIGINT and
 * SIGTERM come through sig.h's self-pipe. Every line goes through the
 * console (console.h), so no thread that serves clients ever waits on
 * stdout or stderr; every server's guesses draw on one memory budget
 * (--max-memory).
 *
 * Connections are named as in transcripts: "connection K" counts accepted
 * sessions from 1, so connection K has the seed seed + K - 1. A refused
 * connection gets no number and uses up no seed. */
#ifndef WM_SERVE_H
#define WM_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "console.h"
#include "endpoint.h"
#include "err.h"
#include "sessions.h"
#include "sig.h"
#include "sock_ep.h"

#define WM_SERVE_DEFAULT_MAX_CONNECTIONS 1024
#define WM_SERVE_MAX_CONNECTIONS 65536
#define WM_SERVE_DEFAULT_IDLE_MS 30000
#define WM_SERVE_MAX_IDLE_MS 86400000
/* After a session closes first, the server half-closes and reads (and
 * drops) what the client still sends for at most this long, so the client
 * reads every reply before it sees the end instead of a reset. */
#define WM_SERVE_LINGER_MS 2000
#define WM_SERVE_BACKLOG 1024
/* Bytes waiting to be written per connection; feeding pauses at 64 KiB. */
#define WM_SERVE_OUT_MAX (1u << 20)
#define WM_SERVE_THREAD_STACK (128u << 10)
/* How often a hung connection's thread looks for the shutdown (threads). */
#define WM_SERVE_HANG_TICK_MS 50
/* --max-memory: the guess sets of all connections together. The default is
 * a quarter of physical memory (WM_SERVE_FALLBACK_MEMORY if unknown). */
#define WM_SERVE_MIN_MEMORY 1024u
#define WM_SERVE_MEMORY_SHARE 4
#define WM_SERVE_FALLBACK_MEMORY (1ull << 30)

enum wm_serve_driver { WM_SERVE_EVENTS, WM_SERVE_THREADS };

struct wm_serve_opts {
    uint64_t seed;
    enum wm_profile profile; /* the sessions served (sessions.h) */
    enum wm_serve_driver driver;
    unsigned max_conns;  /* open at once */
    unsigned idle_ms;    /* 0: none */
    size_t max_line, max_guesses;
    size_t console_queue; /* bytes per stream (--console-queue) */
    struct wm_con *con;   /* where every line goes */
    struct wm_gset_budget *budget; /* shared by every connection's guesses */
    /* Tests only (NULL otherwise): may swap each connection's endpoint role
     * for one that wraps it, before the session starts. */
    void (*wrap_role)(void *ctx, struct wm_endpoint *ep);
    void *wrap_ctx;
};

struct wm_serve_stats {
    uint64_t served;  /* sessions started (= seeds used) */
    uint64_t refused; /* accepted and closed at once */
    uint64_t errors;  /* sessions that ended with a protocol or socket error */
    uint64_t idle;    /* sessions closed by the idle timeout */
    uint64_t cut;     /* sessions still open at shutdown */
    uint64_t dropped; /* console lines dropped (stdout or stderr behind) */
};

/* One accepted connection: its session, endpoint and input buffer. Each
 * driver embeds it and touches it from one thread only. */
struct wm_sconn {
    uint64_t num; /* connection number, from 1 */
    char addr[80];
    struct wm_con *con;
    struct wm_sess_server session; /* the --profile's (sessions.h) */
    struct wm_endpoint ep;
    struct wm_sockep io; /* the socket (io.fd), what was read, the end, the peer gone */
    int error;     /* a protocol or socket error was logged */
    int idle;      /* closed by the idle timeout */
    int cut;       /* closed by the shutdown */
    int ack_owed;  /* read data and sent nothing since (wm_sconn_ack) */
};

/* One line for stderr, queued on the console: never torn, never waited for. */
void wm_serve_log(struct wm_con *con, const char *fmt, ...) WM_PRINTF(2, 3);
/* The default --max-memory: a quarter of physical memory. */
size_t wm_serve_default_memory(void);

/* Connection k (from 0, seeded seed + k): 0 and the session started, or
 * -1 (out of memory, nothing left allocated). fd stays the caller's. */
int wm_sconn_init(struct wm_sconn *c, const struct wm_serve_opts *o, uint64_t k, int fd,
                  const char *addr);
void wm_sconn_free(struct wm_sconn *c);
/* A hung session (WM_OUT_HANG) keeps its connection: it takes no input
 * (wm_ep_can_take) and writes nothing more (what it sent before goes out),
 * counts against --max-connections, and is closed by --idle-timeout
 * (nothing was received since) or at the shutdown. */
/* Logs "connection K (ADDR): what" (stderr) and marks the error. */
void wm_sconn_fail(struct wm_sconn *c, const char *fmt, ...) WM_PRINTF(2, 3);
/* Logs a harness limit the endpoint hit (1), or returns 0. */
int wm_sconn_check_fault(struct wm_sconn *c);
/* Adds a finished connection's outcome to the counters. */
void wm_serve_count(struct wm_serve_stats *st, const struct wm_sconn *c);

/* wm_sockep_recv into c->io.in (which must be empty); data read owes an ACK. */
enum wm_io wm_sconn_recv(struct wm_sconn *c);
/* wm_sockep_flush of what the endpoint has pending (the peer gone: it is
 * discarded, io.peer_gone set). A reply carries the ACK of what was read. */
enum wm_io wm_sconn_flush(struct wm_sconn *c);
/* Before waiting for more input: what was read and left unanswered (a
 * REPORT) is acknowledged now, not by the kernel's delayed-ACK timer, for
 * which a Nagle client would hold its next line (docs/DESIGN.md, "Delayed
 * ACK"). Nothing to do, and no system call, when a reply went out. */
void wm_sconn_ack(struct wm_sconn *c);

/* Decides whether the next accepted connection gets a session (its seed
 * offset is st->served): 1 yes, 0 refused (the reason logged, counted). */
int wm_serve_admit(const struct wm_serve_opts *o, struct wm_serve_stats *st, unsigned open,
                   const char *addr);
/* Accepts and refuses one pending connection when accept failed with
 * EMFILE or ENFILE: closes the spare fd to make room, then reopens it. */
void wm_serve_shed(const struct wm_serve_opts *o, int lfd, int *spare, struct wm_serve_stats *st);
int wm_serve_spare_fd(void);

/* The drivers: run until a signal (0, *signo set) or a fatal error (-1, err). */
int wm_serve_events(int lfd, int sigfd, const struct wm_serve_opts *o, struct wm_serve_stats *st,
                    int *signo, struct wm_err *err);
int wm_serve_threads(int lfd, int sigfd, const struct wm_serve_opts *o, struct wm_serve_stats *st,
                     int *signo, struct wm_err *err);

#endif
