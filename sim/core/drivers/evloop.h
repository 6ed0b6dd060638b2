/* A tiny event loop in the spirit of Redis's ae.c: file events (an fd
 * with read/write interest and a callback), time events (timers) and a
 * signal source in one loop. It knows nothing of endpoints; wm_events_run,
 * serve, record and load all drive it.
 *
 * A round is, in order (as libuv's uv_run): poll for at most the caller's
 * timeout or until the nearest timer, whichever is sooner; read the clock;
 * call the ready fds' callbacks (the signal source among them); unless
 * stopped, call the timers now due, earliest first, armed-first among
 * equals. A timer armed during the round waits for the next one.
 *
 * Bounded: at most max_fds registrations and max_timers armed timers, all
 * memory allocated up front.
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
/* A timer came due; it is disarmed before the call, so fn may arm it again. */
typedef void (*wm_el_timer_fn)(struct wm_evloop *el, void *ud);
/* A signal came: its number, as the self-pipe carried it (sig.h). */
typedef void (*wm_el_signal_fn)(struct wm_evloop *el, int signo, void *ud);

/* NULL if out of memory or max_fds < 1. max_timers may be 0. */
struct wm_evloop *wm_el_new(unsigned max_fds, unsigned max_timers);
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

/* The loop's clock: monotonic milliseconds, read when the loop is made and
 * once a round after the poll (callbacks share one reading). */
int64_t wm_el_now(const struct wm_evloop *el);

/* A timer: 0 is none; a handle stays unique (a stale one is refused). */
typedef uint64_t wm_el_timer;
/* Arms fn(el, ud) for ms (>= 0) after wm_el_now. 0 if max_timers are armed. */
wm_el_timer wm_el_timer_add(struct wm_evloop *el, int64_t ms, wm_el_timer_fn fn, void *ud);
/* Moves an armed timer to ms after wm_el_now, behind the timers already
 * due then (an idle clock restarting). 0, or -1 if it is not armed. */
int wm_el_timer_set(struct wm_evloop *el, wm_el_timer t, int64_t ms);
/* Disarms it: 0, or -1 if it is not armed (it fired, or was disarmed). */
int wm_el_timer_del(struct wm_evloop *el, wm_el_timer t);
/* Timers armed. */
unsigned wm_el_timers(const struct wm_evloop *el);

/* The signal source: fd is a self-pipe carrying one byte per signal, its
 * number (sig.h); each byte read calls fn once. It takes one of max_fds and
 * counts as wanted. 0, or -1 as wm_el_add. */
int wm_el_signal(struct wm_evloop *el, int fd, wm_el_signal_fn fn, void *ud);

/* "epoll" or "poll": the backend this build uses. */
const char *wm_el_backend(void);

/* One round: fd events dispatched plus timers fired, 0 on timeout (or if
 * nothing is wanted and no timer armed), -1 with errno if poll failed
 * (EINTR included; the timers due run all the same). */
int wm_el_once(struct wm_evloop *el, int timeout_ms);

enum wm_el_end {
    WM_EL_IDLE,    /* no fd wants anything, no timer is armed */
    WM_EL_STOPPED, /* wm_el_stop was called */
    WM_EL_TIMEOUT, /* one poll waited timeout_ms with nothing ready, no timer due */
    WM_EL_LIMIT,   /* max_rounds polls were made */
    WM_EL_ERROR    /* poll failed: errno says why */
};
/* Polls until one of the ends above. timeout_ms < 0 waits forever;
 * max_rounds 0 means no limit. EINTR only rechecks the stop flag. */
enum wm_el_end wm_el_run(struct wm_evloop *el, int timeout_ms, uint64_t max_rounds);
/* Async-signal-safe: the loop returns WM_EL_STOPPED before its next poll;
 * a round stopped by its callbacks fires no timers. */
void wm_el_stop(struct wm_evloop *el);

#endif
