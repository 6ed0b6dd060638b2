#include "gset.h"

#include <assert.h>
#include <string.h>

#include "alloc.h"

/* A slot is the smallest of 2, 4 or 8 bytes that leaves its distance from
 * home at least 10 bits (2 bytes: up to 1022 slots) or 12 (4 bytes: 4094);
 * at load 3/4, random members never come near. 8 bytes always fit. */
#ifndef NARROW16_RBITS_MAX /* a test sets these higher, to reach the overflow */
#define NARROW16_RBITS_MAX 6
#endif
#ifndef NARROW_RBITS_MAX
#define NARROW_RBITS_MAX 20
#endif
#define FIRST_CAP 16

static uint64_t mask_of(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
}

/* A bijection on [0, 2^w): xor-shifts and odd multipliers, each invertible
 * mod 2^w, so distinct members keep distinct codes and none is lost. Fixed,
 * so probing never depends on addresses. */
static uint64_t mix(uint64_t x, unsigned w)
{
    uint64_t m = mask_of(w);
    unsigned sh = (w + 1) / 2;
    x ^= x >> sh;
    x = (x * 0xbf58476d1ce4e5b9ULL) & m;
    x ^= x >> sh;
    x = (x * 0x94d049bb133111ebULL) & m;
    x ^= x >> sh;
    return x;
}

/* How a table of 2^q slots splits a w-bit code: home slot and remainder. */
static void layout(struct wm_gset *s, unsigned q)
{
    s->qbits = q;
    s->rbits = s->wbits > q ? s->wbits - q : 0;
    s->slot_bytes = s->rbits <= NARROW16_RBITS_MAX ? 2u : s->rbits <= NARROW_RBITS_MAX ? 4u : 8u;
    s->dbits = 8 * s->slot_bytes - s->rbits;
}

static size_t table_bytes(const struct wm_gset *s, size_t cap)
{
    return cap * s->slot_bytes;
}

size_t wm_gset_bytes(const struct wm_gset *s)
{
    return table_bytes(s, s->cap);
}

static uint64_t get(const struct wm_gset *s, size_t i)
{
    switch (s->slot_bytes) {
    case 2:
        return ((const uint16_t *)s->slots)[i];
    case 4:
        return ((const uint32_t *)s->slots)[i];
    default:
        return ((const uint64_t *)s->slots)[i];
    }
}

static void set(struct wm_gset *s, size_t i, uint64_t x)
{
    switch (s->slot_bytes) {
    case 2:
        ((uint16_t *)s->slots)[i] = (uint16_t)x;
        break;
    case 4:
        ((uint32_t *)s->slots)[i] = (uint32_t)x;
        break;
    default:
        ((uint64_t *)s->slots)[i] = x;
    }
}

static size_t home_of(const struct wm_gset *s, uint64_t code)
{
    if (s->wbits >= s->qbits)
        return (size_t)(code >> (s->wbits - s->qbits));
    return (size_t)(code << (s->qbits - s->wbits));
}

static uint64_t rem_of(const struct wm_gset *s, uint64_t code)
{
    return code & mask_of(s->rbits);
}

static uint64_t code_of(const struct wm_gset *s, size_t home, uint64_t rem)
{
    if (s->wbits >= s->qbits)
        return ((uint64_t)home << s->rbits) | rem;
    return (uint64_t)home >> (s->qbits - s->wbits);
}

static uint64_t slot_dist(const struct wm_gset *s, uint64_t x)
{
    return (x & mask_of(s->dbits)) - 1;
}

static uint64_t slot_rem(const struct wm_gset *s, uint64_t x)
{
    return s->rbits ? x >> s->dbits : 0;
}

/* What a slot holding code at distance d from home reads: its remainder
 * above the distance bits, d + 1 below (so no member reads 0). */
static uint64_t slot_base(const struct wm_gset *s, uint64_t code)
{
    return s->rbits ? rem_of(s, code) << s->dbits : 0;
}

/* One pass per slot width, each probe one compare: a slot matches only if
 * it reads base + d + 1 exactly, since a distance fits its bits. */
#define FIND_IN(T)                                                                                 \
    do {                                                                                           \
        const T *t = s->slots;                                                                     \
        for (uint64_t d1 = 1; d1 <= s->cap; d1++, i = (i + 1) & mask) {                            \
            uint64_t x = t[i];                                                                     \
            if (x == base + d1) {                                                                  \
                *at = i;                                                                           \
                return 1;                                                                          \
            }                                                                                      \
            if (x == 0 || d1 == dmax) {                                                            \
                *at = i;                                                                           \
                return x == 0 ? 0 : -1;                                                            \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* 1 with *at the member's slot; 0 with *at the first empty slot, where it
 * would go; -1 if absent with no empty slot within the distance a slot can
 * say (only 2- and 4-byte slots, after a thousand neighbours: the table grows).
 * Load stays <= 3/4, so an empty slot ends every probe within cap steps. */
static int find(const struct wm_gset *s, uint64_t code, size_t *at)
{
    size_t mask = s->cap - 1, i = home_of(s, code);
    uint64_t base = slot_base(s, code), dmax = mask_of(s->dbits);
    switch (s->slot_bytes) {
    case 2:
        FIND_IN(uint16_t);
        break;
    case 4:
        FIND_IN(uint32_t);
        break;
    default:
        FIND_IN(uint64_t);
    }
    assert(0 && "a gset table with no empty slot");
    return -1;
}

/* Writes code into the empty slot at, which find gave it. */
static void store(struct wm_gset *s, uint64_t code, size_t at)
{
    set(s, at, slot_base(s, code) + ((at - home_of(s, code)) & (s->cap - 1)) + 1);
}

/* Stores a code known absent, or -1 if its distance does not fit. */
static int put(struct wm_gset *s, uint64_t code)
{
    size_t at;
    int r = find(s, code, &at);
    assert(r != 1);
    if (r < 0)
        return -1;
    store(s, code, at);
    return 0;
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

static void set_domain(struct wm_gset *s, uint64_t lo, uint64_t span)
{
    s->lo = lo;
    s->span = span;
    unsigned w = 1;
    while (w < 64 && (span >> w) != 0)
        w++;
    s->wbits = w;
}

void wm_gset_init(struct wm_gset *s, size_t max)
{
    *s = (struct wm_gset){.max = max};
    set_domain(s, (uint64_t)INT64_MIN, UINT64_MAX);
}

void wm_gset_free(struct wm_gset *s)
{
    wm_free(s->slots);
    release(s->budget, wm_gset_bytes(s));
    s->slots = NULL;
    s->cap = 0;
    s->count = 0;
}

void wm_gset_clear(struct wm_gset *s)
{
    if (s->count == 0)
        return; /* already empty: a run of PARAMS costs nothing */
    /* cap <= 8/3 x count + 16, so either way this is O(guesses made). */
    if (s->cap > WM_GSET_KEEP)
        wm_gset_free(s); /* the memory goes back between games */
    else
        memset(s->slots, 0, wm_gset_bytes(s));
    s->count = 0;
    assert(s->cap <= WM_GSET_KEEP);
}

void wm_gset_domain(struct wm_gset *s, int64_t lo, int64_t hi)
{
    if (s->count != 0)
        return;
    if (lo > hi)
        set_domain(s, (uint64_t)INT64_MIN, UINT64_MAX);
    else
        set_domain(s, (uint64_t)lo, (uint64_t)hi - (uint64_t)lo);
    if (s->cap) { /* an empty kept table: its slots are read the new way */
        struct wm_gset t = *s;
        layout(&t, s->qbits);
        if (t.slot_bytes != s->slot_bytes)
            wm_gset_free(s); /* another slot size: the next insert lays it out */
        else
            layout(s, s->qbits);
    }
}

int wm_gset_has(const struct wm_gset *s, int64_t v)
{
    uint64_t u = (uint64_t)v - s->lo;
    if (!s->cap || u > s->span)
        return 0;
    size_t at;
    return find(s, mix(u, s->wbits), &at) == 1;
}

void wm_gset_prefetch(const struct wm_gset *s, int64_t v)
{
    uint64_t u = (uint64_t)v - s->lo;
    if (!s->cap || u > s->span)
        return;
    size_t home = home_of(s, mix(u, s->wbits));
    assert(home < s->cap);
    const char *slot = (const char *)s->slots + home * s->slot_bytes;
    __builtin_prefetch(slot, 1); /* the add that follows writes it */
}

/* Moves every member to a table of cap slots (or more, should a distance
 * not fit). Members are taken in slot order: no address decides anything. */
static int grow(struct wm_gset *s, size_t cap)
{
    for (;;) {
        struct wm_gset t = *s;
        unsigned q = 0;
        while (((size_t)1 << q) < cap)
            q++;
        layout(&t, q);
        t.cap = cap;
        /* old and new are held at once */
        if (reserve(s->budget, table_bytes(&t, cap)) < 0)
            return WM_GSET_OVER_BUDGET;
        t.slots = wm_calloc(cap, t.slot_bytes);
        if (!t.slots) {
            release(s->budget, table_bytes(&t, cap));
            return -1;
        }
        int fits = 1;
        size_t mask = s->cap - 1;
        for (size_t i = 0; i < s->cap && fits; i++) {
            uint64_t x = get(s, i);
            if (x != 0)
                fits = put(&t, code_of(s, (i - slot_dist(s, x)) & mask, slot_rem(s, x))) == 0;
        }
        if (fits) {
            wm_free(s->slots);
            release(s->budget, wm_gset_bytes(s));
            *s = t;
            assert((cap & (cap - 1)) == 0 && (s->count + 1) * 4 <= s->cap * 3);
            return 0;
        }
        wm_free(t.slots);
        release(s->budget, table_bytes(&t, cap));
        if (q >= 63)
            return -1;
        cap *= 2;
    }
}

int wm_gset_add(struct wm_gset *s, int64_t v)
{
    uint64_t u = (uint64_t)v - s->lo;
    if (u > s->span)
        return -1; /* callers check the range first: not reached */
    uint64_t code = mix(u, s->wbits);
    size_t at = 0;
    int r = s->cap ? find(s, code, &at) : -1;
    if (r == 1)
        return 0;
    if (s->count >= s->max)
        return -1;
    if ((s->count + 1) * 4 > s->cap * 3) { /* load at most 3/4 */
        int rc = grow(s, s->cap ? s->cap * 2 : FIRST_CAP);
        if (rc < 0)
            return rc;
        r = find(s, code, &at);
    }
    while (r < 0) { /* a narrow slot's distance ran out */
        int rc = grow(s, s->cap * 2);
        if (rc < 0)
            return rc;
        r = find(s, code, &at);
    }
    store(s, code, at);
    s->count++;
    assert(s->count <= s->max && s->count * 4 <= s->cap * 3); /* bounded, load <= 3/4 */
    return 1;
}
