/* Jobs 0, 1, 2, ... on a few threads, their results taken in index order:
 * what interop and explore print must not depend on which thread finished
 * first. Bounded: workers run at most `window` jobs ahead of the taker, so
 * results never pile up. */
#ifndef WM_POOL_H
#define WM_POOL_H

#include <stddef.h>
#include <stdint.h>

#define WM_POOL_MAX_WORKERS 256

/* Runs job `index`, writing its result into `result` (result_size bytes,
 * zeroed before the call). Called on a worker thread. */
typedef void (*wm_pool_fn)(void *ctx, uint64_t index, void *result);

struct wm_pool;

/* jobs: how many (UINT64_MAX for "until stopped"). NULL if out of memory or
 * no thread could start. */
struct wm_pool *wm_pool_start(unsigned workers, unsigned window, uint64_t jobs,
                              size_t result_size, wm_pool_fn fn, void *ctx);
/* Waits for job *index (the next in order) and copies its result out: 1, or
 * 0 when no job is left (all taken, or stopped and drained). */
int wm_pool_take(struct wm_pool *p, uint64_t *index, void *result);
/* Starts no new job; those running finish and can still be taken. */
void wm_pool_stop(struct wm_pool *p);
/* Stops, joins every worker and frees; results not taken are passed to
 * drop (may be NULL) so they can release what they own. */
void wm_pool_free(struct wm_pool *p, void (*drop)(void *result));

/* The CPU count, 1..WM_POOL_MAX_WORKERS: the default for -j. */
unsigned wm_pool_cpus(void);

#endif
