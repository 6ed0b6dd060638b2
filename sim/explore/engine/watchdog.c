#include "watchdog.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "explore.h"
#include "pool.h"

_Static_assert(WM_WATCHDOG_SLOTS >= WM_POOL_MAX_WORKERS + 1,
               "a slot for every -j run and one shrinking step beside them");

#define TICK_MS 100 /* how late past the budget a hang may be seen */

struct wm_watchdog {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int stop;
    const struct wm_explore_budget *budget;
    uint64_t seed;
    const char *cmd;
    struct {
        int used;
        uint64_t run;
        uint64_t start; /* wm_clock_ns() */
    } slot[WM_WATCHDOG_SLOTS];
};

static double since(uint64_t t0, uint64_t t1)
{
    return (double)(t1 - t0) / 1e9;
}

/* Past the budget: tell it with write(2), which no lock of stdio can block,
 * and leave at once (the hung run holds whatever it holds). */
static void hang(const struct wm_watchdog *w, uint64_t run)
{
    char msg[900], what[80] = "a replay or a shrinking step", why[300];
    wm_hb_limit_ms(w->budget, why, sizeof why);
    if (run != WM_WATCHDOG_OTHER)
        snprintf(what, sizeof what, "run %" PRIu64 " of seed %" PRIu64, run, w->seed);
    int n = snprintf(msg, sizeof msg,
                     "FAIL %s\n"
                     "  found: hang: the run was still going after %s; with "
                     "--no-fork it cannot be stopped and shrunk: explore stops here\n",
                     what, why);
    char budget[40] = ""; /* auto, the default, is not said */
    if (!w->budget->adaptive)
        snprintf(budget, sizeof budget, " --run-timeout %u", w->budget->seconds);
    if (run != WM_WATCHDOG_OTHER && n > 0 && (size_t)n < sizeof msg)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "reproduce: %s explore --seed %" PRIu64
                      " --run %" PRIu64 "%s\n", w->cmd, w->seed, run, budget);
    if (n > 0 && write(STDOUT_FILENO, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0)
        n = 0; /* nothing more to do: we exit either way */
    _exit(1);
}

static void *watch(void *arg)
{
    struct wm_watchdog *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        uint64_t now = wm_clock_ns();
        double limit = wm_hb_limit_ms(w->budget, NULL, 0) / 1000.0; /* > 0: seconds > 0 */
        for (int i = 0; i < WM_WATCHDOG_SLOTS; i++)
            if (w->slot[i].used && since(w->slot[i].start, now) > limit)
                hang(w, w->slot[i].run);
        struct timespec until = wm_clock_wall_after(TICK_MS); /* the condition's clock */
        pthread_cond_timedwait(&w->cv, &w->mu, &until);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int wm_watchdog_start(struct wm_watchdog **w, const struct wm_explore_budget *b, uint64_t seed,
                      const char *cmd)
{
    *w = NULL;
    if (b->seconds == 0)
        return 0;
    struct wm_watchdog *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    d->budget = b, d->seed = seed, d->cmd = cmd;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->mu);
        free(d);
        return -1;
    }
    *w = d;
    return 0;
}

int wm_watchdog_enter(struct wm_watchdog *w, uint64_t k)
{
    if (!w)
        return -1;
    int got = -1;
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < WM_WATCHDOG_SLOTS && got < 0; i++)
        if (!w->slot[i].used) {
            w->slot[i].used = 1;
            w->slot[i].run = k;
            w->slot[i].start = wm_clock_ns();
            got = i;
        }
    pthread_mutex_unlock(&w->mu);
    assert(got >= 0); /* -j is bounded below the slots */
    return got;
}

void wm_watchdog_leave(struct wm_watchdog *w, int slot)
{
    if (!w || slot < 0)
        return;
    uint64_t now = wm_clock_ns();
    assert(slot < WM_WATCHDOG_SLOTS);
    pthread_mutex_lock(&w->mu);
    assert(w->slot[slot].used); /* entered once, left once */
    w->slot[slot].used = 0;
    double took = since(w->slot[slot].start, now);
    pthread_mutex_unlock(&w->mu);
    wm_hb_note(w->budget->hb, (unsigned)(took * 1000.0)); /* a run that ended: budgets scale */
}

void wm_watchdog_stop(struct wm_watchdog *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
