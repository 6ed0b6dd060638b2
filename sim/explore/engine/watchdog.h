/* The watchdog of --no-fork: runs made in explore's own process (as a
 * memory checker needs) cannot be killed, so a run past its time budget
 * (explore.h, --run-timeout) stops explore itself: the run and its budget
 * are told on stdout as a finding of kind "hang", not shrunk (rerun without
 * --no-fork to shrink it), and the process exits 1. With a fork, the child
 * is killed instead (explore_child.c). */
#ifndef WM_WATCHDOG_H
#define WM_WATCHDOG_H

#include <stdint.h>

/* Runs watched at once: explore's -j runs (at most WM_POOL_MAX_WORKERS,
 * pool.h) and the shrinking step or replay found meanwhile (watchdog.c
 * asserts the two agree). */
#define WM_WATCHDOG_SLOTS 257

struct wm_watchdog;

struct wm_explore_budget;

/* A watchdog thread for runs of exploration seed `seed`, each allowed what
 * budget b gives it (hangbudget.h; b->seconds 0: no watchdog, *w = NULL);
 * a run that ends is noted in b->hb. 0, or -1 (no memory, no thread). */
int wm_watchdog_start(struct wm_watchdog **w, const struct wm_explore_budget *b, uint64_t seed,
                      const char *cmd);
/* Run k starts (a slot, for leave), or ends. Both do nothing on NULL. k is
 * WM_WATCHDOG_OTHER for a replay or a shrinking step. */
#define WM_WATCHDOG_OTHER UINT64_MAX
int wm_watchdog_enter(struct wm_watchdog *w, uint64_t k);
void wm_watchdog_leave(struct wm_watchdog *w, int slot);
void wm_watchdog_stop(struct wm_watchdog *w);

#endif
