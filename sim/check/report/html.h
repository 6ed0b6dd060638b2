/* Layer 5 of 7, sim/check/: the HTML report (docs/DESIGN.md, "Layers").
 *
 * `--html FILE` of check, interop and explore, and `warmer report --html`:
 * one self-contained page (inline CSS and JS, nothing fetched, readable
 * with JavaScript off) from the same results as the other reports. Cases
 * come one at a time (explore's runs are too many to hold): each is written
 * at once into two bounded in-memory spools, the table's row and its
 * section, and the page is put together at the end, when the counts its
 * head carries are known. Every byte that comes from a run, a file or a
 * file name goes through wm_html_text: nothing of theirs can make markup.
 *
 * The page's bounds (docs/CLI.md, "The HTML report"): */
#ifndef WM_HTML_H
#define WM_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "report.h"

#define WM_HTML_CONTEXT 100     /* records shown each side of the first difference */
#define WM_HTML_TEXT_MAX 300    /* bytes of a record's text shown; the rest counted */
#define WM_HTML_DIFF_MAX 65536  /* bytes of a case's diff shown; the rest counted */
#define WM_HTML_OPEN_MAX 20     /* failing cases drawn in full (timeline, diff) */
#define WM_HTML_ROWS_MAX 2000   /* passing cases listed, and failing ones, each */
#define WM_HTML_LANES_MAX 32    /* connections given a lane of their own */
#define WM_HTML_FAULTS_MAX 16   /* a file's fault lines shown */

/* One case as the page shows it; every pointer may be NULL but name. */
struct wm_html_case {
    const char *name;     /* the case: its file, or "run K of seed S" */
    const char *file;     /* the transcript the timeline is drawn from */
    const char *scenario; /* explore's drawn scenario */
    enum wm_case_status status;
    double seconds;
    size_t first_line;    /* the file's first differing line, 0: none */
    const char *message, *reproduce, *expected, *actual;
    const char *diff;     /* diff_len bytes */
    size_t diff_len;
};

/* What the page's head says of the run. */
struct wm_html_head {
    const char *title;   /* "warmer check" */
    const char *command; /* the command line, shell-quoted */
    const char *seed;    /* "1", "from each file's header", ... */
    const char *started; /* "2026-12-07T09:52:07 UTC" */
    const char *sources; /* warmer report: the JSON files read, or NULL */
};

struct wm_html {
    FILE *rows, *sections; /* open_memstream spools */
    char *rows_buf, *sections_buf;
    size_t rows_len, sections_len;
    size_t n, counts[WM_CASE_NSTATUS];
    size_t listed_ok, listed_bad, drawn; /* against the bounds */
    double seconds;
};

/* 0, or -1 with err (out of memory). */
int wm_html_begin(struct wm_html *h, struct wm_err *err);
void wm_html_add(struct wm_html *h, const struct wm_html_case *c);
/* The whole page to out (not closed); frees the spools: 0, or -1 if a write
 * failed. Call wm_html_begin again for another page. */
int wm_html_end(struct wm_html *h, FILE *out, const struct wm_html_head *head);
/* Frees without writing (an error path). */
void wm_html_discard(struct wm_html *h);

/* n bytes as HTML text, fit for an element or a quoted attribute: & < > "
 * ' as references, bytes outside printable ASCII (but \n) as \xNN. */
void wm_html_text(FILE *f, const char *s, size_t n);
void wm_html_str(FILE *f, const char *s);

/* The case's timeline from its transcript file (html_timeline.c): a lane
 * per connection, records in file (canonical) order, WM_HTML_CONTEXT each
 * side of the first difference, faults, closes and errors labelled. A file
 * that cannot be read is said in its place. id: the section's id, for the
 * rows' ids. */
void wm_html_timeline(FILE *f, const struct wm_html_case *c, const char *id);

/* argv[0..argc) as one shell line (each word quoted as reproduce lines
 * are), malloc'd; NULL if out of memory. */
char *wm_html_command(int argc, char *const *argv);

#endif
