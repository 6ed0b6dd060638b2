/* The open-file limit a run needs, in one place: the soft RLIMIT_NOFILE is
 * raised as far as asked (never past the hard limit, which only root can
 * move). run/check/replay fail at once when even the hard limit is too low,
 * load exits 2, serve raises it as far as it goes and says so: each words its
 * own message from what wm_fd_raise reports. */
#ifndef WM_FDLIMIT_H
#define WM_FDLIMIT_H

#include <stdint.h>

#include "err.h"

/* Descriptors warmer keeps for itself beyond what a run's or serve's
 * connections use (stdio, a listening socket, an event loop, a spool file).
 * load keeps its own, WM_LOAD_FD_SLACK (load.h). */
#define WM_FD_SPARE 32

enum wm_fd_raise {
    WM_FD_RAISED,     /* at least want are openable now (or the limit is unknown) */
    WM_FD_HARD_LOW,   /* the hard limit is below want */
    WM_FD_SET_FAILED, /* setrlimit refused */
};

/* The limits after a wm_fd_raise: the soft limit in effect, and the hard one. */
struct wm_fd_limits {
    uint64_t cur, max;
};

/* Raises the soft limit to want. When the hard limit is lower, raises it to
 * the hard limit if partial, else leaves it. */
enum wm_fd_raise wm_fd_raise(uint64_t want, int partial, struct wm_fd_limits *got);

/* The soft limit now: every descriptor the process can open is below it;
 * cap when it is unknown, infinite or above cap. */
unsigned wm_fd_limit_now(unsigned cap);

/* Makes at least want descriptors openable: 0, or -1 with err naming the
 * limits and how to raise them (what is the subject of the message, e.g.
 * "a run of 600 connections"). */
int wm_fd_limit_raise(uint64_t want, const char *what, struct wm_err *err);

#endif
