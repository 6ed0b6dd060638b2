#include "script.h"

#include <assert.h>
#include <stdlib.h>

static int is_end(enum wm_rec_kind k)
{
    return k == WM_REC_CLOSE || k == WM_REC_ERROR;
}

/* 1 if the side's last wire record is a partial line: its close is not
 * shown (it would follow), so it closed after its peer, or never. */
static int partial_open(const struct wm_journal *j)
{
    for (size_t i = j->n; i-- > 0;) {
        enum wm_rec_kind k = (enum wm_rec_kind)j->recs[i].kind;
        if (wm_rec_is_wire(k))
            return k == WM_REC_PARTIAL;
    }
    return 0;
}

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep, int quiet_end)
{
    *s = (struct wm_script){.own = own, .peer = peer, .ep = ep, .quiet_end = quiet_end,
                            .hold_at = WM_EP_HIGH_WATER};
    for (size_t i = 0; i < peer->n; i++) {
        s->peer_lines_total += peer->recs[i].kind == WM_REC_LINE;
        s->peer_ends |= is_end((enum wm_rec_kind)peer->recs[i].kind);
    }
    s->own_partial_open = partial_open(own);
    s->peer_partial_open = partial_open(peer);
}

int wm_script_init_cursor(struct wm_script *s, const struct wm_tx_index *ix, uint32_t conn,
                          char side, const struct wm_endpoint *ep, int quiet_end)
{
    const struct wm_tx_side_sum *own = wm_tx_index_side(ix, conn, side),
                                *peer = wm_tx_index_side(ix, conn, side == 'C' ? 'S' : 'C');
    *s = (struct wm_script){.cur = wm_txc_open(ix, conn), .side = side, .ep = ep,
                            .quiet_end = quiet_end, .peer_lines_total = peer->lines,
                            .peer_ends = peer->ends, .own_partial_open = own->partial_open,
                            .peer_partial_open = peer->partial_open,
                            .hold_at = WM_EP_HIGH_WATER};
    return s->cur ? 0 : -1;
}

void wm_script_free(struct wm_script *s)
{
    wm_txc_close(s->cur);
    s->cur = NULL;
}

size_t wm_script_out_max(size_t line_max, size_t floor)
{
    size_t need = WM_EP_HIGH_WATER + line_max + 1;
    return need > floor ? need : floor;
}

/* A peer record the file puts before the next own one. */
static void count_peer(struct wm_script *s, enum wm_rec_kind kind, size_t len)
{
    s->peer_lines_before += kind == WM_REC_LINE;
    if (kind == WM_REC_PARTIAL)
        s->peer_partial_before = len;
    s->peer_end_before |= is_end(kind);
}

/* Reads on to the next own record, counting the peer records the file puts
 * before it: a record whose cause is c comes after exactly c of them. */
static void fetch(struct wm_script *s)
{
    if (s->have || s->done)
        return;
    if (!s->cur) {
        if (s->own_i == s->own->n) {
            s->done = 1;
            return;
        }
        const struct wm_rec *r = &s->own->recs[s->own_i++];
        /* Causes never decrease along a parsed journal. */
        while (s->peer_i < r->cause && s->peer_i < s->peer->n) {
            const struct wm_rec *p = &s->peer->recs[s->peer_i++];
            count_peer(s, (enum wm_rec_kind)p->kind, p->len);
        }
        s->kind = (enum wm_rec_kind)r->kind;
        s->text = wm_rec_text(s->own, r);
        s->len = r->len;
        s->have = 1;
        return;
    }
    struct wm_tx_item it;
    struct wm_err err;
    int rc;
    /* Each pass reads a record of the connection; its count is the file's. */
    while ((rc = wm_txc_next(s->cur, &it, &err)) > 0) {
        if (it.side != s->side) {
            count_peer(s, it.kind, it.len);
            continue;
        }
        s->kind = it.kind;
        s->text = it.text;
        s->len = it.len;
        s->have = 1;
        return;
    }
    /* The end; or the file changed under the run since it was indexed: the
     * script stops there, and the comparison shows what was left out. */
    s->done = 1;
    wm_txc_close(s->cur);
    s->cur = NULL;
}

/* 1 once the peer's partial line the file puts before the next record has
 * arrived whole (or the peer went past it: the diff will show that). */
static int partial_arrived(const struct wm_script *s)
{
    const struct wm_framer *f = &s->ep->framer;
    if (!s->peer_partial_before || wm_ep_peer_ended(s->ep) || f->lines > s->peer_lines_before)
        return 1;
    return wm_framer_mid_line(f) && f->pending >= s->peer_partial_before;
}

/* 1 if the next own record may be played now (fetch has read it). */
static int ready(const struct wm_script *s)
{
    return s->peer_lines_before <= s->ep->framer.lines && partial_arrived(s) &&
           (!s->peer_end_before || wm_ep_peer_ended(s->ep));
}

static enum wm_sess_rc pump(struct wm_script *s, const struct wm_sink *out)
{
    if (s->hung)
        return WM_SESS_OPEN;
    s->holding = 0;
    /* Each pass plays one record, so this ends within the file's records. */
    for (fetch(s); s->have && ready(s); fetch(s)) {
        if (wm_ep_pending(s->ep) >= s->hold_at) {
            s->holding = 1; /* on_drain plays on */
            return WM_SESS_OPEN;
        }
        s->have = 0;
        switch (s->kind) {
        case WM_REC_LINE:
            wm_emit(out, WM_OUT_SEND, s->text, s->len);
            break;
        case WM_REC_PARTIAL:
            wm_emit(out, WM_OUT_PARTIAL, s->text, s->len);
            break;
        case WM_REC_LOG:
            break;
        case WM_REC_HANG: /* the last of its records (the parser sees to it) */
            wm_emit(out, WM_OUT_HANG, s->text, s->len);
            s->hung = 1;
            return WM_SESS_OPEN;
        case WM_REC_CLOSE:
            /* A close the side's own records follow (its error) was a
             * half-close: it read on and reported what it read. */
            fetch(s);
            if (s->have) {
                wm_emit(out, WM_OUT_HALF_CLOSE, "", 0);
                break;
            }
            wm_emit(out, WM_OUT_CLOSE_AS_WRITTEN, "", 0);
            return WM_SESS_CLOSED;
        case WM_REC_ERROR:
            /* After its half-close and the peer's end the file shows. */
            wm_emit(out, s->peer_end_before ? WM_OUT_ERROR_AS_WRITTEN : WM_OUT_ERROR, s->text,
                    s->len);
            return WM_SESS_CLOSED;
        }
    }
    if (s->done && !s->peer_ends && !s->own_partial_open && !s->peer_partial_open &&
        s->ep->framer.lines >= s->peer_lines_total) {
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    }
    return WM_SESS_OPEN;
}

int wm_script_close_implied(const struct wm_script *s)
{
    return s->quiet_end && s->done && !s->peer_ends &&
           (s->own_partial_open || s->peer_partial_open);
}

int wm_script_awaits_end(const struct wm_script *s)
{
    if (wm_ep_closed(s->ep) || wm_ep_peer_ended(s->ep) || s->holding || s->hung)
        return 0;
    if (s->done)
        return s->peer_ends && s->ep->framer.lines >= s->peer_lines_total;
    /* pump has read the next record and counted the peer records before it. */
    return s->have && s->peer_end_before && s->peer_lines_before <= s->ep->framer.lines &&
           partial_arrived(s);
}

static enum wm_sess_rc start(void *self, const struct wm_sink *out)
{
    return pump(self, out);
}

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    (void)line;
    (void)len;
    return pump(self, out);
}

/* A record may have waited for the peer's partial line. */
static enum wm_sess_rc on_partial(void *self, const struct wm_sink *out)
{
    return pump(self, out);
}

/* The peer ended: play what waited for that, then stop; a close is implied.
 * A script holding records back stops once they are played (on_drain). */
static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    struct wm_script *s = self;
    assert(wm_ep_peer_ended(s->ep));
    if (pump(s, out) == WM_SESS_CLOSED)
        return WM_SESS_CLOSED;
    if (s->holding || s->hung) /* a hung side never closes: the harness ends it */
        return WM_SESS_OPEN;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    struct wm_script *s = self;
    (void)err; /* a script judges nothing: the transcript diff shows the bytes */
    if (wm_ep_peer_ended(s->ep)) /* a partial line, then the end */
        return on_eof(s, out);
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

/* A script waits for nothing but what the file shows: the diff tells the
 * rest. One that has played all and waits for the peer's end because its
 * own close is implied ends as the file says: quietly, nothing recorded. */
static enum wm_sess_rc give_up(void *self, const struct wm_sink *out)
{
    if (((struct wm_script *)self)->hung)
        return WM_SESS_OPEN;
    if (!wm_script_close_implied(self))
        wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static int holding(const void *self)
{
    return ((const struct wm_script *)self)->holding;
}

/* Its output drained: play on, and once the peer has ended and nothing is
 * held, stop as on_eof does. */
static enum wm_sess_rc on_drain(void *self, const struct wm_sink *out)
{
    struct wm_script *s = self;
    return wm_ep_peer_ended(s->ep) ? on_eof(s, out) : pump(s, out);
}

const struct wm_role wm_script_role = {start,      on_line,  on_eof,  on_bad_input, give_up,
                                       on_partial, give_up, holding, on_drain, NULL, 0, NULL};
