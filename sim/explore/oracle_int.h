/* The oracle's reading of a transcript (oracle_text.c), shared with the
 * model that plays it (oracle.c): its header, numbers, and the small sets
 * and lists the model keeps. Internal to sim/explore/. */
#ifndef WM_ORACLE_INT_H
#define WM_ORACLE_INT_H

#include <stddef.h>
#include <stdint.h>

/* The profile's rules: one row per profile the oracle knows. */
struct wm_orc_profile {
    const char *name;
    /* Book profiles will add: guesses beyond int64 drawn with big.h, the
     * exhausted range that hangs, Python's int() for the client's parse. */
};

extern const struct wm_orc_profile wm_orc_profiles[];
#define WM_ORC_NPROFILES 1

/* A set of the game's drawn values (open addressing, grows). */
struct wm_orc_vset {
    int64_t *slot;
    unsigned char *used;
    size_t cap, n;
};
void wm_orc_vset_clear(struct wm_orc_vset *s);
/* 1 added, 0 there already, -1 out of memory. */
int wm_orc_vset_add(struct wm_orc_vset *s, int64_t v);

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

/* Canonical signed and unsigned decimal: 0, or -1. */
int wm_orc_num(const char *s, size_t n, int64_t *out);
int wm_orc_unum(const char *s, size_t n, uint64_t *out);
int wm_orc_has_prefix(const char *s, size_t n, const char *p);
/* One "# key: value" line of the header into h: 0, or -1 (unreadable, OOM). */
int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n);

#endif
