/* warmer load's connects (load_int.h). */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load_int.h"
#include "fdflags.h"
#include "net.h"

/* A non-blocking connect to the first address that answers within timeout. */
int wm_load_connect_one(const struct addrinfo *res, int timeout_ms, struct wm_err *err)
{
    int saved = 0;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), one = 1, so = 0;
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (wm_fd_flags(fd, 1) < 0)
            so = errno;
        else if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            so = errno;
            if (so == EINPROGRESS) {
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                socklen_t sl = sizeof so;
                int k = poll(&p, 1, timeout_ms);
                so = k == 0 ? ETIMEDOUT : k < 0 ? errno
                     : getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) < 0 ? errno : so;
            }
        }
        if (so == 0) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        saved = so;
        close(fd);
    }
    wm_err_set(err, "%s%s", strerror(saved),
               saved == EADDRNOTAVAIL ? " (out of local ports? see "
                                        "/proc/sys/net/ipv4/ip_local_port_range)" : "");
    return -1;
}
