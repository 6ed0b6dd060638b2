/* Set of int64 guesses: open addressing, O(1) membership, bounded size.
 * A set costs what its game used: clearing is O(guesses made), and a table
 * grown past WM_GSET_KEEP slots is freed when its game ends.
 *
 * Compact: told its game's range (wm_gset_domain), a set keeps only what the
 * table's position does not already say. A member is mixed by a bijection on
 * the range's bits; the top bits pick the home slot, the rest (the remainder)
 * are stored with the slot's distance from home, in 2 or 4 bytes while they
 * fit (8 otherwise). A game of 3 x 10^6 guesses in 1..10^12 holds 16 MiB, not
 * 64; one of 1000 guesses in 1..100000, 4 KiB, not 16. */
#ifndef WM_GSET_H
#define WM_GSET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Slots a cleared set keeps (4 or 8 bytes each); a bigger table is freed. */
#define WM_GSET_KEEP 4096

/* Memory several sets share, e.g. every connection of a server, possibly on
 * different threads: a growth that would take used past limit is refused. */
struct wm_gset_budget {
    atomic_size_t used; /* bytes of tables held by the sets that share it */
    size_t limit;
};

struct wm_gset {
    void *slots;    /* uint16_t, uint32_t or uint64_t by slot_bytes; 0 is empty */
    size_t cap;     /* power of two, 0 before the first insert */
    unsigned qbits; /* log2(cap) */
    unsigned wbits; /* bits of the domain, 1..64 */
    unsigned rbits; /* remainder bits a slot stores */
    unsigned dbits; /* distance-from-home bits a slot stores (+1, so 0 stays empty) */
    unsigned slot_bytes; /* 2, 4 or 8 */
    uint64_t lo;    /* members are lo .. lo + span (as unsigned offsets) */
    uint64_t span;
    size_t count;
    size_t max;     /* inserts beyond this fail: the user-visible bound */
    struct wm_gset_budget *budget; /* NULL: only max and malloc bound it */
};

/* An empty set over all of int64. */
void wm_gset_init(struct wm_gset *s, size_t max);
void wm_gset_free(struct wm_gset *s);
/* Empties the set: O(count); frees a table above WM_GSET_KEEP slots. */
void wm_gset_clear(struct wm_gset *s);
/* The range lo..hi the next members come from (a game's PARAMS); lo > hi
 * means all of int64. Only an empty set takes it: a non-empty one keeps its
 * own. */
void wm_gset_domain(struct wm_gset *s, int64_t lo, int64_t hi);
int wm_gset_has(const struct wm_gset *s, int64_t v);
/* A hint, with no effect on what the set holds: starts loading v's home
 * slot into the cache, so that a later has/add of v need not wait for it.
 * A large set's probe is a cache miss; a session that knows its next value
 * early (the server's next draw) takes the miss while doing other work. */
void wm_gset_prefetch(const struct wm_gset *s, int64_t v);
/* 1 inserted, 0 already present, -1 full (count == max), out of memory or
 * outside the domain, -2 growing would pass the budget (WM_GSET_OVER_BUDGET). */
#define WM_GSET_OVER_BUDGET (-2)
int wm_gset_add(struct wm_gset *s, int64_t v);
/* Bytes the set's table holds now, as the budget counts them. */
size_t wm_gset_bytes(const struct wm_gset *s);

#endif
