/* A warmer record connection (rec_conn.h) driven by hand between two test
 * peers over loopback TCP, in one thread: each round the proxy handles what
 * its fds are ready for, then each peer reads and writes what it can. */
#ifndef WM_RECBENCH_H
#define WM_RECBENCH_H

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "fdflags.h"
#include "net.h"
#include "rec_conn.h"
#include "testutil.h"

/* ---- a test peer: one end of a loopback connection ---- */

#define PEER_MAX (256u << 10)

struct peer {
    int fd;
    char *got;           /* everything received */
    size_t ngot;
    char *out;           /* queued to send */
    size_t nout, oout;
    int shut_pending;    /* shutdown(SHUT_WR) once out is sent */
    int shut, eof, reset;
};

static inline void peer_init(struct peer *p, int fd)
{
    *p = (struct peer){.fd = fd};
    p->got = malloc(PEER_MAX);
    p->out = malloc(PEER_MAX);
    ck_assert(p->got && p->out);
}

static inline void peer_free(struct peer *p)
{
    if (p->fd >= 0)
        close(p->fd);
    free(p->got);
    free(p->out);
}

static inline void peer_queue(struct peer *p, const char *b, size_t n)
{
    ck_assert(p->nout + n <= PEER_MAX);
    memcpy(p->out + p->nout, b, n);
    p->nout += n;
}

/* Reads and writes what can be, without waiting. */
static inline void peer_io(struct peer *p)
{
    if (p->reset)
        return;
    while (!p->eof) {
        ck_assert(p->ngot < PEER_MAX);
        ssize_t n = recv(p->fd, p->got + p->ngot, PEER_MAX - p->ngot, 0);
        if (n > 0)
            p->ngot += (size_t)n;
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            p->eof = 1;
        else
            break;
    }
    while (p->oout < p->nout) {
        ssize_t n = send(p->fd, p->out + p->oout, p->nout - p->oout, MSG_NOSIGNAL);
        if (n > 0)
            p->oout += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        else { /* the proxy cut it: what is left is never sent */
            p->nout = p->oout;
            break;
        }
    }
    if (p->shut_pending && !p->shut && p->oout == p->nout) {
        shutdown(p->fd, SHUT_WR);
        p->shut = 1;
    }
}

/* Ends it at once with a reset (SO_LINGER 0): what it got is final. */
static inline void peer_reset(struct peer *p)
{
    struct linger l = {1, 0};
    peer_io(p);
    setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(p->fd);
    p->fd = -1;
    p->reset = 1;
}

/* A connected loopback pair, both non-blocking. */
static inline void tcp_pair(int *a, int *b)
{
    struct wm_err err;
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int lfd = wm_net_listen("127.0.0.1:0", 4, &err);
    ck_assert_msg(lfd >= 0, "%s", err.msg);
    ck_assert(getsockname(lfd, (struct sockaddr *)&sa, &len) == 0);
    *a = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(*a >= 0 && connect(*a, (struct sockaddr *)&sa, len) == 0);
    *b = wm_net_accept(lfd);
    ck_assert(*b >= 0);
    close(lfd);
    ck_assert(wm_fd_flags(*a, 1) == 0 && wm_fd_flags(*b, 1) == 0);
}

/* ---- the proxy between two peers ---- */

struct bench {
    struct peer cl, sv;     /* the real client and server */
    struct wm_conn_log *log;
    struct wm_rc rc;
    int freed;
};

static inline void bench_init(struct bench *b, size_t max_line)
{
    int c0, c1, s0, s1;
    tcp_pair(&c0, &c1);
    tcp_pair(&s0, &s1);
    peer_init(&b->cl, c0);
    peer_init(&b->sv, s1);
    b->log = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    ck_assert(b->log && wm_rc_init(&b->rc, 1, c1, s0, b->log, max_line) == 0);
    b->freed = 0;
}

static inline void bench_free(struct bench *b)
{
    if (!b->freed)
        wm_rc_free(&b->rc);
    peer_free(&b->cl);
    peer_free(&b->sv);
    wm_conn_logs_free(b->log, 1);
}

/* One round: the proxy handles what its fds are ready for (waiting at most
 * wait_ms), then both peers read and write. */
static inline void bench_round(struct bench *b, int wait_ms)
{
    if (!b->freed && !wm_rc_done(&b->rc)) {
        struct pollfd pf[2];
        for (int i = 0; i < 2; i++) {
            int want = wm_rc_interest(&b->rc, i);
            pf[i] = (struct pollfd){b->rc.side[i].fd,
                                    (short)(((want & WM_RC_READ) ? POLLIN : 0) |
                                            ((want & WM_RC_WRITE) ? POLLOUT : 0)), 0};
        }
        if (poll(pf, 2, wait_ms) > 0)
            for (int i = 0; i < 2 && !wm_rc_done(&b->rc); i++) {
                int r = pf[i].revents;
                int ready = ((r & (POLLIN | POLLHUP | POLLERR)) ? WM_RC_READ : 0) |
                            ((r & (POLLOUT | POLLERR)) ? WM_RC_WRITE : 0);
                if (ready)
                    wm_rc_io(&b->rc, i, ready & (wm_rc_interest(&b->rc, i) | WM_RC_READ));
            }
    }
    peer_io(&b->cl);
    peer_io(&b->sv);
}

enum ending { END_CLOSE, END_STOP, END_EXPIRE };

/* Both peers close (unless reset), or the proxy ends the connection as a
 * signal or --close-wait does; rounds until the proxy is done, then it
 * closes its ends and the peers read what is left. 0, or -1 if it never
 * finished (bounded). */
static inline int bench_end(struct bench *b, enum ending how)
{
    if (how == END_STOP)
        wm_rc_stop(&b->rc);
    else if (how == END_EXPIRE)
        wm_rc_expire(&b->rc);
    b->cl.shut_pending = b->sv.shut_pending = 1;
    int i = 0;
    for (; i < 4000 && !wm_rc_done(&b->rc); i++)
        bench_round(b, i < 100 ? 0 : 5);
    if (!wm_rc_done(&b->rc))
        return -1;
    for (int k = 0; k < 20; k++) /* bytes the proxy wrote are in the kernel: drain them */
        bench_round(b, 0);
    wm_rc_free(&b->rc);
    b->freed = 1;
    for (int k = 0; k < 200 && !((b->cl.eof || b->cl.reset) && (b->sv.eof || b->sv.reset)); k++) {
        bench_round(b, 0);
        poll(NULL, 0, 1);
    }
    return 0;
}

static inline int bench_finish(struct bench *b)
{
    return bench_end(b, END_CLOSE);
}

#endif
