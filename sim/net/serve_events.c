/* warmer serve --driver events: one thread, non-blocking sockets, the event
 * loop of evloop.h (epoll on Linux) over the listening socket, the
 * self-pipe and every connection. Replies are written as soon as they are
 * made (one recv and one send per wake-up of a lockstep connection), so a
 * connection wants to write only while a send could not take all its
 * output, and to read only while its endpoint can take input (open, below
 * the high-water mark, nothing buffered) or while it lingers.
 *
 * Deadlines cost O(1): every open connection has the same idle timeout, so
 * a list kept in order of last received byte has the first to expire at
 * its head; lingering connections sit in a second list, in the order they
 * began to linger. The poll timeout is the nearer of the two heads. */
#include "serve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "net.h"

#define ACCEPTS_PER_ROUND 64

struct econn;

struct elist {
    struct econn *head, *tail;
};

struct econn {
    struct wm_sconn c; /* first: the evloop's ud */
    struct esrv *srv;
    struct econn *prev, *next; /* in srv->active or srv->linger */
    int mask;                  /* the interest the loop has */
    int lingering;
    int64_t deadline; /* idle or linger end, ms; 0 none */
};

struct esrv {
    struct wm_evloop *el;
    const struct wm_serve_opts *o;
    struct wm_serve_stats *st;
    int spare; /* a descriptor to give up when accept runs out of them */
    int signo; /* set by the self-pipe: the loop ends */
    int64_t now; /* ms, read once per round by the first touch; 0 until then */
    struct elist active, linger;
    unsigned open;
};

static void list_del(struct elist *l, struct econn *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        l->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        l->tail = e->prev;
    e->prev = e->next = NULL;
}

static void list_push(struct elist *l, struct econn *e)
{
    e->prev = l->tail;
    e->next = NULL;
    if (l->tail)
        l->tail->next = e;
    else
        l->head = e;
    l->tail = e;
}

static struct elist *list_of(struct econn *e)
{
    return e->lingering ? &e->srv->linger : &e->srv->active;
}

/* A byte arrived: the idle clock restarts and e moves to the back. */
static void touch(struct econn *e)
{
    unsigned idle = e->srv->o->idle_ms;
    if (e->lingering)
        return;
    if (idle && !e->srv->now)
        e->srv->now = wm_serve_now_ms(); /* one clock read per round, not per read */
    e->deadline = idle ? e->srv->now + (int64_t)idle : 0;
    list_del(&e->srv->active, e);
    list_push(&e->srv->active, e);
}

static void conn_close(struct econn *e)
{
    struct esrv *s = e->srv;
    wm_el_del(s->el, e->c.io.fd);
    close(e->c.io.fd);
    list_del(list_of(e), e);
    wm_serve_count(s->st, &e->c);
    wm_sconn_free(&e->c);
    free(e);
    s->open--;
}

static void begin_linger(struct econn *e)
{
    shutdown(e->c.io.fd, SHUT_WR); /* the client sees the end after every reply */
    list_del(&e->srv->active, e);
    e->lingering = 1;
    e->deadline = wm_serve_now_ms() + WM_SERVE_LINGER_MS;
    list_push(&e->srv->linger, e);
}

static int interest(const struct econn *e)
{
    int mask = wm_sockep_interest(&e->c.io);
    return e->lingering ? mask | WM_EL_READ : mask; /* what the client still sends is dropped */
}

static void do_write(struct econn *e)
{
    struct wm_sconn *c = &e->c;
    /* would block: the loop reports room; the peer gone: discarded */
    if (wm_sconn_flush(c) == WM_IO_ERROR) {
        wm_sconn_fail(c, "send: %s", strerror(errno));
        c->io.peer_gone = 1;
        wm_ep_discard(&c->ep);
        wm_ep_abandon(&c->ep);
    }
}

/* Feeds what was read and writes the replies at once, without waiting
 * for the loop to report room: a socket nearly always has it, and the
 * wait cost a round and two interest changes per reply. Repeats while it
 * moves bytes (the output may have stopped the feeding at the high-water
 * mark); each pass takes input or output, so it ends. */
static void pump(struct econn *e)
{
    struct wm_sconn *c = &e->c;
    for (;;) {
        int moved = wm_sockep_feed(&c->io);
        size_t before = wm_ep_pending(&c->ep);
        if (before && !c->io.peer_gone && !c->ep.fault) {
            do_write(e);
            moved |= wm_ep_pending(&c->ep) < before;
        }
        if (!moved || c->ep.fault || wm_inbuf_left(&c->io.in) == 0)
            return;
    }
}

/* Does what needs no readiness, then sets the interest; may free e. */
static void settle(struct econn *e)
{
    struct wm_sconn *c = &e->c;
    if (!e->lingering) {
        pump(e);
        wm_sconn_ack(c); /* the replies are out: the loop waits for input now */
        if (wm_sconn_check_fault(c)) {
            conn_close(e);
            return;
        }
        if (c->io.peer_gone)
            wm_ep_discard(&c->ep); /* nobody will read it */
        if (c->io.eof_done && !c->ep.closed)
            wm_ep_abandon(&c->ep); /* a session open after the end: nothing can come */
        if (c->ep.closed && wm_ep_pending(&c->ep) == 0) {
            if (c->io.eof_done || c->io.peer_gone) {
                conn_close(e);
                return;
            }
            begin_linger(e);
        }
    }
    int mask = interest(e);
    if (mask != e->mask) {
        if (wm_el_set(e->srv->el, c->io.fd, mask) < 0) { /* epoll out of memory: cannot wait */
            wm_sconn_fail(c, "event loop: %s", strerror(errno));
            conn_close(e);
            return;
        }
        e->mask = mask;
    }
}

/* 0, or -1 when e is done and must be closed. */
static int do_read(struct econn *e)
{
    struct wm_sconn *c = &e->c;
    char drop[WM_IO_CHUNK];
    if (e->lingering) {
        size_t got;
        enum wm_io r = wm_sock_recv(c->io.fd, drop, sizeof drop, &got);
        return r == WM_IO_DATA || r == WM_IO_AGAIN ? 0 : -1; /* the client's end: done */
    }
    if (!wm_sockep_wants_read(&c->io))
        return 0;
    enum wm_io r = wm_sconn_recv(c);
    if (r == WM_IO_AGAIN)
        return 0;
    if (r == WM_IO_DATA) {
        touch(e);
        return 0;
    }
    if (r == WM_IO_ERROR) {
        wm_sconn_fail(c, "recv: %s", strerror(errno));
        return -1;
    }
    wm_sockep_end(&c->io, r); /* the end of the stream, or a reset */
    return 0;
}

static void on_conn(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct econn *e = ud;
    (void)el;
    (void)fd;
    if (ready & WM_EL_WRITE)
        do_write(e);
    if ((ready & WM_EL_READ) && do_read(e) < 0) {
        conn_close(e);
        return;
    }
    settle(e);
}

static void add_conn(struct esrv *s, int fd, const char *addr)
{
    if (!wm_serve_admit(s->o, s->st, s->open, addr)) {
        close(fd);
        return;
    }
    struct econn *e = calloc(1, sizeof *e);
    if (!e || wm_sconn_init(&e->c, s->o, s->st->served, fd, addr) < 0) {
        free(e);
        close(fd);
        wm_serve_log(s->o->con, "refused connection from %s: out of memory", addr);
        s->st->refused++;
        return;
    }
    s->st->served++;
    s->open++;
    e->srv = s;
    if (wm_el_add(s->el, fd, 0, on_conn, e) < 0) { /* cannot happen: sized for max_conns */
        wm_sconn_fail(&e->c, "event loop full");
        list_push(&s->active, e);
        conn_close(e);
        return;
    }
    list_push(&s->active, e);
    touch(e);
    settle(e);
}

static void on_listen(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct esrv *s = ud;
    (void)el;
    (void)ready;
    for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
        char addr[80];
        int cfd = wm_serve_accept(fd, 1, addr, sizeof addr);
        if (cfd >= 0) {
            add_conn(s, cfd, addr);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        if (errno == EMFILE || errno == ENFILE) {
            wm_serve_shed(s->o, fd, &s->spare, s->st);
            continue;
        }
        wm_serve_log(s->o->con, "warmer serve: accept: %s", strerror(errno));
        return; /* e.g. ENOBUFS: try again next round */
    }
}

static void on_signal_pipe(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct esrv *s = ud;
    (void)el;
    (void)ready;
    int signo = wm_sig_read(fd);
    if (signo)
        s->signo = signo; /* the loop checks it after this round */
}

/* The poll timeout: until the nearest deadline, or -1. */
static int next_timeout(const struct esrv *s)
{
    int64_t d = 0;
    if (s->active.head && s->active.head->deadline)
        d = s->active.head->deadline;
    if (s->linger.head && (!d || s->linger.head->deadline < d))
        d = s->linger.head->deadline;
    if (!d)
        return -1;
    int64_t left = d - wm_serve_now_ms();
    return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

static void expire(struct esrv *s)
{
    int64_t now = wm_serve_now_ms();
    while (s->linger.head && s->linger.head->deadline <= now)
        conn_close(s->linger.head);
    while (s->active.head && s->active.head->deadline && s->active.head->deadline <= now) {
        struct econn *e = s->active.head;
        char secs[32];
        wm_serve_log(s->o->con, "connection %llu (%s): nothing received for %s s "
                     "(--idle-timeout), closing", (unsigned long long)e->c.num, e->c.addr,
                     wm_seconds_word(secs, sizeof secs, s->o->idle_ms));
        e->c.idle = 1;
        conn_close(e);
    }
}

static void close_all(struct elist *l)
{
    while (l->head) {
        l->head->c.cut = !l->head->lingering;
        conn_close(l->head);
    }
}

int wm_serve_events(int lfd, int sigfd, const struct wm_serve_opts *o, struct wm_serve_stats *st,
                    int *signo, struct wm_err *err)
{
    struct esrv s = {.o = o, .st = st};
    int rc = -1;
    s.spare = wm_serve_spare_fd();
    s.el = wm_el_new(o->max_conns + 2, 0);
    if (!s.el) {
        wm_err_set(err, "out of memory for an event loop of %u connections", o->max_conns);
        goto out;
    }
    if (wm_net_set_flags(lfd, 1) < 0 ||
        wm_el_add(s.el, lfd, WM_EL_READ, on_listen, &s) < 0 ||
        wm_el_add(s.el, sigfd, WM_EL_READ, on_signal_pipe, &s) < 0) {
        wm_err_set(err, "cannot set up the event loop: %s", strerror(errno));
        goto out;
    }
    for (;;) {
        int r = wm_el_once(s.el, next_timeout(&s));
        s.now = 0;
        if (r < 0 && errno != EINTR) {
            wm_err_set(err, "poll: %s", strerror(errno));
            goto out;
        }
        if (s.signo)
            break;
        expire(&s);
    }
    *signo = s.signo;
    rc = 0;
out:
    close_all(&s.active);
    close_all(&s.linger);
    wm_el_free(s.el);
    if (s.spare >= 0)
        close(s.spare);
    return rc;
}
