#include "sim.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rng.h"

enum act { ACT_FEED, ACT_READ, ACT_EOF, ACT_WRITE, ACT_SHUT, ACT_HALF };
#define ACTS 6

struct side {
    struct wm_endpoint *ep;
    /* Read but not yet taken by the endpoint (it was above its high-water
     * mark): kept only then, so a run of many connections holds no read
     * buffer per side (plain malloc: the harness's memory). */
    char *rest;
    size_t rest_off, rest_len;
    uint64_t in_flight; /* bytes this side wrote that the peer has not read */
    int blocked, eof_done, shut_done, half_done;
    int slow;           /* a slow fault: it reads one byte at a time */
};

struct simconn {
    struct wm_transport tr;
    struct side s[2];
    uint64_t frozen_until; /* a delay fault: no step before the run took this many */
    unsigned ready;        /* its ready actions, as ready_of last found them */
    unsigned nready;       /* how many */
};

struct action {
    unsigned conn;
    uint8_t side, act;
};

static size_t rest_left(const struct side *me)
{
    return me->rest_len - me->rest_off;
}

static void feed_rest(struct side *me)
{
    me->rest_off += wm_ep_feed(me->ep, me->rest + me->rest_off, rest_left(me));
    if (me->rest_off == me->rest_len) {
        free(me->rest);
        me->rest = NULL;
        me->rest_off = me->rest_len = 0;
    }
}

/* The actions side s of sc could take now, as bits (1 << act); the
 * conditions of each are the ones docs/DESIGN.md describes. */
static unsigned side_mask(const struct simconn *sc, int s)
{
    const struct side *me = &sc->s[s], *peer = &sc->s[!s];
    const struct wm_endpoint *ep = me->ep;
    size_t pending = wm_ep_pending(ep), rest = rest_left(me);
    int live = !wm_ep_closed(ep) && !wm_ep_stalled(ep);
    int can_take = live && wm_ep_can_take(ep);
    unsigned m = 0;
    m |= (unsigned)(can_take && rest > 0) << ACT_FEED;
    m |= (unsigned)(can_take && rest == 0 && peer->in_flight > 0) << ACT_READ;
    m |= (unsigned)(live && !me->eof_done && rest == 0 && peer->in_flight == 0 &&
                    !wm_ep_holding(ep) && (peer->shut_done || peer->half_done))
         << ACT_EOF;
    m |= (unsigned)(pending > 0 && !me->blocked && !me->shut_done) << ACT_WRITE;
    m |= (unsigned)(wm_ep_closed(ep) && !me->shut_done && (pending == 0 || peer->shut_done))
         << ACT_SHUT;
    m |= (unsigned)(wm_ep_half_closed(ep) && !wm_ep_closed(ep) && !me->half_done &&
                    !me->shut_done && pending == 0)
         << ACT_HALF;
    return m;
}

static size_t pick_len(struct wm_rng *rng, int chunking, uint64_t avail)
{
    size_t cap = avail < WM_IO_CHUNK ? (size_t)avail : WM_IO_CHUNK;
    if (!chunking || cap <= 1)
        return cap;
    return (size_t)wm_rng_randint(rng, 1, (int64_t)cap);
}

/* scratch: WM_IO_CHUNK bytes to read into. */
static int step(struct simconn *sc, int s, enum act a, struct wm_rng *rng, int chunking,
                char *scratch, struct wm_err *err)
{
    struct side *me = &sc->s[s], *peer = &sc->s[!s];
    struct wm_endpoint *ep = me->ep;
    switch (a) {
    case ACT_FEED:
        feed_rest(me);
        return 0;
    case ACT_READ: {
        size_t want = me->slow ? 1 : pick_len(rng, chunking, peer->in_flight);
        long r = wm_tr_read(&sc->tr, s, scratch, want);
        if (r <= 0) {
            wm_err_set(err, "transport read on a ready side returned %ld", r);
            return -1;
        }
        peer->in_flight -= (uint64_t)r;
        peer->blocked = 0;
        size_t took = wm_ep_feed(me->ep, scratch, (size_t)r);
        if (took < (size_t)r) {
            if (!(me->rest = malloc((size_t)r - took))) {
                wm_err_set(err, "out of memory for bytes read");
                return -1;
            }
            memcpy(me->rest, scratch + took, (size_t)r - took);
            me->rest_len = (size_t)r - took;
        }
        return 0;
    }
    case ACT_EOF:
        me->eof_done = 1;
        if (wm_ep_aborted(peer->ep)) /* an abort fault: what a socket's reader gets of an RST */
            wm_ep_reset(ep);
        else
            wm_ep_eof(ep);
        return 0;
    case ACT_WRITE: {
        size_t n = pick_len(rng, chunking, wm_ep_pending(ep));
        long w = wm_tr_write(&sc->tr, s, wm_ep_pending_data(ep), n);
        if (w == -2) {
            wm_err_set(err, "out of memory for a memory pipe");
            return -1;
        }
        if (w < 0) {
            wm_ep_discard(ep); /* the peer is gone: nobody will read this */
        } else if (w == 0) {
            me->blocked = 1;
        } else {
            wm_ep_consumed(ep, (size_t)w);
            me->in_flight += (uint64_t)w;
        }
        return 0;
    }
    case ACT_SHUT:
        wm_ep_discard(ep);
        wm_tr_shutdown(&sc->tr, s);
        me->shut_done = 1;
        peer->in_flight = 0; /* what was on its way here is dropped */
        peer->blocked = 0;
        return 0;
    case ACT_HALF:
        wm_tr_shutdown_write(&sc->tr, s);
        me->half_done = 1;
        return 0;
    }
    return -1;
}

/* Nothing is ready: a stall fault (or a hang, WM_OUT_HANG, which stalls
 * too) is now visible, so a stalled side's peer times out; a stalled side
 * whose peer is gone ends, silently. 1 if that changed anything. Idle is a
 * point every schedule reaches in the same state, so the timeout lands on
 * the same record whatever the schedule; the socket drivers find the same
 * point (drv_threads.c's resolve_hang, drv_events.c's idle). */
static int resolve_stalls(struct simconn *sc, unsigned n)
{
    int changed = 0;
    for (unsigned i = 0; i < n; i++) {
        for (int s = 0; s < 2; s++) {
            struct wm_endpoint *ep = sc[i].s[s].ep, *peer = sc[i].s[!s].ep;
            if (!wm_ep_stalled(ep) || wm_ep_closed(ep))
                continue;
            if (!wm_ep_closed(peer) && !wm_ep_stalled(peer))
                wm_ep_timeout(peer);
            else
                wm_ep_harness_end(ep); /* the harness ends it: no record, it did nothing */
            changed = 1;
        }
    }
    return changed;
}

static int no_progress(struct wm_conn *conns, struct simconn *sc, unsigned n, struct wm_err *err)
{
    int abandoned = 0;
    for (unsigned i = 0; i < n; i++) /* a delayed connection goes once all else is idle */
        if (sc[i].frozen_until) {
            sc[i].frozen_until = 0;
            abandoned = 1;
        }
    if (abandoned || resolve_stalls(sc, n))
        return 0;
    for (unsigned i = 0; i < n; i++) {
        for (int s = 0; s < 2; s++) {
            struct wm_endpoint *ep = sc[i].s[s].ep;
            if (!wm_ep_closed(ep) && ep->role == &wm_script_role) {
                wm_ep_abandon(ep); /* a script still waiting: the diff will show why */
                abandoned = 1;
            }
        }
    }
    if (abandoned)
        return 0;
    for (unsigned i = 0; i < n; i++) {
        if (!sc[i].s[0].shut_done || !sc[i].s[1].shut_done) {
            char what[WM_ERR_MAX];
            wm_conn_describe(&conns[i], what, sizeof what);
            wm_err_set(err, "no progress: %s", what);
            return -1;
        }
    }
    return 1; /* everything finished */
}

/* How many actions of one connection are ready; they are kept in c->ready
 * as bits in (side, action) order for the next pick, since only a step of
 * the connection (or a fault's timer) changes them. */
static unsigned ready_of(struct simconn *c)
{
    unsigned k = 0;
    c->ready = c->frozen_until ? 0 : side_mask(c, 0) | side_mask(c, 1) << ACTS;
    for (unsigned m = c->ready; m; m &= m - 1)
        k++;
    c->nready = k;
    return k;
}

/* The k-th ready action of a connection, from the kept set. */
static struct action kth_ready(const struct simconn *c, unsigned k, unsigned conn)
{
    unsigned m = c->ready;
    for (unsigned j = 0; j < k; j++)
        m &= m - 1;
    assert(m != 0);
    unsigned bit = (unsigned)__builtin_ctz(m);
    return (struct action){conn, (uint8_t)(bit / ACTS), (uint8_t)(bit % ACTS)};
}

/* Ready-action counts per connection in a Fenwick tree: the scheduler picks
 * the r-th ready action of the whole run in O(log n), the same pick a full
 * scan in (connection, side, action) order would make. */
struct counts {
    uint32_t *tree; /* 1-based */
    uint32_t *cnt;
    unsigned n, top; /* top: highest power of two <= n */
    uint64_t total;
};

static void counts_set(struct counts *c, unsigned i, uint32_t v)
{
    assert(i < c->n && v <= 2 * ACTS);
    int64_t d = (int64_t)v - (int64_t)c->cnt[i];
    c->cnt[i] = v;
    c->total = (uint64_t)((int64_t)c->total + d);
    for (unsigned k = i + 1; k <= c->n; k += k & -k)
        c->tree[k] = (uint32_t)((int64_t)c->tree[k] + d);
#ifdef WM_DEBUG
    /* A debug build (make DEBUG=1) holds the tree to a full scan each step. */
    uint64_t sum = 0;
    for (unsigned k = 1; k <= c->n; k++) {
        sum += c->cnt[k - 1];
        uint64_t node = 0; /* tree[k] covers (k - lowbit(k), k] */
        for (unsigned m = k - (k & -k) + 1; m <= k; m++)
            node += c->cnt[m - 1];
        assert(c->tree[k] == node);
    }
    assert(sum == c->total);
#endif
}

/* The connection holding the r-th ready action (r < total); *before gets
 * how many ready actions come before that connection. */
static unsigned counts_find(const struct counts *c, uint64_t r, uint64_t *before)
{
    unsigned pos = 0;
    uint64_t acc = 0;
    for (unsigned step = c->top; step; step >>= 1) {
        if (pos + step <= c->n && acc + c->tree[pos + step] <= r) {
            pos += step;
            acc += c->tree[pos];
        }
    }
    *before = acc;
    return pos; /* 0-based index of the connection */
}

static int check_fault(struct simconn *c, unsigned i, struct wm_err *err)
{
    for (int s = 0; s < 2; s++) {
        if (wm_ep_faulted(c->s[s].ep)) {
            wm_err_set(err, "connection %u: %s", i + 1, wm_ep_fault_msg(c->s[s].ep));
            return -1;
        }
    }
    return 0;
}

int wm_sim_run(struct wm_conn *conns, unsigned n, uint64_t seed, int chunking,
               const struct wm_sim_opts *opts, struct wm_err *err)
{
    struct simconn *sc = wm_calloc(n, sizeof *sc);
    struct counts cn = {wm_calloc((size_t)n + 1, sizeof *cn.tree), wm_calloc(n, sizeof *cn.cnt), n, 1, 0};
    int rc = -1;
    unsigned opened = 0;
    if (!sc || !cn.tree || !cn.cnt) {
        wm_err_set(err, "out of memory for %u connections", n);
        goto out;
    }
    while (cn.top * 2 <= n)
        cn.top *= 2;
    for (; opened < n; opened++) {
        if (wm_tr_open(&sc[opened].tr, opts->transport, err) < 0)
            goto out;
        sc[opened].s[0].ep = &conns[opened].client;
        sc[opened].s[1].ep = &conns[opened].server;
    }
    /* The scheduler's own stream: MT19937 keyed (seed low, seed high, "schd"). */
    struct wm_rng rng;
    uint32_t key[3] = {(uint32_t)seed, (uint32_t)(seed >> 32), 0x73636864u};
    wm_rng_seed_words(&rng, key, 3);
    char scratch[WM_IO_CHUNK];
    unsigned delayed = 0; /* connections still frozen by a delay fault */
    for (unsigned f = 0; f < opts->nfaults; f++) {
        const struct wm_fault *ft = &opts->faults[f];
        if (ft->conn == 0 || ft->conn > n)
            continue;
        if (ft->kind == WM_FAULT_SLOW)
            sc[ft->conn - 1].s[ft->side == 'S'].slow = 1;
        if (ft->kind == WM_FAULT_DELAY && ft->arg > 0) {
            sc[ft->conn - 1].frozen_until = ft->arg;
            delayed++;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        wm_ep_start(&conns[i].server);
        wm_ep_start(&conns[i].client);
        if (check_fault(&sc[i], i, err) < 0)
            goto out;
        counts_set(&cn, i, ready_of(&sc[i]));
    }
    for (uint64_t steps = 0;; steps++) {
        if (steps == opts->max_steps) {
            wm_err_set(err, "stopped after %llu scheduler steps (--max-steps)",
                       (unsigned long long)steps);
            goto out;
        }
        if (cn.total == 0) {
            int done = no_progress(conns, sc, n, err);
            if (done < 0)
                goto out;
            if (done > 0)
                break;
            delayed = 0; /* no_progress let every delayed connection go */
            for (unsigned i = 0; i < n; i++) /* abandoned scripts changed what is ready */
                counts_set(&cn, i, ready_of(&sc[i]));
            continue;
        }
        uint64_t r = cn.total == 1 ? 0 : (uint64_t)wm_rng_randint(&rng, 0, (int64_t)cn.total - 1);
        uint64_t before;
        unsigned i = counts_find(&cn, r, &before);
        assert(r - before < sc[i].nready);
        const struct action pick = kth_ready(&sc[i], (unsigned)(r - before), i);
        if (step(&sc[i], pick.side, (enum act)pick.act, &rng, chunking, scratch, err) < 0 ||
            check_fault(&sc[i], i, err) < 0)
            goto out;
        /* A step touches one connection only, so only its count can change. */
        counts_set(&cn, i, ready_of(&sc[i]));
        if (opts->stream && wm_stream_pump(opts->stream, i, &conns[i], err) < 0)
            goto out;
        for (unsigned j = 0; delayed && j < n; j++) /* delay faults end at their step */
            if (sc[j].frozen_until && steps + 1 >= sc[j].frozen_until) {
                sc[j].frozen_until = 0;
                delayed--;
                counts_set(&cn, j, ready_of(&sc[j]));
            }
    }
    rc = 0;
out:
    for (unsigned i = 0; i < opened; i++) {
        wm_tr_close(&sc[i].tr);
        free(sc[i].s[0].rest);
        free(sc[i].s[1].rest);
    }
    wm_free(sc);
    wm_free(cn.tree);
    wm_free(cn.cnt);
    return rc;
}
