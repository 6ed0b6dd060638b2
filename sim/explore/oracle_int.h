/* The oracle's reading of a transcript (oracle_text.c), shared with the
 * model that plays it (oracle.c): its header, numbers, and the small sets
 * and lists the model keeps. Internal to sim/explore/. */
#ifndef WM_ORACLE_INT_H
#define WM_ORACLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "inv_read.h" /* the transcript's text as the invariant checker reads it: sets, numbers */

/* The profile's rules: one row per profile the oracle knows. */
struct wm_orc_profile {
    const char *name;
    /* Book profiles will add: guesses beyond int64 drawn with big.h, the
     * exhausted range that hangs, Python's int() for the client's parse. */
};

extern const struct wm_orc_profile wm_orc_profiles[];
#define WM_ORC_NPROFILES 1

/* A list of judged values: the client's summary, the server's log. */
struct wm_orc_judged {
    int64_t v;
    const char *d;
};
struct wm_orc_jlist {
    struct wm_orc_judged *a;
    size_t n, cap;
};
int wm_orc_jlist_push(struct wm_orc_jlist *l, int64_t v, const char *d);

/* The header: what the oracle needs of it. */
struct wm_orc_game {
    int64_t lo, hi, secret;
};
struct wm_orc_hdr {
    uint64_t seed;
    struct wm_orc_game *g;
    size_t ng, cap;
    unsigned conns;
    uint64_t max_line, max_guesses;
    int server_script, client_script, faults;
    const struct wm_orc_profile *profile; /* NULL: a profile the oracle does not know */
};

/* One "# key: value" line of the header into h: 0, or -1 (unreadable, OOM). */
int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n);

#endif
