/* `warmer check --update`: a golden rewritten with what actually happened,
 * and nothing else changed. The file's header block is kept as written,
 * comments and blank lines among the records stay where they were (after
 * the same number of records), only the records are replaced. The new text
 * goes to a temporary file beside the real one (mkstemp), is fsync'd and
 * renamed over it; through a symlink the target is updated; its mode is
 * kept. A crash leaves the old golden or the new one, never half of one. */
#ifndef WM_UPDATE_H
#define WM_UPDATE_H

#include "compare.h"
#include "err.h"

/* got: the run's rendering; its first header_lines lines are its header.
 * 0, or -1 with err naming the file and what failed. */
int wm_update_file(const char *path, const struct wm_rendered *got, size_t header_lines,
                   struct wm_err *err);

/* The same with the new records from next, a line at a time (1 with the
 * line, valid until the next call; 0 when there are no more; -1 if they
 * cannot be read): the old file is read a line at a time too, and the new
 * text written out as it is made, so memory does not follow the file. */
typedef int (*wm_update_next_fn)(void *ctx, const char **line, size_t *len);
int wm_update_file_from(const char *path, wm_update_next_fn next, void *ctx, struct wm_err *err);

#endif
