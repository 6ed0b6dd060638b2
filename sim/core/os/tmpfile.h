/* Layer 3 of 7, sim/core/: running a configuration; uses tx/ and proto/
 * (docs/DESIGN.md, "Layers").
 *
 * Unlinked temporary files in $TMPDIR (else /tmp): the spools of runs,
 * record, explore's JUnit and --update, and a peer's stderr. A command that
 * will need one checks first (wm_tmp_check), so an unwritable $TMPDIR is an
 * environment error (exit 2) said at once, not a case found failing. */
#ifndef WM_TMPFILE_H
#define WM_TMPFILE_H

#include "err.h"

/* $TMPDIR, or /tmp when it is unset or empty. */
const char *wm_tmp_dir(void);
/* A new file $TMPDIR/warmer-NAME-XXXXXX, already unlinked (gone with the
 * process, whatever happens), close-on-exec, open for reading and writing:
 * its fd, or -1 with err ("cannot create a temporary file in DIR: why"). */
int wm_tmp_fd(const char *name, struct wm_err *err);
/* That such a file can be made now: 0, or -1 with err. */
int wm_tmp_check(struct wm_err *err);

#endif
