/* `warmer explore --keep-going`: a finding's signature, and the findings
 * grouped by it (docs/EXPLORE.md, "Keep going").
 *
 * A signature is KIND@PLACE: the violation's kind (invariants.h: "decision",
 * "summary", "hang", ...) and the class of the transcript line it was found
 * at: the record's side and mark with the connection number dropped ("C:",
 * "S:", "C!", "S!"), then its first word, or N where that word is a number:
 * "decision@C:REPORT", "range@S:N", "server-error@S!error",
 * "client-end@C!close"; "header" for a header line, and "run" for a
 * violation of the whole run (line 0: a hang, a crash, a leak, a harness
 * failure). Nothing of the run's values is in it (not the line number, the
 * connection, a guess or a range), so one bug found by many runs of many
 * seeds has one signature. */
#ifndef WM_EXPLORE_SIG_H
#define WM_EXPLORE_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "explore.h"

#define WM_XSIG_MAX 64             /* bytes of a signature, its NUL included */
#define WM_XSIG_FINDINGS_DEFAULT 20 /* --max-findings */
#define WM_XSIG_FINDINGS_MAX 1000   /* --max-findings' bound: the table's size */

/* o's signature (o->failed), into buf. */
void wm_xsig_of(const struct wm_outcome *o, char *buf, size_t size);

struct wm_xsig_finding {
    char sig[WM_XSIG_MAX];
    uint64_t first_run; /* the run reported in full, and shrunk */
    uint64_t runs;      /* runs failing with it, the first included */
};

/* The signatures found so far, in the order found, at most max of them. */
struct wm_xsig_table {
    struct wm_xsig_finding *f;
    size_t n, max;
    uint64_t past_max; /* failing runs whose signature came when max were held */
};

/* 0, or -1 when out of memory. max: 1 .. WM_XSIG_FINDINGS_MAX. */
int wm_xsig_init(struct wm_xsig_table *t, size_t max);
void wm_xsig_free(struct wm_xsig_table *t);
/* Run `run` failed with signature sig: counted. Returns its finding, with
 * *fresh 1 when sig is new (the caller reports it in full), or NULL when
 * sig is new and max signatures are held (counted in past_max). */
struct wm_xsig_finding *wm_xsig_add(struct wm_xsig_table *t, const char *sig, uint64_t run,
                                    int *fresh);
/* Failing runs counted, past_max included. */
uint64_t wm_xsig_runs(const struct wm_xsig_table *t);

#endif
