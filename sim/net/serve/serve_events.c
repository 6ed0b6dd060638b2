/* warmer serve --driver events: one thread, non-blocking sockets, the event
 * loop of evloop.h (epoll on Linux) over the listening socket, the
 * self-pipe and every connection. Replies are written as soon as they are
 * made (one recv and one send per wake-up of a lockstep connection), so a
 * connection wants to write only while a send could not take all its
 * output, and to read only while its endpoint can take input (open, below
 * the high-water mark, nothing buffered) or while it lingers.
 *
 * Each open connection has one timer on the loop (evloop.h): its idle
 * timeout, restarted by every byte received, or the end of its lingering.
 * SIGINT and SIGTERM come through the loop's signal source. */
#include "serve.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "fdflags.h"
#include "net.h"

#define ACCEPTS_PER_ROUND 64

struct evsconn {
    struct wm_sconn c; /* first: the evloop's ud */
    struct esrv *srv;
    struct evsconn *prev, *next; /* in srv->open_list, for the shutdown */
    int mask;                  /* the interest the loop has */
    int lingering;
    wm_el_timer timer;         /* idle or linger end; 0 none */
};

struct esrv {
    struct wm_evloop *el;
    const struct wm_serve_opts *o;
    struct wm_serve_stats *st;
    int spare; /* a descriptor to give up when accept runs out of them */
    int signo; /* set by the signal source: the loop stops */
    struct evsconn *open_list;
    unsigned open;
};

static void on_timer(struct wm_evloop *el, void *ud);

/* (Re)arms e's one timer for ms from the loop's now; it is sized for
 * every connection, so arming never fails. */
static void arm(struct evsconn *e, int64_t ms)
{
    struct wm_evloop *el = e->srv->el;
    if (!e->timer || wm_el_timer_set(el, e->timer, ms) < 0)
        e->timer = wm_el_timer_add(el, ms, on_timer, e);
    assert(e->timer != 0);
}

/* A byte arrived: the idle clock restarts. */
static void touch(struct evsconn *e)
{
    unsigned idle = e->srv->o->idle_ms;
    if (e->lingering || !idle)
        return;
    arm(e, (int64_t)idle);
}

static void conn_close(struct evsconn *e)
{
    struct esrv *s = e->srv;
    wm_el_del(s->el, e->c.io.fd);
    close(e->c.io.fd);
    if (e->timer)
        wm_el_timer_del(s->el, e->timer);
    if (e->prev)
        e->prev->next = e->next;
    else
        s->open_list = e->next;
    if (e->next)
        e->next->prev = e->prev;
    wm_serve_count(s->st, &e->c);
    wm_sconn_free(&e->c);
    free(e);
    s->open--;
}

static void begin_linger(struct evsconn *e)
{
    shutdown(e->c.io.fd, SHUT_WR); /* the client sees the end after every reply */
    e->lingering = 1;
    arm(e, WM_SERVE_LINGER_MS);
}

static int interest(const struct evsconn *e)
{
    int mask = wm_sockep_interest(&e->c.io);
    return e->lingering ? mask | WM_EL_READ : mask; /* what the client still sends is dropped */
}

static void do_write(struct evsconn *e)
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
static void pump(struct evsconn *e)
{
    struct wm_sconn *c = &e->c;
    for (;;) {
        int moved = wm_sockep_feed(&c->io);
        size_t before = wm_ep_pending(&c->ep);
        if (before && !c->io.peer_gone && !wm_ep_faulted(&c->ep)) {
            do_write(e);
            moved |= wm_ep_pending(&c->ep) < before;
        }
        if (!moved || wm_ep_faulted(&c->ep) || wm_inbuf_left(&c->io.in) == 0)
            return;
    }
}

/* Does what needs no readiness, then sets the interest; may free e. */
static void settle(struct evsconn *e)
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
        if (c->io.eof_done && !wm_ep_closed(&c->ep))
            wm_ep_abandon(&c->ep); /* a session open after the end: nothing can come */
        if (wm_ep_closed(&c->ep) && wm_ep_pending(&c->ep) == 0) {
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
static int do_read(struct evsconn *e)
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
    struct evsconn *e = ud;
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
    struct evsconn *e = calloc(1, sizeof *e);
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
    e->next = s->open_list;
    if (s->open_list)
        s->open_list->prev = e;
    s->open_list = e;
    if (wm_el_add(s->el, fd, 0, on_conn, e) < 0) { /* cannot happen: sized for max_conns */
        wm_sconn_fail(&e->c, "event loop full");
        conn_close(e);
        return;
    }
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
        int cfd;
        switch (wm_net_accept_peer(fd, 1, addr, sizeof addr, &cfd)) {
        case WM_ACCEPT_OK:
            add_conn(s, cfd, addr);
            continue;
        case WM_ACCEPT_DRAINED:
            return;
        case WM_ACCEPT_RETRY:
            continue;
        case WM_ACCEPT_NO_FDS:
            wm_serve_shed(s->o, fd, &s->spare, s->st);
            continue;
        case WM_ACCEPT_ERROR:
            wm_serve_log(s->o->con, "warmer serve: accept: %s", strerror(errno));
            return; /* e.g. ENOBUFS: try again next round */
        }
    }
}

static void on_signal(struct wm_evloop *el, int signo, void *ud)
{
    struct esrv *s = ud;
    s->signo = signo;
    wm_el_stop(el); /* the round's timers do not fire: what is open is cut */
}

/* A connection's timer: its lingering ended, or it sat idle too long. */
static void on_timer(struct wm_evloop *el, void *ud)
{
    struct evsconn *e = ud;
    struct esrv *s = e->srv;
    (void)el;
    e->timer = 0;
    if (!e->lingering) {
        char secs[32];
        wm_serve_log(s->o->con, "connection %llu (%s): nothing received for %s s "
                     "(--idle-timeout), closing", (unsigned long long)e->c.num, e->c.addr,
                     wm_seconds_word(secs, sizeof secs, s->o->idle_ms));
        e->c.idle = 1;
    }
    conn_close(e);
}

int wm_serve_events(int lfd, int sigfd, const struct wm_serve_opts *o, struct wm_serve_stats *st,
                    int *signo, struct wm_err *err)
{
    struct esrv s = {.o = o, .st = st};
    int rc = -1;
    s.spare = wm_serve_spare_fd();
    s.el = wm_el_new(o->max_conns + 2, o->max_conns);
    if (!s.el) {
        wm_err_set(err, "out of memory for an event loop of %u connections", o->max_conns);
        goto out;
    }
    if (wm_fd_flags(lfd, 1) < 0 ||
        wm_el_add(s.el, lfd, WM_EL_READ, on_listen, &s) < 0 ||
        wm_el_signal(s.el, sigfd, on_signal, &s) < 0) {
        wm_err_set(err, "cannot set up the event loop: %s", strerror(errno));
        goto out;
    }
    /* The listener and the signal source are always wanted: only a signal
     * or a failed poll ends the loop. */
    enum wm_el_end end = wm_el_run(s.el, -1, 0);
    if (end != WM_EL_STOPPED) {
        wm_err_set(err, "poll: %s", end == WM_EL_ERROR ? strerror(errno) : "nothing to wait for");
        goto out;
    }
    *signo = s.signo;
    rc = 0;
out:
    while (s.open_list) {
        s.open_list->c.cut = !s.open_list->lingering;
        conn_close(s.open_list);
    }
    wm_el_free(s.el);
    if (s.spare >= 0)
        close(s.spare);
    return rc;
}
