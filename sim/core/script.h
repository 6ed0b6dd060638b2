/* A scripted side: plays one side's records of a transcript as written.
 * A record waits for every peer item the file puts before it: the peer's
 * lines, and its end (a close, an error or a partial line) if the file shows
 * it first. Once its records are played, a script waits for the peer's end
 * when the file shows one, else closes as soon as every line the file
 * expects from the peer has arrived. When the peer ends, a script plays the
 * records that waited for that end (its close is then implied) and stops. */
#ifndef WM_SCRIPT_H
#define WM_SCRIPT_H

#include "endpoint.h"
#include "journal.h"
#include "session.h"

struct wm_script {
    const struct wm_journal *own;  /* records to play; cause = peer wire items before */
    const struct wm_journal *peer; /* the peer's records in the file */
    const struct wm_endpoint *ep;  /* for the peer lines received so far */
    size_t next;                   /* next own record to play */
    size_t peer_cursor;            /* peer records counted into the two fields below */
    uint64_t peer_lines_before;    /* peer LINE records among the first peer_cursor */
    int peer_end_before;           /* the peer's end is among the first peer_cursor */
    uint64_t peer_lines_total;
    int peer_ends;                 /* the file shows the peer's close, error or partial */
};

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep);

/* 1 when the script can go on only once the peer ends: every peer line the
 * file puts before that end has arrived, so any further line is a mismatch. */
int wm_script_awaits_end(const struct wm_script *s);

extern const struct wm_role wm_script_role;

#endif
