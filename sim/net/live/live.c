#include "live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "live_int.h"
#include "net.h"
#include "sock_ep.h"

/* Bytes a peer may still send once our side has closed: enough for any
 * answer in flight, not a flood that would fill the transcript. */
#define DRAIN_MAX 65536

static int is_end(enum wm_rec_kind k)
{
    return k == WM_REC_CLOSE || k == WM_REC_ERROR || k == WM_REC_PARTIAL;
}

/* The file shows the peer still open now: every peer line it puts before
 * the peer's end has come, and that end answers a line (or the close) of
 * ours not yet sent, or the peer's close is implied (it answers ours). A
 * close now is early. The partial-left-open case implies both closes: then
 * either side may end the pair. */
static int must_stay_open(const struct wm_lv_mirror *m, int shut_wr)
{
    const struct wm_live *lv = m->lv;
    if (!lv->close_window_ms || !m->expect || m->lines < m->end_lines ||
        (lv->script && wm_script_close_implied(lv->script)))
        return 0;
    if (!wm_lv_expects_end(m))
        return !shut_wr;
    const struct wm_rec *end = &m->expect->recs[m->end_at];
    return wm_lv_sent_items(m) < end->cause ||
           (end->kind == WM_REC_PARTIAL && !m->shows_close && !shut_wr);
}

/* A peer record's cause is how many of our items it had read: not
 * observable, so it is where the file puts it when that is consistent with
 * what we had sent, else everything we had sent. */
static uint64_t place(struct wm_lv_mirror *m, enum wm_rec_kind kind)
{
    /* Only what went out: a line of ours still held (or queued) cannot
     * have been read, so the diff shows a close before it where it came. */
    uint64_t sent = wm_lv_sent_items(m);
    const struct wm_journal *e = m->expect;
    while (e && m->expect_at < e->n) {
        const struct wm_rec *r = &e->recs[m->expect_at++];
        if (r->kind == kind || (kind == WM_REC_CLOSE && r->kind == WM_REC_ERROR))
            return r->cause <= sent ? r->cause : sent;
    }
    return sent;
}

static int record(struct wm_lv_mirror *m, enum wm_rec_kind kind, const char *text, size_t len,
                  struct wm_err *err)
{
    if (wm_journal_add(m->lv->remote, kind, place(m, kind), text, len) < 0) {
        wm_err_set(err, "transcript memory exhausted (--max-journal)");
        return -1;
    }
    if (kind == WM_REC_LINE && ++m->lines > m->hang_lines && wm_lv_hang_caused(m))
        wm_lv_no_hang(m, text, len);
    else if (kind == WM_REC_LINE && m->lines > m->end_lines && wm_lv_expects_end(m))
        wm_lv_sent_for_end(m, text, len);
    return 0;
}

static void mirror_init(struct wm_lv_mirror *m, struct wm_live *lv)
{
    *m = (struct wm_lv_mirror){.expect = lv->expect_remote, .lv = lv};
    const struct wm_journal *e = m->expect;
    for (m->end_at = 0; e && m->end_at < e->n; m->end_at++) {
        if (is_end((enum wm_rec_kind)e->recs[m->end_at].kind))
            break;
        m->end_lines += e->recs[m->end_at].kind == WM_REC_LINE;
    }
    for (size_t i = m->end_at; e && i < e->n; i++)
        m->shows_close |= e->recs[i].kind == WM_REC_CLOSE || e->recs[i].kind == WM_REC_ERROR;
    for (m->hang_at = 0; e && m->hang_at < e->n; m->hang_at++) {
        if (e->recs[m->hang_at].kind == WM_REC_HANG)
            break;
        m->hang_lines += e->recs[m->hang_at].kind == WM_REC_LINE;
    }
}

/* The window after the item that makes the peer hang passed in silence:
 * the hang is recorded as the file has it (its reason cannot be seen). */
static int peer_hung(struct wm_lv_mirror *m, struct wm_err *err)
{
    const struct wm_rec *r = &m->expect->recs[m->hang_at];
    m->hang_done = 1;
    return record(m, WM_REC_HANG, wm_rec_text(m->expect, r), r->len, err);
}

/* Records the peer's bytes; stops at the first line that gives a verdict. */
static int mirror_feed(struct wm_lv_mirror *m, const char *p, size_t n, struct wm_err *err)
{
    size_t off = 0;
    while (off < n && m->lv->verdict->fault == WM_LIVE_OK) {
        size_t used, len;
        const char *line;
        enum wm_frame_rc rc = wm_framer_push(&m->framer, p + off, n - off, &used, &line, &len, err);
        off += used;
        if (rc == WM_FRAME_ERROR) { /* past what a transcript can hold */
            struct wm_err why = *err;
            wm_err_set(err, "the peer sent a %s", why.msg);
            return -1;
        }
        if (rc == WM_FRAME_LINE && record(m, WM_REC_LINE, line, len, err) < 0)
            return -1;
    }
    return 0;
}

static int mirror_eof(struct wm_lv_mirror *m, int local_closed_first, struct wm_err *err)
{
    if (wm_framer_mid_line(&m->framer) &&
        record(m, WM_REC_PARTIAL, m->framer.buf, m->framer.len, err) < 0)
        return -1;
    /* A close answering ours is implied; one the file expects is recorded
     * even if ours crossed it, since which came first cannot be seen. With
     * a partial line left open and no close shown, the file implies both:
     * the peer ended the pair first, as our side would have after --timeout. */
    const struct wm_script *s = m->lv->script;
    int implied = local_closed_first || (s && wm_script_close_implied(s));
    if (!implied || m->shows_close)
        return record(m, WM_REC_CLOSE, "", 0, err);
    return 0;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    int rc;
    do
        rc = poll(&pfd, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    return rc;
}

/* n bytes of ours went out: each newline ends an item. */
static void note_sent(struct wm_lv_mirror *m, const char *p, size_t n)
{
    for (const char *nl; n && (nl = memchr(p, '\n', n)) != NULL; n -= (size_t)(nl + 1 - p), p = nl + 1) {
        m->sent++;
        m->mid = 0;
        m->waited = 0;
    }
    m->mid += n;
}

/* Sends what our side has queued. Where the peer must stay open until a
 * later line of ours, one line at a time, each after a close window in
 * which the peer did not close, so that an early close is pinned to the
 * line before it. 1 when something waits for that window, 0 when all is
 * sent, -1 with err. */
static int flush(struct wm_live *lv, struct wm_lv_mirror *m, int shut_wr, struct wm_err *err)
{
    struct wm_endpoint *ep = lv->local;
    while (wm_ep_pending(ep) > 0) {
        if (wm_lv_hang_caused(m))
            return 1; /* held until the peer is seen to hang */
        size_t n = wm_ep_pending(ep);
        const char *p = wm_ep_pending_data(ep);
        /* Lines are held where the peer's shown close answers a later line
         * of ours; where its close answers our close, holding our close
         * alone tells an early close (the lines before it go at once). */
        if (must_stay_open(m, shut_wr) && wm_lv_expects_end(m)) {
            if (!m->waited)
                return 1;
            const char *nl = memchr(p, '\n', n);
            if (nl)
                n = (size_t)(nl - p) + 1;
        } else if (wm_lv_hang_ahead(m)) { /* a line at a time, to stop at the hang's cause */
            const char *nl = memchr(p, '\n', n);
            if (nl)
                n = (size_t)(nl - p) + 1;
        }
        if (lv->split && n > 1)
            n = (size_t)wm_rng_randint(lv->split, 1, (int64_t)n);
        size_t put;
        enum wm_io rc = wm_sock_send(lv->fd, p, n, &put);
        if (rc == WM_IO_DATA) {
            note_sent(m, p, put); /* before consumed: a holding script may queue more */
            wm_ep_consumed(ep, put);
            continue;
        }
        if (rc == WM_IO_EOF || rc == WM_IO_RESET) {
            wm_ep_discard(ep); /* the peer is gone; reading will show it */
            continue;                /* (a holding script plays on) */
        }
        if (rc == WM_IO_AGAIN)
            wm_err_set(err, "the peer took no bytes within %d ms (--timeout)", lv->timeout_ms);
        else
            wm_err_set(err, "send: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int wm_live_run(struct wm_live *lv, struct wm_err *err)
{
    struct wm_endpoint *ep = lv->local;
    struct wm_lv_mirror m;
    struct wm_sockep io;
    int shut_wr = 0, held = 0, rc = -1;
    size_t drained = 0; /* bytes received since our side closed */
    mirror_init(&m, lv);
    wm_sockep_init(&io, lv->fd, ep);
    *lv->verdict = (struct wm_live_verdict){.fault = WM_LIVE_OK, .conn = lv->verdict->conn,
                                            .reset_conn = lv->verdict->reset_conn};
    if (wm_framer_init(&m.framer, lv->max_line + WM_TX_TEXT_SLACK) < 0) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    m.framer.lenient = 1;
    /* A peer that stops reading must not hang a send: bound it like a read. */
    struct timeval tv = {lv->timeout_ms / 1000, (lv->timeout_ms % 1000) * 1000};
    setsockopt(lv->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    wm_ep_start(ep);
    /* Each pass sends, reads or waits out one timeout; the peer's EOF or a
     * verdict ends it, and a script gives up waiting at most once. */
    while (lv->verdict->fault == WM_LIVE_OK) {
        if (wm_ep_faulted(ep)) {
            wm_err_set(err, "%s", wm_ep_fault_msg(ep));
            goto out;
        }
        if ((held = flush(lv, &m, shut_wr, err)) < 0)
            goto out;
        if (wm_ep_reset_due(ep)) {
            /* A reset fault: an abortive close, and nothing more is read. */
            struct linger lg = {1, 0};
            setsockopt(lv->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            shutdown(lv->fd, SHUT_RDWR);
            break;
        }
        if ((wm_ep_closed(ep) || wm_ep_half_closed(ep)) && !shut_wr && !held &&
            !wm_lv_hang_caused(&m)) {
            if (must_stay_open(&m, 0) && !m.waited) {
                held = 1; /* our close too waits out a window first */
            } else {
                shutdown(lv->fd, SHUT_WR); /* keep reading: the peer may still speak */
                shut_wr = 1;
                m.sent += (m.mid > 0) + 1; /* a partial line, then the close */
                m.mid = 0;
            }
        }
        if (m.hang_done && shut_wr && !held)
            break; /* the peer hung as the file shows: the harness ends the connection */
        /* The peer's lines before its hang have come, and what makes it
         * hang went out: it must stay silent and open for a close window. */
        int hang_due = wm_lv_hang_caused(&m) && m.lines >= m.hang_lines;
        int window = hang_due || (held && !wm_lv_hang_caused(&m));
        int ready = wait_fd(lv->fd, POLLIN, window ? lv->close_window_ms : lv->timeout_ms);
        if (ready < 0) {
            wm_err_set(err, "poll: %s", strerror(errno));
            goto out;
        }
        if (ready == 0 && hang_due) {
            if (peer_hung(&m, err) < 0)
                goto out;
            continue;
        }
        if (ready == 0 && window) {
            m.waited = 1;
            continue;
        }
        if (ready == 0) {
            int go_on = wm_lv_on_silence(lv, &m, err);
            if (go_on < 0)
                goto out;
            if (go_on == WM_LV_END)
                break;
            continue;
        }
        enum wm_io r = wm_sockep_recv(&io, lv->read_max);
        if (r == WM_IO_AGAIN)
            continue; /* readiness that went away: wait again */
        if (r == WM_IO_ERROR) {
            wm_err_set(err, "recv: %s", strerror(errno));
            goto out;
        }
        if (r != WM_IO_DATA) { /* the peer's end, or its reset */
            if (r == WM_IO_RESET && !lv->verdict->reset_conn)
                lv->verdict->reset_conn = lv->verdict->conn ? lv->verdict->conn : 1;
            int early = must_stay_open(&m, shut_wr), hang = wm_lv_hang_caused(&m);
            if (mirror_eof(&m, shut_wr, err) < 0) /* we sent our end */
                goto out;
            if (hang && lv->verdict->fault == WM_LIVE_OK) {
                wm_lv_no_hang(&m, NULL, 0);
                break;
            }
            if (early && lv->verdict->fault == WM_LIVE_OK) {
                wm_lv_closed_early(&m);
                break;
            }
            wm_sockep_end(&io, r);
            m.waited = 1; /* the peer is gone: nothing left to time */
            if (flush(lv, &m, shut_wr, err) < 0)
                goto out;
            break;
        }
        wm_net_ack_now(lv->fd);
        const char *buf = io.in.data;
        size_t n = wm_inbuf_left(&io.in);
        if (wm_ep_closed(ep) && (drained += n) > DRAIN_MAX) {
            wm_err_set(err, "the %s kept sending after the %s closed (over %d bytes); stopped "
                       "reading", wm_lv_peer_name(lv), wm_lv_own_name(lv), DRAIN_MAX);
            goto out;
        }
        if (mirror_feed(&m, buf, n, err) < 0)
            goto out;
        while (wm_inbuf_left(&io.in) > 0 && !wm_ep_closed(ep) && !wm_ep_hung(ep)) {
            wm_ep_feed_inbuf(ep, &io.in);
            if (flush(lv, &m, shut_wr, err) < 0)
                goto out;
        }
        io.in.off = io.in.len = 0; /* mirrored; a closed or hung side takes no more */
    }
    rc = 0;
out:
    wm_framer_free(&m.framer);
    return rc;
}

void wm_live_normalize(struct wm_journal *j)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->recs[i].kind == WM_REC_ERROR) {
            j->recs[i].kind = WM_REC_CLOSE;
            j->recs[i].len = 0;
        }
}

static int hook(int (*fn)(void *, uint32_t, struct wm_err *), const struct wm_live_hooks *h,
                uint32_t conn, struct wm_err *err)
{
    return fn ? fn(h->ctx, conn, err) : 0;
}

/* Connects, or accepts within the timeout; the socket, or -1 with err. */
static int open_conn(const struct wm_live_replay_opts *o, int lfd, uint32_t conn,
                     struct wm_err *err)
{
    if (o->remote_server)
        return wm_net_connect(o->addr, err);
    if (wait_fd(lfd, POLLIN, o->timeout_ms) <= 0) {
        char secs[32];
        wm_live_seconds(secs, sizeof secs, o->timeout_ms);
        wm_err_set(err, "no client connected within %s (--timeout), connection %u", secs, conn);
        return -1;
    }
    int fd = wm_net_accept(lfd);
    if (fd < 0)
        wm_err_set(err, "accept: %s", strerror(errno));
    return fd;
}

/* One connection of a replay: our script against the live peer. */
static int replay_conn(struct wm_transcript *t, const struct wm_live_replay_opts *o, int fd,
                       uint32_t i, struct wm_conn_log *logs, struct wm_live_verdict *verdict,
                       struct wm_err *err)
{
    const struct wm_cfg *cfg = &t->cfg;
    struct wm_conn_log *want = &t->conns[i];
    struct wm_journal *own = o->remote_server ? &want->client : &want->server;
    struct wm_journal *peer = o->remote_server ? &want->server : &want->client;
    struct wm_journal *mine = o->remote_server ? &logs[i].client : &logs[i].server;
    struct wm_endpoint ep;
    struct wm_script script;
    wm_live_normalize(peer);
    if (wm_ep_init(&ep, o->remote_server ? 'C' : 'S', &wm_script_role, &script, mine,
                   wm_script_line_max(cfg->max_line), wm_script_out_max(wm_script_line_max(cfg->max_line), WM_OUT_MAX)) < 0) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    ep.framer.lenient = 1;
    wm_script_init(&script, own, peer, &ep, 1);
    verdict->conn = i + 1;
    struct wm_live lv = {.local = &ep, .script = &script,
                         .remote = o->remote_server ? &logs[i].server : &logs[i].client,
                         .expect_remote = peer, .fd = fd, .timeout_ms = o->timeout_ms,
                         .close_window_ms = o->close_window_ms,
                         .max_line = cfg->max_line, .verdict = verdict};
    int r = wm_live_run(&lv, err);
    wm_ep_free(&ep);
    return r;
}

int wm_live_replay(struct wm_transcript *t, const struct wm_live_replay_opts *o,
                   struct wm_conn_log **logs_out, struct wm_live_verdict *verdict,
                   struct wm_err *err)
{
    const struct wm_cfg *cfg = &t->cfg;
    const struct wm_live_hooks none = {0}, *h = o->hooks ? o->hooks : &none;
    struct wm_conn_log *logs = wm_conn_logs_new(cfg->connections, o->max_journal);
    int lfd = o->listen_fd, rc = -1;
    *logs_out = NULL;
    *verdict = (struct wm_live_verdict){.fault = WM_LIVE_OK};
    if (!logs) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    if (!o->remote_server && lfd < 0) {
        if ((lfd = wm_net_listen(o->addr, 16, err)) < 0)
            goto out;
        char name[128];
        wm_net_name(lfd, 0, name, sizeof name);
        fprintf(stderr, "replay: listening on %s for %u client connection(s)\n", name,
                cfg->connections);
    }
    for (uint32_t i = 0; i < cfg->connections && verdict->fault == WM_LIVE_OK; i++) {
        if (hook(h->before, h, i + 1, err) < 0)
            goto out;
        int fd = h->open ? h->open(h->ctx, i + 1, lfd, err) : open_conn(o, lfd, i + 1, err);
        int r = fd < 0 ? -1 : replay_conn(t, o, fd, i, logs, verdict, err);
        if (fd >= 0)
            close(fd);
        if (r < 0) {
            struct wm_err ignored;
            hook(h->after, h, i + 1, &ignored); /* the peer is stopped either way */
            goto out;
        }
        if (hook(h->after, h, i + 1, err) < 0)
            goto out;
    }
    rc = 0;
out:
    if (lfd >= 0 && lfd != o->listen_fd)
        close(lfd);
    if (rc < 0)
        wm_conn_logs_free(logs, cfg->connections);
    else
        *logs_out = logs;
    return rc;
}
