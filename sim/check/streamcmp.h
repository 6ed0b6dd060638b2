/* Layer 5 of 7, sim/check/: judging runs against files; uses net/ and below
 * (docs/DESIGN.md, "Layers").
 *
 * `warmer check` of one file in bounded memory: the file is read a record
 * at a time while its run writes the transcript, and the two are compared
 * line by line as they come, so neither is ever held whole. From the first
 * difference on, a window of each side is kept (WM_SCMP_WINDOW_LINES lines
 * or WM_SCMP_WINDOW_BYTES bytes, whichever comes first), with the
 * WM_SCMP_CONTEXT lines before it, and the run is stopped once its window is
 * full; the diff is of those windows. When both sides end inside their
 * windows (every small file) the diff and the first difference are exactly
 * compare.h's of the whole texts.
 *
 * A file whose sides are scripted is first read once whole (tx_cursor.h's
 * index): each script then reads its records from the file as it plays.
 * Records of connections out of order (the canonical order groups them by
 * connection) are found as they come; the file is then indexed too, and
 * compared again from the start, read by connection. Memory is bounded
 * either way. */
#ifndef WM_STREAMCMP_H
#define WM_STREAMCMP_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "exec.h"
#include "report.h"

#define WM_SCMP_WINDOW_LINES 20000
#define WM_SCMP_WINDOW_BYTES (2u << 20)
#define WM_SCMP_CONTEXT 3 /* the diff's context (diff.h) */
/* The edit distance searched in a window that was cut (diff.h's max_edit;
 * its trace is ~D*D*2 bytes): past it, the window is one replace hunk. */
#define WM_SCMP_MAX_EDIT 1000

enum wm_scmp_status {
    WM_SCMP_SAME,      /* the run wrote what the file holds */
    WM_SCMP_DIFFER,    /* wm_scmp_print_diff says where */
    WM_SCMP_MALFORMED, /* err: "path:line: ...", as wm_tx_parse says it */
    WM_SCMP_RUN_ERROR, /* the run failed: err */
    WM_SCMP_WHOLE      /* inside streamcmp.c only: read it by connection */
};

struct wm_scmp;

/* Reads path's header ("-" is stdin; what cannot be read twice, stdin or a
 * FIFO, is first copied to an unlinked temporary file): NULL with err when
 * it is malformed (or cannot be opened or copied, or out of memory). The
 * file's profile is dflt unless its header names one (check --profile). */
struct wm_scmp *wm_scmp_open_as(const char *path, enum wm_profile dflt, size_t max_journal,
                                struct wm_err *err);
/* The same as strict's: a file naming no profile is read under strict. */
static inline struct wm_scmp *wm_scmp_open(const char *path, size_t max_journal,
                                           struct wm_err *err)
{
    return wm_scmp_open_as(path, WM_PROFILE_STRICT, max_journal, err);
}
/* The same of an open file f (taken: closed by wm_scmp_close, even on
 * failure), a regular file read from its start, size bytes long. */
struct wm_scmp *wm_scmp_open_fp(FILE *f, uint64_t size, const char *path, enum wm_profile dflt,
                                size_t max_journal, struct wm_err *err);
/* The file's settings. */
const struct wm_cfg *wm_scmp_cfg(const struct wm_scmp *s);
/* Reads the rest of the file only to see that it is well formed (a
 * malformed file wins over any other failure): 0, or -1 with err. */
int wm_scmp_drain(struct wm_scmp *s, struct wm_err *err);
/* Runs the file's settings under o and compares. err says why for
 * MALFORMED and RUN_ERROR. */
enum wm_scmp_status wm_scmp_run(struct wm_scmp *s, const struct wm_exec_opts *o,
                                struct wm_err *err);
/* After DIFFER: the unified diff, as wm_print_diff prints it, and then what
 * a window left out, if anything; returns the file line of the first
 * difference. res (NULL: none): as wm_print_diff's. */
size_t wm_scmp_print_diff(struct wm_scmp *s, FILE *out, const char *path,
                          struct wm_case_result *res);
/* After DIFFER, for --update: runs again, into an unlinked temporary file
 * (not memory), and rewrites path with its records (update.h); a run that
 * writes more than the file's size plus 1 MiB is refused. 0, or -1 with
 * err. */
int wm_scmp_update(struct wm_scmp *s, const char *path, const struct wm_exec_opts *o,
                   struct wm_err *err);
/* The file's size in bytes (a copy's, for what was copied), and the lines
 * of its header as the run writes it. */
uint64_t wm_scmp_file_size(const struct wm_scmp *s);
size_t wm_scmp_header_lines(const struct wm_scmp *s);
/* An unlinked temporary file in $TMPDIR (else /tmp), open for reading and
 * writing: NULL with err. */
FILE *wm_scmp_temp_file(struct wm_err *err);
/* path opened to be read more than once: a regular file as it is, what
 * else (stdin, a FIFO, a device) copied to a temporary file first; its
 * size in *size. NULL with err. */
FILE *wm_scmp_open_rereadable(const char *path, uint64_t *size, struct wm_err *err);
/* The file's run written to out (wm_execute_write, its scripts reading the
 * file): 0, or -1 with err. */
int wm_scmp_execute(struct wm_scmp *s, const struct wm_exec_opts *o, FILE *out, int *saw_error,
                    struct wm_err *err);
void wm_scmp_close(struct wm_scmp *s);

#endif
