/* The time budget of one run (explore.h's watchdog), as it scales with what
 * runs actually take: the slowest run that finished so far (held or failed,
 * not killed) is noted by whoever timed it, and a run's limit follows from
 * it. Only the verdict hang-or-not depends on time; the hang message says
 * which budget fired and its value (docs/EXPLORE.md, "The watchdog"). */
#ifndef WM_HANGBUDGET_H
#define WM_HANGBUDGET_H

#include <stdatomic.h>
#include <stddef.h>

struct wm_explore_budget;

/* --run-timeout auto (the default): a run may take this factor times the
 * slowest run that finished, at least the floor, at most the ceiling
 * (WM_EXPLORE_RUN_SECONDS). */
#define WM_HB_AUTO_FACTOR 50u
#define WM_HB_AUTO_FLOOR_MS 10000u
/* A shrinking step or a re-run of a case found: the steps of a hang would
 * each cost the detection budget, so they get this factor times the slowest
 * finished run, at least the floor, never more than the detection budget. */
#define WM_HB_SHRINK_FACTOR 5u
#define WM_HB_SHRINK_FLOOR_MS 500u

/* The slowest finished run, in ms; zeroed memory is an empty one. */
struct wm_hb {
    atomic_uint slowest_ms;
};

void wm_hb_init(struct wm_hb *h);
/* A run finished in ms (h NULL: nothing). Safe from any thread. */
void wm_hb_note(struct wm_hb *h, unsigned ms);

/* Run limit under b, in ms (0: none); why (when not NULL) gets the value and
 * the budget's words, as "10 s (--run-timeout auto: ...)". */
unsigned wm_hb_limit_ms(const struct wm_explore_budget *b, char *why, size_t size);

#endif
