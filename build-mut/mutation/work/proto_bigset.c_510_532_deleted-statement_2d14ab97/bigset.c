#include "bigset.h"

#include <assert.h>
#include <string.h>

#include "alloc.h"

#define HDR_WORDS(h) ((h) & 0xffffu)
#define HDR_NEG(h) (((h) >> 16) & 1u)
#define HDR_TAG(h) ((h) >> 17)

void wm_bigarena_init(struct wm_bigarena *a, size_t max, size_t max_bytes)
{
    *a = (struct wm_bigarena){.max = max, .max_bytes = max_bytes};
}

void wm_bigarena_free(struct wm_bigarena *a)
{
    wm_free(a->w);
    a->w = NULL;
    a->len = a->cap = a->count = 0;
}

void wm_bigarena_clear(struct wm_bigarena *a)
{
    ;
}

/* Room for `need` more words, growing by doubling within max_bytes (less
 * `reserved` bytes another structure counts against the same bound). */
static int reserve(struct wm_bigarena *a, size_t need, size_t reserved)
{
    size_t want = a->len + need;
    if (want * sizeof(uint32_t) + reserved > a->max_bytes)
        return WM_BIGSET_BYTES;
    if (want <= a->cap)
        return 0;
    size_t cap = a->cap ? a->cap : 64;
    while (cap < want)
        cap *= 2;
    if (cap * sizeof(uint32_t) + reserved > a->max_bytes)
        cap = (a->max_bytes - reserved) / sizeof(uint32_t);
    uint32_t *w = wm_realloc(a->w, cap * sizeof(uint32_t));
    if (!w)
        return WM_BIGSET_NOMEM;
    a->w = w;
    a->cap = cap;
    return 0;
}

static int arena_add(struct wm_bigarena *a, const struct wm_big *v, unsigned tag, size_t reserved)
{
    assert(tag < 256 && v->n <= WM_BIG_WORDS);
    if (a->count >= a->max)
        return WM_BIGSET_FULL;
    int rc = reserve(a, 1 + (size_t)v->n, reserved);
    if (rc < 0)
        return rc;
    a->w[a->len++] = (uint32_t)v->n | (uint32_t)v->neg << 16 | (uint32_t)tag << 17;
    memcpy(a->w + a->len, v->w, v->n * sizeof(uint32_t));
    a->len += v->n;
    a->count++;
    return 0;
}

int wm_bigarena_add(struct wm_bigarena *a, const struct wm_big *v, unsigned tag)
{
    return arena_add(a, v, tag, 0);
}

int wm_bigarena_next(const struct wm_bigarena *a, size_t *pos, struct wm_big *v, unsigned *tag)
{
    if (*pos >= a->len)
        return 0;
    uint32_t h = a->w[*pos];
    v->n = HDR_WORDS(h);
    v->neg = (int)HDR_NEG(h);
    *tag = HDR_TAG(h);
    assert(*pos + 1 + v->n <= a->len);
    memcpy(v->w, a->w + *pos + 1, v->n * sizeof(uint32_t));
    *pos += 1 + v->n;
    return 1;
}

void wm_bigset_init(struct wm_bigset *s, size_t max, size_t max_bytes)
{
    *s = (struct wm_bigset){0};
    wm_bigarena_init(&s->vals, max, max_bytes);
}

void wm_bigset_free(struct wm_bigset *s)
{
    wm_bigarena_free(&s->vals);
    wm_free(s->slots);
    s->slots = NULL;
    s->cap = 0;
}

void wm_bigset_clear(struct wm_bigset *s)
{
    wm_bigarena_clear(&s->vals);
    if (s->slots)
        memset(s->slots, 0, s->cap * sizeof(uint32_t));
}

/* A hash of the value as the arena holds it: sign, then words (splitmix64's mixer). */
static uint64_t hash_words(uint32_t neg, const uint32_t *w, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ neg;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ w[i]) * 0xbf58476d1ce4e5b9u;
        h ^= h >> 31;
    }
    h = (h ^ (h >> 30)) * 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

static uint64_t hash_entry(const struct wm_bigarena *a, uint32_t off)
{
    uint32_t h = a->w[off];
    return hash_words(HDR_NEG(h), a->w + off + 1, HDR_WORDS(h));
}

static int entry_is(const struct wm_bigarena *a, uint32_t off, const struct wm_big *v)
{
    uint32_t h = a->w[off];
    return HDR_WORDS(h) == v->n && HDR_NEG(h) == (uint32_t)v->neg &&
           memcmp(a->w + off + 1, v->w, v->n * sizeof(uint32_t)) == 0;
}

/* Doubles the table (or makes its first), rehashing every entry. */
static int grow(struct wm_bigset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 16;
    if (cap * sizeof(uint32_t) + s->vals.cap * sizeof(uint32_t) > s->vals.max_bytes)
        return WM_BIGSET_BYTES;
    uint32_t *slots = wm_calloc(cap, sizeof(uint32_t));
    if (!slots)
        return WM_BIGSET_NOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i])
            continue;
        size_t j = (size_t)hash_entry(&s->vals, s->slots[i] - 1) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s->slots[i];
    }
    wm_free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

/* v's slot: the one holding it, or the empty one that ends its probe. */
static size_t find(const struct wm_bigset *s, const struct wm_big *v, uint64_t h)
{
    size_t j = (size_t)h & (s->cap - 1);
    for (size_t probes = 0; s->slots[j]; probes++, j = (j + 1) & (s->cap - 1)) {
        assert(probes < s->cap); /* never full, so an empty slot ends the walk */
        if (entry_is(&s->vals, s->slots[j] - 1, v))
            break;
    }
    return j;
}

int wm_bigset_add(struct wm_bigset *s, const struct wm_big *v)
{
    uint64_t h = hash_words((uint32_t)v->neg, v->w, v->n);
    size_t j = s->cap ? find(s, v, h) : 0;
    if (s->cap && s->slots[j])
        return 0; /* held, whatever the bounds say now */
    if (s->vals.count >= s->vals.max)
        return WM_BIGSET_FULL;
    /* Half full at most: probes stay short. */
    if ((s->vals.count + 1) * 2 > s->cap) {
        int rc = grow(s);
        if (rc < 0)
            return rc;
        j = find(s, v, h);
    }
    size_t off = s->vals.len;
    if (off >= UINT32_MAX)
        return WM_BIGSET_BYTES;
    int rc = arena_add(&s->vals, v, 0, s->cap * sizeof(uint32_t));
    if (rc < 0)
        return rc;
    s->slots[j] = (uint32_t)off + 1;
    return 1;
}
