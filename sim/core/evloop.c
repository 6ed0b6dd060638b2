#include "evloop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/resource.h>

/* slot[i] describes pfd[i]. A free slot has fd -1; a slot with no interest
 * keeps its fd but hands poll -1, which poll skips (no POLLHUP storms). */
struct slot {
    int fd, mask;
    wm_el_fn fn;
    void *ud;
};

struct wm_evloop {
    struct slot *slot;
    struct pollfd *pfd;
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

struct wm_evloop *wm_el_new(unsigned max_fds)
{
    if (max_fds < 1)
        return NULL;
    struct wm_evloop *el = calloc(1, sizeof *el);
    if (!el)
        return NULL;
    el->nfd = fd_limit();
    el->slot = calloc(max_fds, sizeof *el->slot);
    el->pfd = calloc(max_fds, sizeof *el->pfd);
    el->by_fd = calloc(el->nfd, sizeof *el->by_fd);
    el->free = calloc(max_fds, sizeof *el->free);
    if (!el->slot || !el->pfd || !el->by_fd || !el->free) {
        wm_el_free(el);
        return NULL;
    }
    el->cap = max_fds;
    for (unsigned i = 0; i < max_fds; i++)
        el->slot[i].fd = el->pfd[i].fd = -1;
    return el;
}

void wm_el_free(struct wm_evloop *el)
{
    if (!el)
        return;
    free(el->slot);
    free(el->pfd);
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

static void set_mask(struct wm_evloop *el, struct slot *s, int mask)
{
    struct pollfd *p = &el->pfd[s - el->slot];
    el->wanted += (mask != 0) - (s->mask != 0);
    s->mask = mask;
    p->fd = mask ? s->fd : -1;
    p->events = (short)(((mask & WM_EL_READ) ? POLLIN : 0) | ((mask & WM_EL_WRITE) ? POLLOUT : 0));
}

int wm_el_add(struct wm_evloop *el, int fd, int mask, wm_el_fn fn, void *ud)
{
    if (fd < 0 || (unsigned)fd >= el->nfd || find(el, fd))
        return -1;
    unsigned i;
    if (el->nfree > 0)
        i = el->free[--el->nfree];
    else if (el->used < el->cap)
        i = el->used++;
    else
        return -1;
    el->by_fd[fd] = i + 1;
    el->slot[i] = (struct slot){.fd = fd, .mask = 0, .fn = fn, .ud = ud};
    el->pfd[i].revents = 0;
    set_mask(el, &el->slot[i], mask);
    return 0;
}

int wm_el_set(struct wm_evloop *el, int fd, int mask)
{
    struct slot *s = fd < 0 ? NULL : find(el, fd);
    if (!s)
        return -1;
    set_mask(el, s, mask);
    return 0;
}

int wm_el_del(struct wm_evloop *el, int fd)
{
    struct slot *s = fd < 0 ? NULL : find(el, fd);
    if (!s)
        return -1;
    set_mask(el, s, 0);
    el->pfd[s - el->slot].revents = 0; /* a pending event must not reach a reused slot */
    el->by_fd[fd] = 0;
    s->fd = -1;
    el->free[el->nfree++] = (unsigned)(s - el->slot);
    return 0;
}

unsigned wm_el_wanted(const struct wm_evloop *el)
{
    return el->wanted;
}

int wm_el_once(struct wm_evloop *el, int timeout_ms)
{
    if (el->wanted == 0)
        return 0;
    unsigned n = el->used; /* slots added by callbacks wait for the next poll */
    int ready = poll(el->pfd, (nfds_t)n, timeout_ms);
    if (ready <= 0)
        return ready;
    for (unsigned i = 0; i < n; i++) {
        short re = el->pfd[i].revents;
        el->pfd[i].revents = 0;
        struct slot *s = &el->slot[i];
        if (re == 0 || s->fd < 0 || s->mask == 0)
            continue; /* removed or silenced by an earlier callback this round */
        int trouble = (re & (POLLHUP | POLLERR | POLLNVAL)) != 0, what = 0;
        if ((re & POLLIN) || trouble)
            what |= WM_EL_READ;
        if ((re & POLLOUT) || trouble)
            what |= WM_EL_WRITE;
        what &= s->mask;
        if (what)
            s->fn(el, s->fd, what, s->ud);
    }
    return ready;
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
