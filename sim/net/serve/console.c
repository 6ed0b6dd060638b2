/* warmer serve's console (console.h): two rings of whole lines and one
 * writer thread that polls before it writes. */
#include "console.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "fdflags.h"
#include "net.h"

#ifndef PIPE_BUF
#define PIPE_BUF 512 /* POSIX's least: a pipe with room takes this much without blocking */
#endif

/* One stream's queue: bytes [head, head + used) of buf, mod cap, are whole
 * lines still to write (the first perhaps begun). Producers only append
 * past them and the writer only consumes them, so the writer can write
 * from buf without holding the mutex. */
struct ring {
    int fd;
    char *buf;
    size_t cap, head, used;
    int broken; /* a write failed for good: every line is dropped */
    int null;   /* /dev/null: a line is as good as written at once (set before the writer starts) */
    uint64_t dropped;
};

struct wm_con {
    pthread_mutex_t mu; /* guards everything below but the fds and buffers */
    struct ring r[2];
    int wake[2];      /* the writer's self-pipe: a line queued, or the stop */
    int stop;         /* no more lines; the writer drains until deadline */
    int gone;         /* the writer has ended: no more lines */
    int noted;        /* the first stdout drop was noted on stderr */
    int asleep;       /* the writer waits for a poke: nothing was queued */
    int64_t deadline; /* ms */
    pthread_t tid;
    int running; /* the writer exists and is not joined */
};

static void poke(struct wm_con *c)
{
    ssize_t w = write(c->wake[1], "", 1); /* a full pipe already holds a wake-up */
    (void)w;
}

static void put(struct ring *r, const char *p, size_t n)
{
    assert(r->head < r->cap && n <= r->cap - r->used); /* enqueue checked the room */
    size_t tail = (r->head + r->used) % r->cap;
    size_t first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->buf + tail, p, first);
    memcpy(r->buf, p + first, n - first);
    r->used += n;
}

/* Under mu: queues a line, or drops and counts it (0). *wake is set when
 * the writer must be poked: it sleeps, or it naps while the queue passes
 * half full. One poke per sleep, not one per line: a poke is a syscall and
 * a wake-up. late: the writer's own note, which may still go out while it
 * drains after the stop. */
static int enqueue(struct wm_con *c, enum wm_con_stream s, const char *text, size_t len,
                   int late, int *wake)
{
    struct ring *r = &c->r[s];
    if ((c->stop && !late) || c->gone || r->broken || len >= r->cap - r->used) {
        r->dropped++;
        return 0;
    }
    size_t half = r->cap / 2;
    if (c->asleep || (r->used <= half && r->used + len + 1 > half)) {
        *wake = 1;
        c->asleep = 0;
    }
    put(r, text, len);
    put(r, "\n", 1);
    /* Whole lines only: the queue ends with a newline, so a line is never torn. */
    assert(r->buf[(r->head + r->used - 1) % r->cap] == '\n');
    return 1;
}

/* The notes and formatted lines go through the smallest queue allowed. */
_Static_assert(WM_ERR_MAX + 256 < WM_CON_MIN_QUEUE, "a formatted console line fits the smallest queue");
_Static_assert(WM_CON_MIN_QUEUE <= WM_CON_DEFAULT_QUEUE && WM_CON_DEFAULT_QUEUE <= WM_CON_MAX_QUEUE,
               "the default queue is one --console-queue allows");

/* Under mu: a stream's lines are lost (counted), as at the stop. */
static void drop_all(struct ring *r)
{
    for (size_t i = 0; i < r->used; i++)
        r->dropped += r->buf[(r->head + i) % r->cap] == '\n';
    r->head = r->used = 0;
}

void wm_con_line(struct wm_con *c, enum wm_con_stream s, const char *text, size_t len)
{
    if (c->r[s].null)
        return; /* what writing it would have done, without a lock or a syscall */
    int wake = 0;
    pthread_mutex_lock(&c->mu);
    if (!enqueue(c, s, text, len, 0, &wake) && s == WM_CON_OUT && !c->noted && !c->stop) {
        char note[200]; /* once, so that a missing line is never a mystery */
        int n = snprintf(note, sizeof note, "warmer serve: note: stdout is not keeping up; "
                         "console lines are dropped while its queue (--console-queue %zu) is "
                         "full, and counted in the summary", c->r[WM_CON_OUT].cap);
        _Static_assert(sizeof note < WM_CON_MIN_QUEUE, "the note fits the smallest queue");
        assert(n > 0 && (size_t)n < sizeof note); /* whole: its length is what it holds */
        c->noted = 1;
        enqueue(c, WM_CON_ERR, note, (size_t)n, 0, &wake);
    }
    pthread_mutex_unlock(&c->mu);
    if (wake)
        poke(c);
}

void wm_con_printf(struct wm_con *c, enum wm_con_stream s, const char *fmt, ...)
{
    char line[WM_ERR_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    wm_con_line(c, s, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

uint64_t wm_con_dropped(struct wm_con *c)
{
    pthread_mutex_lock(&c->mu);
    uint64_t n = c->r[0].dropped + c->r[1].dropped;
    pthread_mutex_unlock(&c->mu);
    return n;
}

/* Writes what one write can take without blocking, after poll said so. */
static void write_some(struct wm_con *c, enum wm_con_stream s)
{
    struct ring *r = &c->r[s];
    pthread_mutex_lock(&c->mu);
    size_t head = r->head, n = r->used;
    pthread_mutex_unlock(&c->mu);
    if (n > r->cap - head)
        n = r->cap - head;
    if (n > PIPE_BUF)
        n = PIPE_BUF;
    ssize_t w = write(r->fd, r->buf + head, n);
    int e = errno;
    pthread_mutex_lock(&c->mu);
    if (w > 0) {
        /* Only this thread consumes: what it saw queued is still there. */
        assert((size_t)w <= n && r->head == head && (size_t)w <= r->used);
        r->head = (head + (size_t)w) % r->cap;
        r->used -= (size_t)w;
    } else if (w < 0 && e != EAGAIN && e != EWOULDBLOCK && e != EINTR) {
        drop_all(r); /* EPIPE, EBADF, EIO...: this stream is lost for good */
        r->broken = 1;
        if (s == WM_CON_OUT) {
            char note[256];
            int k = snprintf(note, sizeof note, "warmer serve: note: stdout: %s; console lines "
                             "are dropped from now on, and counted in the summary", strerror(e));
            _Static_assert(sizeof note < WM_CON_MIN_QUEUE, "the note fits the smallest queue");
            assert(k > 0 && (size_t)k < sizeof note);
            int wake = 0;
            enqueue(c, WM_CON_ERR, note, (size_t)k, 1, &wake);
            c->noted = 1;
        }
    }
    pthread_mutex_unlock(&c->mu);
}

/* The writer drains, then naps WM_CON_NAP_MS before it looks again, so
 * that lines made meanwhile go out together and nobody pokes it; only when
 * a look finds nothing does it sleep until poked. */
static void *writer_main(void *arg)
{
    struct wm_con *c = arg;
    int wrote = 0; /* since the last nap */
    for (;;) {
        struct pollfd p[3] = {{.fd = c->wake[0], .events = POLLIN}};
        enum wm_con_stream which[3];
        nfds_t n = 1;
        pthread_mutex_lock(&c->mu);
        int stop = c->stop;
        int64_t deadline = c->deadline;
        for (int s = 0; s < 2; s++) {
            if (c->r[s].used && !c->r[s].broken) {
                p[n] = (struct pollfd){.fd = c->r[s].fd, .events = POLLOUT};
                which[n++] = (enum wm_con_stream)s;
            }
        }
        int timeout = -1;
        if (n == 1 && !stop) {
            if (wrote)
                timeout = WM_CON_NAP_MS;
            else
                c->asleep = 1;
            wrote = 0;
        }
        pthread_mutex_unlock(&c->mu);
        if (stop) {
            int64_t left = deadline - wm_clock_ms();
            if (n == 1 || left <= 0)
                break; /* drained, or out of time */
            timeout = (int)left;
        }
        int k = poll(p, n, timeout);
        if (k < 0 && errno != EINTR)
            break; /* cannot wait: give up on what is queued */
        if (k <= 0)
            continue;
        if (p[0].revents) {
            char drain[64];
            while (read(c->wake[0], drain, sizeof drain) > 0)
                continue;
        }
        for (nfds_t i = 1; i < n; i++) {
            if (p[i].revents) {
                write_some(c, which[i]);
                wrote = 1;
            }
        }
    }
    pthread_mutex_lock(&c->mu);
    drop_all(&c->r[WM_CON_OUT]);
    drop_all(&c->r[WM_CON_ERR]);
    c->gone = 1;
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* 1 if fd is /dev/null (by its device number), where lines need no queue. */
static int is_devnull(int fd)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && S_ISCHR(a.st_mode) && stat("/dev/null", &b) == 0 &&
           S_ISCHR(b.st_mode) && a.st_rdev == b.st_rdev;
}

struct wm_con *wm_con_start(int out_fd, int err_fd, size_t max_bytes, struct wm_err *err)
{
    struct wm_con *c = calloc(1, sizeof *c);
    if (!c) {
        wm_err_set(err, "out of memory for the console");
        return NULL;
    }
    c->wake[0] = c->wake[1] = -1;
    c->r[WM_CON_OUT].fd = out_fd;
    c->r[WM_CON_ERR].fd = err_fd;
    assert(max_bytes >= 2); /* room for a line and its newline */
    for (int s = 0; s < 2; s++) {
        c->r[s].null = is_devnull(c->r[s].fd);
        c->r[s].cap = max_bytes;
        c->r[s].buf = malloc(max_bytes);
    }
    if (!c->r[0].buf || !c->r[1].buf) {
        wm_err_set(err, "out of memory for two console queues of %zu bytes (--console-queue)",
                   max_bytes);
        goto fail;
    }
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        wm_err_set(err, "cannot create a mutex");
        goto fail;
    }
    if (pipe(c->wake) < 0 || wm_fd_flags(c->wake[0], 1) < 0 ||
        wm_fd_flags(c->wake[1], 1) < 0) {
        wm_err_set(err, "console pipe: %s", strerror(errno));
        goto fail_mu;
    }
    sigset_t block, old; /* signals are the serving thread's business */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int e = pthread_create(&c->tid, NULL, writer_main, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e != 0) {
        wm_err_set(err, "cannot start the console writer: %s", strerror(e));
        goto fail_mu;
    }
    c->running = 1;
    return c;
fail_mu:
    pthread_mutex_destroy(&c->mu);
fail:
    for (int i = 0; i < 2; i++)
        if (c->wake[i] >= 0)
            close(c->wake[i]);
    free(c->r[0].buf);
    free(c->r[1].buf);
    free(c);
    return NULL;
}

uint64_t wm_con_stop(struct wm_con *c, int grace_ms)
{
    pthread_mutex_lock(&c->mu);
    if (!c->stop) {
        c->stop = 1;
        c->deadline = wm_clock_ms() + grace_ms;
    }
    pthread_mutex_unlock(&c->mu);
    if (c->running) {
        poke(c);
        pthread_join(c->tid, NULL);
        c->running = 0;
    }
    return wm_con_dropped(c);
}

void wm_con_free(struct wm_con *c)
{
    if (!c)
        return;
    wm_con_stop(c, 0);
    pthread_mutex_destroy(&c->mu);
    close(c->wake[0]);
    close(c->wake[1]);
    free(c->r[0].buf);
    free(c->r[1].buf);
    free(c);
}

int wm_con_write_now(int fd, const char *text, size_t len, int wait_ms)
{
    int64_t end = wm_clock_ms() + wait_ms;
    while (len > 0) {
        int64_t left = end - wm_clock_ms();
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int k = poll(&p, 1, left > 0 ? (int)left : 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0 || (p.revents & POLLNVAL))
            return -1;
        ssize_t w = write(fd, text, len < PIPE_BUF ? len : PIPE_BUF);
        if (w < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (w <= 0)
            return -1;
        text += w;
        len -= (size_t)w;
    }
    return 0;
}
