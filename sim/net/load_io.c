/* warmer load's event backend and connects (load_int.h): epoll on Linux,
 * evloop's poll loop elsewhere; both level-triggered, a connection watched
 * for reading always and for writing only while its output waits. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "load_int.h"
#include "net.h"

#ifdef WM_LOAD_EPOLL
#include <sys/epoll.h>
#define EVENTS 256 /* events taken per epoll_wait */
#else
#include "evloop.h"
#endif

uint64_t wm_load_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#ifdef WM_LOAD_EPOLL
int wm_load_be_init(struct wm_load_eng *L)
{
    L->ep = epoll_create1(EPOLL_CLOEXEC);
    return L->ep < 0 ? -1 : 0;
}

void wm_load_be_free(struct wm_load_eng *L)
{
    if (L->ep >= 0)
        close(L->ep);
}

static int watch(struct wm_load_eng *L, struct wm_load_conn *c, int op)
{
    struct epoll_event ev = {.events = EPOLLIN | (c->want_write ? EPOLLOUT : 0u),
                             .data.u32 = c->id - 1};
    return epoll_ctl(L->ep, op, c->fd, &ev);
}

int wm_load_be_add(struct wm_load_eng *L, struct wm_load_conn *c)
{
    return watch(L, c, EPOLL_CTL_ADD);
}

void wm_load_be_set(struct wm_load_eng *L, struct wm_load_conn *c)
{
    watch(L, c, EPOLL_CTL_MOD);
}

void wm_load_be_del(struct wm_load_eng *L, struct wm_load_conn *c)
{
    epoll_ctl(L->ep, EPOLL_CTL_DEL, c->fd, NULL);
}

int wm_load_be_wait(struct wm_load_eng *L, int timeout_ms)
{
    struct epoll_event ev[EVENTS];
    int k = epoll_wait(L->ep, ev, EVENTS, timeout_ms);
    for (int i = 0; i < k; i++) {
        struct wm_load_conn *c = &L->c[ev[i].data.u32];
        uint32_t e = ev[i].events;
        if (c->fd >= 0)
            wm_load_on_ready(c, (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0, (e & EPOLLOUT) != 0, wm_load_now_ns());
    }
    return k;
}
#else
int wm_load_be_init(struct wm_load_eng *L)
{
    L->el = wm_el_new(L->n, 0);
    return L->el ? 0 : -1;
}

void wm_load_be_free(struct wm_load_eng *L)
{
    wm_el_free(L->el);
}

static void el_ready(struct wm_evloop *el, int fd, int ready, void *ud)
{
    (void)el, (void)fd;
    wm_load_on_ready(ud, (ready & WM_EL_READ) != 0, (ready & WM_EL_WRITE) != 0, wm_load_now_ns());
}

int wm_load_be_add(struct wm_load_eng *L, struct wm_load_conn *c)
{
    return wm_el_add(L->el, c->fd, WM_EL_READ, el_ready, c);
}

void wm_load_be_set(struct wm_load_eng *L, struct wm_load_conn *c)
{
    wm_el_set(L->el, c->fd, WM_EL_READ | (c->want_write ? WM_EL_WRITE : 0));
}

void wm_load_be_del(struct wm_load_eng *L, struct wm_load_conn *c)
{
    wm_el_del(L->el, c->fd);
}

int wm_load_be_wait(struct wm_load_eng *L, int timeout_ms)
{
    return wm_el_once(L->el, timeout_ms);
}
#endif

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
        if (wm_net_set_flags(fd, 1) < 0)
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
