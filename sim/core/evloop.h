/* A tiny event loop in the spirit of Redis's ae.c: register an fd
 * with read/write interest and a callback, change the interest, remove it,
 * run until nothing is wanted or someone stops the loop. It knows nothing
 * of endpoints; wm_events_run and a TCP server both drive it.
 *
 * Bounded: at most max_fds registrations, all memory allocated up front.
 * Level-triggered: a callback that leaves bytes unread is called again on
 * the next round. epoll on Linux, poll(2) elsewhere (or -DWM_EL_POLL); the
 * behaviour is the same, and tests hold both to it. */
#ifndef WM_EVLOOP_H
#define WM_EVLOOP_H

#include <signal.h>
#include <stdint.h>

#define WM_EL_READ 1
#define WM_EL_WRITE 2

struct wm_evloop;

/* ready: WM_EL_READ and/or WM_EL_WRITE, never outside the fd's interest.
 * Hang-ups and errors are reported as ready for reading (or writing, if
 * only writing is wanted), so the callback's recv/send sees what happened.
 * A callback may add, change or remove any fd, its own included. */
typedef void (*wm_el_fn)(struct wm_evloop *el, int fd, int ready, void *ud);

/* NULL if out of memory or max_fds < 1. */
struct wm_evloop *wm_el_new(unsigned max_fds);
void wm_el_free(struct wm_evloop *el); /* closes nothing: the fds are the caller's */

/* 0, or -1 if the fd is already registered, negative, or the loop is full,
 * or (epoll) the kernel refused it, e.g. a regular file. */
int wm_el_add(struct wm_evloop *el, int fd, int mask, wm_el_fn fn, void *ud);
/* Changes an fd's interest (0 keeps it registered but unpolled). -1 if
 * unknown, or (epoll) if the kernel refused it, errno set: the old interest
 * stays. */
int wm_el_set(struct wm_evloop *el, int fd, int mask);
int wm_el_del(struct wm_evloop *el, int fd);
/* Registered fds with a nonzero interest. */
unsigned wm_el_wanted(const struct wm_evloop *el);

/* "epoll" or "poll": the backend this build uses. */
const char *wm_el_backend(void);

/* One poll and its callbacks: events dispatched, 0 on timeout (or if
 * nothing is wanted), -1 with errno if poll failed (EINTR included). */
int wm_el_once(struct wm_evloop *el, int timeout_ms);

enum wm_el_end {
    WM_EL_IDLE,    /* no fd wants anything */
    WM_EL_STOPPED, /* wm_el_stop was called */
    WM_EL_TIMEOUT, /* one poll waited timeout_ms with nothing ready */
    WM_EL_LIMIT,   /* max_rounds polls were made */
    WM_EL_ERROR    /* poll failed: errno says why */
};
/* Polls until one of the ends above. timeout_ms < 0 waits forever;
 * max_rounds 0 means no limit. EINTR only rechecks the stop flag. */
enum wm_el_end wm_el_run(struct wm_evloop *el, int timeout_ms, uint64_t max_rounds);
/* Async-signal-safe: the loop returns WM_EL_STOPPED before its next poll. */
void wm_el_stop(struct wm_evloop *el);

#endif
