/* Prints the cost of a server's guess bookkeeping: wm_gset (O(1) membership)
 * against the reference's list (linear scan), as a ratio in the same run.
 * Figures only; no assertion depends on time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gset.h"
#include "rng.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Draws n distinct guesses in [1, n] the way the server does; returns a checksum. */
static long long play_set(size_t n)
{
    struct wm_rng rng;
    struct wm_gset s;
    long long sum = 0;
    wm_rng_seed(&rng, 1);
    wm_gset_init(&s, n);
    for (size_t i = 0; i < n; i++) {
        int64_t g;
        do
            g = wm_rng_randint(&rng, 1, (int64_t)n);
        while (wm_gset_has(&s, g));
        wm_gset_add(&s, g);
        sum += g * (long long)(i % 7);
    }
    wm_gset_free(&s);
    return sum;
}

static long long play_list(size_t n)
{
    struct wm_rng rng;
    int64_t *list = malloc(n * sizeof *list);
    size_t len = 0;
    long long sum = 0;
    if (!list)
        return -1;
    wm_rng_seed(&rng, 1);
    for (size_t i = 0; i < n; i++) {
        int64_t g;
        int seen;
        do {
            g = wm_rng_randint(&rng, 1, (int64_t)n);
            seen = 0;
            for (size_t k = 0; k < len && !seen; k++)
                seen = list[k] == g;
        } while (seen);
        list[len++] = g;
        sum += g * (long long)(i % 7);
    }
    free(list);
    return sum;
}

int main(void)
{
    /* Both play the same game to exhaustion of [1, n], same draws, same
     * checksum; only the membership test differs. */
    printf("%10s %12s %12s %8s\n", "guesses", "gset s", "list s", "ratio");
    for (size_t n = 1000; n <= 32000; n *= 2) {
        double t0 = now();
        long long a = play_set(n);
        double t1 = now();
        long long b = play_list(n);
        double t2 = now();
        if (a != b) {
            fprintf(stderr, "bench: the two bookkeepers disagree at n=%zu\n", n);
            return 1;
        }
        printf("%10zu %12.6f %12.6f %7.1fx\n", n, t1 - t0, t2 - t1, (t2 - t1) / (t1 - t0));
    }
    return 0;
}
