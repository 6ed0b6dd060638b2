/* The open-file limit a run needs: the soft RLIMIT_NOFILE is raised as far as
 * asked (never past the hard limit, which only root can move); when even the
 * hard limit is too low the caller fails at once, saying so. */
#ifndef WM_FDLIMIT_H
#define WM_FDLIMIT_H

#include <stdint.h>

#include "err.h"

/* Descriptors warmer keeps for itself beyond what a run's connections use
 * (stdio, a listening socket, an event loop, a spool file). */
#define WM_FD_SPARE 32

/* Makes at least want descriptors openable: 0, or -1 with err naming the
 * limits and how to raise them (what is the subject of the message, e.g.
 * "--connections 600"). */
int wm_fd_limit_raise(uint64_t want, const char *what, struct wm_err *err);

#endif
