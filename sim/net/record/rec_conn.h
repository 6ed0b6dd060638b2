/* One connection of warmer record: relays bytes both ways, unchanged,
 * through one bounded buffer per direction, and journals each side's bytes
 * through a lenient framer (docs/DESIGN.md, "Recording").
 *
 * Bytes are journaled as they are written to the other peer, never before:
 * a record says what the peer was sent. A record's cause is the number of
 * the other side's wire items (lines, partial, close) the proxy had
 * forwarded, in full, before the record's first byte arrived (kept per read
 * until the bytes are written); with causes set that way wm_merge gives back
 * the order in which the bytes reached the proxy. The connection knows
 * nothing of poll: the caller reads its interest and hands it readiness. */
#ifndef WM_REC_CONN_H
#define WM_REC_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "journal.h"
#include "transcript.h"

/* Bytes read from a side and not yet written to the other; reading that
 * side pauses while its buffer is full (backpressure). */
#define WM_RC_BUF (64u << 10)
/* Reads whose cause differs from the one before, held until their bytes
 * are written; reading pauses while this many are held. */
#define WM_RC_CAUSES 64

enum { WM_RC_CLIENT = 0, WM_RC_SERVER = 1 };
#define WM_RC_READ 1
#define WM_RC_WRITE 2

struct wm_rc_cause {
    uint64_t pos;   /* the side's stream offset of a read's first byte */
    uint64_t cause; /* the other side's wire items forwarded then */
    uint64_t epoch; /* the other side's forwards then, if it was mid-line; else 0 */
};

struct wm_rc_side {
    int fd;
    struct wm_framer framer;  /* lenient, fed the bytes written to the other side */
    struct wm_journal *j;
    uint64_t line_cause;      /* cause of the record being assembled */
    char *buf;                /* read from this side, for the other */
    size_t off, len;
    uint64_t nread, nsent;    /* stream bytes read from it, and written on */
    struct wm_rc_cause causes[WM_RC_CAUSES]; /* a ring: the oldest one still needed first */
    unsigned cfirst, cn;
    size_t run;               /* bytes read of its current line */
    uint64_t fwd;             /* this side's wire items written in full (journaled) */
    uint64_t end_cause;       /* the other side's items forwarded when its end was read */
    /* Bytes of an unfinished line the other side read before a record of
     * this side are an item for it only if they end as a partial: the
     * records made while this side was mid-line note its epoch (forwards
     * so far), and count the partial once it is one (rec_conn.c). */
    uint64_t epoch;           /* this side's forwards so far */
    uint64_t line_epoch, end_epoch; /* the epochs noted with line_cause, end_cause */
    uint64_t tail_epoch;      /* the epoch its last tail_n journal records noted */
    size_t tail_n;
    int end_implied;          /* it ended after the other's close was passed on to it */
    int eof;                  /* nothing more is read: its end, a reset, a line too long */
    int shut;                 /* its end was passed on: shutdown(other, SHUT_WR), or for a
                                 reset an abortive close of the other (reset) */
    int reset;                /* its end was a reset: passed on as one (SO_LINGER 0) */
    int gone;                 /* writing to it failed: bytes for it are dropped, unjournaled */
};

struct wm_rc {
    uint64_t num;             /* connection number, from 1 */
    size_t max_line;
    struct wm_rc_side side[2];
    int cut;                  /* ended by the proxy (a limit, a signal, close-wait) */
    int failed;               /* a limit that loses records was hit */
};

/* Takes both fds (non-blocking) and records into log. 0, or -1 out of memory
 * (fds still the caller's). */
int wm_rc_init(struct wm_rc *c, uint64_t num, int client_fd, int server_fd,
               struct wm_conn_log *log, size_t max_line);
void wm_rc_free(struct wm_rc *c); /* closes both fds */

/* ready: WM_RC_READ and/or WM_RC_WRITE for side which's fd. */
void wm_rc_io(struct wm_rc *c, int which, int ready);
/* What side which's fd waits for now (0: nothing). */
int wm_rc_interest(const struct wm_rc *c, int which);
/* 1 when both directions have ended (or the connection was cut). */
int wm_rc_done(const struct wm_rc *c);
/* How many of side which's last journal records may still count the other
 * side's unfinished line (if it ends as a partial): they must not settle. */
size_t wm_rc_unsure(const struct wm_rc *c, int which);
/* A bound below the cause of every record side which can still make
 * (UINT64_MAX when it makes no more): its records settle against it. */
uint64_t wm_rc_cause_floor(const struct wm_rc *c, int which);
/* 1 while a close was passed on and the other side has not closed yet. */
int wm_rc_waiting_close(const struct wm_rc *c);

/* A signal ends the connection: what can be written at once is, the rest
 * dropped; the client is taken as closed there (its unfinished bytes
 * written on a partial, then its close unless implied). */
void wm_rc_stop(struct wm_rc *c);
/* The other side did not close within --close-wait after a close was passed
 * on to it: the same, for the side still open (its close would be implied
 * anyway). */
void wm_rc_expire(struct wm_rc *c);

#endif
