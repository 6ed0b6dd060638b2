/* warmer explore --server 'CMD' and --client 'CMD': a live implementation
 * started afresh from a shell command for every run, every shrinking step
 * and every re-run, so that nothing a run leaves behind in the process (a
 * shared generator, a hung thread still drawing) reaches the next one: the
 * shrink and the re-runs see the same process the finding saw. The
 * command's placeholders are interop's (interop.h: {port} {seed} {host}
 * {games} {max-line} {max-guesses}), its process is run, stopped and
 * reaped by proc.h, its port taken from net.h's pool.
 *
 * --server: the server is started on a free {port} with the run's seed, our
 * client plays the run against it as --connect does (explore_live.h), then
 * it gets SIGTERM and must exit 0 (or die of SIGTERM) within
 * --process-timeout (else it is killed, and the run is a finding of kind
 * exit). --client: the run is made in process (the model), and its server
 * side is replayed to the client started against {port}, which is judged as
 * `warmer interop --client` judges one (its lines, closes and exit). */
#ifndef WM_EXPLORE_PROC_H
#define WM_EXPLORE_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "explore_live.h"
#include "net.h"

/* The default --process-timeout: for a command to listen or connect, and
 * to exit once stopped or done. */
#define WM_XPROC_TIMEOUT_MS 10000
/* Where fresh servers listen, and where explore listens for a client. */
#define WM_XPROC_HOST "127.0.0.1"

struct wm_xproc {
    int test_server;        /* --server; else --client */
    const char *command;    /* with interop's placeholders; {port} required */
    const char *prog;       /* argv[0], for reproduce lines */
    int process_timeout_ms; /* --process-timeout */
    struct wm_port_pool ports;
};

/* Sets up p (ports from the machine's shared pool); free with wm_xproc_free. */
void wm_xproc_init(struct wm_xproc *p, int test_server, const char *command, const char *prog,
                   int process_timeout_ms);
void wm_xproc_free(struct wm_xproc *p);

/* A wm_scn_runner body for lt->proc: one run against a fresh process.
 * lt->made counts the connections made. 0, or -1 (out of memory). */
int wm_xproc_run(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o);

/* The reproduce lines of run k (file: the case written, shell-quoted;
 * draw: the options that change the draw, as " --profile book"): the file
 * against a fresh process by `warmer interop`, and the run from the seed
 * alone by `warmer explore`. */
void wm_xproc_reproducers(const struct wm_live_target *lt, const char *file, uint64_t seed,
                          uint64_t k, const char *draw, char *from_file, char *from_seed,
                          size_t size);

#endif
