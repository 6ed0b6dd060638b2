/* A descriptor's flags (fdflags.h). */
#include "fdflags.h"

#include <fcntl.h>

int wm_fd_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    return fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0 ? -1 : 0;
}

int wm_fd_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0 ? -1 : 0;
}

int wm_fd_flags(int fd, int nonblock)
{
    if (wm_fd_cloexec(fd) < 0)
        return -1;
    return nonblock ? wm_fd_nonblock(fd, 1) : 0;
}
