/* The events driver: every connection in one thread, one non-blocking
 * socketpair each, moved by readiness through the event loop of evloop.h.
 *
 * Each side wants exactly what the simulator would find ready for it
 * (sim.c's is_ready): to write while it has bytes pending, to read while it
 * can take input and its peer has bytes on the way or has shut down. Both
 * sides of a connection live in this thread, so "bytes on the way" is just
 * the peer's sent count minus ours received. When no fd wants anything the
 * run is where the simulator finds nothing ready: done, or scripted sides
 * to abandon, or stuck. */
#include "drivers.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "fdflags.h"
#include "sock_ep.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define STALL_TEXT STR(WM_EVENTS_STALL_MS) " ms"

struct erun;

struct eside {
    struct wm_sockep io; /* its endpoint, socket, input buffer and counts */
    struct wm_endpoint *ep; /* io.ep */
    struct evpair *conn;
    int shut_done, half_done;
};

struct evpair {
    struct erun *run;
    struct wm_conn *c;
    struct eside s[2]; /* 0 client, 1 server */
};

struct erun {
    struct wm_evloop *el;
    struct wm_err *err;
    int failed;
};

static void fail(struct erun *run, const char *fmt, ...) WM_PRINTF(2, 3);
static void fail(struct erun *run, const char *fmt, ...)
{
    if (!run->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(run->err->msg, sizeof run->err->msg, fmt, ap);
        va_end(ap);
        run->failed = 1;
    }
    wm_el_stop(run->el);
}

static struct eside *peer_of(struct eside *me)
{
    return &me->conn->s[me == &me->conn->s[0]];
}

/* The module's interest, narrowed: read only what the peer has sent or
 * its end, as the simulator finds a side ready. */
static int interest(struct eside *me)
{
    const struct eside *peer = peer_of(me);
    int mask = wm_sockep_interest(&me->io);
    if (!(peer->io.sent > me->io.rcvd || peer->shut_done || peer->half_done))
        mask &= ~WM_EL_READ;
    return mask;
}

/* Does what needs no readiness until nothing changes, then sets interests. */
static void settle(struct evpair *ec)
{
    int moved;
    do {
        moved = 0;
        for (int k = 0; k < 2; k++) {
            struct eside *me = &ec->s[k], *peer = &ec->s[!k];
            if (me->shut_done)
                continue;
            moved |= wm_sockep_feed(&me->io);
            if (peer->shut_done && wm_ep_pending(me->ep)) {
                wm_ep_discard(me->ep); /* nobody will read it */
                moved = 1;
            }
            if (wm_ep_closed(me->ep) && wm_ep_pending(me->ep) == 0) {
                shutdown(me->io.fd, SHUT_RDWR);
                me->shut_done = 1;
                wm_el_del(ec->run->el, me->io.fd);
                moved = 1;
            } else if (wm_ep_half_closed(me->ep) && !me->half_done && wm_ep_pending(me->ep) == 0) {
                shutdown(me->io.fd, SHUT_WR); /* a half-close: it reads on */
                me->half_done = 1;
                moved = 1;
            }
        }
    } while (moved);
    for (int k = 0; k < 2; k++)
        if (!ec->s[k].shut_done)
            wm_el_set(ec->run->el, ec->s[k].io.fd, interest(&ec->s[k]));
}

static void do_write(struct eside *me)
{
    if (wm_sockep_flush(&me->io) == WM_IO_ERROR) /* the peer gone: discarded, a script plays on */
        fail(me->conn->run, "connection %u: %s side: send: %s", me->conn->c->index + 1,
             me->ep->side == 'C' ? "client" : "server", strerror(errno));
}

static void do_read(struct eside *me)
{
    if (!wm_sockep_wants_read(&me->io))
        return;
    if (wm_sockep_read(&me->io) == WM_IO_ERROR)
        fail(me->conn->run, "connection %u: %s side: recv: %s", me->conn->c->index + 1,
             me->ep->side == 'C' ? "client" : "server", strerror(errno));
}

static void on_ready(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct eside *me = ud;
    (void)el;
    (void)fd;
    if (ready & WM_EL_WRITE)
        do_write(me);
    if (ready & WM_EL_READ)
        do_read(me);
    settle(me->conn);
}

static int open_pair(struct evpair *ec, struct wm_err *err)
{
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) < 0) {
        wm_err_set(err, "connection %u: socketpair: %s", ec->c->index + 1, strerror(errno));
        return -1;
    }
    ec->s[0].io.fd = fd[0];
    ec->s[1].io.fd = fd[1];
    for (int k = 0; k < 2; k++) {
        if (wm_fd_flags(fd[k], 1) < 0) {
            wm_err_set(err, "connection %u: fcntl: %s", ec->c->index + 1, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int finished(const struct evpair *ec)
{
    return ec->s[0].shut_done && ec->s[1].shut_done;
}

/* The loop went idle: 1 all done, 0 hangs resolved or scripts abandoned
 * (run again), -1 stuck. */
static int idle(struct evpair *ec, unsigned n, struct wm_err *err)
{
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            const struct wm_endpoint *ep = ec[i].s[k].ep;
            if (wm_ep_faulted(ep)) {
                wm_err_set(err, "connection %u: %s", i + 1, wm_ep_fault_msg(ep));
                return -1;
            }
        }
    }
    /* As sim.c's resolve_stalls, first: a hung side's open peer times out,
     * a hung side whose peer is gone is ended, unrecorded. */
    int changed = 0;
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            struct wm_endpoint *ep = ec[i].s[k].ep, *peer = ec[i].s[!k].ep;
            if (!wm_ep_hung(ep) || wm_ep_closed(ep))
                continue;
            if (!wm_ep_closed(peer) && !wm_ep_stalled(peer))
                wm_ep_timeout(peer);
            else
                wm_ep_harness_end(ep);
            changed = 1;
        }
    }
    int abandoned = 0;
    for (unsigned i = 0; !changed && i < n; i++) {
        for (int k = 0; k < 2; k++) {
            struct wm_endpoint *ep = ec[i].s[k].ep;
            if (!wm_ep_closed(ep) && ep->role == &wm_script_role) {
                wm_ep_abandon(ep); /* a script still waiting: the diff will show why */
                abandoned = 1;
            }
        }
    }
    if (abandoned || changed) {
        for (unsigned i = 0; i < n; i++)
            settle(&ec[i]);
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!finished(&ec[i])) {
            char what[WM_ERR_MAX];
            wm_conn_describe(ec[i].c, what, sizeof what);
            wm_err_set(err, "no progress: %s", what);
            return -1;
        }
    }
    return 1;
}

static void describe_first_unfinished(struct evpair *ec, unsigned n, const char *why,
                                      struct wm_err *err)
{
    for (unsigned i = 0; i < n; i++) {
        if (!finished(&ec[i])) {
            char what[WM_ERR_MAX];
            wm_conn_describe(ec[i].c, what, sizeof what);
            wm_err_set(err, "%s: %s", why, what);
            return;
        }
    }
    wm_err_set(err, "%s", why);
}

int wm_events_run(struct wm_conn *conns, unsigned n, struct wm_err *err)
{
    if (n == 0)
        return 0;
    struct erun run = {.err = err};
    struct evpair *ec = calloc(n, sizeof *ec);
    int rc = -1;
    run.el = wm_el_new(2 * n, 0);
    if (!ec || !run.el) {
        wm_err_set(err, "out of memory for %u connections", n);
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        ec[i].run = &run;
        ec[i].c = &conns[i];
        for (int k = 0; k < 2; k++) {
            ec[i].s[k] = (struct eside){.ep = k ? &conns[i].server : &conns[i].client,
                                        .conn = &ec[i]};
            wm_sockep_init(&ec[i].s[k].io, -1, ec[i].s[k].ep);
        }
    }
    for (unsigned i = 0; i < n; i++)
        if (open_pair(&ec[i], err) < 0)
            goto out;
    for (unsigned i = 0; i < n; i++) { /* the simulator's order: server, then client */
        wm_ep_start(&conns[i].server);
        wm_ep_start(&conns[i].client);
    }
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            if (wm_el_add(run.el, ec[i].s[k].io.fd, 0, on_ready, &ec[i].s[k]) < 0) {
                wm_err_set(err, "connection %u: event loop full", i + 1);
                goto out;
            }
        }
        settle(&ec[i]);
    }
    /* Each pass either finishes, fails, or abandons at least one script,
     * so there are at most 2n + 1 passes. */
    for (;;) {
        enum wm_el_end end = wm_el_run(run.el, WM_EVENTS_STALL_MS, WM_EVENTS_MAX_ROUNDS);
        if (run.failed)
            goto out;
        if (end == WM_EL_IDLE) {
            int r = idle(ec, n, err);
            if (r < 0)
                goto out;
            if (r > 0)
                break;
            continue;
        }
        if (end == WM_EL_TIMEOUT)
            describe_first_unfinished(ec, n, "nothing ready within " STALL_TEXT, err);
        else if (end == WM_EL_LIMIT)
            wm_err_set(err, "stopped after %llu event-loop rounds", WM_EVENTS_MAX_ROUNDS);
        else
            wm_err_set(err, "poll: %s", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (ec) {
        for (unsigned i = 0; i < n; i++)
            for (int k = 0; k < 2; k++)
                if (ec[i].s[k].io.fd >= 0)
                    close(ec[i].s[k].io.fd);
    }
    wm_el_free(run.el);
    free(ec);
    return rc;
}
