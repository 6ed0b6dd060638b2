/* SIGINT and SIGTERM handling shared by the commands (sig.h). */
#include "sig.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fdflags.h"
#include "net.h"

/* The only global mutable state: what the handler must reach. */
static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t sig_caught;      /* the first signal's number */
static volatile sig_atomic_t sig_second_kills; /* WM_SIG_SECOND_KILLS */
static struct sigaction old_int, old_term, old_pipe;
static int sig_installed;

/* A second signal this soon after the first is the same stop sent twice
 * (timeout(1) signals the command and then its process group), not a
 * person insisting. */
#define SECOND_AFTER_MS 1000

static volatile sig_atomic_t sig_first_ms; /* when the first came (monotonic, wraps) */

/* Monotonic milliseconds, modulo 2^30 (wm_clock_ms is async-signal-safe,
 * clock.h). */
static int now_ms(void)
{
    return (int)(wm_clock_ms() & 0x3fffffff);
}

static void on_signal(int signo)
{
    int saved = errno;
    int now = now_ms();
    if (sig_caught && sig_second_kills &&
        ((now - sig_first_ms) & 0x3fffffff) >= SECOND_AFTER_MS) {
        /* Blocked while we run: dies of it on return, as with no handler. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(signo, &dfl, NULL);
        raise(signo);
    }
    if (!sig_caught) {
        sig_first_ms = now;
        sig_caught = signo;
    }
    unsigned char b = (unsigned char)signo;
    ssize_t w = write(sig_pipe[1], &b, 1); /* a full pipe already holds a stop */
    (void)w;
    errno = saved;
}

int wm_sig_install(unsigned flags, struct wm_err *err)
{
    if (sig_installed) {
        wm_err_set(err, "signal handlers installed twice");
        return -1;
    }
    if (pipe(sig_pipe) < 0) {
        wm_err_set(err, "pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        if (wm_fd_flags(sig_pipe[i], 1) < 0) {
            wm_err_set(err, "fcntl: %s", strerror(errno));
            wm_sig_restore();
            return -1;
        }
    }
    sig_caught = 0;
    sig_second_kills = (flags & WM_SIG_SECOND_KILLS) != 0;
    struct sigaction sa, ign;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* stdio and blocking I/O carry on; the waits return EINTR */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT); /* one handler at a time: the first is the first */
    sigaddset(&sa.sa_mask, SIGTERM);
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (sigaction(SIGINT, &sa, &old_int) < 0 || sigaction(SIGTERM, &sa, &old_term) < 0 ||
        sigaction(SIGPIPE, &ign, &old_pipe) < 0) {
        wm_err_set(err, "sigaction: %s", strerror(errno));
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
        return -1;
    }
    sig_installed = 1;
    return sig_pipe[0];
}

void wm_sig_restore(void)
{
    if (sig_installed) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGPIPE, &old_pipe, NULL);
        sig_installed = 0;
    }
    for (int i = 0; i < 2; i++) {
        if (sig_pipe[i] >= 0)
            close(sig_pipe[i]);
        sig_pipe[i] = -1;
    }
}

int wm_sig_fd(void)
{
    return sig_pipe[0];
}

int wm_sig_caught(void)
{
    return sig_caught;
}

int wm_sig_read(int sigfd)
{
    unsigned char b;
    ssize_t r;
    do
        r = read(sigfd, &b, 1);
    while (r < 0 && errno == EINTR);
    return r == 1 ? b : 0;
}

const char *wm_sig_name(int signo, char *buf, size_t size)
{
    if (signo == SIGINT)
        return "SIGINT";
    if (signo == SIGTERM)
        return "SIGTERM";
    snprintf(buf, size, "signal %d", signo);
    return buf;
}

static void *watch(void *arg)
{
    struct wm_sig_watch *w = arg;
    struct pollfd p[2] = {{.fd = wm_sig_fd(), .events = POLLIN}, {.fd = w->wake[0], .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            return NULL;
        if (p[1].revents) /* the run is over first */
            return NULL;
        if (p[0].revents) {
            w->fn(w->ctx, wm_sig_caught());
            return NULL;
        }
    }
}

int wm_sig_watch_start(struct wm_sig_watch *w, void (*fn)(void *ctx, int signo), void *ctx,
                       struct wm_err *err)
{
    *w = (struct wm_sig_watch){.fn = fn, .ctx = ctx, .wake = {-1, -1}};
    if (wm_sig_fd() < 0) {
        wm_err_set(err, "internal error: no signal handlers to watch");
        return -1;
    }
    if (pipe(w->wake) < 0) {
        wm_err_set(err, "pipe: %s", strerror(errno));
        return -1;
    }
    int e = 0;
    /* Peers started from other threads must not inherit it. */
    if (wm_fd_flags(w->wake[0], 0) < 0 || wm_fd_flags(w->wake[1], 0) < 0) {
        e = errno;
    } else {
        /* Signals go to the handler on any other thread; this one only polls. */
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        e = pthread_create(&w->tid, NULL, watch, w);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (e != 0) {
        close(w->wake[0]);
        close(w->wake[1]);
        w->wake[0] = w->wake[1] = -1;
        wm_err_set(err, "cannot start the signal watcher: %s", strerror(e));
        return -1;
    }
    w->started = 1;
    return 0;
}

void wm_sig_watch_end(struct wm_sig_watch *w)
{
    if (!w->started) /* never started (a zeroed struct), or ended: nothing is open */
        return;
    unsigned char b = 0;
    ssize_t r;
    do
        r = write(w->wake[1], &b, 1);
    while (r < 0 && errno == EINTR);
    pthread_join(w->tid, NULL);
    close(w->wake[0]);
    close(w->wake[1]);
    w->wake[0] = w->wake[1] = -1;
    w->started = 0;
}
