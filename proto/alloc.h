/* Every allocation a run makes goes through these, so a harness can count
 * them, refuse the n-th on purpose (an alloc-fail fault) and see that a run
 * gave everything back. With no counter installed they are malloc, realloc
 * and free, plus a small header that marks counted blocks. A block from
 * these must be freed with wm_free, never free. */
#ifndef WM_ALLOC_H
#define WM_ALLOC_H

#include <stddef.h>
#include <stdint.h>

struct wm_alloc_counter {
    uint64_t calls;   /* allocations tried: malloc, calloc, realloc to a new size */
    uint64_t fail_at; /* the call to refuse (1-based); 0 for none */
    int64_t live;     /* blocks counted here and not yet freed */
    uint64_t refused_at; /* the first call refused (0: none): fail_at, or the injector is wrong */
};

/* Installs c for the calling thread (NULL removes it). This is the project's
 * one piece of mutable global state, kept per thread: a malloc hook has to
 * be reachable from every allocation without threading it through the
 * protocol's APIs. Runs that count use the single-threaded simulator. */
void wm_alloc_install(struct wm_alloc_counter *c);
struct wm_alloc_counter *wm_alloc_installed(void);

void *wm_malloc(size_t n);
void *wm_calloc(size_t k, size_t n);
void *wm_realloc(void *p, size_t n);
void wm_free(void *p);

#endif
