#include "hangbudget.h"

#include <stdio.h>

#include "explore.h"
#include "net.h" /* wm_seconds_word */

void wm_hb_init(struct wm_hb *h)
{
    atomic_init(&h->slowest_ms, 0u);
}

void wm_hb_note(struct wm_hb *h, unsigned ms)
{
    if (!h)
        return;
    unsigned seen = atomic_load(&h->slowest_ms);
    while (ms > seen && !atomic_compare_exchange_weak(&h->slowest_ms, &seen, ms))
        ; /* seen reloaded: bounded by the other threads' raises */
}

static unsigned scaled(unsigned slowest, unsigned factor, unsigned floor, unsigned ceiling)
{
    unsigned long long v = (unsigned long long)slowest * factor;
    if (v < floor)
        v = floor;
    return v > ceiling ? ceiling : (unsigned)v;
}

unsigned wm_hb_limit_ms(const struct wm_explore_budget *b, char *why, size_t size)
{
    char sec[32], top[32];
    if (!b->seconds) {
        if (why)
            snprintf(why, size, "no limit (--run-timeout 0)");
        return 0;
    }
    unsigned ceiling = b->seconds * 1000u; /* <= 30 days, parsed so */
    unsigned slowest = b->hb ? atomic_load(&b->hb->slowest_ms) : 0;
    unsigned detect = b->adaptive ? scaled(slowest, WM_HB_AUTO_FACTOR, WM_HB_AUTO_FLOOR_MS, ceiling)
                                  : ceiling;
    unsigned ms = b->shrinking ? scaled(slowest, WM_HB_SHRINK_FACTOR, WM_HB_SHRINK_FLOOR_MS, detect)
                               : detect;
    if (!why)
        return ms;
    wm_seconds_word(sec, sizeof sec, ms);
    if (b->shrinking)
        snprintf(why, size, "%s s (the shrink's budget: %u x the slowest finished run, at least "
                 "%s s, at most the run's budget)", sec, WM_HB_SHRINK_FACTOR,
                 wm_seconds_word(top, sizeof top, WM_HB_SHRINK_FLOOR_MS));
    else if (b->adaptive)
        wm_seconds_word(top, sizeof top, ceiling), snprintf(why, size, "%s s (--run-timeout auto: %u x the slowest finished run, at least "
                 "%u s, at most %s s)", sec, WM_HB_AUTO_FACTOR, WM_HB_AUTO_FLOOR_MS / 1000u, top);
    else
        snprintf(why, size, "%s s (--run-timeout)", sec);
    return ms;
}
