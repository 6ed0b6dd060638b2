/* warmer explore's summary: what the runs tried, the verdict, and under
 * --keep-going each signature's runs (explore_sig.h). */
#ifndef WM_EXPLORE_TALLY_H
#define WM_EXPLORE_TALLY_H

#include <stdint.h>

#include "explore_live.h"
#include "explore_sig.h"
#include "scenario.h"

struct wm_xtally {
    uint64_t runs, connections, games, guesses;
    uint64_t driver[3], transport[2], small_line, small_guesses;
    uint64_t profile[3]; /* runs of each profile (enum wm_profile) */
    uint64_t kind[WM_SCN_KINDS]; /* runs with each fault kind on (split, malformed) */
    uint64_t expected; /* --connect under a book profile: the book's hangs met, not findings */
};

/* What the summary's first line names, and where its figures come from. */
struct wm_xtally_head {
    uint64_t seed;
    uint64_t run;              /* one_run: the run */
    int one_run;               /* --run K */
    unsigned shard_k, shard_n; /* --shard K/N */
    const struct wm_live_target *live; /* --connect: connections made come from it */
    const struct wm_xsig_table *sigs;  /* --keep-going, or NULL */
};

/* A run of s made, its transcript holding guesses server lines. */
void wm_xtally_count(struct wm_xtally *t, const struct wm_scn *s, uint64_t guesses,
                     uint64_t expected);
/* The summary on stdout; failed: a run failed; signo: the signal that
 * stopped explore, or 0. */
void wm_xtally_print(const struct wm_xtally_head *h, const struct wm_xtally *t, int failed,
                     int signo);

#endif
