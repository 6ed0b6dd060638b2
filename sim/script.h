/* A scripted side: plays one side's records of a transcript as written.
 * A record waits for the peer lines that precede it in the file, never for
 * a peer's close. Once its records are played, a script closes when the
 * file says its peer closes first (on that close, quietly), or else as soon
 * as every line the file expects from the peer has arrived. */
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
    size_t peer_cursor;            /* peer records counted into peer_lines_before */
    uint64_t peer_lines_before;    /* peer LINE records among the first peer_cursor */
    uint64_t peer_lines_total;
    int peer_closes;               /* the file shows the peer's close or error */
};

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep);

extern const struct wm_role wm_script_role;

#endif
