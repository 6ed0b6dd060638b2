/* A run's fault plan: what the harness does to a run on purpose, written in
 * the transcript header (`# fault: reset C1 at 57`) so that `warmer check`
 * carries a faulty run out exactly as it happened (docs/TRANSCRIPTS.md).
 * Side faults act at a byte of the side's output, so they land at the same
 * point however the bytes were scheduled. Faults run under the simulator. */
#ifndef WM_FAULT_H
#define WM_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum wm_fault_kind {
    WM_FAULT_RESET,      /* reset X<n> at K: X's output ends after K bytes; it stops (written
                            abort X<n> at K when abortive: its peer then reads a reset) */
    WM_FAULT_HALF_CLOSE, /* half-close X<n> at K: X's output ends after K bytes; it reads on */
    WM_FAULT_STALL,      /* stall X<n> at K: after K bytes X neither reads nor writes; the
                            peer times out */
    WM_FAULT_SLOW,       /* slow X<n>: X reads one byte at a time */
    WM_FAULT_DELAY,      /* delay <n> by K: connection n waits until the run took K steps */
    WM_FAULT_JOURNAL,    /* journal-limit K: each side's journal holds K bytes, then the side
                            ends with an error */
    WM_FAULT_ALLOC,      /* alloc-fail at N: the run's N-th allocation is refused */
    WM_FAULT_KINDS
};

#define WM_MAX_FAULTS 8

struct wm_fault {
    enum wm_fault_kind kind;
    char side;     /* 'C' or 'S' for side faults, else 0 */
    uint32_t conn; /* from 1; 0 for the journal limit */
    uint64_t arg;  /* the byte, the steps or the bytes */
    int abortive;  /* a reset written `abort`: the simulated peer reads a reset (an RST),
                      not the end of the stream */
};

/* "reset C1 at 57", "abort C1 at 57" (the text after "# fault: "). 0, or -1 with err. */
int wm_fault_parse(const char *s, size_t n, struct wm_fault *f, struct wm_err *err);
void wm_fault_format(const struct wm_fault *f, char *buf, size_t size);
const char *wm_fault_name(enum wm_fault_kind k);
/* "reset" -> kind; -1 if unknown. */
int wm_fault_kind_of(const char *name, size_t n);
/* 1 for faults that change what crosses the wire, 0 for scheduling only. */
int wm_fault_destructive(enum wm_fault_kind k);
/* A side fault: acts on one endpoint at a byte of its output. */
int wm_fault_at_byte(enum wm_fault_kind k);
/* A fault that can end a side before its session does (a side fault, or the
 * journal limit), so that what the session says after it is lost. */
int wm_fault_ends_side(enum wm_fault_kind k);

#endif
