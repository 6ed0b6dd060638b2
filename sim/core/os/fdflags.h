/* A descriptor's flags, set in one place: close-on-exec (no child of ours
 * inherits a socket or pipe) and O_NONBLOCK (event-loop sockets, wake-up
 * pipes) on or off. Each returns 0, or -1 with errno. */
#ifndef WM_FDFLAGS_H
#define WM_FDFLAGS_H

/* Sets close-on-exec and, if nonblock, O_NONBLOCK (a 0 leaves it as is). */
int wm_fd_flags(int fd, int nonblock);
/* Sets close-on-exec only. */
int wm_fd_cloexec(int fd);
/* Turns O_NONBLOCK on (on != 0) or off, close-on-exec untouched. */
int wm_fd_nonblock(int fd, int on);

#endif
