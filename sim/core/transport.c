#include "transport.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdflags.h"

/* A memory pipe's buffer (past its WM_PIPE_SMALL own bytes) grows with
 * what is in flight, up to WM_PIPE_CAP, and is the harness's memory (plain
 * malloc, not counted by an alloc-fail fault, so both transports refuse the
 * same allocation). */
#define PIPE_FIRST_CAP 512

/* Where a pipe's bytes are, and how many fit there: its buffer, or its own. */
static char *pipe_data(struct wm_pipe *q)
{
    return q->buf ? q->buf : q->small;
}

static size_t pipe_room(const struct wm_pipe *q)
{
    return q->buf ? q->cap : sizeof q->small;
}

int wm_tr_open(struct wm_transport *t, enum wm_transport_kind kind, struct wm_err *err)
{
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->fd[0] = t->fd[1] = -1;
    if (kind == WM_TR_MEMORY)
        return 0; /* its buffers come with its first bytes */
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, t->fd) < 0) {
        wm_err_set(err, "socketpair: %s", strerror(errno));
        t->fd[0] = t->fd[1] = -1;
        return -1;
    }
    for (int s = 0; s < 2; s++) {
        if (wm_fd_nonblock(t->fd[s], 1) < 0) {
            wm_err_set(err, "fcntl O_NONBLOCK: %s", strerror(errno));
            wm_tr_close(t);
            return -1;
        }
    }
    return 0;
}

void wm_tr_close(struct wm_transport *t)
{
    for (int s = 0; s < 2; s++) {
        if (t->fd[s] >= 0)
            close(t->fd[s]);
        t->fd[s] = -1;
        free(t->pipe[s].buf);
        t->pipe[s].buf = NULL;
    }
}

long wm_tr_write(struct wm_transport *t, int side, const char *p, size_t n)
{
    if (t->shut[side] || t->shut[!side] || t->wshut[side])
        return -1;
    if (t->kind == WM_TR_SOCKETPAIR) {
        ssize_t w = send(t->fd[side], p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w >= 0)
            return (long)w;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }
    struct wm_pipe *q = &t->pipe[side];
    size_t room = WM_PIPE_CAP - q->len, k = n < room ? n : room;
    if (k == 0)
        return 0;
    size_t cap = pipe_room(q);
    if (q->head + q->len + k > cap) {
        char *d = pipe_data(q);
        if (q->len)
            memmove(d, d + q->head, q->len);
        q->head = 0;
        if (q->len + k > cap) {
            size_t ncap = q->buf ? q->cap : PIPE_FIRST_CAP;
            while (ncap < q->len + k)
                ncap *= 2;
            char *nb = realloc(q->buf, ncap);
            if (!nb)
                return -2;
            if (!q->buf)
                memcpy(nb, q->small, q->len);
            q->buf = nb;
            q->cap = ncap;
        }
    }
    memcpy(pipe_data(q) + q->head + q->len, p, k);
    q->len += k;
    assert(q->head + q->len <= pipe_room(q) && q->len <= WM_PIPE_CAP);
    return (long)k; /* like a socket's buffer */
}

long wm_tr_read(struct wm_transport *t, int side, char *p, size_t n)
{
    if (t->kind == WM_TR_SOCKETPAIR) {
        ssize_t r = recv(t->fd[side], p, n, MSG_DONTWAIT);
        if (r >= 0)
            return (long)r;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return -1;
        return 0; /* a reset reads as the end of the stream */
    }
    struct wm_pipe *q = &t->pipe[!side];
    if (q->len == 0)
        return t->shut[!side] || t->wshut[!side] ? 0 : -1;
    size_t k = n < q->len ? n : q->len;
    memcpy(p, pipe_data(q) + q->head, k);
    q->head += k;
    q->len -= k;
    if (q->len == 0) { /* drained: a buffer goes back, so idle pipes hold nothing */
        free(q->buf);
        q->buf = NULL;
        q->head = q->cap = 0;
    }
    return (long)k;
}

void wm_tr_shutdown_write(struct wm_transport *t, int side)
{
    if (t->shut[side] || t->wshut[side])
        return;
    t->wshut[side] = 1;
    if (t->kind == WM_TR_SOCKETPAIR)
        shutdown(t->fd[side], SHUT_WR);
}

void wm_tr_shutdown(struct wm_transport *t, int side)
{
    if (t->shut[side])
        return;
    t->shut[side] = 1;
    if (t->kind == WM_TR_SOCKETPAIR)
        shutdown(t->fd[side], SHUT_RDWR);
    else
        t->pipe[!side].len = 0; /* what was in flight to this side is dropped */
}
