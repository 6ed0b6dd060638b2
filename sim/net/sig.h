/* SIGINT and SIGTERM, for every command that stops cleanly on them (serve,
 * record, load, check, interop, explore): the one place that holds what a
 * signal handler needs, a self-pipe and the number of the signal caught.
 *
 * The handler writes the signal's number to a non-blocking self-pipe and
 * keeps the first number caught. A loop that polls takes the read end:
 * serve and record read the number from it (evloop's wm_el_signal, serve's
 * threads driver wm_sig_read); the others leave
 * it unread, so it stays readable once a signal came and any number of
 * threads can poll it to learn that the run is stopping. With
 * WM_SIG_SECOND_KILLS, a second signal a second or more after the first
 * takes the default action at once (the process dies of it, reports
 * unwritten); one sooner is the same stop sent twice (timeout(1) signals
 * the command, then its process group) and changes nothing. SIGPIPE is
 * ignored. */
#ifndef WM_SIG_H
#define WM_SIG_H

#include <pthread.h>

#include "err.h"

/* The shell's convention for a death by signal s, which an interrupted
 * command exits with: 130 after SIGINT, 143 after SIGTERM. */
#define WM_EXIT_SIGNAL(s) (128 + (s))

enum { WM_SIG_SECOND_KILLS = 1 };

/* Installs the handlers (flags: WM_SIG_SECOND_KILLS or 0). Returns the
 * self-pipe's read end, or -1 with err. Syscalls other than the waits
 * (poll, epoll_wait, nanosleep, which a signal always cuts short) restart. */
int wm_sig_install(unsigned flags, struct wm_err *err);
/* Restores the previous handlers and closes the self-pipe. */
void wm_sig_restore(void);
/* The self-pipe's read end, -1 when not installed. */
int wm_sig_fd(void);
/* The first signal caught since wm_sig_install, 0 if none. */
int wm_sig_caught(void);
/* Reads one signal number from the self-pipe (0 if none yet). */
int wm_sig_read(int sigfd);
/* "SIGINT", "SIGTERM", or "signal N". buf holds at least 24 bytes. */
const char *wm_sig_name(int signo, char *buf, size_t size);

/* A thread that waits for the signal and calls fn(ctx, signo) once, for
 * a command whose threads block elsewhere (a pool's results, a peer). */
struct wm_sig_watch {
    void (*fn)(void *ctx, int signo);
    void *ctx;
    int wake[2]; /* written by wm_sig_watch_end: the run is over */
    pthread_t tid;
    int started;
};
/* 0, or -1 with err. Needs wm_sig_install first. */
int wm_sig_watch_start(struct wm_sig_watch *w, void (*fn)(void *ctx, int signo), void *ctx,
                       struct wm_err *err);
/* Ends the thread (fn is not called after this returns) and joins it; does
 * nothing for a watcher that did not start (zeroed, or start failed). */
void wm_sig_watch_end(struct wm_sig_watch *w);

#endif
