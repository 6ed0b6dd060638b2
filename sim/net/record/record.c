/* warmer record's loop (record.h): the listening socket, the signal source
 * and both sockets of every open connection in one event loop (evloop.h);
 * a connection being made, or waiting for a close (--close-wait), has one
 * timer on the loop. */
#include "record.h"

#include <assert.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"

#include "evloop.h"
#include "fdflags.h"
#include "net.h"
#include "rec_conn.h"

struct rent;
struct rloop;

/* An fd's callback context: its connection and which side it is. */
struct rfd {
    struct rent *e;
    int which;
    int mask; /* the interest the loop has */
};

struct rent {
    struct wm_rc rc;                    /* set up once the server connection is made */
    struct rfd fd[2];
    struct rent *prev, *next;           /* every open connection */
    wm_el_timer timer;                  /* dialing or closing; 0 none */
    int waiting;                        /* was timed for dialing or closing, and still is */
    struct rloop *loop;
    /* Connecting to the server, without blocking: its address being tried. */
    int dialing, cfd, sfd;
    const struct addrinfo *ai;
    char addr[80];                      /* the client's, for messages */
};

struct rloop {
    struct wm_evloop *el;
    const struct wm_recd_opts *o;
    struct wm_recd_out *out;
    int lfd, lmask;
    int starved; /* accept ran out of fds: wait for a connection to end */
    unsigned open;
    uint32_t accepted, ended; /* counting connections that failed too */
    int signo;
    struct rent *head;            /* open connections, dialing ones too */
    struct addrinfo *res;         /* the server's addresses */
};

static int accepting(const struct rloop *l)
{
    if (l->o->connections)
        return l->accepted < l->o->connections;
    return l->out->n < WM_MAX_CONNECTIONS;
}

static void set_listen(struct rloop *l)
{
    int mask = accepting(l) && l->open < l->o->max_conns && !l->starved ? WM_EL_READ : 0;
    if (mask != l->lmask && wm_el_set(l->el, l->lfd, mask) == 0)
        l->lmask = mask;
}

/* e waits ms (--connect-timeout or --close-wait) for fn; the loop holds a
 * timer for every connection open. */
static void timer_start(struct rloop *l, struct rent *e, int64_t ms, wm_el_timer_fn fn)
{
    assert(!e->waiting);
    e->waiting = 1;
    e->timer = wm_el_timer_add(l->el, ms, fn, e);
    assert(e->timer != 0);
}

static void timer_stop(struct rloop *l, struct rent *e)
{
    if (e->timer)
        wm_el_timer_del(l->el, e->timer);
    e->timer = 0;
    e->waiting = 0;
}

/* --connections: the run ends once that many have ended. */
static void count_ended(struct rloop *l)
{
    l->ended++;
    assert(l->ended <= l->accepted); /* each accepted connection ends once */
    if (l->o->connections && l->ended >= l->o->connections)
        wm_el_stop(l->el);
}

static void on_close_wait(struct wm_evloop *el, void *ud);
static void on_dial_timeout(struct wm_evloop *el, void *ud);

/* Unlinks and frees e (its fds closed), and lets the listener go on. */
static void entry_free(struct rloop *l, struct rent *e)
{
    timer_stop(l, e);
    if (e->prev)
        e->prev->next = e->next;
    else
        l->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    if (e->dialing) {
        if (e->sfd >= 0) {
            wm_el_del(l->el, e->sfd);
            close(e->sfd);
        }
        close(e->cfd);
    } else {
        for (int i = 0; i < 2; i++)
            wm_el_del(l->el, e->rc.side[i].fd);
        wm_rc_free(&e->rc);
    }
    free(e);
    assert(l->open > 0);
    l->open--;
    count_ended(l);
    l->starved = 0;
    set_listen(l);
}

/* Settles what it can of e's records into the spool (all of them once
 * done), and frees its journals when done. */
static void spool_conn(struct rloop *l, struct rent *e, int done)
{
    struct wm_recd_out *out = l->out;
    assert(!e->dialing && e->rc.num >= 1 && e->rc.num <= out->n); /* numbered: it has a log */
    uint32_t i = (uint32_t)(e->rc.num - 1);
    if (!out->logs[i])
        return;
    uint64_t floor = done ? UINT64_MAX : wm_rc_cause_floor(&e->rc, WM_RC_SERVER);
    size_t unsure[2] = {0, 0};
    if (!done)
        for (int k = 0; k < 2; k++)
            unsure[k] = wm_rc_unsure(&e->rc, k);
    if (!out->spool_failed && wm_rsp_settle(out->spool, i, out->logs[i], floor, unsure,
                                            &out->spool_err) < 0) {
        fprintf(stderr, "warmer record: %s\n", out->spool_err.msg);
        out->spool_failed = 1;
    }
    if (done) {
        wm_conn_logs_free(out->logs[i], 1);
        out->logs[i] = NULL;
    }
}

static void conn_end(struct rloop *l, struct rent *e)
{
    l->out->failed += (unsigned)(e->rc.failed != 0);
    spool_conn(l, e, 1);
    entry_free(l, e);
}

/* After any event: ends a finished connection, starts its close wait, or
 * sets both fds' interest. */
static void settle(struct rloop *l, struct rent *e)
{
    spool_conn(l, e, 0);
    if (wm_rc_done(&e->rc)) {
        conn_end(l, e);
        return;
    }
    if (!e->waiting && wm_rc_waiting_close(&e->rc) && l->o->close_wait_ms)
        timer_start(l, e, (int64_t)l->o->close_wait_ms, on_close_wait);
    for (int i = 0; i < 2; i++) {
        int want = wm_rc_interest(&e->rc, i);
        int mask = ((want & WM_RC_READ) ? WM_EL_READ : 0) | ((want & WM_RC_WRITE) ? WM_EL_WRITE : 0);
        if (mask != e->fd[i].mask && wm_el_set(l->el, e->rc.side[i].fd, mask) == 0)
            e->fd[i].mask = mask;
    }
}

static void on_conn(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct rfd *f = ud;
    struct rent *e = f->e;
    (void)el;
    (void)fd;
    wm_rc_io(&e->rc, f->which,
             ((ready & WM_EL_READ) ? WM_RC_READ : 0) | ((ready & WM_EL_WRITE) ? WM_RC_WRITE : 0));
    settle(e->loop, e);
}

/* A numbered connection's logs; NULL if out of memory. */
static struct wm_conn_log *new_log(struct wm_recd_out *out, size_t max_journal)
{
    if (out->n == out->cap) {
        uint32_t cap = out->cap ? out->cap * 2 : 8;
        struct wm_conn_log **nl = realloc(out->logs, cap * sizeof *nl);
        if (!nl)
            return NULL;
        out->logs = nl;
        out->cap = cap;
    }
    struct wm_conn_log *log = wm_conn_logs_new(1, max_journal);
    if (log) {
        /* --max-journal bounds all a side made (what the file holds of it),
         * though only what is unsettled is held. */
        log->client.max_total = log->server.max_total = max_journal;
        out->logs[out->n++] = log;
    }
    return log;
}

/* The client's server could not be reached: it is closed, not numbered. */
static void dial_fail(struct rloop *l, struct rent *e, const char *why)
{
    fprintf(stderr, "warmer record: client %s: cannot connect to %s: %s; closed it (not "
            "numbered)\n", e->addr, l->o->connect, why);
    l->out->failed++;
    entry_free(l, e);
}

/* The server connection is made: the connection gets its number (so K is
 * the K-th client whose server connection worked) and starts relaying. */
static void dialed(struct rloop *l, struct rent *e)
{
    /* A relay: a line goes on at once, and no bytes wait at a close; the
     * client's socket was tuned when accepted. */
    wm_net_tune(e->sfd);
    struct wm_conn_log *log = new_log(l->out, l->o->max_journal);
    if (!log || wm_rc_init(&e->rc, l->out->n, e->cfd, e->sfd, log, l->o->max_line) < 0) {
        dial_fail(l, e, "out of memory");
        return;
    }
    assert(e->dialing && l->out->logs[l->out->n - 1] == log); /* its number is its log's */
    timer_stop(l, e);
    e->dialing = 0;
    for (int i = 0; i < 2; i++) {
        e->fd[i] = (struct rfd){e, i, 0};
        if (wm_el_add(l->el, e->rc.side[i].fd, 0, on_conn, &e->fd[i]) < 0) {
            /* cannot happen: the loop is sized for max_conns */
            fprintf(stderr, "warmer record: connection %u: event loop full\n", l->out->n);
            e->rc.failed = e->rc.cut = 1;
        }
    }
    settle(l, e);
}

static void on_dial(struct wm_evloop *el, int fd, int ready, void *ud);

/* Tries e->ai and the addresses after it, without blocking: made at once,
 * or waiting in the loop (on_dial), or failed with all of them. */
static void dial(struct rloop *l, struct rent *e)
{
    int saved = 0;
    for (; e->ai; e->ai = e->ai->ai_next) {
        const struct addrinfo *ai = e->ai;
        e->sfd = wm_net_socket(ai);
        if (e->sfd < 0) {
            saved = errno;
            continue;
        }
        if (connect(e->sfd, ai->ai_addr, ai->ai_addrlen) == 0) {
            dialed(l, e);
            return;
        } else if (errno == EINPROGRESS) {
            if (wm_el_add(l->el, e->sfd, WM_EL_WRITE, on_dial, e) == 0)
                return;
            saved = errno;
        } else {
            saved = errno;
        }
        close(e->sfd);
        e->sfd = -1;
    }
    dial_fail(l, e, strerror(saved));
}

static void on_dial(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct rent *e = ud;
    struct rloop *l = e->loop;
    int so = 0;
    socklen_t sl = sizeof so;
    (void)ready;
    assert(e->dialing && fd == e->sfd);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) < 0)
        so = errno;
    wm_el_del(el, fd);
    if (so == 0) {
        dialed(l, e);
        return;
    }
    close(fd);
    e->sfd = -1;
    e->ai = e->ai->ai_next; /* the next address, within the same deadline */
    if (e->ai)
        dial(l, e);
    else
        dial_fail(l, e, strerror(so));
}

/* In accept order, each client's server connection is begun (so a server
 * that seeds by accept order sees ours); none waits for another's. */
static void add_conn(struct rloop *l, int cfd, const char *addr)
{
    l->accepted++;
    struct rent *e = calloc(1, sizeof *e);
    if (!e) {
        fprintf(stderr, "warmer record: client %s: out of memory; closed it\n", addr);
        close(cfd);
        l->out->failed++;
        count_ended(l);
        return;
    }
    e->loop = l;
    e->dialing = 1;
    e->cfd = cfd;
    e->sfd = -1;
    e->ai = l->res;
    snprintf(e->addr, sizeof e->addr, "%s", addr);
    e->next = l->head;
    if (l->head)
        l->head->prev = e;
    l->head = e;
    l->open++;
    assert(l->open <= l->o->max_conns); /* set_listen stops accepting at the bound */
    timer_start(l, e, l->o->connect_timeout_ms, on_dial_timeout);
    dial(l, e);
}

static void on_listen(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct rloop *l = ud;
    (void)el;
    (void)ready;
    char addr[80];
    int cfd;
    switch (wm_net_accept_peer(fd, 1, addr, sizeof addr, &cfd)) {
    case WM_ACCEPT_OK:
        add_conn(l, cfd, addr);
        break;
    case WM_ACCEPT_DRAINED:
    case WM_ACCEPT_RETRY: /* one a wakeup: the loop calls again while one waits */
        break;
    case WM_ACCEPT_NO_FDS:
        fprintf(stderr, "warmer record: accept: %s (raise ulimit -n)\n", strerror(errno));
        l->starved = 1; /* until a connection ends */
        break;
    case WM_ACCEPT_ERROR:
        fprintf(stderr, "warmer record: accept: %s\n", strerror(errno));
        break;
    }
    set_listen(l);
}

static void on_signal(struct wm_evloop *el, int signo, void *ud)
{
    struct rloop *l = ud;
    l->signo = signo;
    wm_el_stop(el);
}

static void on_dial_timeout(struct wm_evloop *el, void *ud)
{
    struct rent *e = ud;
    struct rloop *l = e->loop;
    char why[64], secs[32];
    (void)el;
    assert(e->dialing && e->waiting);
    e->timer = 0;
    snprintf(why, sizeof why, "no answer within %s s (--connect-timeout)",
             wm_seconds_word(secs, sizeof secs, l->o->connect_timeout_ms));
    dial_fail(l, e, why);
}

/* The close wait ran out; e stays "waiting", so it is timed once. */
static void on_close_wait(struct wm_evloop *el, void *ud)
{
    struct rent *e = ud;
    struct rloop *l = e->loop;
    int open = e->rc.side[WM_RC_SERVER].eof ? WM_RC_CLIENT : WM_RC_SERVER;
    char secs[32];
    (void)el;
    assert(!e->dialing && e->waiting && wm_rc_waiting_close(&e->rc));
    e->timer = 0;
    fprintf(stderr, "warmer record: connection %llu: the %s did not close within %s s "
            "(--close-wait) of the %s's close; connection ended\n",
            (unsigned long long)e->rc.num, open ? "server" : "client",
            wm_seconds_word(secs, sizeof secs, l->o->close_wait_ms), open ? "client" : "server");
    wm_rc_expire(&e->rc);
    settle(l, e);
}

int wm_record(int lfd, int sigfd, const struct wm_recd_opts *o, struct wm_recd_out *out,
              struct wm_err *err)
{
    struct rloop l = {.o = o, .out = out, .lfd = lfd};
    int rc = -1;
    if (!(l.res = wm_net_resolve(o->connect, err)))
        return -1;
    if (!out->spool && !(out->spool = wm_rsp_new())) {
        wm_err_set(err, "out of memory");
        freeaddrinfo(l.res);
        return -1;
    }
    l.el = wm_el_new(2 * o->max_conns + 2, o->max_conns);
    if (!l.el) {
        wm_err_set(err, "out of memory for an event loop of %u connections", o->max_conns);
        freeaddrinfo(l.res);
        return -1;
    }
    if (wm_fd_flags(lfd, 1) < 0 || wm_el_add(l.el, lfd, 0, on_listen, &l) < 0 ||
        wm_el_signal(l.el, sigfd, on_signal, &l) < 0) {
        wm_err_set(err, "cannot set up the event loop: %s", strerror(errno));
        goto out;
    }
    set_listen(&l);
    /* Until a signal or --connections ended (both stop the loop); the
     * signal source is always wanted, so the loop is never idle. */
    enum wm_el_end end = wm_el_run(l.el, -1, 0);
    if (end != WM_EL_STOPPED) {
        wm_err_set(err, "poll: %s", end == WM_EL_ERROR ? strerror(errno) : "nothing to wait for");
        goto out;
    }
    rc = 0;
out:
    out->signo = l.signo;
    while (l.head) { /* open at the signal (or a failure): what was recorded is kept */
        if (l.head->dialing) { /* not numbered yet: nothing to keep */
            fprintf(stderr, "warmer record: client %s: its server connection was not made yet; "
                    "closed it (not numbered)\n", l.head->addr);
            entry_free(&l, l.head);
            continue;
        }
        out->cut++;
        wm_rc_stop(&l.head->rc);
        conn_end(&l, l.head);
    }
    assert(l.open == 0);
    wm_el_free(l.el);
    freeaddrinfo(l.res);
    return rc;
}

void wm_recd_out_free(struct wm_recd_out *out)
{
    for (uint32_t i = 0; out->logs && i < out->n; i++)
        if (out->logs[i])
            wm_conn_logs_free(out->logs[i], 1);
    free(out->logs);
    wm_rsp_free(out->spool);
    *out = (struct wm_recd_out){0};
}
