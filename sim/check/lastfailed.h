/* The last-failed cache of `warmer check` and `warmer interop` (docs/CLI.md,
 * "Selecting cases"), as pytest's .pytest_cache: one file per command,
 * DIR/check-lastfailed or DIR/interop-lastfailed, DIR being --cache-dir,
 * else $WARMER_CACHE_DIR, else .warmer_cache in the current directory.
 *
 * The file: the line "# warmer last-failed v1", then the paths of the cases
 * that failed or were malformed, one a line, sorted, as the command named
 * them (its operands as given, joined with what a DIR held). A run merges
 * into it: the cases it ran leave the set, those of them that failed join
 * it, the others stay; so shards (each running its own cases) and -k runs
 * keep what the others found. A path holding a newline is not kept. Past
 * WM_LASTFAILED_MAX paths the file holds the line "# overflow" instead, and
 * --last-failed then runs every case. Written under a lock (fcntl, on
 * DIR/.lock) through a temporary file and a rename. */
#ifndef WM_LASTFAILED_H
#define WM_LASTFAILED_H

#include <stddef.h>

#include "err.h"
#include "report.h"

#define WM_LASTFAILED_MAX 100000    /* paths the file keeps */
#define WM_LASTFAILED_LINE_MAX 4096 /* a longer line is not a path of ours: ignored */
#define WM_LASTFAILED_DEFAULT_DIR ".warmer_cache"
#define WM_LASTFAILED_MAGIC "# warmer last-failed v1"

struct wm_lastfailed {
    char **paths; /* sorted, unique */
    size_t n;
    int overflow; /* the file said "# overflow": every case counts as failed */
};

/* DIR/CMD-lastfailed into buf, DIR as the header says (dir NULL: not given).
 * 0, or -1 if it does not fit. */
int wm_lastfailed_path(char *buf, size_t size, const char *dir, const char *cmd);
/* Reads the set: 0 (a missing file is an empty set), or -1 with err (it
 * cannot be read, or is not such a file). */
int wm_lastfailed_read(const char *file, struct wm_lastfailed *lf, struct wm_err *err);
int wm_lastfailed_has(const struct wm_lastfailed *lf, const char *path);
void wm_lastfailed_free(struct wm_lastfailed *lf);
/* Merges a run of n cases (paths[k] ended as r[k].status) into the file,
 * making its directory (with a .gitignore of "*") if need be. 0, or -1
 * with err. */
int wm_lastfailed_update(const char *file, char *const *paths, const struct wm_case_result *r,
                         size_t n, struct wm_err *err);

#endif
