/* warmer load's latency histogram and closing report (load.h). */
#include <inttypes.h>

#include "load.h"
#include "sig.h"

#define SUB WM_LOAD_HIST_SUB_BITS

static unsigned top_bit(uint64_t v) /* v > 0 */
{
#if defined(__GNUC__)
    return 63u - (unsigned)__builtin_clzll(v);
#else
    unsigned e = 0;
    while (v >>= 1)
        e++;
    return e;
#endif
}

/* Values below 2^(SUB+1) have a bucket each; above, the power of two
 * [2^e, 2^(e+1)) is cut in 2^SUB buckets, numbered on from there. */
static unsigned bucket(uint64_t v)
{
    if (v < (2u << SUB))
        return (unsigned)v;
    unsigned e = top_bit(v);
    return ((e - SUB + 1) << SUB) + (unsigned)((v >> (e - SUB)) & ((1u << SUB) - 1));
}

static uint64_t bucket_top(unsigned b)
{
    if (b < (2u << SUB))
        return b;
    unsigned e = (b >> SUB) + SUB - 1, sub = b & ((1u << SUB) - 1);
    uint64_t width = (uint64_t)1 << (e - SUB);
    return (((uint64_t)1 << SUB) + sub) * width + (width - 1);
}

void wm_load_hist_add(struct wm_load_hist *h, uint64_t ns)
{
    h->count[bucket(ns)]++;
    h->n++;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

uint64_t wm_load_hist_quantile(const struct wm_load_hist *h, double q)
{
    if (h->n == 0)
        return 0;
    uint64_t want = (uint64_t)(q * (double)h->n + 0.999999), seen = 0;
    if (want < 1)
        want = 1;
    for (unsigned b = 0; b < WM_LOAD_HIST_BUCKETS; b++) {
        seen += h->count[b];
        if (seen >= want) {
            uint64_t top = bucket_top(b);
            return top < h->max_ns ? top : h->max_ns;
        }
    }
    return h->max_ns;
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

void wm_load_report(FILE *out, const struct wm_load_opts *o, const struct wm_load_result *r)
{
    fprintf(out, "load: %u connection%s to %s, game%s", r->connected, r->connected == 1 ? "" : "s",
            o->addr, o->ngames == 1 ? "" : "s");
    for (size_t g = 0; g < o->ngames; g++)
        fprintf(out, " %" PRId64 ":%" PRId64, o->games[g].lo, o->games[g].hi);
    fprintf(out, ", %s\n", o->have_seed ? "replies checked against the seeded model"
                                        : "no --seed: replies checked for range and repeats");
    fprintf(out, "throughput: %.0f guesses/s (%" PRIu64 " guesses in %.3f s)\n",
            r->seconds > 0 ? (double)r->guesses / r->seconds : 0.0, r->guesses, r->seconds);
    fprintf(out, "latency per guess: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
            ms(wm_load_hist_quantile(&r->latency, 0.50)),
            ms(wm_load_hist_quantile(&r->latency, 0.99)), ms(r->latency.max_ns));
    fprintf(out, "guesses: %" PRIu64 ", games finished: %" PRIu64 "\n", r->guesses, r->games);
    fprintf(out, "errors: %" PRIu64 ", connection failures: %" PRIu64 "\n", r->errors,
            r->conn_failures);
    uint64_t total = r->errors + r->conn_failures;
    for (unsigned i = 0; i < r->nfirst; i++)
        fprintf(out, "  %s\n", r->first[i].msg);
    if (total > r->nfirst)
        fprintf(out, "  ... and %" PRIu64 " more\n", total - r->nfirst);
    if (r->signo) {
        char name[24];
        fprintf(out, "interrupted by %s: %" PRIu64 " repl%s pending\n",
                wm_sig_name(r->signo, name, sizeof name), r->pending,
                r->pending == 1 ? "y" : "ies");
    }
}
