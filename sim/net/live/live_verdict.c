/* What a live peer's verdict says: the lines of ours it is about, and
 * the book's behaviour it matches (live_book.h). */
#include "live_int.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "live_book.h"

const char *wm_lv_peer_name(const struct wm_live *lv)
{
    return lv->local->side == 'C' ? "server" : "client";
}

const char *wm_lv_own_name(const struct wm_live *lv)
{
    return lv->local->side == 'C' ? "client" : "server";
}

void wm_live_seconds(char *buf, size_t size, int ms)
{
    char word[24];
    wm_seconds_word(word, sizeof word, ms);
    snprintf(buf, size, "%s s", word);
}

/* "after `REPORT Hot`": the last bytes our side sent, for messages. */
static void after_what(const struct wm_live *lv, char *buf, size_t size)
{
    const struct wm_journal *j = lv->local->journal;
    for (size_t i = j ? j->n : 0; i-- > 0;) {
        const struct wm_rec *r = &j->recs[i];
        if (r->kind == WM_REC_LINE || r->kind == WM_REC_PARTIAL) {
            char text[QUOTE_MAX];
            wm_escape(text, sizeof text, wm_rec_text(j, r), r->len);
            snprintf(buf, size, "after `%s`", text);
            return;
        }
    }
    snprintf(buf, size, "before the %s sent anything", wm_lv_own_name(lv));
}

static void set_verdict(struct wm_live *lv, enum wm_live_fault fault, size_t lineno)
{
    lv->verdict->fault = fault;
    lv->verdict->lineno = lineno;
}

/* The file (or model) shows the peer's end: no line may follow. */
int wm_lv_expects_end(const struct wm_lv_mirror *m)
{
    return m->expect && m->end_at < m->expect->n;
}

static size_t end_lineno(const struct wm_lv_mirror *m)
{
    return m->expect && m->end_at < m->expect->n ? m->expect->recs[m->end_at].lineno : 0;
}

/* What the file shows the peer doing at its end, for messages. */
static void expected_end(const struct wm_lv_mirror *m, char *buf, size_t size)
{
    const struct wm_rec *r = &m->expect->recs[m->end_at];
    if (r->kind != WM_REC_PARTIAL) {
        snprintf(buf, size, "to close");
        return;
    }
    char text[QUOTE_MAX];
    wm_escape(text, sizeof text, wm_rec_text(m->expect, r), r->len);
    snprintf(buf, size, "to send `%s` with no final newline%s", text,
             m->shows_close ? " and close" : "");
}

/* Our wire item k (from 1) as the file has it, or as our journal has it
 * where there is no file; NULL past the end (or for k 0). */
static const struct wm_rec *own_rec(const struct wm_live *lv, uint64_t k,
                                    const struct wm_journal **jp)
{
    const struct wm_journal *j = lv->script ? lv->script->own : lv->local->journal;
    uint64_t seen = 0;
    *jp = j;
    for (size_t i = 0; j && i < j->n && k > 0; i++)
        if (wm_rec_is_wire((enum wm_rec_kind)j->recs[i].kind) && ++seen == k)
            return &j->recs[i];
    return NULL;
}

/* Our wire item k as the file has it: "`NUMBER x` (line 6)", "its close
 * (line 9)"; from our journal, without a line, where there is no file. */
static void own_item(const struct wm_live *lv, uint64_t k, char *buf, size_t size)
{
    const struct wm_journal *j;
    const struct wm_rec *r = own_rec(lv, k, &j);
    if (!r) {
        snprintf(buf, size, k ? "the %s's close" : "before the %s sent anything", wm_lv_own_name(lv));
        return;
    }
    char text[QUOTE_MAX], line[32] = "";
    if (r->lineno)
        snprintf(line, sizeof line, " (line %zu)", r->lineno);
    if (r->kind == WM_REC_LINE || r->kind == WM_REC_PARTIAL) {
        wm_escape(text, sizeof text, wm_rec_text(j, r), r->len);
        snprintf(buf, size, "`%s`%s", text, line);
    } else {
        snprintf(buf, size, "the %s's close%s", wm_lv_own_name(lv), line);
    }
}

/* Our last line among our first k wire items, or NULL. */
static const struct wm_rec *last_line(const struct wm_live *lv, uint64_t k,
                                      const struct wm_journal **jp)
{
    const struct wm_journal *j = lv->script->own;
    const struct wm_rec *line = NULL;
    uint64_t seen = 0;
    *jp = j;
    for (size_t i = 0; i < j->n && seen < k; i++) {
        const struct wm_rec *r = &j->recs[i];
        seen += wm_rec_is_wire((enum wm_rec_kind)r->kind);
        if (r->kind == WM_REC_LINE)
            line = r;
    }
    return line;
}

/* A known behaviour of the book's peer named after the verdict's text,
 * whole or not at all (a cut note would name something else). */
static void add_note(struct wm_live *lv, const char *note)
{
    struct wm_err why = lv->verdict->why;
    if (strlen(why.msg) + 2 + strlen(note) < sizeof why.msg)
        wm_err_set(&lv->verdict->why, "%s; %s", why.msg, note);
}

/* Names the book's peer where the file shows it ending (an error, or a
 * close) after our item, and the peer did what the book's does instead. */
static void book_at_end(struct wm_lv_mirror *m)
{
    struct wm_live *lv = m->lv;
    char note[WM_ERR_MAX];
    const struct wm_journal *j;
    if (!lv->script || !wm_lv_expects_end(m))
        return;
    if (lv->local->side == 'S') {
        const struct wm_rec *guess = last_line(lv, m->expect->recs[m->end_at].cause, &j);
        if (lv->verdict->fault == WM_LIVE_SENT_FOR_END && guess &&
            wm_book_client_takes(m->expect, j, guess, note, sizeof note))
            add_note(lv, note);
        return;
    }
    const struct wm_rec *end = &m->expect->recs[m->end_at];
    const struct wm_rec *r = own_rec(lv, end->cause, &j);
    if (end->kind != WM_REC_CLOSE || !r || r->kind != WM_REC_LINE)
        return;
    if (lv->verdict->fault == WM_LIVE_SENT_FOR_END &&
        wm_book_first_word(wm_rec_text(j, r), r->len, note, sizeof note))
        add_note(lv, note);
    if (lv->verdict->fault == WM_LIVE_KEPT_OPEN &&
        (wm_book_exhausted(j, m->expect, end->cause, note, sizeof note) ||
         wm_book_accepts(j, m->expect, end->cause, wm_rec_text(j, r), r->len, note, sizeof note)))
        add_note(lv, note);
}

/* "to hang after `NUMBER` (line 6) (<the file's reason>)": what the file
 * shows the peer doing at its hang, for messages. */
static void expected_hang(const struct wm_lv_mirror *m, char *buf, size_t size)
{
    const struct wm_rec *h = &m->expect->recs[m->hang_at];
    char cause[WANT_MAX], why[QUOTE_MAX] = "";
    own_item(m->lv, h->cause, cause, sizeof cause);
    if (h->len)
        snprintf(why, sizeof why, " (%.*s)", (int)(h->len < 80 ? h->len : 80),
                 wm_rec_text(m->expect, h));
    snprintf(buf, size, "to hang after %s%s", cause, why);
}

void wm_lv_no_hang(struct wm_lv_mirror *m, const char *line, size_t len)
{
    struct wm_live *lv = m->lv;
    char want[WANT_MAX + QUOTE_MAX], got[QUOTE_MAX + 16], secs[32];
    expected_hang(m, want, sizeof want);
    if (line) {
        char text[QUOTE_MAX];
        wm_escape(text, sizeof text, line, len);
        snprintf(got, sizeof got, "it sent `%s`", text);
    } else {
        snprintf(got, sizeof got, "it closed");
    }
    wm_live_seconds(secs, sizeof secs, lv->close_window_ms);
    set_verdict(lv, WM_LIVE_NO_HANG, m->expect->recs[m->hang_at].lineno);
    wm_err_set(&lv->verdict->why, "expected the %s %s; %s within %s (--close-window)",
               wm_lv_peer_name(lv), want, got, secs);
}

/* The peer closed where the file shows it open: which of our items it had
 * been sent, and which should have ended it. */
void wm_lv_closed_early(struct wm_lv_mirror *m)
{
    struct wm_live *lv = m->lv;
    char had[WANT_MAX + 48], want[WANT_MAX + QUOTE_MAX];
    size_t lineno = 0;
    uint64_t sent = wm_lv_sent_items(m);
    if (wm_lv_hang_ahead(m)) {
        expected_hang(m, want, sizeof want);
        lineno = m->expect->recs[m->hang_at].lineno;
    } else if (wm_lv_expects_end(m) && sent < m->expect->recs[m->end_at].cause) {
        char cause[WANT_MAX];
        own_item(lv, m->expect->recs[m->end_at].cause, cause, sizeof cause);
        snprintf(want, sizeof want, "to close after %s", cause);
        lineno = end_lineno(m);
    } else {
        snprintf(want, sizeof want, "to close only after the %s's close", wm_lv_own_name(lv));
    }
    if (sent) {
        char item[WANT_MAX];
        own_item(lv, sent, item, sizeof item);
        snprintf(had, sizeof had, "when it had been sent only up to %s", item);
    } else {
        snprintf(had, sizeof had, "before the %s sent anything", wm_lv_own_name(lv));
    }
    set_verdict(lv, WM_LIVE_CLOSED_EARLY, lineno);
    wm_err_set(&lv->verdict->why, "expected the %s %s; it closed %s", wm_lv_peer_name(lv), want, had);
}

/* A peer line where the file shows the peer's end: the peer went on where
 * it should have stopped (the bad input it was sent was accepted). */
void wm_lv_sent_for_end(struct wm_lv_mirror *m, const char *line, size_t len)
{
    struct wm_live *lv = m->lv;
    char after[AFTER_MAX], want[WANT_MAX], got[QUOTE_MAX];
    after_what(lv, after, sizeof after);
    expected_end(m, want, sizeof want);
    wm_escape(got, sizeof got, line, len);
    set_verdict(lv, WM_LIVE_SENT_FOR_END, end_lineno(m));
    wm_err_set(&lv->verdict->why, "expected the %s %s %s; it sent `%s`", wm_lv_peer_name(lv), want,
               after, got);
    book_at_end(m);
}

/* The file's next peer record, when it is a line (or a partial line) the
 * peer has not sent: the m->lines-th peer line of the file. NULL if none. */
static const struct wm_rec *next_peer_line(const struct wm_lv_mirror *m)
{
    uint64_t lines = 0;
    for (size_t i = 0; m->expect && i < m->expect->n; i++) {
        const struct wm_rec *r = &m->expect->recs[i];
        if (r->kind == WM_REC_PARTIAL && lines == m->lines)
            return r;
        if (r->kind != WM_REC_LINE)
            continue;
        if (lines++ == m->lines)
            return r;
    }
    return NULL;
}

/* A script waits for a line the file shows the peer sending, and none came
 * for the timeout: the verdict names our item that wanted it ("no answer to
 * `NUMBER` (line 6) within 10 s"). 1 with the verdict set, 0 if the file
 * shows no such line (the script waits for something else). */
static int no_answer(struct wm_lv_mirror *m, const char *secs)
{
    struct wm_live *lv = m->lv;
    const struct wm_rec *r = next_peer_line(m);
    if (!r)
        return 0;
    char cause[WANT_MAX], want[QUOTE_MAX];
    wm_escape(want, sizeof want, wm_rec_text(m->expect, r), r->len);
    set_verdict(lv, WM_LIVE_NO_ANSWER, r->lineno);
    if (r->cause == 0) {
        wm_err_set(&lv->verdict->why, "no `%s` from the %s within %s, before the %s sent "
                   "anything", want, wm_lv_peer_name(lv), secs, wm_lv_own_name(lv));
        return 1;
    }
    own_item(lv, r->cause, cause, sizeof cause);
    if (lv->local->side == 'C')
        wm_err_set(&lv->verdict->why, "no answer to %s within %s", cause, secs);
    else
        wm_err_set(&lv->verdict->why, "no `%s` from the client after %s within %s", want, cause,
                   secs);
    return 1;
}

/* Nothing came for the whole timeout. 1 to go on (a script gave up waiting
 * for a line: the diff will show it), 0 when a verdict ends the run, -1 err. */
int wm_lv_on_silence(struct wm_live *lv, struct wm_lv_mirror *m, struct wm_err *err)
{
    struct wm_endpoint *ep = lv->local;
    char secs[32], after[AFTER_MAX];
    wm_live_seconds(secs, sizeof secs, lv->timeout_ms);
    after_what(lv, after, sizeof after);
    /* Our side hung as the file shows: the peer gives up and closes when
     * the file shows it so, or the run ends with both open. */
    if (wm_ep_hung(ep) && !wm_ep_closed(ep)) {
        if (no_answer(m, secs))
            return 0;
        if (!m->shows_close)
            return WM_LV_END;
        char want[WANT_MAX];
        expected_end(m, want, sizeof want);
        set_verdict(lv, WM_LIVE_KEPT_OPEN, end_lineno(m));
        wm_err_set(&lv->verdict->why, "expected the %s %s after the %s hung; it kept the "
                   "connection open for %s", wm_lv_peer_name(lv), want, wm_lv_own_name(lv), secs);
        return 0;
    }
    /* Played all, its close implied (a partial line left open): the peer
     * stayed open as the file shows, so our side ends quietly, as the
     * simulator ends such a pair, and what the peer does next is compared. */
    if (!wm_ep_closed(ep) && lv->script && wm_script_close_implied(lv->script)) {
        wm_ep_abandon(ep);
        return 1;
    }
    if (!wm_ep_closed(ep) && lv->script && wm_script_awaits_end(lv->script)) {
        char want[WANT_MAX];
        expected_end(m, want, sizeof want);
        set_verdict(lv, WM_LIVE_KEPT_OPEN, end_lineno(m));
        wm_err_set(&lv->verdict->why, "expected the %s %s %s; it kept the connection open for %s",
                   wm_lv_peer_name(lv), want, after, secs);
        book_at_end(m);
        return 0;
    }
    if (!wm_ep_closed(ep) && lv->script && no_answer(m, secs))
        return 0;
    if (!wm_ep_closed(ep) && lv->script) {
        wm_ep_abandon(ep); /* the peer never sent what the file expects */
        return 1;
    }
    if (!wm_ep_closed(ep)) {
        wm_err_set(err, "no answer from the %s within %s (--timeout)", wm_lv_peer_name(lv), secs);
        return -1;
    }
    if (m->shows_close) {
        char want[WANT_MAX];
        expected_end(m, want, sizeof want);
        set_verdict(lv, WM_LIVE_KEPT_OPEN, end_lineno(m));
        wm_err_set(&lv->verdict->why, "expected the %s %s; it kept the connection open for %s "
                   "after the %s closed", wm_lv_peer_name(lv), want, secs, wm_lv_own_name(lv));
    } else {
        set_verdict(lv, WM_LIVE_LEFT_OPEN, 0);
        wm_err_set(&lv->verdict->why, "the %s left the connection open for %s after the %s "
                   "closed", wm_lv_peer_name(lv), secs, wm_lv_own_name(lv));
    }
    char note[WM_ERR_MAX];
    if (lv->local->side == 'C' && wm_book_keeps_open(note, sizeof note))
        add_note(lv, note);
    return 0;
}
