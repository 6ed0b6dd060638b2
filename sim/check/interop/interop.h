/* warmer interop, one case: a fresh peer process started from the user's
 * command, one side of the transcript replayed against it over TCP, and the
 * peer's exit status judged (a server after SIGTERM, a client when its
 * connection ended), so a leak checker's exit code fails the case. */
#ifndef WM_INTEROP_H
#define WM_INTEROP_H

#include <stdio.h>
#include <sys/types.h>

#include "cfg.h"
#include "net.h"
#include "report.h"

struct wm_interop_opts {
    int test_server;     /* --server: COMMAND is a server; else a client */
    const char *command; /* with {seed} {port} {host} {games} {max-line} {max-guesses} */
    const char *host;    /* {host}: where a server listens, or where warmer does */
    int timeout_ms;      /* each wait for the peer's lines and closes */
    int close_window_ms; /* a close before the line that should cause it (live.h) */
    int process_timeout_ms; /* for a peer process to listen, connect, exit */
    size_t max_journal;
    enum wm_profile profile; /* the peer is judged under (--profile): rederive.h */
    const char *prog;    /* argv[0], for reproduce lines */
    const char *repro_opts; /* the options to repeat in a reproduce line */
    struct wm_port_pool *ports; /* for {port}, shared by concurrent cases */
    /* Called with the running peer's process group (0 once it has ended),
     * so a signal can stop it; may be NULL. */
    void (*track)(void *ctx, pid_t pgid);
    void *track_ctx;
};

/* Runs the case for the transcript at path and writes its report to out:
 * "ok PATH", "skip PATH: why", or "FAIL PATH...: why" with the details. The
 * rest of *res (status, message, first differing line, reproduce command;
 * not text or seconds) is filled in for the reports; free it with
 * wm_case_result_free. Returns res->status. */
enum wm_case_status wm_interop_case(FILE *out, const char *path, const struct wm_interop_opts *o,
                                    struct wm_case_result *res);

/* The command, its placeholders and the skip rules (interop_cmd.c). */
int wm_interop_has(const char *cmd, const char *key); /* COMMAND has the placeholder key */
/* COMMAND with its placeholders filled in from cfg (malloc'd), or NULL. */
char *wm_interop_fill(const struct wm_interop_opts *o, const struct wm_cfg *cfg, const char *port);
/* Why a file of cfg cannot run against COMMAND (in buf or static), or NULL. */
const char *wm_interop_skip_reason(const struct wm_interop_opts *o, const struct wm_cfg *cfg,
                                   char *buf, size_t size);

#endif
