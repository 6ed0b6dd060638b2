/* The event loop (evloop.h), with two backends chosen at compile time:
 * epoll on Linux (a wait costs what is ready, not what is registered),
 * poll(2) elsewhere or with -DWM_EL_POLL (tests build both). Registration,
 * lookups, the free list, the timers and a round's phases are shared; only
 * how an fd's interest reaches the kernel and how a wait is gathered differ. */
#include "evloop.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "fdlimit.h"

#if defined(__linux__) && !defined(WM_EL_POLL)
#define WM_EL_EPOLL 1
#include <sys/epoll.h>
/* Events taken per wait; more stay ready for the next (level-triggered). */
#define EL_EVENTS_MAX 512u
#else
#include <poll.h>
#endif

/* The fd table's bound when the open-file limit is unknown or higher. */
#define EL_FD_CAP (1u << 20)

/* A free slot has fd -1. gen changes whenever the slot is freed, so an
 * event gathered for its old fd is never delivered to the next one. */
struct slot {
    int fd, mask;
    wm_el_fn fn;
    void *ud;
    uint32_t gen;
};

/* An armed timer has pos > 0: its place in the heap, plus one. gen changes
 * whenever it is disarmed, so a stale handle is refused. */
struct tslot {
    int64_t when;
    uint64_t seq; /* arming order: equal deadlines fire first armed, first */
    wm_el_timer_fn fn;
    void *ud;
    unsigned pos;
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
    /* time events: a binary min-heap of tslot indices by (when, seq) */
    struct tslot *tm;
    unsigned *heap, *tfree; /* tfree: the disarmed tslots, a stack */
    unsigned tcap, ntm, ntfree;
    uint64_t tseq;
    int64_t now;
    wm_el_signal_fn sigfn; /* the signal source */
    void *sigud;
};

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
    el->now = wm_clock_ms();
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
    el->now = wm_clock_ms();
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

struct wm_evloop *wm_el_new(unsigned max_fds, unsigned max_timers)
{
    if (max_fds < 1)
        return NULL;
    struct wm_evloop *el = calloc(1, sizeof *el);
    if (!el)
        return NULL;
#ifdef WM_EL_EPOLL
    el->epfd = -1;
#endif
    el->nfd = wm_fd_limit_now(EL_FD_CAP);
    el->slot = calloc(max_fds, sizeof *el->slot);
    el->by_fd = calloc(el->nfd, sizeof *el->by_fd);
    el->free = calloc(max_fds, sizeof *el->free);
    el->tm = calloc(max_timers + 1u, sizeof *el->tm); /* + 1: never calloc(0) */
    el->heap = calloc(max_timers + 1u, sizeof *el->heap);
    el->tfree = calloc(max_timers + 1u, sizeof *el->tfree);
    if (be_new(el, max_fds) < 0 || !el->slot || !el->by_fd || !el->free || !el->tm ||
        !el->heap || !el->tfree) {
        wm_el_free(el);
        return NULL;
    }
    el->tcap = max_timers;
    for (unsigned i = 0; i < max_timers; i++)
        el->tfree[el->ntfree++] = max_timers - 1 - i; /* tslot 0 is taken first */
    el->now = wm_clock_ms();
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
    free(el->tm);
    free(el->heap);
    free(el->tfree);
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

unsigned wm_el_timers(const struct wm_evloop *el)
{
    return el->ntm;
}

int64_t wm_el_now(const struct wm_evloop *el)
{
    return el->now;
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

/* ---- time events ---- */

static int earlier(const struct wm_evloop *el, unsigned a, unsigned b)
{
    const struct tslot *x = &el->tm[a], *y = &el->tm[b];
    return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

static void heap_put(struct wm_evloop *el, unsigned pos, unsigned t)
{
    el->heap[pos] = t;
    el->tm[t].pos = pos + 1;
}

/* Moves the timer at pos up or down until the heap holds again. */
static void heap_fix(struct wm_evloop *el, unsigned pos)
{
    unsigned t = el->heap[pos];
    while (pos > 0 && earlier(el, t, el->heap[(pos - 1) / 2])) {
        heap_put(el, pos, el->heap[(pos - 1) / 2]);
        pos = (pos - 1) / 2;
    }
    for (;;) {
        unsigned kid = 2 * pos + 1;
        if (kid >= el->ntm)
            break;
        if (kid + 1 < el->ntm && earlier(el, el->heap[kid + 1], el->heap[kid]))
            kid++;
        if (!earlier(el, el->heap[kid], t))
            break;
        heap_put(el, pos, el->heap[kid]);
        pos = kid;
    }
    heap_put(el, pos, t);
}

static struct tslot *timer_find(struct wm_evloop *el, wm_el_timer h)
{
    uint64_t i = (h & 0xffffffffu) - 1; /* h 0: i wraps past tcap */
    if (i >= el->tcap || el->tm[i].pos == 0 || el->tm[i].gen != (uint32_t)(h >> 32))
        return NULL;
    return &el->tm[i];
}

wm_el_timer wm_el_timer_add(struct wm_evloop *el, int64_t ms, wm_el_timer_fn fn, void *ud)
{
    if (el->ntfree == 0)
        return 0;
    unsigned i = el->tfree[--el->ntfree];
    struct tslot *t = &el->tm[i];
    *t = (struct tslot){.when = el->now + (ms > 0 ? ms : 0), .seq = el->tseq++, .fn = fn,
                        .ud = ud, .gen = t->gen};
    heap_put(el, el->ntm++, i);
    heap_fix(el, el->ntm - 1);
    return (uint64_t)t->gen << 32 | (i + 1u);
}

int wm_el_timer_set(struct wm_evloop *el, wm_el_timer h, int64_t ms)
{
    struct tslot *t = timer_find(el, h);
    if (!t)
        return -1;
    t->when = el->now + (ms > 0 ? ms : 0);
    t->seq = el->tseq++; /* behind those armed before */
    heap_fix(el, t->pos - 1);
    return 0;
}

/* Takes the armed timer t out of the heap and frees its tslot. */
static void timer_unlink(struct wm_evloop *el, struct tslot *t)
{
    unsigned pos = t->pos - 1, last = el->heap[--el->ntm];
    t->pos = 0;
    t->gen++;
    el->tfree[el->ntfree++] = (unsigned)(t - el->tm);
    if (pos < el->ntm) {
        heap_put(el, pos, last);
        heap_fix(el, pos);
    }
}

int wm_el_timer_del(struct wm_evloop *el, wm_el_timer h)
{
    struct tslot *t = timer_find(el, h);
    if (t)
        timer_unlink(el, t);
    return t ? 0 : -1;
}

/* The timer phase: those due by now and armed before it began, in order. */
static int run_timers(struct wm_evloop *el)
{
    uint64_t horizon = el->tseq;
    int fired = 0;
    while (el->ntm > 0 && !el->stop) {
        struct tslot *t = &el->tm[el->heap[0]];
        if (t->when > el->now || t->seq >= horizon)
            break;
        wm_el_timer_fn fn = t->fn;
        void *ud = t->ud;
        timer_unlink(el, t);
        fn(el, ud);
        fired++;
    }
    assert(el->ntm + el->ntfree == el->tcap);
    return fired;
}

/* ---- the signal source ---- */

static void on_signal_fd(struct wm_evloop *el, int fd, int ready, void *ud)
{
    unsigned char b;
    ssize_t r;
    (void)ready, (void)ud;
    do
        r = read(fd, &b, 1);
    while (r < 0 && errno == EINTR);
    if (r == 1)
        el->sigfn(el, b, el->sigud);
}

int wm_el_signal(struct wm_evloop *el, int fd, wm_el_signal_fn fn, void *ud)
{
    el->sigfn = fn;
    el->sigud = ud;
    return wm_el_add(el, fd, WM_EL_READ, on_signal_fd, NULL);
}

/* ---- a round, in its phases ---- */

/* *expired: the poll waited the caller's whole timeout, no timer being nearer. */
static int round_once(struct wm_evloop *el, int timeout_ms, int *expired)
{
    *expired = 0;
    if (el->wanted == 0 && el->ntm == 0)
        return 0;
    int wait = timeout_ms;
    if (el->ntm > 0) { /* phase 1: until the nearest timer, at most */
        el->now = wm_clock_ms();
        int64_t left = el->tm[el->heap[0]].when - el->now;
        left = left < 0 ? 0 : left > INT_MAX ? INT_MAX : left;
        if (wait < 0 || left < wait)
            wait = (int)left;
    }
    int r = be_wait(el, wait, deliver); /* phases 2 and 3: the clock, the fds */
    int e = errno;
    int fired = run_timers(el);           /* phase 4: the timers due */
    if (r < 0) {
        errno = e;
        return -1;
    }
    *expired = r == 0 && fired == 0 && wait == timeout_ms && timeout_ms >= 0;
    return r + fired;
}

int wm_el_once(struct wm_evloop *el, int timeout_ms)
{
    return round_once(el, timeout_ms, &(int){0});
}

enum wm_el_end wm_el_run(struct wm_evloop *el, int timeout_ms, uint64_t max_rounds)
{
    for (uint64_t round = 0;; round++) {
        if (el->stop)
            return WM_EL_STOPPED;
        if (el->wanted == 0 && el->ntm == 0)
            return WM_EL_IDLE;
        if (max_rounds && round == max_rounds)
            return WM_EL_LIMIT;
        int expired;
        int r = round_once(el, timeout_ms, &expired);
        if (r < 0 && errno != EINTR)
            return WM_EL_ERROR;
        if (expired)
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
