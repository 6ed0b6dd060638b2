/* The threads driver, shaped like the reference's threaded server: one
 * thread per endpoint, one blocking socketpair per connection. A thread
 * writes everything its endpoint has pending, then blocks in recv and feeds
 * what arrives. An endpoint is touched only by its own thread.
 *
 * The one thing blocking I/O cannot see is a connection where both sides
 * wait for each other. The simulator abandons waiting scripts at that point
 * (and fails if none is waiting), so the threads must find the same point,
 * exactly, or a transcript could differ: each connection counts the bytes
 * each side sent and received, under a lock, and each side says when it is
 * about to block in recv with nothing pending. Both sides blocked with no
 * byte in flight is that point; the side that sees it decides for both.
 * SO_RCVTIMEO makes a blocked recv look up every tick to learn what was
 * decided (or that the run failed); SO_SNDTIMEO bounds a blocked send. */
#include "clock.h"
#include "drivers.h"
#include "fdflags.h"
#include "sock_ep.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>


struct trun {
    pthread_mutex_t mu; /* guards stop and err */
    int stop;
    struct wm_err *err;
};

struct thpair;

struct tside {
    struct thpair *tc;
    struct wm_endpoint *ep;
    int k; /* 0 client, 1 server */
    struct wm_sockep io; /* its socket and what it read but the endpoint did not take */
    pthread_t tid;
    int started;
    int half_done; /* its writing half is shut (a script's half-close) */
};

struct thpair {
    struct trun *run;
    struct wm_conn *c;
    struct tside s[2];
    int is_script[2]; /* set before the threads start, then read-only */
    int mu_ok;
    pthread_mutex_t mu; /* guards the fields below */
    uint64_t sent[2], rcvd[2]; /* bytes; a half-close's end counts as one more */
    int half[2];    /* side k half-closed: its end is in flight until read */
    int idle[2];    /* side k is blocked (or about to block) in recv, nothing pending */
    int abandon[2]; /* side k was found stuck: it abandons itself when it looks up */
    int hung[2];    /* side k hung (WM_OUT_HANG): it flushed, and waits to be ended */
    int done[2];    /* side k closed: its thread has ended or is ending */
    int timeout[2]; /* side k's peer hung and all is still: k times out when it looks up */
    int end[2];     /* side k hung and its peer is gone: it is ended, unrecorded */
};

static const char *side_name(const struct tside *me)
{
    return me->k ? "server" : "client";
}

static void fail(struct trun *run, const char *fmt, ...) WM_PRINTF(2, 3);
static void fail(struct trun *run, const char *fmt, ...)
{
    pthread_mutex_lock(&run->mu);
    if (!run->stop) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(run->err->msg, sizeof run->err->msg, fmt, ap);
        va_end(ap);
        run->stop = 1;
    }
    pthread_mutex_unlock(&run->mu);
}

static int stopped(struct trun *run)
{
    pthread_mutex_lock(&run->mu);
    int s = run->stop;
    pthread_mutex_unlock(&run->mu);
    return s;
}

/* Writes everything pending, blocking; each write is counted at once, for
 * the peer's stuck check. -1 if the run failed. */
static int flush(struct tside *me)
{
    struct thpair *tc = me->tc;
    while (wm_ep_pending(me->ep) > 0) {
        size_t put;
        /* The peer gone (EOF, RESET): nobody will read this, nor what a
         * holding script plays on into (discarded too, as it comes). */
        enum wm_io rc = wm_sockep_send(&me->io, wm_ep_pending(me->ep), &put);
        if (rc == WM_IO_DATA) {
            pthread_mutex_lock(&tc->mu);
            tc->sent[me->k] += (uint64_t)put;
            pthread_mutex_unlock(&tc->mu);
        } else if (rc == WM_IO_AGAIN) {
            fail(tc->run, "connection %u: the %s was blocked in send for %d ms with %zu bytes "
                 "unsent (its peer is not reading)", tc->c->index + 1, side_name(me),
                 WM_THREADS_TIMEOUT_MS, wm_ep_pending(me->ep));
            return -1;
        } else if (rc == WM_IO_ERROR) {
            fail(tc->run, "connection %u: %s side: send: %s", tc->c->index + 1, side_name(me),
                 strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* With tc->mu held, on a connection with a hung side: the simulator's idle
 * point is where every side waits in recv, is hung or is gone, and no byte
 * is on its way to a side that reads. There, as sim.c's resolve_stalls
 * does, a hung side's open peer times out, and a hung side whose peer is
 * gone (or hung too) is ended; scripts are never abandoned before that. */
static void resolve_hang(struct thpair *tc)
{
    for (int j = 0; j < 2; j++) {
        if (!tc->idle[j] && !tc->done[j])
            return;
        if (!tc->hung[!j] && !tc->done[!j] && tc->sent[j] != tc->rcvd[!j])
            return;
    }
    for (int j = 0; j < 2; j++) {
        if (!tc->hung[j])
            continue;
        if (!tc->hung[!j] && !tc->done[!j])
            tc->timeout[!j] = 1;
        else
            tc->end[j] = 1;
    }
}

/* With tc->mu held: side k is about to block. If its peer is blocked too
 * and no byte is in flight, nothing can ever arrive: mark the scripted
 * sides to abandon themselves, as the simulator does. 1 if stuck with no
 * script to abandon (what then names the connection). */
static int check_stuck(struct thpair *tc, int k, char *what, size_t size)
{
    tc->idle[k] = 1;
    if (tc->hung[0] || tc->hung[1]) {
        resolve_hang(tc);
        return 0;
    }
    if (!tc->idle[!k] || tc->sent[0] != tc->rcvd[1] || tc->sent[1] != tc->rcvd[0] ||
        tc->abandon[0] || tc->abandon[1])
        return 0;
    for (int j = 0; j < 2; j++)
        tc->abandon[j] = tc->is_script[j];
    if (tc->abandon[0] || tc->abandon[1])
        return 0;
    /* Both threads are parked in recv: the endpoints hold still, and the
     * peer's last change to its endpoint happened before it took this lock. */
    wm_conn_describe(tc->c, what, size);
    return 1;
}

enum wait_rc { GOT_BYTES, GOT_END, ABANDONED, TIMED_OUT, FAILED };

/* Blocks until bytes, the end of the stream (*end: EOF or RESET), a
 * decision to abandon this side, or the end of the run. */
static enum wait_rc await_input(struct tside *me, enum wm_io *end)
{
    struct thpair *tc = me->tc;
    char what[WM_ERR_MAX];
    long waited_ms = 0;
    for (;;) {
        pthread_mutex_lock(&tc->mu);
        int stuck = check_stuck(tc, me->k, what, sizeof what);
        int ab = tc->abandon[me->k], to = tc->timeout[me->k];
        if (ab || to)
            tc->abandon[me->k] = tc->timeout[me->k] = tc->idle[me->k] = 0;
        pthread_mutex_unlock(&tc->mu);
        if (to) { /* its peer hung: the session gives up, as on a stalled peer */
            wm_ep_timeout(me->ep);
            return TIMED_OUT;
        }
        if (stuck) {
            fail(tc->run, "no progress: %s", what);
            return FAILED;
        }
        if (ab) {
            wm_ep_abandon(me->ep);
            return ABANDONED;
        }
        if (stopped(tc->run))
            return FAILED;
        enum wm_io r = wm_sockep_recv(&me->io, 0);
        if (r == WM_IO_ERROR) {
            fail(tc->run, "connection %u: %s side: recv: %s", tc->c->index + 1, side_name(me),
                 strerror(errno));
            return FAILED;
        }
        if (r == WM_IO_AGAIN) {
            /* A busy peer (not waiting itself) may take as long as it needs;
             * only time spent with both sides waiting counts, and the stuck
             * check above should already have caught that: a safety net. */
            pthread_mutex_lock(&tc->mu);
            int peer_waits = tc->idle[!me->k];
            pthread_mutex_unlock(&tc->mu);
            waited_ms = peer_waits ? waited_ms + WM_THREADS_TICK_MS : 0;
            if (waited_ms >= WM_THREADS_TIMEOUT_MS) {
                fail(tc->run, "connection %u: the %s waited %d ms for its peer, which neither "
                     "sent nor was found waiting too", tc->c->index + 1, side_name(me),
                     WM_THREADS_TIMEOUT_MS);
                return FAILED;
            }
            continue; /* a tick: look up and wait again */
        }
        pthread_mutex_lock(&tc->mu);
        tc->idle[me->k] = 0;
        if (r == WM_IO_DATA)
            tc->rcvd[me->k] += (uint64_t)wm_inbuf_left(&me->io.in);
        else if (tc->half[!me->k])
            tc->rcvd[me->k]++; /* the half-close's end, read once (eof_done follows) */
        ab = tc->abandon[me->k];
        tc->abandon[me->k] = 0;
        pthread_mutex_unlock(&tc->mu);
        if (ab) { /* decided while we slept; nothing can have been in flight */
            wm_ep_abandon(me->ep);
            return ABANDONED;
        }
        if (r == WM_IO_DATA)
            return GOT_BYTES;
        *end = r; /* the end of the stream, or a reset */
        return GOT_END;
    }
}

/* A hung side has flushed: it reads, writes and closes nothing until the
 * connection is still and its peer gone (resolve_hang). -1 if the run failed. */
static int await_end(struct tside *me)
{
    struct thpair *tc = me->tc;
    for (;;) {
        pthread_mutex_lock(&tc->mu);
        tc->hung[me->k] = tc->idle[me->k] = 1;
        resolve_hang(tc);
        int end = tc->end[me->k];
        pthread_mutex_unlock(&tc->mu);
        if (end)
            return 0;
        if (stopped(tc->run))
            return -1;
        wm_sleep_ms(WM_THREADS_HANG_NAP_MS);
    }
}

static void *side_main(void *arg)
{
    struct tside *me = arg;
    struct wm_endpoint *ep = me->ep;
    wm_ep_start(ep);
    for (;;) {
        if (flush(me) < 0)
            break;
        if (wm_ep_closed(ep)) {
            pthread_mutex_lock(&me->tc->mu);
            me->tc->done[me->k] = 1;
            pthread_mutex_unlock(&me->tc->mu);
            shutdown(me->io.fd, SHUT_RDWR);
            break;
        }
        if (wm_ep_hung(ep)) {
            if (await_end(me) < 0)
                break;
            wm_ep_harness_end(ep); /* the harness ends it: no record, as the simulator does */
            continue;
        }
        if (wm_ep_half_closed(ep) && !me->half_done) { /* a half-close: it reads on */
            pthread_mutex_lock(&me->tc->mu);
            me->tc->sent[me->k]++; /* in flight until the peer reads the end */
            me->tc->half[me->k] = 1;
            pthread_mutex_unlock(&me->tc->mu);
            shutdown(me->io.fd, SHUT_WR);
            me->half_done = 1;
        }
        if (wm_inbuf_left(&me->io.in) > 0) { /* feeding paused at the high-water mark */
            wm_ep_feed_inbuf(me->ep, &me->io.in);
            continue;
        }
        if (me->io.eof_done) { /* open after its peer's close: nothing more can come */
            if (ep->role == &wm_script_role) {
                wm_ep_abandon(ep);
                continue;
            }
            char what[WM_ERR_MAX];
            wm_conn_describe(me->tc->c, what, sizeof what);
            fail(me->tc->run, "no progress: %s", what);
            break;
        }
        enum wm_io end = WM_IO_EOF;
        switch (await_input(me, &end)) {
        case GOT_BYTES:
            wm_ep_feed_inbuf(me->ep, &me->io.in);
            break;
        case GOT_END:
            wm_sockep_end(&me->io, end);
            break;
        case ABANDONED:
        case TIMED_OUT:
            break;
        case FAILED:
            return NULL;
        }
    }
    return NULL;
}

static int open_pair(struct thpair *tc, struct wm_err *err)
{
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) < 0) {
        wm_err_set(err, "connection %u: socketpair: %s", tc->c->index + 1, strerror(errno));
        return -1;
    }
    tc->s[0].io.fd = fd[0];
    tc->s[1].io.fd = fd[1];
    struct timeval tick = {WM_THREADS_TICK_MS / 1000, (WM_THREADS_TICK_MS % 1000) * 1000};
    struct timeval limit = {WM_THREADS_TIMEOUT_MS / 1000, (WM_THREADS_TIMEOUT_MS % 1000) * 1000};
    for (int k = 0; k < 2; k++) {
        if (setsockopt(fd[k], SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick) < 0 ||
            setsockopt(fd[k], SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) < 0 ||
            wm_fd_cloexec(fd[k]) < 0) {
            wm_err_set(err, "connection %u: socket options: %s", tc->c->index + 1, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int wm_threads_run(struct wm_conn *conns, unsigned n, struct wm_err *err)
{
    if (n > WM_THREADS_MAX_CONNECTIONS) {
        wm_err_set(err, "the threads driver runs at most %u connections (%u threads); %u asked "
                   "(use --driver events or sim)", WM_THREADS_MAX_CONNECTIONS,
                   2 * WM_THREADS_MAX_CONNECTIONS, n);
        return -1;
    }
    if (n == 0)
        return 0;
    struct trun run = {.err = err};
    struct thpair *tc = calloc(n, sizeof *tc);
    int rc = -1, run_mu_ok = 0, attr_ok = 0;
    pthread_attr_t attr;
    if (!tc) {
        wm_err_set(err, "out of memory for %u connections", n);
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        tc[i].run = &run;
        tc[i].c = &conns[i];
        for (int k = 0; k < 2; k++) {
            tc[i].s[k] = (struct tside){.tc = &tc[i], .k = k,
                                        .ep = k ? &conns[i].server : &conns[i].client};
            wm_sockep_init(&tc[i].s[k].io, -1, tc[i].s[k].ep);
            tc[i].is_script[k] = tc[i].s[k].ep->role == &wm_script_role;
        }
    }
    if (pthread_mutex_init(&run.mu, NULL) != 0) {
        wm_err_set(err, "cannot create a mutex");
        goto out;
    }
    run_mu_ok = 1;
    for (unsigned i = 0; i < n; i++) {
        if (pthread_mutex_init(&tc[i].mu, NULL) != 0) {
            wm_err_set(err, "connection %u: cannot create a mutex", i + 1);
            goto out;
        }
        tc[i].mu_ok = 1;
        if (open_pair(&tc[i], err) < 0)
            goto out;
    }
    attr_ok = pthread_attr_init(&attr) == 0;
    if (attr_ok)
        pthread_attr_setstacksize(&attr, WM_THREADS_STACK); /* a hint: the default also works */
    for (unsigned i = 0; i < n; i++) {
        for (int k = 1; k >= 0; k--) { /* the simulator's order: server, then client */
            struct tside *s = &tc[i].s[k];
            int e = pthread_create(&s->tid, attr_ok ? &attr : NULL, side_main, s);
            if (e != 0) {
                fail(&run, "connection %u: cannot start the %s's thread: %s", i + 1, side_name(s),
                     strerror(e));
                goto join; /* the started threads see the stop flag within a tick */
            }
            s->started = 1;
        }
    }
join:
    for (unsigned i = 0; i < n; i++)
        for (int k = 1; k >= 0; k--)
            if (tc[i].s[k].started)
                pthread_join(tc[i].s[k].tid, NULL);
    if (run.stop) /* err holds the first failure */
        goto out;
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            const struct wm_endpoint *ep = tc[i].s[k].ep;
            if (wm_ep_faulted(ep)) {
                wm_err_set(err, "connection %u: %s", i + 1, wm_ep_fault_msg(ep));
                goto out;
            }
        }
    }
    rc = 0;
out:
    if (attr_ok)
        pthread_attr_destroy(&attr);
    for (unsigned i = 0; tc && i < n; i++) {
        for (int k = 0; k < 2; k++)
            if (tc[i].s[k].io.fd >= 0)
                close(tc[i].s[k].io.fd);
        if (tc[i].mu_ok)
            pthread_mutex_destroy(&tc[i].mu);
    }
    if (run_mu_ok)
        pthread_mutex_destroy(&run.mu);
    free(tc);
    return rc;
}
