/* Transcript files from FILE and DIR operands: a directory is walked
 * recursively and its transcripts (files whose first line is the format's
 * magic line, or a near miss of it, which the parser then reports) are taken
 * in sorted path order; other files are skipped and counted. A DIR with no
 * transcript is an error. A FILE operand is taken as it is, so a bad file is
 * reported, not skipped. */
#ifndef WM_FILES_H
#define WM_FILES_H

#include <stddef.h>

#include "err.h"

#define WM_FILES_MAX 1000000 /* transcripts from one command line */
#define WM_FILES_DEPTH 32    /* directory levels walked */

struct wm_files {
    char **paths;
    size_t n, cap;
    size_t skipped; /* regular files in the directories that are not transcripts */
};

/* 0, or -1 with err (an operand that does not exist, a directory holding no
 * transcript, too many files, out of memory). */
int wm_files_collect(struct wm_files *f, char *const *operands, size_t n, struct wm_err *err);
void wm_files_free(struct wm_files *f);

#endif
