/* The oracle's reading of a transcript (oracle_text.c), shared with the
 * model that plays it (oracle.c): its header, numbers, and the small sets
 * and lists the model keeps. Internal to sim/explore/. */
#ifndef WM_ORACLE_INT_H
#define WM_ORACLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "inv_read.h" /* the transcript's text as the invariant checker reads it: sets, numbers */
#include "oracle_num.h"

/* The profile's rules: one row per profile the oracle knows. */
struct wm_orc_profile {
    const char *name;
    /* The book's code: integers of any size (drawn with oracle_num.h), a
     * REPORT's word logged whatever it is, Python's exceptions for texts,
     * an exhausted range that hangs, the client's finally (oracle.c). */
    int book;
};

extern const struct wm_orc_profile wm_orc_profiles[];
#define WM_ORC_NPROFILES 3

/* A list of judged values: the client's summary, the server's log (d: the
 * decision's dn bytes, in the transcript's text or a static word). */
struct wm_orc_judged {
    struct wm_ov v;
    const char *d;
    size_t dn;
};
struct wm_orc_jlist {
    struct wm_orc_judged *a;
    size_t n, cap;
};
int wm_orc_jlist_push(struct wm_orc_jlist *l, const struct wm_ov *v, const char *d, size_t dn);

/* The header: what the oracle needs of it. */
struct wm_orc_game {
    struct wm_ov lo, hi, secret;
};
struct wm_orc_hdr {
    uint64_t seed;
    struct wm_orc_game *g;
    size_t ng, cap;
    unsigned conns;
    uint64_t max_line, max_guesses;
    int server_script, client_script, faults;
    int big_game; /* a game beyond int64: only a book profile may have one */
    int far_game; /* a game the oracle cannot read (not canonical, or past WM_OV_BITS) */
    const struct wm_orc_profile *profile; /* NULL: a profile the oracle does not know */
};

/* One "# key: value" line of the header into h: 0, or -1 (unreadable, OOM). */
int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n);

#endif
