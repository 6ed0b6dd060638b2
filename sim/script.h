/* A scripted side: plays one side's records of a transcript as written,
 * each after the peer items that precede it in the file have arrived. */
#ifndef WM_SCRIPT_H
#define WM_SCRIPT_H

#include "endpoint.h"
#include "journal.h"
#include "session.h"

struct wm_script {
    const struct wm_journal *own;  /* records to play; cause = peer items to await */
    uint64_t peer_total;           /* peer wire items the file expects */
    const struct wm_endpoint *ep;  /* for the peer items seen so far */
    size_t next;
};

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep);

extern const struct wm_role wm_script_role;

#endif
