/* A scenario as a run's settings and as words (scenario.h). */
#include "scenario.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "big.h"

/* v + shift * 2^64 - 2^far (far 0: nothing) as canonical decimal into buf
 * (WM_BIG_TEXT_MAX bytes). */
static void shifted(int64_t v, int64_t shift, unsigned far, char *buf)
{
    struct wm_big a, b;
    uint64_t m = shift < 0 ? (uint64_t)0 - (uint64_t)shift : (uint64_t)shift;
    wm_big_from_i64(&a, v);
    b = (struct wm_big){.neg = shift < 0, .n = m >> 32 ? 4 : 3};
    b.w[2] = (uint32_t)m, b.w[3] = (uint32_t)(m >> 32); /* |shift| * 2^64 */
    int rc = shift ? wm_big_add(&a, &a, &b) : 0;
    assert(far < 32 * 8);
    if (far) {
        b = (struct wm_big){.n = far / 32 + 1};
        b.w[far / 32] = UINT32_C(1) << (far % 32);
        rc |= wm_big_sub(&a, &a, &b);
    }
    size_t n = wm_big_format(&a, buf);
    assert(rc == 0 && n > 0);
    (void)rc, (void)n;
}

/* Adds g moved by shift * 2^64, its number 2^far lower (as text when either is not 0). */
static int add_game(struct wm_cfg *cfg, const struct wm_game *g, int64_t shift, unsigned far,
                    struct wm_err *err)
{
    if (shift == 0 && far == 0)
        return wm_cfg_add_game(cfg, g, err);
    char lo[WM_BIG_TEXT_MAX], hi[WM_BIG_TEXT_MAX], secret[WM_BIG_TEXT_MAX];
    shifted(g->lo, shift, 0, lo);
    shifted(g->hi, shift, 0, hi);
    shifted(g->secret, shift, far, secret);
    char text[3 * WM_BIG_TEXT_MAX + 24];
    int n = snprintf(text, sizeof text, "%s:%s:%s:%" PRIu64, lo, hi, secret, g->count);
    return wm_cfg_add_game_text(cfg, text, (size_t)n, err);
}

int wm_scn_cfg(const struct wm_scn *s, struct wm_cfg *cfg, struct wm_err *err)
{
    wm_cfg_init(cfg);
    cfg->seed = s->seed;
    cfg->profile = s->profile;
    cfg->connections = s->connections;
    cfg->max_line = s->max_line;
    cfg->max_guesses = s->max_guesses;
    cfg->chunking = s->run.chunking;
    for (unsigned i = 0; i < s->ngames; i++)
        if (add_game(cfg, &s->games[i], s->shift[i], s->far[i], err) < 0) {
            wm_cfg_free(cfg);
            return -1;
        }
    for (unsigned i = 0; i < s->nfaults; i++)
        if (wm_cfg_add_fault(cfg, &s->faults[i], err) < 0) {
            wm_cfg_free(cfg);
            return -1;
        }
    if (wm_cfg_validate(cfg, err) < 0) {
        wm_cfg_free(cfg); /* as on the other failures: nothing left to free */
        return -1;
    }
    return 0;
}

const char *wm_driver_name(enum wm_driver d)
{
    return d == WM_DRV_THREADS ? "threads" : d == WM_DRV_EVENTS ? "events" : "sim";
}

const char *wm_transport_name(enum wm_transport_kind t)
{
    return t == WM_TR_MEMORY ? "memory" : "socketpair";
}

void wm_scn_describe(const struct wm_scn *s, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%" PRIu32 " connection%s, game%s", s->connections,
                                s->connections == 1 ? "" : "s", s->ngames == 1 ? "" : "s");
    for (unsigned i = 0; i < s->ngames && n < size; i++) {
        const struct wm_game *g = &s->games[i];
        n += (size_t)snprintf(buf + n, size - n, " %" PRId64 ":%" PRId64 ":%" PRId64 ":%" PRIu64,
                              g->lo, g->hi, g->secret, g->count);
        if (s->shift[i] && n < size) /* the values played are these + shift * 2^64 */
            n += (size_t)snprintf(buf + n, size - n, " (+%" PRId64 "*2^64)", s->shift[i]);
        if (s->far[i] && n < size) /* the number played is 2^far lower */
            n += (size_t)snprintf(buf + n, size - n, " (number -2^%u)", (unsigned)s->far[i]);
    }
    if (s->ngames == 0 && n < size)
        n += (size_t)snprintf(buf + n, size - n, " none");
    if (s->profile != WM_PROFILE_STRICT && n < size)
        n += (size_t)snprintf(buf + n, size - n, ", profile %s", wm_profile_name(s->profile));
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, ", seed %" PRIu64, s->seed);
    if (s->max_line != WM_LINE_MAX_DEFAULT && n < size)
        n += (size_t)snprintf(buf + n, size - n, ", max-line %zu", s->max_line);
    if (s->max_guesses != WM_DEFAULT_MAX_GUESSES && n < size)
        n += (size_t)snprintf(buf + n, size - n, ", max-guesses %zu", s->max_guesses);
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, "; %s/%s%s against %s/%s%s",
                              wm_driver_name(s->run.driver), wm_transport_name(s->run.transport),
                              s->run.chunking ? "/split" : "", wm_driver_name(s->other.driver),
                              wm_transport_name(s->other.transport),
                              s->other.chunking ? "/split" : "");
    for (unsigned i = 0; i < s->nfaults && n < size; i++) {
        char f[64];
        wm_fault_format(&s->faults[i], f, sizeof f);
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : ", faults: ", f);
    }
    if (s->rst.on && n < size) /* the reset probe (explore_rst.h) */
        n += (size_t)snprintf(buf + n, size - n, "; client %" PRIu32 " resets after line %" PRIu32
                              " of game %" PRIu32, s->rst.conn % s->connections + 1, s->rst.at,
                              s->rst.game % (s->ngames ? s->ngames : 1) + 1);
    if (s->mal.on && n < size) {
        char m[128];
        wm_mal_describe(&s->mal, m, sizeof m);
        n += (size_t)snprintf(buf + n, size - n, "; %s", m);
    }
}
