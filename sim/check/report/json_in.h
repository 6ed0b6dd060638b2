/* Layer 5 of 7, sim/check/: reading the JSON reports back
 * (docs/DESIGN.md, "Layers").
 *
 * `warmer report` reads the JSON arrays check, interop and explore write
 * (docs/CLI.md), an object at a time from a stream, so a long exploration's
 * report is never held whole. Members it does not know are skipped (a later
 * warmer may add some); a member of the wrong type is an error. */
#ifndef WM_JSON_IN_H
#define WM_JSON_IN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define WM_JIN_STRING_MAX (64u << 20) /* bytes of one string member */
#define WM_JIN_DEPTH_MAX 32           /* nesting of a member skipped */

/* One object; strings malloc'd, NULL when absent or null. A string's
 * \u0000 cuts it there, but diff's length is kept. */
struct wm_jin_case {
    char *file, *status, *message, *reproduce, *diff, *expected, *actual, *scenario;
    size_t diff_len;
    double seconds;
    uint64_t first_difference, run, seed; /* 0 when null or absent */
    int has_run, has_seed;
};

struct wm_jin {
    FILE *f;
    const char *path;
    size_t line;
    size_t objects; /* read so far: the next wants a ',' first */
    int done;
};

/* Reads up to the array's '[': 0, or -1 with err "path:line: ...". */
int wm_jin_open(struct wm_jin *j, FILE *f, const char *path, struct wm_err *err);
/* The next object into c (cleared first): 1, 0 after the array's ']' (and
 * nothing but space after it), -1 with err. Free c with wm_jin_case_free. */
int wm_jin_next(struct wm_jin *j, struct wm_jin_case *c, struct wm_err *err);
void wm_jin_case_free(struct wm_jin_case *c);

#endif
