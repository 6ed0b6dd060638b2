#include "endpoint.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static void set_fault(struct wm_endpoint *ep, const char *what, size_t limit)
{
    if (ep->fault)
        return;
    ep->fault = 1;
    ep->closed = 1;
    if (limit)
        wm_err_set(&ep->fault_msg, "%s side: %s (limit %zu bytes)",
                   ep->side == 'C' ? "client" : "server", what, limit);
    else
        wm_err_set(&ep->fault_msg, "%s side: %s", ep->side == 'C' ? "client" : "server", what);
}

/* 0 recorded, -1 the side's journal is full and the side has ended.
 * as_written: a script's record the file shows after its peer's end. */
static int record_as(struct wm_endpoint *ep, enum wm_rec_kind kind, const char *text, size_t len,
                     int as_written)
{
    if (!ep->journal) {
        if (ep->observe)
            ep->observe(ep->observe_ctx, ep, kind, text, len);
        return 0;
    }
    if (ep->journal_full)
        return -1;
    /* A half-closed side's peer answered our close quietly, so its close is
     * implied, not a record: nothing here may follow it (its cause would
     * count an item the transcript does not hold). */
    if (ep->out_shut && ep->peer_eof && !as_written)
        return 0;
    uint64_t cause = wm_ep_items_seen(ep);
    enum wm_journal_rc rc = wm_journal_add(ep->journal, kind, cause, text, len);
    if (rc == WM_JOURNAL_OK)
        return 0;
    /* Full, or no memory: the side ends here, saying so in the one record a
     * full journal still takes, and the run goes on (the peer sees a close). */
    struct wm_err why;
    const char *who = ep->side == 'C' ? "client" : "server";
    if (rc == WM_JOURNAL_NOMEM)
        wm_err_set(&why, "%s side: out of memory for its transcript", who);
    else
        wm_err_set(&why, "%s side: transcript limit reached, its journal holds %zu bytes "
                         "(--max-journal)", who,
                   rc == WM_JOURNAL_LIMIT ? ep->journal->max_total : ep->journal->max_bytes);
    ep->journal_full = 1;
    ep->closed = 1;
    if (wm_journal_add_last(ep->journal, WM_REC_ERROR, cause, why.msg, strlen(why.msg)) !=
        WM_JOURNAL_OK)
        set_fault(ep, "out of memory for the transcript", 0);
    return -1;
}

static int record(struct wm_endpoint *ep, enum wm_rec_kind kind, const char *text, size_t len)
{
    return record_as(ep, kind, text, len, 0);
}

static void queue(struct wm_endpoint *ep, const char *p, size_t n, int newline)
{
    size_t need = ep->out_len + n + (size_t)newline;
    if (ep->out_off > 0 && need > ep->out_cap) { /* reclaim written bytes first */
        memmove(ep->out, ep->out + ep->out_off, ep->out_len - ep->out_off);
        ep->out_len -= ep->out_off;
        ep->out_off = 0;
        need = ep->out_len + n + (size_t)newline;
    }
    if (need > ep->out_max) {
        set_fault(ep, "output buffer full", ep->out_max);
        return;
    }
    if (need > ep->out_cap) {
        size_t cap = ep->out_cap ? ep->out_cap : 256;
        while (cap < need)
            cap *= 2;
        if (cap > ep->out_max)
            cap = ep->out_max;
        char *np = wm_realloc(ep->out, cap);
        if (!np) {
            set_fault(ep, "out of memory for its output", 0);
            return;
        }
        ep->out = np;
        ep->out_cap = cap;
    }
    memcpy(ep->out + ep->out_len, p, n);
    ep->out_len += n;
    if (newline)
        ep->out[ep->out_len++] = '\n';
    assert(ep->out_off <= ep->out_len && ep->out_len <= ep->out_cap && ep->out_cap <= ep->out_max);
}

/* The side fault fires: the output has reached its byte. */
static void fire_cut(struct wm_endpoint *ep)
{
    ep->cut_done = 1;
    switch (ep->cut_kind) {
    case WM_FAULT_RESET:
    case WM_FAULT_HALF_CLOSE:
        if (!ep->peer_eof)
            record(ep, WM_REC_CLOSE, "", 0);
        if (ep->cut_kind == WM_FAULT_RESET)
            ep->closed = 1; /* and reads no more */
        else
            ep->out_shut = 1; /* reads on; sends go nowhere */
        break;
    default:
        ep->stalled = 1;
        break;
    }
}

/* Bytes the session sends, up to the side fault's byte if one is armed. */
static void emit_bytes(struct wm_endpoint *ep, const char *text, size_t len, int newline)
{
    if (ep->out_shut || ep->stalled || ep->journal_full)
        return;
    uint64_t n = len + (size_t)newline;
    if (ep->has_cut && !ep->cut_done && ep->out_total + n > ep->cut_at) {
        size_t keep = (size_t)(ep->cut_at - ep->out_total); /* < n, so <= len */
        if (keep > 0) {
            if (record(ep, WM_REC_PARTIAL, text, keep) < 0)
                return;
            queue(ep, text, keep, 0);
            ep->out_total += keep;
        }
        fire_cut(ep);
        return;
    }
    if (record(ep, newline ? WM_REC_LINE : WM_REC_PARTIAL, text, len) < 0)
        return; /* bytes the transcript cannot hold never leave */
    queue(ep, text, len, newline);
    ep->out_total += n;
    if (ep->has_cut && !ep->cut_done && ep->out_total == ep->cut_at)
        fire_cut(ep);
}

static int printable(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (text[i] < 0x20 || text[i] > 0x7e)
            return 0;
    return 1;
}

static void on_emit(void *ctx, enum wm_out_kind kind, const char *text, size_t len)
{
    struct wm_endpoint *ep = ctx;
    /* A side fault or a full journal can end the side inside a session
     * call: what the session says after that never happened. */
    if (ep->fault || ep->closed || ep->hung)
        return;
    switch (kind) {
    case WM_OUT_SEND:
        emit_bytes(ep, text, len, 1);
        break;
    case WM_OUT_PARTIAL:
        emit_bytes(ep, text, len, 0);
        break;
    case WM_OUT_LOG:
        record(ep, WM_REC_LOG, text, len);
        break;
    case WM_OUT_ERROR:
    case WM_OUT_ERROR_AS_WRITTEN:
        record_as(ep, WM_REC_ERROR, text, len, kind == WM_OUT_ERROR_AS_WRITTEN);
        ep->closed = ep->session_ended = 1;
        break;
    case WM_OUT_HALF_CLOSE:
        /* As a half-close fault: the close is its record, then sends go nowhere. */
        if (!ep->out_shut)
            record(ep, WM_REC_CLOSE, "", 0);
        ep->out_shut = 1;
        break;
    case WM_OUT_CLOSE:
    case WM_OUT_CLOSE_AS_WRITTEN:
        /* Answering the peer's close is implied, not recorded; so is the
         * rest of a close a half-close fault already recorded. */
        if ((!ep->peer_eof || kind == WM_OUT_CLOSE_AS_WRITTEN) && !ep->out_shut)
            record(ep, WM_REC_CLOSE, "", 0);
        ep->closed = ep->session_ended = 1;
        break;
    case WM_OUT_HANG:
        /* Its reason is written verbatim, as an error's (transcript.c). */
        assert(len < WM_ERR_MAX && printable(text, len));
        /* What it queued still goes out (drivers write a stalled side's
         * pending bytes); then nothing, not even a close. A full journal
         * ended the side instead. */
        if (record(ep, WM_REC_HANG, text, len) == 0)
            ep->hung = ep->stalled = 1;
        break;
    }
}

int wm_ep_init(struct wm_endpoint *ep, char side, const struct wm_role *role, void *self,
               struct wm_journal *journal, size_t max_line, size_t out_max)
{
    *ep = (struct wm_endpoint){.side = side, .role = role, .self = self, .journal = journal,
                               .out_max = out_max};
    int rc = wm_framer_init(&ep->framer, max_line);
    ep->framer.lenient = role->raw_lines;
    return rc;
}

void wm_ep_free(struct wm_endpoint *ep)
{
    wm_framer_free(&ep->framer);
    wm_free(ep->out);
    ep->out = NULL;
}

static void apply(struct wm_endpoint *ep, enum wm_sess_rc rc)
{
    /* A session that wrote its end and says it is still open has lost
     * track of its own state (proto/session.h's contract). */
    assert(!ep->session_ended || rc == WM_SESS_CLOSED);
    ep->session_ended = 0;
    if (rc == WM_SESS_CLOSED && !ep->hung) /* a hung side closes nothing */
        ep->closed = 1;
}

void wm_ep_set_cut(struct wm_endpoint *ep, const struct wm_fault *f)
{
    assert(wm_fault_at_byte(f->kind) && !ep->started);
    assert(!f->abortive || f->kind == WM_FAULT_RESET);
    ep->has_cut = 1;
    ep->cut_kind = f->kind;
    ep->cut_abort = f->abortive;
    ep->cut_at = f->arg;
}

void wm_ep_start(struct wm_endpoint *ep)
{
    assert(!ep->started);
    ep->started = 1;
    if (ep->has_cut && ep->cut_at == 0)
        fire_cut(ep); /* before its first byte */
    if (ep->closed || ep->stalled)
        return;
    struct wm_sink sink = {on_emit, ep};
    apply(ep, ep->role->start(ep->self, &sink));
}

size_t wm_ep_feed(struct wm_endpoint *ep, const char *p, size_t n)
{
    struct wm_sink sink = {on_emit, ep};
    size_t taken = 0;
    if (ep->stalled)
        return 0;
    /* Each pass consumes at least one byte or stops, so this ends within n passes. */
    while (taken < n && !ep->closed) {
        if (!wm_ep_can_take(ep))
            return taken;
        size_t used;
        const char *line;
        size_t len;
        struct wm_err err;
        enum wm_frame_rc rc = wm_framer_push(&ep->framer, p + taken, n - taken, &used, &line,
                                             &len, &err);
        taken += used;
        if (rc == WM_FRAME_LINE)
            apply(ep, ep->role->on_line(ep->self, line, len, &sink));
        else if (rc == WM_FRAME_ERROR)
            apply(ep, ep->role->on_bad_input(ep->self, &err, &sink));
        else if (ep->role->on_partial && wm_framer_mid_line(&ep->framer))
            apply(ep, ep->role->on_partial(ep->self, &sink));
    }
    return ep->closed ? n : taken; /* a closed side discards what follows */
}

size_t wm_ep_feed_inbuf(struct wm_endpoint *ep, struct wm_inbuf *b)
{
    size_t took = wm_ep_feed(ep, b->data + b->off, b->len - b->off);
    b->off += took;
    if (b->off == b->len)
        b->off = b->len = 0;
    return took;
}

static void end_of_stream(struct wm_endpoint *ep, int reset)
{
    if (ep->peer_eof)
        return;
    /* Drivers give the end only to a side that takes input (it would change
     * what a held record counts). */
    assert(!wm_ep_holding(ep));
    ep->peer_eof = 1;
    if (ep->closed || ep->hung)
        return;
    struct wm_sink sink = {on_emit, ep};
    struct wm_err err;
    if (reset && wm_framer_mid_line(&ep->framer)) {
        struct wm_quoted q;
        wm_err_set(&err, WM_RESET_TEXT " after %s (no final newline)",
                   wm_quote(&q, ep->framer.buf, ep->framer.len));
        apply(ep, ep->role->on_bad_input(ep->self, &err, &sink));
    } else if (reset && ep->role->on_reset) {
        apply(ep, ep->role->on_reset(ep->self, &sink));
    } else if (ep->role->on_tail && wm_framer_mid_line(&ep->framer) && !ep->framer.failed) {
        apply(ep, ep->role->on_tail(ep->self, ep->framer.buf, ep->framer.len, &sink));
    } else if (wm_framer_eof(&ep->framer, &err) == WM_FRAME_ERROR) {
        apply(ep, ep->role->on_bad_input(ep->self, &err, &sink));
    } else {
        apply(ep, ep->role->on_eof(ep->self, &sink));
    }
}

void wm_ep_eof(struct wm_endpoint *ep)
{
    end_of_stream(ep, 0);
}

void wm_ep_reset(struct wm_endpoint *ep)
{
    end_of_stream(ep, 1);
}

void wm_ep_abandon(struct wm_endpoint *ep)
{
    if (ep->closed || ep->hung)
        return;
    if (!ep->role->on_abandon) {
        on_emit(ep, WM_OUT_CLOSE, "", 0);
        return;
    }
    struct wm_sink sink = {on_emit, ep};
    apply(ep, ep->role->on_abandon(ep->self, &sink));
}

void wm_ep_timeout(struct wm_endpoint *ep)
{
    if (ep->closed || ep->stalled)
        return;
    struct wm_sink sink = {on_emit, ep};
    apply(ep, ep->role->on_timeout(ep->self, &sink));
}

int wm_ep_holding(const struct wm_endpoint *ep)
{
    return !ep->closed && ep->role->holding && ep->role->holding(ep->self);
}

int wm_ep_can_take(const struct wm_endpoint *ep)
{
    return !ep->closed && !ep->stalled && wm_ep_pending(ep) < WM_EP_HIGH_WATER &&
           !wm_ep_holding(ep);
}

/* Output drained: a script holding records plays on (and holds again at
 * its mark). */
static void drained(struct wm_endpoint *ep)
{
    if (wm_ep_holding(ep)) {
        struct wm_sink sink = {on_emit, ep};
        apply(ep, ep->role->on_drain(ep->self, &sink));
    }
}

void wm_ep_consumed(struct wm_endpoint *ep, size_t n)
{
    assert(n <= wm_ep_pending(ep));
    ep->out_off += n;
    if (ep->out_off == ep->out_len)
        ep->out_off = ep->out_len = 0;
    drained(ep);
}

void wm_ep_discard(struct wm_endpoint *ep)
{
    ep->out_off = ep->out_len = 0;
    drained(ep);
}

uint64_t wm_ep_items_seen(const struct wm_endpoint *ep)
{
    return ep->framer.lines + (uint64_t)wm_framer_mid_line(&ep->framer) + (uint64_t)ep->peer_eof;
}

void wm_ep_harness_end(struct wm_endpoint *ep)
{
    assert(ep->stalled); /* hung is stalled too: a live side ends by its session */
    ep->closed = 1;
}
