/* The deterministic simulator: every connection of a run in one thread,
 * over in-process transports, with a seeded scheduler choosing which ready
 * endpoint steps next. Same seed, same steps; the transcript never depends
 * on the steps anyway (see journal.h). */
#ifndef WM_SIM_H
#define WM_SIM_H

#include <stdint.h>

#include "conn.h"
#include "fault.h"
#include "stream.h"
#include "transport.h"

#define WM_DEFAULT_MAX_STEPS 4000000000ULL

struct wm_sim_opts {
    enum wm_transport_kind transport;
    uint64_t max_steps; /* bound on scheduler steps for the whole run */
    const struct wm_fault *faults; /* the run's plan (slow and delay act here) */
    unsigned nfaults;
    struct wm_stream *stream; /* settles each connection's records after its steps */
};

/* Runs conns[0..n) to the end. 0 when every side closed; -1 with err on a
 * harness failure (a limit, no progress, a transport error). */
int wm_sim_run(struct wm_conn *conns, unsigned n, uint64_t seed, int chunking,
               const struct wm_sim_opts *opts, struct wm_err *err);

#endif
