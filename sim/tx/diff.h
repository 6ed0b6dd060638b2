/* Bounded unified diff of two line arrays, for golden-transcript mismatches. */
#ifndef WM_DIFF_H
#define WM_DIFF_H

#include <stddef.h>
#include <stdio.h>

/* n lines; line i is text[i][0 .. len[i]) (no NUL needed, no '\n').
 * text[i] may be NULL when len[i] == 0. */
struct wm_diff_lines {
    const char *const *text;
    const size_t *len;
    size_t n;
};

struct wm_diff_opts {
    size_t context;          /* unchanged lines around each change (diff -U) */
    size_t max_edit;         /* largest edit distance searched; beyond it the
                                differing middle becomes one replace hunk */
    size_t max_output_lines; /* lines printed after the ---/+++ header
                                (@@ lines included); SIZE_MAX = no limit */
    size_t line_base;        /* a and b begin at this line of their files
                                (0-based): @@ lines count from there */
    int cut;                 /* a and b are windows whose files go on: a
                                change reaching the end of either may be an
                                artefact of the cut, and is not shown */
};

#define WM_DIFF_OPTS_INIT { 3, 4000, 200, 0, 0 }

/* Writes "--- label_a\n+++ label_b\n", then hunks "@@ -a,b +c,d @@" whose
 * lines start with ' ', '-' or '+', exactly as GNU `diff -u` prints them
 * (for the alignment found). When more than max_output_lines lines would
 * follow the header, the rest is replaced by "... diff truncated (N more
 * lines)". opts == NULL means WM_DIFF_OPTS_INIT.
 * Returns 0 if a and b are equal (nothing printed), 1 if they differ, -1 on
 * allocation failure (nothing printed) or a write error on out.
 * Cost: O(n) to strip the common prefix/suffix, then Myers' O((N+M)D) on
 * the rest with D <= max_edit, one flag byte per line and a search trace of
 * at most 32 MiB (past which it falls back as if max_edit were exceeded).
 * *first_diff_a / *first_diff_b (either may be NULL) receive the 0-based
 * index of the first line where a and b differ (the common prefix length;
 * a->n and b->n when equal). */
int wm_diff_unified(FILE *out, const struct wm_diff_lines *a, const struct wm_diff_lines *b,
                    const char *label_a, const char *label_b, const struct wm_diff_opts *opts,
                    size_t *first_diff_a, size_t *first_diff_b);

#endif
