#include "sock_ep.h"

#include <assert.h>
#include <errno.h>
#include <sys/socket.h>

#include "evloop.h"

/* What errno means after a failed recv or send (EINTR aside). */
static enum wm_io sort_errno(int e)
{
    if (e == EAGAIN || e == EWOULDBLOCK)
        return WM_IO_AGAIN;
    if (e == ECONNRESET)
        return WM_IO_RESET;
    if (e == EPIPE)
        return WM_IO_EOF;
    return WM_IO_ERROR;
}

enum wm_io wm_sock_recv(int fd, void *buf, size_t cap, size_t *got)
{
    assert(cap > 0);
    *got = 0;
    for (int tries = 0; tries < WM_SOCK_EINTR_MAX; tries++) {
        ssize_t r = recv(fd, buf, cap, 0);
        if (r > 0) {
            *got = (size_t)r;
            return WM_IO_DATA;
        }
        if (r == 0)
            return WM_IO_EOF;
        if (errno != EINTR)
            return sort_errno(errno);
    }
    return WM_IO_ERROR; /* errno is EINTR */
}

enum wm_io wm_sock_send(int fd, const void *p, size_t n, size_t *put)
{
    assert(n > 0);
    *put = 0;
    for (int tries = 0; tries < WM_SOCK_EINTR_MAX; tries++) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            *put = (size_t)w;
            return WM_IO_DATA;
        }
        if (w == 0) { /* never for n > 0 on a stream socket */
            errno = EIO;
            return WM_IO_ERROR;
        }
        if (errno != EINTR)
            return sort_errno(errno);
    }
    return WM_IO_ERROR; /* errno is EINTR */
}

void wm_sockep_init(struct wm_sockep *s, int fd, struct wm_endpoint *ep)
{
    *s = (struct wm_sockep){.fd = fd, .ep = ep};
}

int wm_sockep_wants_read(const struct wm_sockep *s)
{
    return wm_ep_can_take(s->ep) && wm_inbuf_left(&s->in) == 0 && !s->eof_done;
}

int wm_sockep_interest(const struct wm_sockep *s)
{
    int mask = wm_ep_pending(s->ep) ? WM_EL_WRITE : 0;
    return wm_sockep_wants_read(s) ? mask | WM_EL_READ : mask;
}

int wm_sockep_feed(struct wm_sockep *s)
{
    if (wm_inbuf_left(&s->in) == 0 || !wm_ep_can_take(s->ep))
        return 0;
    return wm_ep_feed_inbuf(s->ep, &s->in) > 0;
}

enum wm_io wm_sockep_recv(struct wm_sockep *s, size_t max)
{
    assert(wm_inbuf_left(&s->in) == 0);
    size_t cap = max && max < sizeof s->in.data ? max : sizeof s->in.data, got;
    enum wm_io rc = wm_sock_recv(s->fd, s->in.data, cap, &got);
    if (rc == WM_IO_DATA) {
        s->in.off = 0;
        s->in.len = got;
        s->rcvd += got;
    }
    return rc;
}

void wm_sockep_end(struct wm_sockep *s, enum wm_io rc)
{
    if (s->eof_done || (rc != WM_IO_EOF && rc != WM_IO_RESET))
        return;
    s->eof_done = 1;
    if (rc == WM_IO_RESET)
        wm_ep_reset(s->ep);
    else
        wm_ep_eof(s->ep);
}

enum wm_io wm_sockep_read(struct wm_sockep *s)
{
    enum wm_io rc = wm_sockep_recv(s, 0);
    if (rc == WM_IO_DATA)
        wm_sockep_feed(s);
    else
        wm_sockep_end(s, rc);
    return rc;
}

enum wm_io wm_sockep_send(struct wm_sockep *s, size_t n, size_t *put)
{
    assert(n > 0 && n <= wm_ep_pending(s->ep));
    *put = 0;
    enum wm_io rc = s->peer_gone ? WM_IO_EOF
                                 : wm_sock_send(s->fd, wm_ep_pending_data(s->ep), n, put);
    if (rc == WM_IO_DATA) {
        s->sent += *put;
        wm_ep_consumed(s->ep, *put);
    } else if (rc == WM_IO_EOF || rc == WM_IO_RESET) {
        s->peer_gone = 1; /* nobody will read it; reading will show the end */
        wm_ep_discard(s->ep);
    }
    return rc;
}

enum wm_io wm_sockep_flush(struct wm_sockep *s)
{
    /* Each pass sends or discards what is pending; only a holding script
     * playing on (as the output drains) queues more. */
    while (wm_ep_pending(s->ep) > 0) {
        size_t put;
        enum wm_io rc = wm_sockep_send(s, wm_ep_pending(s->ep), &put);
        if (rc == WM_IO_AGAIN || rc == WM_IO_ERROR)
            return rc;
    }
    return WM_IO_DATA;
}
