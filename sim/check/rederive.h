/* A file's expectations re-derived under another profile: when a live
 * peer is judged under --profile P and the file's records are another
 * profile's, P's own session runs in process against the file's other side
 * as a script, and that run's records become what the peer is held to
 * (interop, and replay with --connect or --listen). */
#ifndef WM_REDERIVE_H
#define WM_REDERIVE_H

#include <stddef.h>

#include "transcript.h"

enum wm_rederive_result { WM_REDERIVE_KEPT, WM_REDERIVE_DONE, WM_REDERIVE_FAILED };

/* The profile whose behaviour t's records are: the one its header names,
 * strict if none. */
enum wm_profile wm_rederive_file_profile(const struct wm_transcript *t);

/* If t's records are profile's (wm_rederive_file_profile), t is kept.
 * Else profile's session for the tested side (the server if test_server)
 * plays in process against the file's other side as a script, t's records
 * are replaced by that run's and t->cfg.profile set to profile; note gets
 * the line the report shows ("judged under book: expectations re-derived
 * from the file's client lines"). FAILED with err when that run cannot be
 * made (the other side cannot be scripted): t is then unchanged. */
enum wm_rederive_result wm_rederive(struct wm_transcript *t, enum wm_profile profile,
                                    int test_server, size_t max_journal, char *note,
                                    size_t note_size, struct wm_err *err);

#endif
