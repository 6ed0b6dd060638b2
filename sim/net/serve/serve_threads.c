/* warmer serve --driver threads: shaped like the reference's threaded
 * server. The calling thread accepts (polling the listening socket and the
 * self-pipe, so a signal wakes it); each connection gets one thread with
 * blocking I/O that writes all its endpoint has pending, then blocks in
 * recv and feeds what arrives. SO_RCVTIMEO and SO_SNDTIMEO carry the idle
 * timeout. SIGINT and SIGTERM are blocked in connection threads, so only
 * the accept loop ever sees them.
 *
 * A mutex-guarded registry lists the open connections. At shutdown the
 * accept loop sets the stop flag and shuts every registered socket down
 * (SHUT_RDWR), which wakes a thread blocked in recv or send; each thread
 * then leaves the registry and the accept loop joins them all. A thread
 * leaves the registry before it closes its socket, so the accept loop never
 * shuts down a descriptor that was closed (and perhaps reused). Finished
 * threads wait on a "done" list until the accept loop joins them, which it
 * does after every wake-up. */
#include "clock.h"
#include "fdflags.h"
#include "net.h"
#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ACCEPTS_PER_ROUND 64

struct thsconn {
    struct wm_sconn c;
    struct tsrv *srv;
    pthread_t tid;
    struct thsconn *prev, *next; /* in srv->open, or next in srv->done */
};

struct tsrv {
    const struct wm_serve_opts *o;
    struct wm_serve_stats *st;
    pthread_mutex_t mu; /* guards everything below and *st */
    pthread_cond_t cv;  /* signalled when nopen drops */
    int stop;
    struct thsconn *open, *done;
    unsigned nopen;
    pthread_attr_t attr;
    int attr_ok;
};

static int stopping(struct tsrv *s)
{
    pthread_mutex_lock(&s->mu);
    int stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

/* Writes everything pending, blocking. -1 when the connection must end. */
static int flush(struct thsconn *t)
{
    struct wm_sconn *c = &t->c;
    enum wm_io rc = wm_sconn_flush(c); /* the peer gone: discarded, reading shows the end */
    if (rc == WM_IO_DATA)
        return 0;
    if (rc == WM_IO_ERROR) {
        wm_sconn_fail(c, "send: %s", strerror(errno));
        return -1;
    }
    if (stopping(t->srv)) { /* would block: SO_SNDTIMEO passed, or the shutdown woke it */
        c->cut = 1;
        return -1;
    }
    char secs[32];
    wm_serve_log(c->con, "connection %llu (%s): could not send for %s s (the client is "
                 "not reading; --idle-timeout), closing", (unsigned long long)c->num,
                 c->addr, wm_seconds_word(secs, sizeof secs, t->srv->o->idle_ms));
    c->idle = 1;
    return -1;
}

/* The session closed first: half-close so the client reads every reply
 * and then the end, and drop what it still sends, for a bounded time. */
static void linger(struct thsconn *t)
{
    char drop[WM_IO_CHUNK];
    struct timeval tv = {WM_SERVE_LINGER_MS / 1000, (WM_SERVE_LINGER_MS % 1000) * 1000};
    int64_t end = wm_clock_ms() + WM_SERVE_LINGER_MS;
    shutdown(t->c.io.fd, SHUT_WR);
    setsockopt(t->c.io.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (wm_clock_ms() < end) {
        size_t got;
        if (wm_sock_recv(t->c.io.fd, drop, sizeof drop, &got) != WM_IO_DATA || stopping(t->srv))
            return; /* the client's end, a reset, the time up or the shutdown */
    }
}

/* A hung session: nothing is read or written; the connection stays open
 * until the idle timeout (counted from the hang, at the last byte read) or
 * the shutdown. Sleeps in ticks: a shut-down socket does not wake a thread
 * that does not read. */
static void hang(struct thsconn *t)
{
    struct wm_sconn *c = &t->c;
    unsigned idle = t->srv->o->idle_ms;
    int64_t end = wm_clock_ms() + (int64_t)idle;
    while (!stopping(t->srv)) {
        int64_t left = end - wm_clock_ms();
        if (idle && left <= 0) {
            char secs[32];
            wm_serve_log(c->con, "connection %llu (%s): nothing received for %s s "
                         "(--idle-timeout), closing", (unsigned long long)c->num, c->addr,
                         wm_seconds_word(secs, sizeof secs, idle));
            c->idle = 1;
            return;
        }
        poll(NULL, 0, !idle || left > WM_SERVE_HANG_TICK_MS ? WM_SERVE_HANG_TICK_MS : (int)left);
    }
    c->cut = 1;
}

static void serve_conn(struct thsconn *t)
{
    struct wm_sconn *c = &t->c;
    struct wm_endpoint *ep = &c->ep;
    for (;;) {
        if (flush(t) < 0 || wm_sconn_check_fault(c))
            return;
        if (wm_ep_hung(ep)) {
            hang(t);
            return;
        }
        if (wm_ep_closed(ep)) {
            if (!c->io.eof_done && !c->io.peer_gone)
                linger(t);
            return;
        }
        if (wm_inbuf_left(&c->io.in) > 0) { /* feeding paused at the high-water mark */
            wm_sockep_feed(&c->io);
            continue;
        }
        if (c->io.eof_done) { /* a session open after the end: nothing more can come */
            wm_ep_abandon(ep);
            continue;
        }
        wm_sconn_ack(c); /* the replies are out: about to wait for input */
        enum wm_io r = wm_sconn_recv(c);
        int e = errno;
        if (stopping(t->srv)) { /* woken by the shutdown, or about to be */
            c->cut = 1;
            return;
        }
        if (r == WM_IO_DATA) {
            wm_sockep_feed(&c->io);
        } else if (r == WM_IO_EOF || r == WM_IO_RESET) { /* the end of the stream */
            wm_sockep_end(&c->io, r);
        } else if (r == WM_IO_AGAIN) {
            char secs[32];
            wm_serve_log(c->con, "connection %llu (%s): nothing received for %s s "
                         "(--idle-timeout), closing", (unsigned long long)c->num, c->addr,
                         wm_seconds_word(secs, sizeof secs, t->srv->o->idle_ms));
            c->idle = 1;
            return;
        } else {
            wm_sconn_fail(c, "recv: %s", strerror(e));
            return;
        }
    }
}

static void *conn_main(void *arg)
{
    struct thsconn *t = arg;
    struct tsrv *s = t->srv;
    serve_conn(t);
    wm_sconn_free(&t->c);
    pthread_mutex_lock(&s->mu);
    if (t->prev)
        t->prev->next = t->next;
    else
        s->open = t->next;
    if (t->next)
        t->next->prev = t->prev;
    s->nopen--;
    wm_serve_count(s->st, &t->c);
    t->next = s->done;
    s->done = t;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    close(t->c.io.fd); /* out of the registry: nobody else touches it now */
    return NULL;
}

/* Joins and frees the finished threads. */
static void reap(struct tsrv *s)
{
    pthread_mutex_lock(&s->mu);
    struct thsconn *d = s->done;
    s->done = NULL;
    pthread_mutex_unlock(&s->mu);
    while (d) {
        struct thsconn *next = d->next;
        pthread_join(d->tid, NULL);
        free(d);
        d = next;
    }
}

static int set_blocking(int fd, unsigned idle_ms)
{
    if (wm_fd_nonblock(fd, 0) < 0)
        return -1;
    if (idle_ms == 0)
        return 0;
    struct timeval tv = {(time_t)(idle_ms / 1000), (suseconds_t)(idle_ms % 1000) * 1000};
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
                   setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0
               ? -1
               : 0;
}

static void refuse(struct tsrv *s, int fd, const char *addr, const char *why, int e)
{
    close(fd);
    wm_serve_log(s->o->con, "refused connection from %s: %s: %s", addr, why, strerror(e));
    pthread_mutex_lock(&s->mu);
    s->st->refused++;
    pthread_mutex_unlock(&s->mu);
}

static void start_conn(struct tsrv *s, int fd, const char *addr)
{
    if (set_blocking(fd, s->o->idle_ms) < 0) {
        refuse(s, fd, addr, "socket options", errno);
        return;
    }
    pthread_mutex_lock(&s->mu);
    int ok = wm_serve_admit(s->o, s->st, s->nopen, addr);
    uint64_t k = s->st->served;
    pthread_mutex_unlock(&s->mu);
    if (!ok) {
        close(fd);
        return;
    }
    struct thsconn *t = calloc(1, sizeof *t);
    if (!t || wm_sconn_init(&t->c, s->o, k, fd, addr) < 0) {
        free(t);
        refuse(s, fd, addr, "out of memory", ENOMEM);
        return;
    }
    t->srv = s;
    pthread_mutex_lock(&s->mu);
    s->st->served++;
    t->next = s->open;
    if (s->open)
        s->open->prev = t;
    s->open = t;
    s->nopen++;
    pthread_mutex_unlock(&s->mu);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old); /* the new thread inherits the mask */
    int e = pthread_create(&t->tid, s->attr_ok ? &s->attr : NULL, conn_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e == 0)
        return;
    pthread_mutex_lock(&s->mu); /* never started: give its seed back */
    s->st->served--;
    s->open = t->next;
    if (t->next)
        t->next->prev = NULL;
    s->nopen--;
    pthread_mutex_unlock(&s->mu);
    wm_sconn_free(&t->c);
    free(t);
    refuse(s, fd, addr, "cannot start a thread", e);
}

static void accept_some(struct tsrv *s, int lfd, int *spare)
{
    for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
        char addr[80];
        int fd;
        switch (wm_net_accept_peer(lfd, 0, addr, sizeof addr, &fd)) {
        case WM_ACCEPT_OK:
            start_conn(s, fd, addr);
            continue;
        case WM_ACCEPT_DRAINED:
            return;
        case WM_ACCEPT_RETRY:
            continue;
        case WM_ACCEPT_NO_FDS:
            pthread_mutex_lock(&s->mu);
            wm_serve_shed(s->o, lfd, spare, s->st);
            pthread_mutex_unlock(&s->mu);
            continue;
        case WM_ACCEPT_ERROR:
            wm_serve_log(s->o->con, "warmer serve: accept: %s", strerror(errno));
            return;
        }
    }
}

/* Wakes every connection thread and joins them all. */
static void stop_all(struct tsrv *s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    for (struct thsconn *t = s->open; t; t = t->next)
        shutdown(t->c.io.fd, SHUT_RDWR);
    while (s->nopen > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    reap(s);
}

int wm_serve_threads(int lfd, int sigfd, const struct wm_serve_opts *o, struct wm_serve_stats *st,
                     int *signo, struct wm_err *err)
{
    struct tsrv s = {.o = o, .st = st};
    int rc = -1, spare = wm_serve_spare_fd();
    if (pthread_mutex_init(&s.mu, NULL) != 0) {
        wm_err_set(err, "cannot create a mutex");
        goto out_spare;
    }
    if (pthread_cond_init(&s.cv, NULL) != 0) {
        wm_err_set(err, "cannot create a condition variable");
        goto out_mu;
    }
    s.attr_ok = pthread_attr_init(&s.attr) == 0;
    if (s.attr_ok) /* a hint: the default stack also works */
        pthread_attr_setstacksize(&s.attr, WM_SERVE_THREAD_STACK);
    /* a connection that vanished must not block accept */
    if (wm_fd_nonblock(lfd, 1) < 0) {
        wm_err_set(err, "fcntl: %s", strerror(errno));
        goto out;
    }
    for (;;) {
        struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
        int r = poll(p, 2, -1);
        if (r < 0 && errno != EINTR) {
            wm_err_set(err, "poll: %s", strerror(errno));
            goto out;
        }
        if (r > 0 && p[1].revents && (*signo = wm_sig_read(sigfd)) != 0)
            break;
        if (r > 0 && p[0].revents)
            accept_some(&s, lfd, &spare);
        reap(&s);
    }
    rc = 0;
out:
    stop_all(&s);
    if (s.attr_ok)
        pthread_attr_destroy(&s.attr);
    pthread_cond_destroy(&s.cv);
out_mu:
    pthread_mutex_destroy(&s.mu);
out_spare:
    if (spare >= 0)
        close(spare);
    return rc;
}
