/* Which of a run's cases to run, by name, before sharding (docs/CLI.md,
 * "Selecting cases"): -k PATTERN and --last-failed of `warmer check`,
 * `warmer interop` and `warmer review`.
 *
 * -k PATTERN selects the cases whose path contains a match of the shell
 * pattern PATTERN: the path as the command names the case (its operand as
 * given, joined with what a DIR held) matches fnmatch's "*PATTERN*" with no
 * flags, so * and ? match / too and a pattern without * ? [ is a plain
 * substring. -k repeats: a case is selected if it matches any. A PATTERN
 * starting with ! deselects what the rest matches, whatever selects it.
 * --last-failed then keeps, of those, the cases in the command's
 * last-failed set (lastfailed.h); when none of them is there, all of them
 * run, and a note on stderr says so. */
#ifndef WM_SELECT_H
#define WM_SELECT_H

#include <stddef.h>

#include "err.h"
#include "files.h"

#define WM_SELECT_KEYS_MAX 64   /* -k options in one command line */
#define WM_SELECT_KEY_LEN 4096  /* bytes in one pattern */

struct wm_select {
    const char *keys[WM_SELECT_KEYS_MAX];
    unsigned nkeys;
    int last_failed;        /* --last-failed */
    int no_cache;           /* --no-cache: the cache is neither read nor written */
    const char *cache_dir;  /* --cache-dir DIR, else NULL ($WARMER_CACHE_DIR, .warmer_cache) */
};

/* Adds a -k PATTERN: 0, or -1 with err (too many, too long, empty). */
int wm_select_add_key(struct wm_select *s, const char *pattern, struct wm_err *err);
/* Whether the -k patterns select path (all paths when there are none). */
int wm_select_matches(const struct wm_select *s, const char *path);
/* The cache directory in use: --cache-dir, $WARMER_CACHE_DIR, or the default. */
const char *wm_select_cache_dir(const struct wm_select *s);

/* Keeps in f, in order, the cases s selects for command cmd ("check",
 * "interop": its last-failed file); the others move to *dropped (in
 * order; free it with wm_files_free). A note for stderr, if any, goes to
 * note ("" if none). 0; -1 with err if nothing is selected while f held
 * cases, or the last-failed file cannot be read. */
int wm_select_apply(const struct wm_select *s, const char *cmd, struct wm_files *f,
                    struct wm_files *dropped, char *note, size_t note_size, struct wm_err *err);

#endif
