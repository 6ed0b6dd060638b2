#include "live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "conn.h"
#include "net.h"
#include "script.h"


struct mirror {
    struct wm_framer framer; /* lenient: the peer's bytes are only recorded */
    const struct wm_journal *expect;
    size_t expect_at; /* next expected peer record to match */
    struct wm_live *lv;
};

/* A peer record's cause is how many of our items it had read: not
 * observable, so it is where the file puts it when that is consistent with
 * what we had sent, else everything we had sent. */
static uint64_t place(struct mirror *m, enum wm_rec_kind kind)
{
    uint64_t sent = m->lv->local->journal->wire;
    const struct wm_journal *e = m->expect;
    while (e && m->expect_at < e->n) {
        const struct wm_rec *r = &e->recs[m->expect_at++];
        if (r->kind == kind || (kind == WM_REC_CLOSE && r->kind == WM_REC_ERROR))
            return r->cause <= sent ? r->cause : sent;
    }
    return sent;
}

static int record(struct mirror *m, enum wm_rec_kind kind, const char *text, size_t len,
                  struct wm_err *err)
{
    if (wm_journal_add(m->lv->remote, kind, place(m, kind), text, len) < 0) {
        wm_err_set(err, "transcript memory exhausted (--max-journal)");
        return -1;
    }
    return 0;
}

static int mirror_feed(struct mirror *m, const char *p, size_t n, struct wm_err *err)
{
    size_t off = 0;
    while (off < n) {
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

static int mirror_eof(struct mirror *m, int local_closed_first, struct wm_err *err)
{
    if (wm_framer_mid_line(&m->framer) &&
        record(m, WM_REC_PARTIAL, m->framer.buf, m->framer.len, err) < 0)
        return -1;
    int expected = 0;
    for (size_t i = 0; m->expect && i < m->expect->n; i++)
        expected |= m->expect->recs[i].kind == WM_REC_CLOSE || m->expect->recs[i].kind == WM_REC_ERROR;
    /* A close answering ours is implied; one the file expects is recorded
     * even if ours crossed it, since which came first cannot be seen. */
    if (!local_closed_first || expected)
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

static int flush(struct wm_live *lv, struct wm_err *err)
{
    struct wm_endpoint *ep = lv->local;
    while (wm_ep_pending(ep) > 0) {
        ssize_t w = send(lv->fd, wm_ep_pending_data(ep), wm_ep_pending(ep), MSG_NOSIGNAL);
        if (w > 0) {
            wm_ep_consumed(ep, (size_t)w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            wm_ep_discard(ep); /* the peer is gone; reading will show it */
            return 0;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
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
    struct mirror m = {.expect = lv->expect_remote, .lv = lv};
    char buf[WM_IO_CHUNK];
    int shut_wr = 0, rc = -1, local_closed_first = 0;
    if (wm_framer_init(&m.framer, lv->max_line + WM_TX_TEXT_SLACK) < 0) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    m.framer.lenient = 1;
    /* A peer that stops reading must not hang a send: bound it like a read. */
    struct timeval tv = {lv->timeout_ms / 1000, (lv->timeout_ms % 1000) * 1000};
    setsockopt(lv->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    wm_ep_start(ep);
    /* Each pass sends, reads or waits out one timeout; the peer's EOF ends it. */
    for (;;) {
        if (ep->fault) {
            wm_err_set(err, "%s", ep->fault_msg.msg);
            goto out;
        }
        if (flush(lv, err) < 0)
            goto out;
        if (ep->closed && !shut_wr) {
            shutdown(lv->fd, SHUT_WR); /* keep reading: the peer may still speak */
            shut_wr = 1;
        }
        int ready = wait_fd(lv->fd, POLLIN, lv->timeout_ms);
        if (ready < 0) {
            wm_err_set(err, "poll: %s", strerror(errno));
            goto out;
        }
        if (ready == 0) {
            if (!ep->closed && ep->role == &wm_script_role) {
                wm_ep_abandon(ep); /* the peer never sent what the file expects */
                continue;
            }
            wm_err_set(err, "no answer from the peer within %d ms (--timeout)", lv->timeout_ms);
            goto out;
        }
        ssize_t n = recv(lv->fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != ECONNRESET) {
            wm_err_set(err, "recv: %s", strerror(errno));
            goto out;
        }
        if (n <= 0) {
            local_closed_first = ep->closed;
            if (mirror_eof(&m, local_closed_first, err) < 0)
                goto out;
            wm_ep_eof(ep);
            if (flush(lv, err) < 0)
                goto out;
            break;
        }
        if (mirror_feed(&m, buf, (size_t)n, err) < 0)
            goto out;
        for (size_t off = 0; off < (size_t)n && !ep->closed;) {
            off += wm_ep_feed(ep, buf + off, (size_t)n - off);
            if (flush(lv, err) < 0)
                goto out;
        }
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

int wm_live_replay(struct wm_transcript *t, int remote_server, const char *addr, int timeout_ms,
                   size_t max_journal, struct wm_conn_log **logs_out, struct wm_err *err)
{
    const struct wm_cfg *cfg = &t->cfg;
    struct wm_conn_log *logs = wm_conn_logs_new(cfg->connections, max_journal);
    int lfd = -1, rc = -1;
    *logs_out = NULL;
    if (!logs) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    if (!remote_server && (lfd = wm_net_listen(addr, 16, err)) < 0)
        goto out;
    if (lfd >= 0) {
        char name[128];
        wm_net_name(lfd, 0, name, sizeof name);
        fprintf(stderr, "replay: listening on %s for %u client connection(s)\n", name,
                cfg->connections);
    }
    for (uint32_t i = 0; i < cfg->connections; i++) {
        struct wm_conn_log *want = &t->conns[i];
        struct wm_journal *own = remote_server ? &want->client : &want->server;
        struct wm_journal *peer = remote_server ? &want->server : &want->client;
        wm_live_normalize(peer);
        int fd;
        if (remote_server) {
            fd = wm_net_connect(addr, err);
        } else if (wait_fd(lfd, POLLIN, timeout_ms) <= 0) {
            wm_err_set(err, "no client connected within %d ms (--timeout), connection %u", timeout_ms,
                       i + 1);
            goto out;
        } else if ((fd = accept(lfd, NULL, NULL)) < 0) {
            wm_err_set(err, "accept: %s", strerror(errno));
        }
        if (fd < 0)
            goto out;
        struct wm_endpoint ep;
        struct wm_script script;
        size_t line = cfg->max_line > WM_SCRIPT_LINE_MAX ? cfg->max_line : WM_SCRIPT_LINE_MAX;
        struct wm_journal *mine = remote_server ? &logs[i].client : &logs[i].server;
        if (wm_ep_init(&ep, remote_server ? 'C' : 'S', &wm_script_role, &script, mine, line,
                       WM_OUT_MAX) < 0) {
            close(fd);
            wm_err_set(err, "out of memory");
            goto out;
        }
        ep.framer.lenient = 1;
        wm_script_init(&script, own, peer, &ep);
        struct wm_live lv = {&ep, remote_server ? &logs[i].server : &logs[i].client, peer, fd,
                             timeout_ms, cfg->max_line};
        int r = wm_live_run(&lv, err);
        wm_ep_free(&ep);
        close(fd);
        if (r < 0)
            goto out;
    }
    rc = 0;
out:
    if (lfd >= 0)
        close(lfd);
    if (rc < 0)
        wm_conn_logs_free(logs, cfg->connections);
    else
        *logs_out = logs;
    return rc;
}
