/* Layer 5 of 7, sim/check/: judging runs against files; uses net/ and below
 * (docs/DESIGN.md, "Layers").
 *
 * warmer record's transcript from its spool (net/rec_spool.h): the games
 * each client played, read back from the spooled records; each candidate
 * header in order (both sides in process, client scripted, server scripted,
 * both scripted) checked against the recording as `warmer check` checks a
 * file, streamed, so the recording is never held; the file written with the
 * first that reproduces it. The recording is written to an unlinked
 * temporary file ($TMPDIR, else /tmp) under each header in turn. */
#ifndef WM_REC_VERIFY_H
#define WM_REC_VERIFY_H

#include <stdio.h>

#include "rec_spool.h"
#include "rec_tx.h"

/* Writes the transcript of sp's connections (at least one) with the first
 * header that reproduces them; if none does, both scripts (v->verified 0).
 * -1 with err if the spool cannot be read or written again, or out of
 * memory. */
int wm_recd_finish(FILE *out, const struct wm_recd_tx_opts *o, const struct wm_rsp *sp,
                   struct wm_recd_verdict *v, struct wm_err *err);

/* The same from n connections' journals (n >= 1; tests): they are
 * settled into a spool, and left empty. */
int wm_recd_write(FILE *out, const struct wm_recd_tx_opts *o, struct wm_conn_log *logs, uint32_t n,
                  struct wm_recd_verdict *v, struct wm_err *err);

#endif
