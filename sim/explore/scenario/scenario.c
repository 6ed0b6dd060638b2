#include "scenario.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mal_book.h"
#include "rng.h"

static int64_t rnd(struct wm_rng *g, int64_t lo, int64_t hi)
{
    return wm_rng_randint(g, lo, hi);
}

static int chance(struct wm_rng *g, int percent)
{
    return rnd(g, 0, 99) < percent;
}

/* A value at one of the edges integers have, or an ordinary one. */
static int64_t edge_value(struct wm_rng *g)
{
    static const int64_t edges[] = {0,         1,           -1,          INT64_MIN,
                                    INT64_MAX, INT64_MIN + 1, INT64_MAX - 1, 9007199254740992,
                                    -9007199254740992, 9007199254740993, 4294967296, -4294967297};
    if (chance(g, 60))
        return edges[rnd(g, 0, (int64_t)(sizeof edges / sizeof edges[0]) - 1)];
    return chance(g, 50) ? rnd(g, -1000, 1000) : rnd(g, INT64_MIN, INT64_MAX);
}

/* Values a game can draw without repeats: 0 means all 2^64. */
static uint64_t span_of(const struct wm_game *g)
{
    return g->lo > g->hi ? 0 : (uint64_t)g->hi - (uint64_t)g->lo + 1;
}

/* Guesses a game can make at most. */
static uint64_t guesses_of(const struct wm_game *g)
{
    if (g->lo > g->hi)
        return 0;
    uint64_t span = span_of(g);
    return span != 0 && span < g->count ? span : g->count;
}

static int64_t clamp_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static void draw_game(struct wm_rng *g, struct wm_game *gm, const struct wm_game *prev)
{
    int64_t lo, hi, secret;
    uint64_t count;
    switch (rnd(g, 0, 10)) {
    case 0: /* a single value, found or not */
        lo = hi = edge_value(g);
        secret = chance(g, 70) ? lo : (lo == INT64_MAX ? lo - 1 : lo + 1);
        count = (uint64_t)rnd(g, 1, 3);
        break;
    case 1: /* a tiny range asked more often than it has values: exhaustion */
        lo = rnd(g, -5, 5);
        hi = lo + rnd(g, 1, 5);
        secret = chance(g, 50) ? rnd(g, lo, hi) : hi + 1;
        count = (uint64_t)(hi - lo + 1 + rnd(g, 1, 4));
        break;
    case 2: /* all negative */
        hi = rnd(g, -1000000, -1);
        lo = hi - rnd(g, 0, 300);
        secret = rnd(g, lo, hi);
        count = (uint64_t)rnd(g, 1, 40);
        break;
    case 3: /* straddling zero */
        lo = rnd(g, -20, -1);
        hi = rnd(g, 1, 20);
        secret = rnd(g, lo, hi);
        count = (uint64_t)rnd(g, 1, 50);
        break;
    case 4: /* the whole signed 64-bit range */
        lo = INT64_MIN, hi = INT64_MAX;
        secret = chance(g, 50) ? edge_value(g) : rnd(g, INT64_MIN, INT64_MAX);
        count = (uint64_t)rnd(g, 1, 30);
        break;
    case 5: /* distances past 2^53, where doubles tie */
        lo = rnd(g, -1000, 1000);
        hi = clamp_add(lo, (int64_t)1 << rnd(g, 54, 62));
        secret = chance(g, 50) ? lo : hi;
        count = (uint64_t)rnd(g, 5, 60);
        break;
    case 6: /* an empty range */
        hi = rnd(g, -3, 3);
        lo = hi + rnd(g, 1, 3);
        secret = lo;
        count = (uint64_t)rnd(g, 0, 2);
        break;
    case 7: /* overlapping the previous game */
        lo = prev ? clamp_add(prev->lo, rnd(g, -3, 3)) : 0;
        hi = prev && prev->hi >= lo ? prev->hi : clamp_add(lo, rnd(g, 0, 10));
        secret = chance(g, 80) && lo <= hi ? rnd(g, lo, hi) : edge_value(g);
        count = (uint64_t)rnd(g, 0, 30);
        break;
    case 8: /* no guesses at all */
        lo = rnd(g, -10, 10);
        hi = lo + rnd(g, 0, 10);
        secret = lo;
        count = 0;
        break;
    case 9: /* a longer game */
        lo = rnd(g, -100000, 100000);
        hi = lo + rnd(g, 100, 3000);
        secret = chance(g, 90) ? rnd(g, lo, hi) : hi + 1;
        count = (uint64_t)rnd(g, 1, hi - lo + 10);
        break;
    default: /* ordinary */
        lo = rnd(g, -50, 50);
        hi = lo + rnd(g, 0, 40);
        secret = rnd(g, lo - 2, hi + 2);
        count = (uint64_t)rnd(g, 1, hi - lo + 4);
        break;
    }
    *gm = (struct wm_game){.lo = lo, .hi = hi, .secret = secret, .count = count};
}

static void draw_setup(struct wm_rng *g, struct wm_scn_setup *u, uint32_t connections, int driver)
{
    int64_t d = rnd(g, 0, 99);
    u->driver = d < 84 ? WM_DRV_SIM : d < 92 || connections > 8 ? WM_DRV_EVENTS : WM_DRV_THREADS;
    if (driver >= 0)
        u->driver = (enum wm_driver)driver;
    u->transport = chance(g, 50) ? WM_TR_MEMORY : WM_TR_SOCKETPAIR;
    u->chunking = chance(g, 40);
}

static int byte_fault_free(const struct wm_scn *s, char side, uint32_t conn)
{
    for (unsigned i = 0; i < s->nfaults; i++)
        if (wm_fault_at_byte(s->faults[i].kind) && s->faults[i].side == side &&
            s->faults[i].conn == conn)
            return 0;
    return 1;
}

/* Swarm testing: each run turns on its own subset of the allowed kinds, so
 * rare combinations get tried; each kind on gets one or two faults. */
static void draw_faults(struct wm_rng *g, struct wm_scn *s, unsigned allowed, int live)
{
    if ((allowed & WM_SCN_SPLIT) && chance(g, 40))
        s->swarm |= WM_SCN_SPLIT;
    int planned = chance(g, 60); /* the rest run clean, under every driver */
    for (unsigned k = 0; k < WM_FAULT_KINDS; k++)
        if (planned && (allowed & (1u << k)) && chance(g, 35))
            s->swarm |= 1u << k;
    for (unsigned k = 0; k < WM_FAULT_KINDS; k++) {
        if (!(s->swarm & (1u << k)))
            continue;
        int copies = (int)rnd(g, 1, k == WM_FAULT_JOURNAL || k == WM_FAULT_ALLOC ? 1 : 2);
        for (int c = 0; c < copies && s->nfaults < WM_MAX_FAULTS; c++) {
            struct wm_fault f = {.kind = (enum wm_fault_kind)k};
            if (k != WM_FAULT_JOURNAL && k != WM_FAULT_ALLOC) {
                f.conn = (uint32_t)rnd(g, 1, s->connections);
                f.side = k == WM_FAULT_DELAY ? 0 : chance(g, 50) ? 'C' : 'S';
                if (live)
                    f.side = 'C';
            }
            int64_t p = rnd(g, 0, 99);
            if (wm_fault_at_byte(f.kind))
                f.arg = (uint64_t)(p < 60 ? rnd(g, 0, 60) : p < 90 ? rnd(g, 0, 400) : rnd(g, 0, 5000));
            else if (k == WM_FAULT_DELAY)
                f.arg = (uint64_t)rnd(g, 1, 400);
            else if (k == WM_FAULT_JOURNAL)
                f.arg = (uint64_t)rnd(g, 0, 4000);
            else if (k == WM_FAULT_ALLOC) /* half among the run's first allocations: its setup */
                f.arg = (uint64_t)(chance(g, 50) ? rnd(g, 1, 30) : rnd(g, 1, 400));
            if (wm_fault_at_byte(f.kind) && !byte_fault_free(s, f.side, f.conn))
                continue;
            int dup = 0; /* one slow per side, one delay per connection */
            for (unsigned i = 0; i < s->nfaults; i++)
                dup |= s->faults[i].kind == f.kind && s->faults[i].side == f.side &&
                       s->faults[i].conn == f.conn;
            if (!dup)
                s->faults[s->nfaults++] = f;
        }
    }
    /* Half the alloc-fail plans keep only the faults that end no side
     * (slow, delay): there a refusal that shows no out-of-memory error is
     * a finding (explore.c), where a cut or a full journal could have
     * taken the error's place. */
    unsigned ends = 0;
    for (unsigned k = 0; k < WM_FAULT_KINDS; k++)
        ends |= wm_fault_ends_side((enum wm_fault_kind)k) ? 1u << k : 0;
    if ((s->swarm & (1u << WM_FAULT_ALLOC)) && (s->swarm & ends) && chance(g, 50)) {
        unsigned n = 0;
        for (unsigned i = 0; i < s->nfaults; i++)
            if (!wm_fault_ends_side(s->faults[i].kind))
                s->faults[n++] = s->faults[i];
        s->nfaults = n;
        s->swarm &= ~ends;
    }
}

/* Book: a game in four is moved beyond int64, by a multiple of 2^64 up to
 * 2^62 of them (values below 2^127, distances a double holds). */
static void draw_shifts(struct wm_rng *g, struct wm_scn *s)
{
    static const int64_t shifts[] = {1, -1, 2, -2, 4294967296, -4294967296,
                                     INT64_C(4611686018427387904), -INT64_C(4611686018427387904)};
    for (unsigned i = 0; i < s->ngames; i++)
        if (chance(g, 25))
            s->shift[i] = shifts[rnd(g, 0, (int64_t)(sizeof shifts / sizeof shifts[0]) - 1)];
}

/* A tie needs the game's previous distance R >= 2^53: one game becomes
 * one whose distances (from an end, the number) lie below 2^k, half of
 * them in [2^(k-1), 2^k); in half of them the number is moved 2^far below
 * the range, so that the distances have far + 1 bits: with 86 and 118 the
 * round bit is a word's lowest (bit 32 or 64) and the sticky bits fill the
 * words below, with 101 it is within one. */
static void draw_tie(struct wm_rng *g, struct wm_scn *s)
{
    s->mal.tie = 1;
    s->mal.op = WM_MAL_NUMERAL;
    s->mal.partial = 0; /* the whole line: readline() would drop a digit */
    unsigned j = (unsigned)rnd(g, 0, s->ngames - 1);
    uint64_t others = 0;
    for (unsigned i = 0; i < s->ngames; i++)
        others += i == j ? 0 : guesses_of(&s->games[i]);
    assert(others <= WM_SCN_GUESS_BUDGET);
    int k = chance(g, 50) ? 54 : (int)rnd(g, 55, 62);
    int64_t lo = rnd(g, -1000, 1000), hi = lo + (((int64_t)1 << k) - 1);
    uint64_t count = (uint64_t)rnd(g, 3, 20), left = WM_SCN_GUESS_BUDGET - others;
    static const uint8_t fars[] = {85, 100, 117};
    int far = chance(g, 50);
    s->games[j] = (struct wm_game){.lo = lo, .hi = hi, .secret = far || chance(g, 50) ? lo : hi,
                                   .count = count < left ? count : left};
    s->far[j] = far ? fars[rnd(g, 0, (int64_t)(sizeof fars / sizeof fars[0]) - 1)] : 0;
}

/* Of the runs that may have malformed input: all, since the run is held
 * well-formed first (the recipe only adds a script run after it), and
 * strict is half the runs when profiles are drawn. With 100 the recipe
 * of every run that had one at 50 is the same (the same draws follow). */
#define MAL_PERCENT 100
#define MAL_SERVER_PERCENT 50 /* a guess: the client's reading is the other half */
#define MAL_PARTIAL_PERCENT 50 /* of the book's guesses: readline()'s last bytes at the end */
#define MAL_TIE_PERCENT 25 /* of the book's guesses: a rounding tie instead (drawn last) */
/* Of the runs without a plan: the reset probe's two more runs in half of them. */
#define RST_PERCENT 50

/* Half the runs strict: its sessions, parser and malformed input are half
 * of proto/'s code; the book's sessions and integers of any size the other
 * half, shared by book and book-asyncio, which differ only in the server's
 * end once its handler returns. A stream of its own, so each run is, draw
 * for draw, the run `--profile P` makes (strict's runs as they were). */
enum wm_profile wm_scn_profile_of(uint64_t seed, uint64_t run)
{
    struct wm_rng g;
    uint32_t key[5] = {(uint32_t)seed, (uint32_t)(seed >> 32), (uint32_t)run,
                       (uint32_t)(run >> 32), 0x70726f66u}; /* "prof" */
    wm_rng_seed_words(&g, key, 5);
    int64_t p = rnd(&g, 0, 3);
    return p < 2 ? WM_PROFILE_STRICT : p == 2 ? WM_PROFILE_BOOK : WM_PROFILE_BOOK_ASYNCIO;
}

void wm_scn_draw(struct wm_scn *s, uint64_t seed, uint64_t run, const struct wm_scn_bias *b)
{
    struct wm_rng g;
    /* Its own stream per run: MT19937 keyed (seed, run, "expl"). */
    uint32_t key[5] = {(uint32_t)seed, (uint32_t)(seed >> 32), (uint32_t)run,
                       (uint32_t)(run >> 32), 0x6578706cu};
    wm_rng_seed_words(&g, key, 5);
    memset(s, 0, sizeof *s);
    s->profile = !b ? WM_PROFILE_STRICT
                 : b->draw_profile && !b->live ? wm_scn_profile_of(seed, run)
                                               : b->profile;
    int64_t c = rnd(&g, 0, 99);
    s->connections = c < 45 ? 1 : c < 85 ? (uint32_t)rnd(&g, 2, 4) :
                                           (uint32_t)rnd(&g, 5, WM_SCN_MAX_CONNECTIONS);
    s->ngames = (unsigned)rnd(&g, 1, 4);
    uint64_t budget = WM_SCN_GUESS_BUDGET;
    for (unsigned i = 0; i < s->ngames; i++) {
        struct wm_game *gm = &s->games[i];
        draw_game(&g, gm, i ? &s->games[i - 1] : NULL);
        uint64_t made = guesses_of(gm);
        if (made > budget) /* fewer guesses, same shape */
            gm->count = budget;
        budget -= guesses_of(gm);
    }
    int64_t k = rnd(&g, 0, 99);
    s->seed = k < 60 ? (uint64_t)rnd(&g, 0, 9999) :
              k < 80 ? (uint64_t)rnd(&g, INT64_MIN, INT64_MAX) :
              k < 90 ? 4294967296u - (uint64_t)rnd(&g, 0, 3) : UINT64_MAX - (uint64_t)rnd(&g, 0, 3);
    if (s->seed > UINT64_MAX - (s->connections - 1))
        s->seed = UINT64_MAX - (s->connections - 1);
    s->max_line = chance(&g, 8) ? (size_t)rnd(&g, 8, 64) : WM_LINE_MAX_DEFAULT;
    s->max_guesses = chance(&g, 8) ? (size_t)rnd(&g, 1, 20) : WM_DEFAULT_MAX_GUESSES;
    draw_setup(&g, &s->run, s->connections, b ? b->driver : -1);
    draw_setup(&g, &s->other, s->connections, -1);
    int live = b && b->live;
    if (live) { /* one connection at a time, the server's own limits */
        s->connections = 1;
        s->max_line = WM_LINE_MAX_DEFAULT;
        s->max_guesses = WM_DEFAULT_MAX_GUESSES;
    }
    draw_faults(&g, s, (b ? b->faults : WM_SCN_ALL_FAULTS) & (live ? WM_SCN_LIVE_FAULTS : ~0u),
                live);
    if (!(s->swarm & WM_SCN_SPLIT))
        s->run.chunking = s->other.chunking = 0;
    if (s->nfaults > 0) /* a fault plan is the simulator's to carry out */
        s->run.driver = s->other.driver = WM_DRV_SIM;
    if (s->swarm & (1u << WM_FAULT_ALLOC)) {
        /* Allocations come in the order of one setup: check's default
         * transport, and the same setup again as the differential run. */
        s->run.transport = WM_TR_SOCKETPAIR;
        s->other = s->run;
    }
    if (memcmp(&s->run, &s->other, sizeof s->run) == 0 && !(s->swarm & (1u << WM_FAULT_ALLOC))) {
        if (s->swarm & WM_SCN_SPLIT)
            s->other.chunking = !s->other.chunking;
        else
            s->other.transport = s->other.transport == WM_TR_MEMORY ? WM_TR_SOCKETPAIR : WM_TR_MEMORY;
    }
    if (wm_profile_is_book(s->profile)) /* last: strict's draws are as they were */
        draw_shifts(&g, s);
    /* After everything else, so runs drawn before malformed input are as they were. */
    if (!live && s->nfaults == 0 && /* strict and the book's: the classifier of each */
        ((b ? b->faults : WM_SCN_ALL_FAULTS) & WM_SCN_MALFORMED)) {
        wm_mal_draw(&g, s->connections, MAL_PERCENT, &s->mal);
        /* Half of them corrupt a guess our client reads instead (strict's
         * client, or the book's); the book's half of those send it cut
         * before its newline, then close (drawn last: strict's as before). */
        if (s->mal.on && chance(&g, MAL_SERVER_PERCENT)) {
            s->mal.server = 1;
            if (wm_profile_is_book(s->profile))
                s->mal.partial = chance(&g, MAL_PARTIAL_PERCENT);
        }
        s->swarm |= s->mal.on ? WM_SCN_MALFORMED : 0;
        /* int()'s numerals past its digit limit need a longer line than
         * any drawn: the line is raised to fit them (not to fit the rest). */
        size_t need = s->mal.on && wm_profile_is_book(s->profile) ? wm_mal_book_len(&s->mal) : 0;
        if (need > WM_LINE_MAX_DEFAULT && need > s->max_line)
            s->max_line = need;
    }
    /* Last of all, so every earlier draw is as it was: a client's reset at
     * a line's end, where its server must name the game it was in. */
    if (!live && s->nfaults == 0 && ((b ? b->faults : WM_SCN_ALL_FAULTS) & (1u << WM_FAULT_RESET)) &&
        chance(&g, RST_PERCENT))
        s->rst = (struct wm_scn_rst){1, (uint32_t)rnd(&g, 0, s->connections - 1),
                                     (uint32_t)rnd(&g, 0, s->ngames - 1), (uint32_t)rnd(&g, 0, 7)};
    /* After that: a corrupted guess for the book's client on a rounding tie
     * (mal_tie.h), in a game wide enough for one (distances past 2^53). */
    if (s->mal.on && s->mal.server && wm_profile_is_book(s->profile) && chance(&g, MAL_TIE_PERCENT))
        draw_tie(&g, s);
}

const char *wm_scn_fault_name(unsigned k)
{
    return k == WM_FAULT_KINDS       ? "split"
           : k == WM_FAULT_KINDS + 1 ? "malformed"
                                     : wm_fault_name((enum wm_fault_kind)k);
}

int wm_scn_parse_faults(const char *list, unsigned *mask, char *bad, size_t size)
{
    *mask = 0;
    if (strcmp(list, "all") == 0) {
        *mask = WM_SCN_ALL_FAULTS;
        return 0;
    }
    if (strcmp(list, "none") == 0)
        return 0;
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        int k = n == 5 && memcmp(p, "split", 5) == 0       ? WM_FAULT_KINDS
                : n == 9 && memcmp(p, "malformed", 9) == 0 ? WM_FAULT_KINDS + 1
                                                           : wm_fault_kind_of(p, n);
        if (k < 0) {
            snprintf(bad, size, "%.*s", (int)n, p);
            return -1;
        }
        *mask |= 1u << k;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

/* ---- shrinking ---- */

static uint64_t mag(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static unsigned setup_weight(const struct wm_scn_setup *u)
{
    return (u->driver != WM_DRV_SIM) * 4 + (u->transport != WM_TR_MEMORY) * 2 + (u->chunking != 0);
}

/* The order's components, most significant first: 6 of the scenario, 6 a
 * game, 1 a fault, the malformed line's, 3 the reset probe's. */
#define SCN_COMPONENTS_MAX (6 + 6 * WM_SCN_MAX_GAMES + WM_MAX_FAULTS + WM_MAL_COMPONENTS + 3)

static size_t components(const struct wm_scn *s, uint64_t *v)
{
    assert(s->ngames <= WM_SCN_MAX_GAMES && s->nfaults <= WM_MAX_FAULTS);
    size_t n = 0;
    v[n++] = s->connections;
    v[n++] = s->ngames;
    v[n++] = s->nfaults;
    v[n++] = setup_weight(&s->run);
    v[n++] = (s->max_line != WM_LINE_MAX_DEFAULT) + (s->max_guesses != WM_DEFAULT_MAX_GUESSES);
    for (unsigned i = 0; i < s->ngames; i++) {
        const struct wm_game *g = &s->games[i];
        v[n++] = g->count;
        /* 0 but under a book profile; a number moved far counts more than any shift */
        v[n++] = mag(s->shift[i]) + (s->far[i] ? UINT64_C(1) << 63 : 0);
        v[n++] = g->lo > g->hi ? 0 : span_of(g) - 1; /* all 2^64 values: 2^64 - 1 */
        v[n++] = mag(g->lo);
        v[n++] = mag(g->hi);
        v[n++] = mag(g->secret);
    }
    for (unsigned i = 0; i < s->nfaults; i++)
        v[n++] = s->faults[i].arg;
    v[n++] = s->seed;
    assert(n == 6 + 6 * (size_t)s->ngames + s->nfaults); /* SCN_COMPONENTS_MAX counts them */
    wm_mal_components(&s->mal, v + n);
    n += WM_MAL_COMPONENTS;
    v[n++] = (uint64_t)s->rst.on;
    v[n++] = s->rst.game;
    v[n++] = s->rst.at;
    assert(n <= SCN_COMPONENTS_MAX);
    return n;
}

int wm_scn_less(const struct wm_scn *a, const struct wm_scn *b)
{
    uint64_t va[SCN_COMPONENTS_MAX], vb[SCN_COMPONENTS_MAX];
    size_t na = components(a, va), nb = components(b, vb);
    for (size_t i = 0; i < na && i < nb; i++)
        if (va[i] != vb[i])
            return va[i] < vb[i];
    return na < nb;
}

static int64_t halfway(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(((uint64_t)hi - (uint64_t)lo) / 2);
}

/* Variant k of game g (0..8); 0 past the last. */
static int game_variant(struct wm_game *g, unsigned k)
{
    switch (k) {
    case 0: g->count = 0; return 1;
    case 1: g->count /= 2; return 1;
    case 2: g->count -= g->count > 0; return 1;
    case 3: if (g->lo < g->hi) g->hi = halfway(g->lo, g->hi); return 1;
    case 4: if (g->lo < g->hi) g->lo = halfway(g->lo, g->hi) + 1; return 1;
    case 5: g->lo /= 2, g->hi /= 2; return 1;
    case 6: g->secret /= 2; return 1;
    case 7: g->secret = g->lo; return 1;
    case 8: g->secret -= g->secret > 0 ? 1 : g->secret < 0 ? -1 : 0; return 1;
    }
    return 0;
}

#define GAME_VARIANTS 9

int wm_scn_smaller(const struct wm_scn *s, unsigned i, struct wm_scn *out)
{
    assert(s->connections >= 1 && s->ngames <= WM_SCN_MAX_GAMES && s->nfaults <= WM_MAX_FAULTS);
    *out = *s;
    if (i < 3) {
        uint32_t c = s->connections;
        out->connections = i == 0 ? 1 : i == 1 ? (c + 1) / 2 : c - (c > 1);
        assert(out->connections >= 1 && out->connections <= c); /* a run keeps a connection */
        return 1;
    }
    i -= 3;
    if (i < s->nfaults) { /* drop fault i */
        memmove(&out->faults[i], &out->faults[i + 1], (s->nfaults - i - 1) * sizeof out->faults[0]);
        out->nfaults--;
        return 1;
    }
    i -= s->nfaults;
    if (i < s->ngames) { /* drop game i */
        memmove(&out->games[i], &out->games[i + 1], (s->ngames - i - 1) * sizeof out->games[0]);
        memmove(&out->shift[i], &out->shift[i + 1], (s->ngames - i - 1) * sizeof out->shift[0]);
        memmove(&out->far[i], &out->far[i + 1], (s->ngames - i - 1) * sizeof out->far[0]);
        out->shift[s->ngames - 1] = 0;
        out->far[s->ngames - 1] = 0;
        out->ngames--;
        return 1;
    }
    i -= s->ngames;
    if (i < 5) {
        int same = 0; /* an alloc-fail plan keeps both setups alike, on socketpair */
        for (unsigned f = 0; f < s->nfaults; f++)
            same |= s->faults[f].kind == WM_FAULT_ALLOC;
        if (same && i == 2)
            return 1;
        switch (i) {
        case 0: out->run.chunking = 0; break;
        case 1: out->run.driver = WM_DRV_SIM; break;
        case 2: out->run.transport = WM_TR_MEMORY; break;
        case 3: out->max_line = WM_LINE_MAX_DEFAULT; break;
        case 4: out->max_guesses = WM_DEFAULT_MAX_GUESSES; break;
        }
        if (same)
            out->other = out->run;
        else if (memcmp(&out->run, &out->other, sizeof out->run) == 0)
            *out = *s; /* the differential run must stay different */
        return 1;
    }
    i -= 5;
    if (i < s->ngames * GAME_VARIANTS) {
        int made = game_variant(&out->games[i / GAME_VARIANTS], i % GAME_VARIANTS);
        assert(made); /* GAME_VARIANTS counts game_variant's cases */
        return made;
    }
    i -= s->ngames * GAME_VARIANTS;
    if (i < 2 * s->ngames) { /* a game back within int64, or halfway there */
        out->shift[i / 2] = i % 2 == 0 ? 0 : s->shift[i / 2] / 2;
        return 1;
    }
    i -= 2 * s->ngames;
    if (i < s->ngames) { /* a game's number back where it was drawn */
        out->far[i] = 0;
        return 1;
    }
    i -= s->ngames;
    if (i < 2 * s->nfaults) { /* an earlier fault: halfway, then one back */
        uint64_t *at = &out->faults[i / 2].arg;
        *at = i % 2 == 0 ? *at / 2 : *at - (*at > 0);
        return 1;
    }
    i -= 2 * s->nfaults;
    if (i < 3) {
        out->seed = i == 0 ? 0 : i == 1 ? s->seed / 2 : s->seed - (s->seed > 0);
        return 1;
    }
    i -= 3;
    if (s->rst.on && i < 4) { /* no reset probe; the reset in the first game, an earlier line */
        if (i == 0)
            out->rst = (struct wm_scn_rst){0};
        else if (i == 1)
            out->rst.game = 0;
        else
            out->rst.at = i == 2 ? s->rst.at / 2 : s->rst.at - (s->rst.at > 0);
        return 1;
    }
    i -= s->rst.on ? 4 : 0;
    return s->mal.on && wm_mal_smaller(&s->mal, i, &out->mal); /* an earlier line, a simpler cut */
}
