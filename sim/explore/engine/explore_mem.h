/* explore --memcheck N: memory errors are findings (docs/EXPLORE.md,
 * "Memory errors"). A sample of runs (one in N, chosen from (seed, run)
 * alone) is executed again by this program re-executed under a memory
 * checker (valgrind by default, --memcheck-cmd another, such as a
 * sanitizer build's wrapper), in its own process: `CMD warmer explore
 * --seed S --run K --no-fork`. The checker's error exit is a finding of
 * kind "memory", named by its first error's kind and top frame; its
 * shrinking steps and re-runs are the candidate's header replayed under
 * the checker (`CMD warmer explore --replay FILE --no-fork`), which is
 * also the reproduce line. Nothing of the checker's report but that kind,
 * function and line enters the output (no addresses, no pids). */
#ifndef WM_EXPLORE_MEM_H
#define WM_EXPLORE_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explore.h"

/* The default checker: its error exit must be other than explore's own
 * (0, 1, 2). */
#define WM_XMEM_EXIT 86
#define WM_XMEM_DEFAULT_CMD                                                                  \
    "valgrind --quiet --error-exitcode=86 --leak-check=full --show-leak-kinds=all "          \
    "--errors-for-leak-kinds=all"
/* Shrinking steps a memory finding may spend (each a process under the
 * checker, about a second: explore.h's bound is for runs in a child). */
#define WM_XMEM_SHRINK_MAX 40
/* Bytes of the checker's report read for its first error. */
#define WM_XMEM_REPORT_MAX 65536
#define WM_XMEM_CMD_MAX 2048 /* bytes of --memcheck-cmd */
#define WM_XMEM_PATH_MAX 4096

struct wm_xmem {
    unsigned every;                      /* --memcheck N: one run in N */
    const char *cmd;                     /* --memcheck-cmd, or the default */
    char exe[WM_XMEM_PATH_MAX];          /* this program, as the checker runs it */
    char dir[WM_XMEM_PATH_MAX];          /* a scratch --out for the checked runs */
    const struct wm_explore_budget *budget; /* --run-timeout bounds each process */
    char draw[200];                      /* the options in run k's draw (--faults ...) */
    uint64_t seed;
};

/* Ready to check runs of seed `seed`, and the checker works (it runs
 * `CMD EXE --version`): 0, or -1 with err (explore then exits 2). */
int wm_xmem_init(struct wm_xmem *m, unsigned every, const char *cmd, uint64_t seed,
                 const char *draw, const struct wm_explore_budget *b, struct wm_err *err);
void wm_xmem_free(struct wm_xmem *m);

/* 1 when run k is one of the sample: the same runs for the same seed and N. */
int wm_xmem_sampled(const struct wm_xmem *m, uint64_t k);

/* Run k under the checker. 0 with o->failed set to a memory finding (o's
 * text kept), or o unchanged when clean; -1 no process; 1 stopped by
 * SIGINT or SIGTERM. */
int wm_xmem_run(const struct wm_xmem *m, uint64_t k, struct wm_outcome *o);

/* A wm_scn_runner (ctx: the wm_xmem): s's header replayed under the
 * checker. o is a memory finding (no text), or passed. */
int wm_xmem_scn(void *ctx, const struct wm_scn *s, struct wm_outcome *o);

/* 1 when o is a memory finding. */
int wm_xmem_is(const struct wm_outcome *o);

/* A memory finding's place for its signature (explore_sig.h): "KIND:FUNC"
 * from its message, into buf. */
void wm_xmem_place(const struct wm_outcome *o, char *buf, size_t size);

/* Reads a checker's report (valgrind's or a sanitizer's) and writes its
 * first error as "KIND in FUNC (FILE:LINE): HEADLINE" into msg: 1, or 0
 * when it holds none. Exposed for its unit test. */
int wm_xmem_parse(const char *report, size_t len, char *msg, size_t size);

#endif
