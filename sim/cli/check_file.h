/* Layer 7 of 7, sim/cli/: one transcript re-run and compared, with the
 * report `check` and `replay` print for it (docs/CLI.md, "check"). */
#ifndef WM_CHECK_FILE_H
#define WM_CHECK_FILE_H

#include <stdio.h>

#include "cli.h"
#include "report.h"

enum wm_check_mode { WM_CHECK_FILE, WM_CHECK_REPLAY_SERVER, WM_CHECK_REPLAY_CLIENT };
/* wm_check_file's update: 0 compares, 1 rewrites a file that differs (--update),
 * WM_CHECK_DRY_RUN prints the diff it would apply and "would update FILE",
 * writes nothing, and fails the case (--update --dry-run). */
#define WM_CHECK_DRY_RUN 2

struct wm_check_live {
    const char *addr; /* NULL: the peer is in process */
    int timeout_ms;
    int close_window_ms; /* --close-window (live.h) */
};

/* One file: its report goes to out ("ok FILE", or "FAIL ..." with the diff
 * and the reproduce lines; repro is the command after the program's name)
 * and its result to *res. profile is the file's unless its header names
 * one (--profile). Returns an exit code. */
int wm_check_file(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                  enum wm_profile profile, int update,
                  const struct wm_exec_opts *opts, const struct wm_check_live *live,
                  const char *repro, FILE *out, struct wm_case_result *res);

#endif
