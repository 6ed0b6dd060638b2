#include "pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wm_pool {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t *tids;
    unsigned started, window;
    uint64_t jobs, next_job, next_take;
    int stopping;
    size_t result_size;
    unsigned char *results; /* window slots, job i in slot i % window */
    unsigned char *done;    /* per slot */
    wm_pool_fn fn;
    void *ctx;
};

/* Under lock: jobs are handed out in order, taken in order, and never more
 * than the window ahead of the taker (so a job's slot is free). */
static void check(const struct wm_pool *p)
{
    assert(p->next_take <= p->next_job && p->next_job <= p->jobs);
    assert(p->next_job - p->next_take <= p->window);
}

static void *worker(void *arg)
{
    struct wm_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        /* Wait for a job that fits in the window, or the end. */
        while (!p->stopping && p->next_job < p->jobs && p->next_job >= p->next_take + p->window)
            pthread_cond_wait(&p->changed, &p->lock);
        if (p->stopping || p->next_job >= p->jobs)
            break;
        uint64_t i = p->next_job++;
        unsigned slot = (unsigned)(i % p->window);
        void *res = p->results + slot * p->result_size;
        check(p);
        assert(!p->done[slot]); /* job i - window, its last tenant, was taken */
        pthread_mutex_unlock(&p->lock);
        memset(res, 0, p->result_size); /* the slot is ours until done is set */
        p->fn(p->ctx, i, res);
        pthread_mutex_lock(&p->lock);
        assert(!p->done[slot] && i >= p->next_take); /* nobody takes a job not done */
        p->done[slot] = 1;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct wm_pool *wm_pool_start(unsigned workers, unsigned window, uint64_t jobs,
                              size_t result_size, wm_pool_fn fn, void *ctx)
{
    struct wm_pool *p = calloc(1, sizeof *p);
    assert(fn);
    if (!p)
        return NULL;
    if (workers < 1)
        workers = 1;
    if (window < workers)
        window = workers;
    *p = (struct wm_pool){.window = window, .jobs = jobs, .result_size = result_size ? result_size : 1,
                          .fn = fn, .ctx = ctx};
    p->tids = calloc(workers, sizeof *p->tids);
    p->results = calloc(window, p->result_size);
    p->done = calloc(window, 1);
    if (!p->tids || !p->results || !p->done) {
        free(p->tids);
        free(p->results);
        free(p->done);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    for (; p->started < workers; p->started++)
        if (pthread_create(&p->tids[p->started], NULL, worker, p) != 0)
            break;
    if (p->started == 0) {
        wm_pool_free(p, NULL);
        return NULL;
    }
    return p;
}

int wm_pool_take(struct wm_pool *p, uint64_t *index, void *result)
{
    pthread_mutex_lock(&p->lock);
    uint64_t i = p->next_take;
    unsigned slot = (unsigned)(i % p->window);
    /* Job i was handed out (or will be), unless the pool stopped first. */
    while (!p->done[slot] && i < p->next_job + (p->stopping ? 0 : 1) && i < p->jobs)
        pthread_cond_wait(&p->changed, &p->lock);
    check(p);
    int got = p->done[slot];
    if (got) {
        assert(i < p->next_job); /* done only once handed out */
        memcpy(result, p->results + slot * p->result_size, p->result_size);
        p->done[slot] = 0;
        p->next_take++;
        *index = i;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return got;
}

void wm_pool_stop(struct wm_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

void wm_pool_free(struct wm_pool *p, void (*drop)(void *result))
{
    if (!p)
        return;
    wm_pool_stop(p);
    for (unsigned k = 0; k < p->started; k++)
        pthread_join(p->tids[k], NULL);
    check(p); /* the workers are gone: no lock needed */
    for (unsigned s = 0; drop && s < p->window; s++)
        if (p->done[s])
            drop(p->results + s * p->result_size);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p->tids);
    free(p->results);
    free(p->done);
    free(p);
}

unsigned wm_pool_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > WM_POOL_MAX_WORKERS ? WM_POOL_MAX_WORKERS : (unsigned)n;
}
