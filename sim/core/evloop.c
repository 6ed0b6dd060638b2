/* The event loop (evloop.h), with two backends chosen at compile time:
 * epoll on Linux (a wait costs what is ready, not what is registered),
 * poll(2) elsewhere or with -DWM_EL_POLL (tests build both). Registration,
 * lookups and the free list are shared; only how an fd's interest reaches
 * the kernel and how a round is gathered differ. */
#include "evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>

#if defined(__linux__) && !defined(WM_EL_POLL)
#define WM_EL_EPOLL 1
#include <sys/epoll.h>
#include <unistd.h>
/* Events taken per wait; more stay ready for the next (level-triggered). */
#define EL_EVENTS_MAX 512u
#else
#include <poll.h>
#endif

/* A free slot has fd -1. gen changes whenever the slot is freed, so an
 * event gathered for its old fd is never delivered to the next one. */
struct slot {
    int fd, mask;
    wm_el_fn fn;
    void *ud;
    uint32_t gen;
};

struct wm_evloop {
    struct slot *slot;
#ifdef WM_EL_EPOLL
    int epfd;
    struct epoll_event *ev; /* nev of them, filled by one wait */
    unsigned nev;
#else
    struct pollfd *pfd; /* pfd[i] polls slot[i]; fd -1 while it has no interest */
#endif
    unsigned cap;    /* max_fds */
    unsigned used;   /* slots [0, used) may be taken */
    unsigned wanted; /* taken slots with a nonzero mask */
    unsigned *by_fd; /* slot + 1 for each fd below nfd, 0 if none: O(1) lookups, as ae.c */
    unsigned nfd;    /* the process's fd limit when the loop was made */
    unsigned *free;  /* free slots below used, a stack */
    unsigned nfree;
    volatile sig_atomic_t stop;
};

/* Any fd the process can open is below its soft RLIMIT_NOFILE (capped). */
static unsigned fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20))
        return 1u << 20;
    return (unsigned)rl.rlim_cur;
}

/* ---- the backends: be_new, be_free, be_mask (tell the kernel), be_wait ---- */

#ifdef WM_EL_EPOLL
static int be_new(struct wm_evloop *el, unsigned max_fds)
{
    el->nev = max_fds < EL_EVENTS_MAX ? max_fds : EL_EVENTS_MAX;
    el->ev = calloc(el->nev, sizeof *el->ev);
    el->epfd = epoll_create1(EPOLL_CLOEXEC);
    return el->ev && el->epfd >= 0 ? 0 : -1;
}

static void be_free(struct wm_evloop *el)
{
    if (el->epfd >= 0)
        close(el->epfd);
    free(el->ev);
}

/* Only fds with an interest are in the epoll set: an fd without one must
 * not wake the loop, and epoll reports hang-ups whatever it is asked. */
static int be_mask(struct wm_evloop *el, struct slot *s, int mask)
{
    int op = mask == 0 ? EPOLL_CTL_DEL : s->mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    struct epoll_event ev = {
        .events = ((mask & WM_EL_READ) ? EPOLLIN : 0u) | ((mask & WM_EL_WRITE) ? EPOLLOUT : 0u),
        .data.u64 = (uint64_t)s->gen << 32 | (uint32_t)(s - el->slot)};
    /* A failed DEL (the fd already closed) leaves nothing to poll either. */
    return epoll_ctl(el->epfd, op, s->fd, &ev) < 0 && op != EPOLL_CTL_DEL ? -1 : 0;
}

/* Waits, then calls deliver(el, slot index, generation, what happened). */
static int be_wait(struct wm_evloop *el, int timeout_ms,
                   void (*deliver)(struct wm_evloop *, unsigned, uint32_t, int))
{
    int ready = epoll_wait(el->epfd, el->ev, (int)el->nev, timeout_ms);
    for (int k = 0; k < ready; k++) {
        uint32_t re = el->ev[k].events;
        int trouble = (re & (EPOLLHUP | EPOLLERR)) != 0, what = 0;
        if ((re & EPOLLIN) || trouble)
            what |= WM_EL_READ;
        if ((re & EPOLLOUT) || trouble)
            what |= WM_EL_WRITE;
        deliver(el, (uint32_t)el->ev[k].data.u64, (uint32_t)(el->ev[k].data.u64 >> 32), what);
    }
    return ready;
}
#else
static int be_new(struct wm_evloop *el, unsigned max_fds)
{
    el->pfd = calloc(max_fds, sizeof *el->pfd);
    if (!el->pfd)
        return -1;
    for (unsigned i = 0; i < max_fds; i++)
        el->pfd[i].fd = -1;
    return 0;
}

static void be_free(struct wm_evloop *el)
{
    free(el->pfd);
}

/* A slot with no interest hands poll -1, which poll skips (no POLLHUP storms). */
static int be_mask(struct wm_evloop *el, struct slot *s, int mask)
{
    struct pollfd *p = &el->pfd[s - el->slot];
    p->fd = mask ? s->fd : -1;
    p->events = (short)(((mask & WM_EL_READ) ? POLLIN : 0) | ((mask & WM_EL_WRITE) ? POLLOUT : 0));
    if (!mask)
        p->revents = 0; /* a pending event must not reach a silenced or reused slot */
    return 0;
}

static int be_wait(struct wm_evloop *el, int timeout_ms,
                   void (*deliver)(struct wm_evloop *, unsigned, uint32_t, int))
{
    unsigned n = el->used; /* slots added by callbacks wait for the next poll */
    int ready = poll(el->pfd, (nfds_t)n, timeout_ms);
    for (unsigned i = 0; ready > 0 && i < n; i++) {
        short re = el->pfd[i].revents;
        el->pfd[i].revents = 0;
        if (re == 0)
            continue;
        int trouble = (re & (POLLHUP | POLLERR | POLLNVAL)) != 0, what = 0;
        if ((re & POLLIN) || trouble)
            what |= WM_EL_READ;
        if ((re & POLLOUT) || trouble)
            what |= WM_EL_WRITE;
        deliver(el, i, el->slot[i].gen, what); /* be_mask cleared a freed slot's revents */
    }
    return ready;
}
#endif

/* ---- what both share ---- */

struct wm_evloop *wm_el_new(unsigned max_fds)
{
    if (max_fds < 1)
        return NULL;
    struct wm_evloop *el = calloc(1, sizeof *el);
    if (!el)
        return NULL;
#ifdef WM_EL_EPOLL
    el->epfd = -1;
#endif
    el->nfd = fd_limit();
    el->slot = calloc(max_fds, sizeof *el->slot);
    el->by_fd = calloc(el->nfd, sizeof *el->by_fd);
    el->free = calloc(max_fds, sizeof *el->free);
    if (be_new(el, max_fds) < 0 || !el->slot || !el->by_fd || !el->free) {
        wm_el_free(el);
        return NULL;
    }
    el->cap = max_fds;
    for (unsigned i = 0; i < max_fds; i++)
        el->slot[i].fd = -1;
    return el;
}

void wm_el_free(struct wm_evloop *el)
{
    if (!el)
        return;
    be_free(el);
    free(el->slot);
    free(el->by_fd);
    free(el->free);
    free(el);
}

static struct slot *find(const struct wm_evloop *el, int fd)
{
    if (fd < 0 || (unsigned)fd >= el->nfd || el->by_fd[fd] == 0)
        return NULL;
    return &el->slot[el->by_fd[fd] - 1];
}

/* An unchanged interest costs nothing (epoll would pay a syscall). */
static int set_mask(struct wm_evloop *el, struct slot *s, int mask)
{
    if (mask == s->mask)
        return 0;
    if (be_mask(el, s, mask) < 0)
        return -1;
    el->wanted += (mask != 0) - (s->mask != 0);
    s->mask = mask;
    return 0;
}

int wm_el_add(struct wm_evloop *el, int fd, int mask, wm_el_fn fn, void *ud)
{
    if (fd < 0 || (unsigned)fd >= el->nfd || find(el, fd))
        return -1;
    unsigned i;
    if (el->nfree > 0)
        i = el->free[el->nfree - 1];
    else if (el->used < el->cap)
        i = el->used;
    else
        return -1;
    struct slot *s = &el->slot[i];
    *s = (struct slot){.fd = fd, .mask = 0, .fn = fn, .ud = ud, .gen = s->gen};
    if (set_mask(el, s, mask) < 0) {
        s->fd = -1;
        return -1;
    }
    if (el->nfree > 0)
        el->nfree--;
    else
        el->used++;
    el->by_fd[fd] = i + 1;
    return 0;
}

int wm_el_set(struct wm_evloop *el, int fd, int mask)
{
    struct slot *s = fd < 0 ? NULL : find(el, fd);
    return s ? set_mask(el, s, mask) : -1;
}

int wm_el_del(struct wm_evloop *el, int fd)
{
    struct slot *s = fd < 0 ? NULL : find(el, fd);
    if (!s)
        return -1;
    set_mask(el, s, 0); /* removing always succeeds */
    el->by_fd[fd] = 0;
    s->fd = -1;
    s->gen++;
    el->free[el->nfree++] = (unsigned)(s - el->slot);
    return 0;
}

unsigned wm_el_wanted(const struct wm_evloop *el)
{
    return el->wanted;
}

static void deliver(struct wm_evloop *el, unsigned i, uint32_t gen, int what)
{
    struct slot *s = &el->slot[i];
    if (s->fd < 0 || s->gen != gen)
        return; /* removed by an earlier callback this round (perhaps reused) */
    what &= s->mask; /* silenced, or its interest changed */
    if (what)
        s->fn(el, s->fd, what, s->ud);
}

int wm_el_once(struct wm_evloop *el, int timeout_ms)
{
    if (el->wanted == 0)
        return 0;
    return be_wait(el, timeout_ms, deliver);
}

enum wm_el_end wm_el_run(struct wm_evloop *el, int timeout_ms, uint64_t max_rounds)
{
    for (uint64_t round = 0;; round++) {
        if (el->stop)
            return WM_EL_STOPPED;
        if (el->wanted == 0)
            return WM_EL_IDLE;
        if (max_rounds && round == max_rounds)
            return WM_EL_LIMIT;
        int r = wm_el_once(el, timeout_ms);
        if (r < 0 && errno != EINTR)
            return WM_EL_ERROR;
        if (r == 0)
            return WM_EL_TIMEOUT;
    }
}

void wm_el_stop(struct wm_evloop *el)
{
    el->stop = 1;
}

const char *wm_el_backend(void)
{
#ifdef WM_EL_EPOLL
    return "epoll";
#else
    return "poll";
#endif
}
