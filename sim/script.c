#include "script.h"

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep)
{
    *s = (struct wm_script){.own = own, .peer = peer, .ep = ep};
    for (size_t i = 0; i < peer->n; i++) {
        s->peer_lines_total += peer->recs[i].kind == WM_REC_LINE;
        s->peer_closes |= peer->recs[i].kind == WM_REC_CLOSE || peer->recs[i].kind == WM_REC_ERROR;
    }
}

/* Peer lines the file shows before a record whose cause is c peer records. */
static uint64_t lines_before(struct wm_script *s, uint64_t c)
{
    /* Causes never decrease along a parsed journal, so the cursor only advances. */
    while (s->peer_cursor < c && s->peer_cursor < s->peer->n)
        s->peer_lines_before += s->peer->recs[s->peer_cursor++].kind == WM_REC_LINE;
    return s->peer_lines_before;
}

static enum wm_sess_rc pump(struct wm_script *s, const struct wm_sink *out)
{
    uint64_t got = s->ep->framer.lines;
    while (s->next < s->own->n && lines_before(s, s->own->recs[s->next].cause) <= got) {
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
            wm_emit(out, WM_OUT_CLOSE, "", 0);
            return WM_SESS_CLOSED;
        case WM_REC_ERROR:
            wm_emit(out, WM_OUT_ERROR, text, r->len);
            return WM_SESS_CLOSED;
        }
    }
    if (s->next == s->own->n && !s->peer_closes && got >= s->peer_lines_total) {
        wm_emit(out, WM_OUT_CLOSE, "", 0);
        return WM_SESS_CLOSED;
    }
    return WM_SESS_OPEN;
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

static enum wm_sess_rc on_eof(void *self, const struct wm_sink *out)
{
    (void)self;
    (void)out;
    return WM_SESS_CLOSED; /* the peer is gone: what is left cannot be played */
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    (void)self;
    (void)err; /* a script judges nothing: the transcript diff shows the bytes */
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

const struct wm_role wm_script_role = {start, on_line, on_eof, on_bad_input};
