#include "script.h"

#include <assert.h>

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
    *s = (struct wm_script){.own = own, .peer = peer, .ep = ep, .quiet_end = quiet_end};
    for (size_t i = 0; i < peer->n; i++) {
        s->peer_lines_total += peer->recs[i].kind == WM_REC_LINE;
        s->peer_ends |= is_end((enum wm_rec_kind)peer->recs[i].kind);
    }
    s->own_partial_open = partial_open(own);
    s->peer_partial_open = partial_open(peer);
}

size_t wm_script_out_max(const struct wm_journal *own, size_t floor)
{
    size_t need = 0; /* text and newline of every record (tlen counts a NUL each) */
    for (size_t i = 0; i < own->n; i++)
        need += own->recs[i].len + 1;
    return need > floor ? need : floor;
}

/* Counts the file's peer records before a record whose cause is c. Causes
 * never decrease along a parsed journal, so the cursor only advances. */
static void count_before(struct wm_script *s, uint64_t c)
{
    while (s->peer_cursor < c && s->peer_cursor < s->peer->n) {
        const struct wm_rec *r = &s->peer->recs[s->peer_cursor++];
        s->peer_lines_before += r->kind == WM_REC_LINE;
        if (r->kind == WM_REC_PARTIAL)
            s->peer_partial_before = r->len;
        s->peer_end_before |= is_end((enum wm_rec_kind)r->kind);
    }
}

/* 1 once the peer's partial line the file puts before the next record has
 * arrived whole (or the peer went past it: the diff will show that). */
static int partial_arrived(const struct wm_script *s)
{
    const struct wm_framer *f = &s->ep->framer;
    if (!s->peer_partial_before || s->ep->peer_eof || f->lines > s->peer_lines_before)
        return 1;
    return wm_framer_mid_line(f) && f->pending >= s->peer_partial_before;
}

/* 1 if the next own record may be played now. */
static int ready(struct wm_script *s)
{
    count_before(s, s->own->recs[s->next].cause);
    return s->peer_lines_before <= s->ep->framer.lines && partial_arrived(s) &&
           (!s->peer_end_before || s->ep->peer_eof);
}

static enum wm_sess_rc pump(struct wm_script *s, const struct wm_sink *out)
{
    /* Each pass plays one record, so this ends within own->n passes. */
    while (s->next < s->own->n && ready(s)) {
        const struct wm_rec *r = &s->own->recs[s->next++];
        const char *text = wm_rec_text(s->own, r);
        switch ((enum wm_rec_kind)r->kind) {
        case WM_REC_LINE:
            wm_emit(out, WM_OUT_SEND, text, r->len);
            break;
        case WM_REC_PARTIAL:
            wm_emit(out, WM_OUT_PARTIAL, text, r->len);
            break;
        case WM_REC_LOG:
            break;
        case WM_REC_CLOSE:
            /* A close the side's own records follow (its error) was a
             * half-close: it read on and reported what it read. */
            if (s->next < s->own->n) {
                wm_emit(out, WM_OUT_HALF_CLOSE, "", 0);
                break;
            }
            wm_emit(out, WM_OUT_CLOSE_AS_WRITTEN, "", 0);
            return WM_SESS_CLOSED;
        case WM_REC_ERROR:
            /* After its half-close and the peer's end the file shows. */
            wm_emit(out, s->peer_end_before ? WM_OUT_ERROR_AS_WRITTEN : WM_OUT_ERROR, text,
                    r->len);
            return WM_SESS_CLOSED;
        }
    }
    if (s->next == s->own->n && !s->peer_ends && !s->own_partial_open && !s->peer_partial_open &&
        s->ep->framer.lines >= s->peer_lines_total) {
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    }
    return WM_SESS_OPEN;
}

int wm_script_close_implied(const struct wm_script *s)
{
    return s->quiet_end && s->next == s->own->n && !s->peer_ends &&
           (s->own_partial_open || s->peer_partial_open);
}

int wm_script_awaits_end(const struct wm_script *s)
{
    if (s->ep->closed || s->ep->peer_eof)
        return 0;
    if (s->next == s->own->n)
        return s->peer_ends && s->ep->framer.lines >= s->peer_lines_total;
    /* ready() has counted the peer records before the next one. */
    return s->peer_end_before && s->peer_lines_before <= s->ep->framer.lines &&
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

/* The peer ended: play what waited for that, then stop; a close is implied. */
static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    struct wm_script *s = self;
    assert(s->ep->peer_eof);
    if (pump(s, out) == WM_SESS_CLOSED)
        return WM_SESS_CLOSED;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    struct wm_script *s = self;
    (void)err; /* a script judges nothing: the transcript diff shows the bytes */
    if (s->ep->peer_eof) /* a partial line, then the end */
        return on_eof(s, out);
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

/* A script waits for nothing but what the file shows: the diff tells the
 * rest. One that has played all and waits for the peer's end because its
 * own close is implied ends as the file says: quietly, nothing recorded. */
static enum wm_sess_rc give_up(void *self, const struct wm_sink *out)
{
    if (!wm_script_close_implied(self))
        wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

const struct wm_role wm_script_role = {start, on_line, on_eof, on_bad_input, give_up,
                                       on_partial, give_up};
