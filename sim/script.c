#include "script.h"

void wm_script_init(struct wm_script *s, const struct wm_journal *own,
                    const struct wm_journal *peer, const struct wm_endpoint *ep)
{
    *s = (struct wm_script){.own = own, .ep = ep};
    for (size_t i = 0; i < peer->n; i++)
        s->peer_total += wm_rec_is_wire((enum wm_rec_kind)peer->recs[i].kind);
}

/* Plays every record whose wait is met; closes once the script is spent
 * and the peer has sent all the file expects of it. */
static enum wm_sess_rc pump(struct wm_script *s, const struct wm_sink *out)
{
    uint64_t seen = wm_ep_items_seen(s->ep);
    while (s->next < s->own->n && s->own->recs[s->next].cause <= seen) {
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
    if (s->next == s->own->n && seen >= s->peer_total) {
        wm_emit(out, WM_OUT_CLOSE, "", 0); /* recorded only if the peer is still open */
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
    pump(self, out);
    return WM_SESS_CLOSED; /* the peer is gone: what is left cannot be played */
}

static enum wm_sess_rc on_bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    (void)err; /* a script judges nothing; the transcript diff shows the bytes */
    if (pump(self, out) == WM_SESS_CLOSED)
        return WM_SESS_CLOSED;
    wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

const struct wm_role wm_script_role = {start, on_line, on_eof, on_bad_input};
