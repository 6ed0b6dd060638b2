/* Set of int64 guesses: open addressing, O(1) membership, bounded size.
 * A set costs what its game used: clearing is O(guesses made), and a table
 * grown past WM_GSET_KEEP slots is freed when its game ends. */
#ifndef WM_GSET_H
#define WM_GSET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Slots a cleared set keeps (8 bytes each: 32 KiB); a bigger table is freed. */
#define WM_GSET_KEEP 4096

/* Memory several sets share, e.g. every connection of a server, possibly on
 * different threads: a growth that would take used past limit is refused. */
struct wm_gset_budget {
    atomic_size_t used; /* bytes of tables held by the sets that share it */
    size_t limit;
};

struct wm_gset {
    int64_t *slots; /* 0: empty (0 itself is has_zero) */
    int has_zero;
    size_t cap;   /* power of two, 0 before the first insert */
    size_t count;
    size_t max;   /* inserts beyond this fail: the user-visible bound */
    struct wm_gset_budget *budget; /* NULL: only max and malloc bound it */
};

void wm_gset_init(struct wm_gset *s, size_t max);
void wm_gset_free(struct wm_gset *s);
/* Empties the set: O(count); frees a table above WM_GSET_KEEP slots. */
void wm_gset_clear(struct wm_gset *s);
int wm_gset_has(const struct wm_gset *s, int64_t v);
/* 1 inserted, 0 already present, -1 full (count == max) or out of memory,
 * -2 growing would pass the budget (WM_GSET_OVER_BUDGET). */
#define WM_GSET_OVER_BUDGET (-2)
int wm_gset_add(struct wm_gset *s, int64_t v);
/* Bytes a table of cap slots holds, as the budget counts them. */
size_t wm_gset_bytes(size_t cap);

#endif
