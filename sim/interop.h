/* warmer interop, one case: a fresh peer process started from the user's
 * command, one side of the transcript replayed against it over TCP, and the
 * peer's exit status judged (a server after SIGTERM, a client when its
 * connection ended), so a leak checker's exit code fails the case. */
#ifndef WM_INTEROP_H
#define WM_INTEROP_H

#include <stdio.h>
#include <sys/types.h>

#include "net.h"

struct wm_interop_opts {
    int test_server;     /* --server: COMMAND is a server; else a client */
    const char *command; /* with {seed} {port} {host} {games} {max-line} {max-guesses} */
    const char *host;    /* {host}: where a server listens, or where warmer does */
    int timeout_ms;      /* each wait for the peer's lines and closes */
    int process_timeout_ms; /* for a peer process to listen, connect, exit */
    size_t max_journal;
    const char *prog;    /* argv[0], for reproduce lines */
    const char *repro_opts; /* the options to repeat in a reproduce line */
    struct wm_port_pool *ports; /* for {port}, shared by concurrent cases */
    /* Called with the running peer's process group (0 once it has ended),
     * so a signal can stop it; may be NULL. */
    void (*track)(void *ctx, pid_t pgid);
    void *track_ctx;
};

enum wm_case_end { WM_CASE_PASS, WM_CASE_FAIL, WM_CASE_SKIP, WM_CASE_BAD_FILE };

/* Runs the case for the transcript at path and writes its report to out:
 * "ok PATH", "skip PATH: why", or "FAIL PATH...: why" with the details. */
enum wm_case_end wm_interop_case(FILE *out, const char *path, const struct wm_interop_opts *o);

#endif
