/* Layer 7 of 7, sim/cli/: `explore --replay FILE|DIR...` as a set: the
 * files of the operands, those -k selects (select.h), each replayed in
 * order, then a summary (docs/CLI.md, "explore"). */
#ifndef WM_REPLAY_SET_H
#define WM_REPLAY_SET_H

#include <stddef.h>

#include "cli.h"

#define WM_REPLAY_SKIPPED (-1) /* a replay fn's answer for a file it cannot replay */

/* Replays one file (in_set: it is one of a set, so a file it cannot run is
 * skipped, said on stdout, WM_REPLAY_SKIPPED): an exit status. */
typedef int (*wm_replay_fn)(const struct wm_args *a, void *ctx, const char *path, int in_set);

/* The worst status of the files replayed; 2 when none could be (all
 * skipped), when -k selects none, or an operand is not there. One FILE
 * given as such is not a set: no summary, and fn answers as it would alone. */
int wm_replay_set(const struct wm_args *a, char *const *ops, size_t nops,
                  const struct wm_select *sel, wm_replay_fn fn, void *ctx);

#endif
