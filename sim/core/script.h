/* A scripted side: plays one side's records of a transcript as written.
 * A record waits for every peer item the file puts before it: the peer's
 * lines, its partial line (all of its bytes), and its end (a close or an
 * error) if the file shows it first. Once its records are played, a script
 * waits for the peer's end when the file shows one, or when either side's
 * last bytes are a partial line with no close after it (a side closes
 * there only where the file says so: a close not shown came after the
 * peer's, or never); else it closes as soon as every line the file expects
 * from the peer has arrived. When the peer ends, a script plays the records
 * that waited for that end (its close is then implied) and stops. When
 * nothing can move, the harness ends a waiting script: with a close that is
 * recorded (the diff shows what was missing), or quietly if the file implies
 * its close (wm_script_close_implied).
 *
 * A script holds one record of its own at a time: it reads them from the
 * file's journals (a parsed file) or from a cursor on the file (tx_cursor.h,
 * for a file check streams), and it stops playing while its output holds
 * WM_EP_HIGH_WATER bytes (wm_script_holding). Its endpoint then takes no
 * input and no end until the output drains and the script has played on
 * (on_drain), so each record still counts the peer items it would have
 * counted played at once: the order is the same. */
#ifndef WM_SCRIPT_H
#define WM_SCRIPT_H

#include "endpoint.h"
#include "journal.h"
#include "session.h"
#include "tx_cursor.h"

struct wm_script {
    /* where the records come from: the file's journals, or a cursor */
    const struct wm_journal *own;  /* records to play; cause = peer wire items before */
    const struct wm_journal *peer; /* the peer's records in the file */
    size_t own_i, peer_i;          /* journal records read so far */
    struct wm_txc *cur;            /* or: the connection's records in file order (owned) */
    char side;                     /* 'C' or 'S': whose records are own */
    const struct wm_endpoint *ep;  /* for the peer bytes received so far */
    /* the next own record, read ahead (text valid until the next read) */
    int have, done;                /* have one; or there is none left */
    enum wm_rec_kind kind;
    const char *text;
    size_t len;
    int holding;                   /* a ready record waits for the output to drain */
    size_t hold_at;                /* output bytes it holds at (WM_EP_HIGH_WATER; tests less) */
    uint64_t peer_lines_before;    /* peer LINE records before the next own one */
    size_t peer_partial_before;    /* bytes of a peer partial among them, 0 if none */
    int peer_end_before;           /* the peer's close or error is among them */
    uint64_t peer_lines_total;
    int peer_ends;                 /* the file shows the peer's close or error */
    int own_partial_open;          /* own last bytes are a partial, its close not shown */
    int peer_partial_open;         /* the same of the peer */
    int quiet_end;                 /* an implied close may end it unrecorded (init) */
    int hung;                      /* it played its hang: it does nothing more */
};

/* quiet_end: 1 when the peer cannot answer a close the file implies with a
 * record of its own (the peer is a script too; or a live peer, whose records
 * are placed where the file puts them). Against warmer's session, which does
 * answer (an error for the cut line), such a close is recorded: a run makes
 * no record after a close it does not show. */
void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep, int quiet_end);
/* The same from connection conn of an indexed file, side 'C' or 'S': -1 if
 * out of memory. */
int wm_script_init_cursor(struct wm_script *s, const struct wm_tx_index *ix, uint32_t conn,
                          char side, const struct wm_endpoint *ep, int quiet_end);
void wm_script_free(struct wm_script *s);

/* Bytes a script may queue for sending: it stops at WM_EP_HIGH_WATER, so
 * that and one record of a line of up to line_max bytes, or floor if more. */
size_t wm_script_out_max(size_t line_max, size_t floor);

/* 1 when the script can go on only once the peer ends: every peer byte the
 * file puts before that end has arrived, so any further line is a mismatch. */
int wm_script_awaits_end(const struct wm_script *s);

/* 1 when every record is played and the side's close is implied (its own
 * or its peer's last bytes a partial line, no close shown): it waits for
 * the peer's end, and if that never comes ends without a record. */
int wm_script_close_implied(const struct wm_script *s);

extern const struct wm_role wm_script_role;

#endif
