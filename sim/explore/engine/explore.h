/* Layer 6 of 7, sim/explore/: scenarios, invariants, shrinking; uses check/ and below
 * (docs/DESIGN.md, "Layers").
 *
 * One explore run: a scenario executed, its transcript held to the
 * invariants (invariants.h), then executed again under another driver,
 * transport or chunking and required to be byte-identical; and shrinking:
 * the smallest scenario that still fails the same way. */
#ifndef WM_EXPLORE_H
#define WM_EXPLORE_H

#include <stddef.h>

#include "hangbudget.h"
#include "invariants.h"
#include "scenario.h"

/* Executions one shrink may spend, so shrinking is bounded as well as
 * deterministic. */
#define WM_SHRINK_MAX_RUNS 2000

/* The watchdog: what one run may spend before it is a finding of kind
 * "hang". Steps are the simulator's scheduler steps (far above what the
 * guess budget needs); seconds are wall-clock time of the whole run (its
 * differential run included), enforced on the forked child (killed) and,
 * with --no-fork, by watchdog.h (which stops explore). */
#define WM_EXPLORE_MAX_STEPS 50000000ULL
#define WM_EXPLORE_RUN_SECONDS 120u

/* The seconds are a ceiling under --run-timeout auto (the default): the
 * limit a run gets scales with the runs' own times (hangbudget.h). */
struct wm_explore_budget {
    uint64_t max_steps; /* --max-steps */
    unsigned seconds;   /* --run-timeout S, or auto's ceiling; 0: no limit */
    int adaptive;       /* --run-timeout auto */
    int shrinking;      /* a shrinking step or re-run: the shrink's budget */
    struct wm_hb *hb;   /* the runs' times so far (NULL: none known) */
};
/* The defaults, for callers that take none (budget NULL). */
extern const struct wm_explore_budget wm_explore_default_budget;

struct wm_outcome {
    int failed;
    struct wm_violation v; /* kind "run" for a harness failure, "differential" */
    char *text;            /* the run's transcript (malloc'd), or NULL */
    size_t len;
    char *console;         /* the run's console lines (explore_console.h), or NULL */
    size_t console_len;
    char *actual;          /* against a live server: what it did (text is the model) */
    size_t actual_len;
    uint64_t guesses;      /* server lines in the transcript */
    uint64_t expected;     /* --connect under a book profile: the book's hangs met */
};

/* Runs s within budget b (NULL: the defaults); 0, or -1 when out of memory
 * (o->failed is then meaningless). */
int wm_explore_run(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o);
/* The same in a child process (explore_child.c): a failed assert or a
 * crash in the run is a finding of kind "crash" naming the signal and the
 * assert's message. 0, or -1 (no process, no pipe, out of memory), or 1
 * when SIGINT or SIGTERM (sig.h) stopped it: the child killed, no outcome. */
int wm_explore_run_isolated(const struct wm_scn *s, const struct wm_explore_budget *b,
                            struct wm_outcome *o);
/* wm_explore_replay in a child, for the same reason. */
int wm_explore_replay_isolated(const struct wm_cfg *cfg, const struct wm_explore_budget *b,
                               struct wm_outcome *o);
void wm_outcome_free(struct wm_outcome *o);

/* Runs one scenario: wm_explore_run, or a live server's runner. 0, or -1. */
typedef int (*wm_scn_runner)(void *ctx, const struct wm_scn *s, struct wm_outcome *o);

/* Shrinks *s, which fails with *o, to the smallest scenario that still fails
 * with a violation of the same signature (kind and place, explore_sig.h) under run (NULL: wm_explore_run_isolated,
 * with ctx its budget, or NULL); *o
 * becomes that run's outcome. SIGINT or SIGTERM (sig.h) ends it where it
 * is. Returns the executions spent. */
unsigned wm_explore_shrink(struct wm_scn *s, struct wm_outcome *o, wm_scn_runner run, void *ctx);
/* The same, spending at most max executions (a memory checker's are slow). */
unsigned wm_explore_shrink_n(struct wm_scn *s, struct wm_outcome *o, wm_scn_runner run, void *ctx,
                             unsigned max);

/* Before a finding is reported its shrunk case is run this many times more
 * (--reruns): one that does not fail every time is flaky. */
#define WM_EXPLORE_RERUNS 3u
#define WM_EXPLORE_RERUNS_MAX 100u

/* Runs s n times under run (NULL: as wm_explore_shrink), and returns how
 * many failed with signature sig (explore_sig.h); *ran is the runs made
 * (fewer than n when SIGINT or SIGTERM stopped it, or out of memory). */
unsigned wm_explore_rerun(const struct wm_scn *s, const char *sig, unsigned n, wm_scn_runner run,
                          void *ctx, unsigned *ran);

/* Every driver x transport x chunking on the settings of a transcript file:
 * each must hold the invariants and all must agree byte for byte. The
 * reproducer `warmer explore --replay FILE` runs this. */
int wm_explore_replay(const struct wm_cfg *cfg, const struct wm_explore_budget *b,
                      struct wm_outcome *o);

/* The runs one explore process makes: run first + j * step for j = 0 ..
 * count - 1. Shard K of N takes the runs i with i mod N = K - 1: N machines
 * given the same seed and --runs make exactly the runs one machine would,
 * each once, and each machine's share is spread over the whole range (run
 * k's scenario comes from (seed, k) alone, so where it runs does not
 * matter). */
struct wm_explore_slice {
    uint64_t first, step, count;
};
/* Shard k of n (1 <= k <= n) of runs 0..runs - 1; runs UINT64_MAX: every
 * run up to UINT64_MAX - 1 (--time, until stopped). */
void wm_explore_slice_shard(struct wm_explore_slice *s, uint64_t runs, unsigned k, unsigned n);
/* The run index of the slice's j-th run (j < count). */
uint64_t wm_explore_slice_run(const struct wm_explore_slice *s, uint64_t j);

#endif
