/* A run's records against a file's: render both as transcript text, diff
 * them, and map a difference back to the file line that holds it. Shared by
 * check, replay and interop. */
#ifndef WM_COMPARE_H
#define WM_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "live.h"
#include "report.h"
#include "transcript.h"

/* A rendered transcript split into lines. */
struct wm_rendered {
    char *buf;
    size_t size, n;
    const char **text;
    size_t *len;
};

/* 0, or -1 (out of memory, or the journals do not merge). */
int wm_render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, struct wm_rendered *r);
void wm_rendered_free(struct wm_rendered *r);
int wm_rendered_equal(const struct wm_rendered *a, const struct wm_rendered *b);

/* Records (lines past the header) in a rendering of t's settings. */
size_t wm_rendered_records(const struct wm_transcript *t, const struct wm_rendered *r);

/* Prints the unified diff of the file's rendering (want) against what
 * happened (got) and returns the file line of the first difference; res
 * (NULL: none) gets where the diff stands in its text and the first
 * differing line of each side. */
size_t wm_print_diff(FILE *out, const char *path, const struct wm_transcript *t,
                     const struct wm_rendered *want, const struct wm_rendered *got,
                     struct wm_case_result *res);

/* The file line of the first difference, as wm_print_diff returns it
 * (without printing the diff). */
size_t wm_first_difference(const struct wm_transcript *t, const struct wm_rendered *want,
                           const struct wm_rendered *got);

/* The reason a live peer failed, as the rest of a FAIL line: "PATH:LINE:
 * expected the server to close ...", LINE the first difference (the
 * verdict's own line when every record matched), or, when every record
 * matched and the peer stayed open, "PATH: all N records matched, but the
 * server left ...". */
void wm_verdict_format(char *buf, size_t size, const char *path, const struct wm_transcript *t,
                       const struct wm_live_verdict *v, const struct wm_rendered *want,
                       const struct wm_rendered *got);

#endif
