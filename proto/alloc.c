#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* The header keeps the payload at malloc's own alignment. */
union header {
    struct {
        uint32_t magic;
        uint32_t counted;
    } h;
    max_align_t align;
};

#define MAGIC 0x776d616cu /* "wmal" */

static _Thread_local struct wm_alloc_counter *current;

void wm_alloc_install(struct wm_alloc_counter *c)
{
    current = c;
}

struct wm_alloc_counter *wm_alloc_installed(void)
{
    return current;
}

/* 1 if this call may allocate; the planned failure refuses it. */
static int allowed(void)
{
    if (!current)
        return 1;
    current->calls++;
    if (current->fail_at && current->calls == current->fail_at) {
        if (!current->refused_at)
            current->refused_at = current->calls;
        return 0;
    }
    return 1;
}

static void *finish(union header *hd)
{
    if (!hd)
        return NULL;
    hd->h.magic = MAGIC;
    hd->h.counted = current != NULL;
    if (current)
        current->live++;
    return hd + 1;
}

void *wm_malloc(size_t n)
{
    if (!allowed() || n > SIZE_MAX - sizeof(union header))
        return NULL;
    return finish(malloc(sizeof(union header) + n));
}

void *wm_calloc(size_t k, size_t n)
{
    if (n && k > (SIZE_MAX - sizeof(union header)) / n)
        return NULL;
    void *p = wm_malloc(k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

void *wm_realloc(void *p, size_t n)
{
    if (!p)
        return wm_malloc(n);
    if (!allowed() || n > SIZE_MAX - sizeof(union header))
        return NULL;
    union header *old = (union header *)p - 1;
    union header *hd = realloc(old, sizeof(union header) + n);
    return hd ? hd + 1 : NULL; /* same block, same count */
}

void wm_free(void *p)
{
    if (!p)
        return;
    union header *hd = (union header *)p - 1;
    if (hd->h.counted && current)
        current->live--;
    hd->h.magic = 0;
    free(hd);
}
