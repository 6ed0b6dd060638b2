/* Set of int64 guesses: open addressing, O(1) membership, bounded size. */
#ifndef WM_GSET_H
#define WM_GSET_H

#include <stddef.h>
#include <stdint.h>

struct wm_gset {
    int64_t *slots;
    uint8_t *used;
    size_t cap;   /* power of two, 0 before the first insert */
    size_t count;
    size_t max;   /* inserts beyond this fail: the user-visible bound */
};

void wm_gset_init(struct wm_gset *s, size_t max);
void wm_gset_free(struct wm_gset *s);
void wm_gset_clear(struct wm_gset *s); /* keeps the memory for the next game */
int wm_gset_has(const struct wm_gset *s, int64_t v);
/* 1 inserted, 0 already present, -1 full (count == max) or out of memory. */
int wm_gset_add(struct wm_gset *s, int64_t v);

#endif
