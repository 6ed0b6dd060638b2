/* The monotonic clock, read in one place: the event loop's timers, serve's
 * lingering and idle waits, load's latencies. Never in compared output. */
#ifndef WM_CLOCK_H
#define WM_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t wm_clock_ms(void);
/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t wm_clock_ns(void);

#endif
