#include "gset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* splitmix64 finaliser: a fixed function, so probing never depends on addresses. */
static size_t hash(int64_t v, size_t cap)
{
    uint64_t x = (uint64_t)v;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return (size_t)x & (cap - 1);
}

size_t wm_gset_bytes(size_t cap)
{
    return cap * sizeof(int64_t);
}

/* Takes n bytes from the budget, or -1 if they would pass its limit. */
static int reserve(struct wm_gset_budget *b, size_t n)
{
    if (!b)
        return 0;
    size_t used = atomic_load(&b->used);
    do {
        if (n > b->limit || used > b->limit - n)
            return -1;
    } while (!atomic_compare_exchange_weak(&b->used, &used, used + n));
    return 0;
}

static void release(struct wm_gset_budget *b, size_t n)
{
    if (b && n)
        atomic_fetch_sub(&b->used, n);
}

void wm_gset_init(struct wm_gset *s, size_t max)
{
    *s = (struct wm_gset){.max = max};
}

void wm_gset_free(struct wm_gset *s)
{
    wm_free(s->slots);
    release(s->budget, wm_gset_bytes(s->cap));
    *s = (struct wm_gset){.max = s->max, .budget = s->budget};
}

void wm_gset_clear(struct wm_gset *s)
{
    if (s->count == 0)
        return; /* already empty: a run of PARAMS costs nothing */
    /* cap <= 4 x count + 16, so either way this is O(guesses made). */
    if (s->cap > WM_GSET_KEEP)
        wm_gset_free(s); /* the memory goes back between games */
    else
        memset(s->slots, 0, s->cap * sizeof *s->slots);
    s->count = 0;
    s->has_zero = 0;
    assert(s->cap <= WM_GSET_KEEP);
}

/* A slot holding 0 is empty (one array, one cache miss a probe); 0 itself
 * is the has_zero flag. */
int wm_gset_has(const struct wm_gset *s, int64_t v)
{
    if (v == 0)
        return s->has_zero;
    if (!s->cap)
        return 0;
    /* Load stays <= 1/2, so an empty slot ends every probe within cap steps. */
    for (size_t i = hash(v, s->cap), n = 0; n < s->cap; n++, i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == 0)
            return 0;
        if (s->slots[i] == v)
            return 1;
    }
    return 0;
}

static void put(int64_t *slots, size_t cap, int64_t v)
{
    size_t i = hash(v, cap);
    while (slots[i] != 0)
        i = (i + 1) & (cap - 1);
    slots[i] = v;
}

static int grow(struct wm_gset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 16;
    if (reserve(s->budget, wm_gset_bytes(cap)) < 0) /* old and new are held at once */
        return WM_GSET_OVER_BUDGET;
    int64_t *slots = wm_calloc(cap, sizeof *slots);
    if (!slots) {
        release(s->budget, wm_gset_bytes(cap));
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i] != 0)
            put(slots, cap, s->slots[i]);
    wm_free(s->slots);
    release(s->budget, wm_gset_bytes(s->cap));
    s->slots = slots;
    s->cap = cap;
    assert((cap & (cap - 1)) == 0 && s->count * 2 < cap); /* a power of two, room to insert */
    return 0;
}

int wm_gset_add(struct wm_gset *s, int64_t v)
{
    if (wm_gset_has(s, v))
        return 0;
    if (s->count >= s->max)
        return -1;
    if ((s->count + 1) * 2 > s->cap) { /* 0 too, so the table's size follows the count */
        int rc = grow(s);
        if (rc < 0)
            return rc;
    }
    if (v == 0)
        s->has_zero = 1;
    else
        put(s->slots, s->cap, v);
    s->count++;
    assert(s->count <= s->max && s->count * 2 <= s->cap); /* bounded, load at most 1/2 */
    return 1;
}
