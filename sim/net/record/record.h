/* warmer record: a recording proxy. Accepts clients on a listening socket,
 * connects each, in accept order and without blocking, to the real server
 * (a connection is numbered once its server connection is made), relays the bytes
 * both ways in one thread (evloop.h) and journals both sides of every
 * connection (rec_conn.h). rec_tx.h turns the journals into a transcript.
 * Prefix wm_recd_ (the recorder); wm_rec_ is a journal record (journal.h). */
#ifndef WM_RECORD_H
#define WM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rec_spool.h"
#include "transcript.h"

#define WM_RECD_DEFAULT_MAX_CONNECTIONS 64
#define WM_RECD_MAX_CONNECTIONS 4096
#define WM_RECD_DEFAULT_CLOSE_WAIT_MS 5000
#define WM_RECD_MAX_CLOSE_WAIT_MS 86400000
#define WM_RECD_DEFAULT_CONNECT_TIMEOUT_MS 10000

struct wm_recd_opts {
    const char *connect;  /* the real server */
    uint32_t connections; /* stop once this many have ended; 0: until a signal */
    unsigned max_conns;   /* open at once; more wait in the listen backlog */
    size_t max_line;      /* records hold lines up to max_line + 64 bytes */
    size_t max_journal;   /* per side of each connection */
    unsigned close_wait_ms; /* after a close is passed on, wait this long for the
                               other side's (0: without limit) */
    int connect_timeout_ms; /* a server connection not made by then fails */
};

struct wm_recd_out {
    struct wm_rsp *spool;      /* the settled records of every numbered connection */
    struct wm_conn_log **logs; /* the unsettled ones of each open connection (else NULL) */
    uint32_t n, cap;           /* numbered connections, 1 first */
    int spool_failed;          /* spool_err says why: the recording is lost */
    struct wm_err spool_err;
    unsigned failed;  /* not connected to the server, or over --max-journal */
    unsigned cut;     /* open when the signal came */
    int signo;        /* the signal that stopped the run, or 0 */
};

/* Runs until o->connections have ended or a signal arrives on sigfd (the
 * self-pipe of wm_sig_install). 0, or -1 with err (poll failed,
 * out of memory for the loop); out holds what was recorded either way. */
int wm_record(int lfd, int sigfd, const struct wm_recd_opts *o, struct wm_recd_out *out,
              struct wm_err *err);
void wm_recd_out_free(struct wm_recd_out *out);

#endif
