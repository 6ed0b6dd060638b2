/* A peer started from a user's shell command (warmer interop): run by
 * /bin/sh in its own process group, stdin and stdout on /dev/null, stderr
 * kept in an unlinked temporary file, so it never blocks on a pipe nobody
 * reads. Stopping signals the whole group; the shell is told to trap
 * SIGTERM, so it waits for the command and reports the command's status.
 * Once the shell has ended, whatever is left in its group (a command's
 * background children) is killed before the shell is reaped. */
#ifndef WM_PROC_H
#define WM_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "clock.h" /* wm_sleep_ms, for those who poll a child */
#include "err.h"

/* Bytes of a peer's stderr searched for "listening on HOST:PORT", and shown
 * (its tail) when a case fails. */
#define WM_PROC_SCAN_MAX 65536
#define WM_PROC_TAIL_MAX 1536

struct wm_proc {
    pid_t pid;   /* the shell, leader of the group; 0 once reaped */
    int err_fd;  /* the temporary file with its stderr */
    int status;  /* waitpid status, valid once reaped */
};

/* 0, or -1 with err. */
int wm_proc_start(struct wm_proc *p, const char *command, struct wm_err *err);
/* 1 if still running (reaps it otherwise). */
int wm_proc_alive(struct wm_proc *p);
/* Waits up to timeout_ms for it to end: 1 ended (status set), 0 still running. */
int wm_proc_wait(struct wm_proc *p, int timeout_ms);
/* SIGTERM to the group, then up to grace_ms; SIGKILL after that. 1 if it
 * ended within the grace, 0 if it had to be killed. Reaped either way. */
int wm_proc_stop(struct wm_proc *p, int grace_ms);
/* Releases what is left (kills and reaps the group if still running). */
void wm_proc_free(struct wm_proc *p);

/* 1 when the status is a clean end: exit 0, or death by SIGTERM (also as
 * the shell reports it, exit 143), if stopped; else "exited with status 99"
 * or "died of signal 11 (Segmentation fault)" in why. */
int wm_proc_ok(const struct wm_proc *p, int stopped, char *why, size_t size);
/* "exit 0", "exit 1", "signal 9": for messages. */
void wm_proc_describe(const struct wm_proc *p, char *buf, size_t size);

/* The address of the first "listening on HOST:PORT" line on its stderr so
 * far: 1 found, 0 not yet. */
int wm_proc_listening(const struct wm_proc *p, char *addr, size_t size);
/* The last lines of its stderr, each prefixed with indent (NUL-terminated). */
void wm_proc_stderr_tail(const struct wm_proc *p, const char *indent, char *buf, size_t size);

#endif
