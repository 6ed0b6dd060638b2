/* The monotonic clock and sleeping, in one place: the event loop's timers,
 * serve's lingering and idle waits, load's latencies, the console's grace,
 * sig.c's second-signal window, the port pool's seed, child polling. Never in
 * compared output. Reading the clock only calls clock_gettime, which is
 * async-signal-safe: a signal handler may call wm_clock_ms. */
#ifndef WM_CLOCK_H
#define WM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t wm_clock_ms(void);
/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t wm_clock_ns(void);
/* Seconds on CLOCK_MONOTONIC, fractional: the durations reports print. */
double wm_clock_s(void);
/* CLOCK_REALTIME ms milliseconds from now: the deadline pthread_cond_timedwait
 * takes for a condition on its default clock. */
struct timespec wm_clock_wall_after(unsigned ms);
/* Seconds since the epoch on CLOCK_REALTIME, for report stamps only: glibc's
 * time() reads a coarse clock that can lag date(1) across a second's edge. */
int64_t wm_clock_wall_s(void);
/* Sleeps ms milliseconds (resumed after EINTR). */
void wm_sleep_ms(int ms);

#endif
