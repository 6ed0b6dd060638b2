#include "stream.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "tmpfile.h"

/* Memory here is the harness's, not the sessions': plain malloc, so an
 * alloc-fail fault counts the same allocations streamed or collected. */

#define SPOOL_AT 512        /* a waiting connection's text goes to the spool past this */
#define WRITE_AT 65536      /* the connection being written flushes to out past this */
#define DROP_AT 64          /* settled records dropped in batches of at least this */
#define COPY_CHUNK 65536    /* spool to out, at a time */
#define SPOOL_EXTENT 8192   /* spool file space a connection reserves at a time */

/* A connection's extent of the spool file: its spills fill it in turn, so
 * the index costs an entry per 8 KiB of text, not per spill (connections
 * spill in turns, so spills are never adjacent in the file). Unwritten
 * room is a hole, which takes no disk. */
struct chunk {
    uint64_t off;
    size_t len, room;
};

struct sconn {
    uint64_t cw, sw;   /* wire records settled, client's and server's */
    size_t held;       /* collect: the bytes counted against the budget */
    char *buf;         /* rendered text not yet written or spooled */
    size_t len, cap;
    struct chunk *chunks; /* spooled text, in order */
    size_t nchunks, cchunks;
};

struct wm_stream {
    const struct wm_cfg *cfg;
    struct wm_conn_log *logs;
    enum wm_stream_mode mode;
    FILE *out;
    size_t budget, used;
    int spool_fd;
    uint64_t spool_end;
    int saw_error;
    struct sconn *c;
};

struct wm_stream *wm_stream_new(const struct wm_cfg *cfg, struct wm_conn_log *logs,
                                enum wm_stream_mode mode, FILE *out, size_t budget,
                                struct wm_err *err)
{
    struct wm_stream *s = calloc(1, sizeof *s);
    if (s)
        s->c = calloc(cfg->connections ? cfg->connections : 1, sizeof *s->c);
    if (!s || !s->c) {
        free(s);
        wm_err_set(err, "out of memory for %u connections", cfg->connections);
        return NULL;
    }
    s->cfg = cfg;
    s->logs = logs;
    s->mode = mode;
    s->out = out;
    s->budget = budget;
    s->spool_fd = -1;
    if (mode == WM_STREAM_TRANSCRIPT) {
        wm_tx_write_header(out, cfg);
        wm_stream_skip_logs(s);
    }
    return s;
}

void wm_stream_skip_logs(struct wm_stream *s)
{
    for (unsigned i = 0; i < s->cfg->connections; i++)
        s->logs[i].client.skip_logs = s->logs[i].server.skip_logs = 1;
}

void wm_stream_free(struct wm_stream *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->cfg->connections; i++) {
        free(s->c[i].buf);
        free(s->c[i].chunks);
    }
    free(s->c);
    if (s->spool_fd >= 0)
        close(s->spool_fd);
    free(s);
}

int wm_stream_saw_error(const struct wm_stream *s)
{
    return s->saw_error;
}

/* ---- rendering, without stdio: this is the hot path of a long run ---- */

static int reserve(struct sconn *k, size_t more, struct wm_err *err)
{
    if (k->len + more <= k->cap)
        return 0;
    size_t cap = k->cap ? k->cap : 128;
    while (cap < k->len + more)
        cap *= 2;
    char *nb = realloc(k->buf, cap);
    if (!nb) {
        wm_err_set(err, "out of memory writing the transcript");
        return -1;
    }
    k->buf = nb;
    k->cap = cap;
    return 0;
}

static int render(struct wm_stream *s, unsigned i, char side, const struct wm_journal *j,
                  const struct wm_rec *r, struct wm_err *err)
{
    struct sconn *k = &s->c[i];
    const char *text = wm_rec_text(j, r);
    if (r->kind == WM_REC_ERROR)
        s->saw_error = 1;
    if ((s->mode == WM_STREAM_BOOK) != (r->kind == WM_REC_LOG))
        return 0; /* the book shows the console lines only; a transcript all but them */
    if (reserve(k, WM_TX_RECORD_MAX(r->len), err) < 0)
        return -1;
    char *p = k->buf + k->len;
    if (s->mode == WM_STREAM_BOOK) {
        memcpy(p, text, r->len);
        p[r->len] = '\n';
        k->len += r->len + 1;
    } else {
        unsigned label = s->cfg->connections > 1 ? i + 1 : 0;
        k->len += wm_tx_format_record(p, label, side, (enum wm_rec_kind)r->kind, text, r->len);
    }
    return 0;
}

/* ---- the spool: text of connections whose turn has not come ---- */

static int spool(struct wm_stream *s, struct sconn *k, struct wm_err *err)
{
    if (s->spool_fd < 0 && (s->spool_fd = wm_tmp_fd("spool", err)) < 0)
        return -1;
    struct chunk *last = k->nchunks ? &k->chunks[k->nchunks - 1] : NULL;
    assert(k->len > 0 &&
           (!last || (last->len <= last->room && last->off + last->room <= s->spool_end)));
    int fits = last && last->room - last->len >= k->len;
    uint64_t at = fits ? last->off + last->len : s->spool_end;
    for (size_t done = 0; done < k->len;) {
        ssize_t w = pwrite(s->spool_fd, k->buf + done, k->len - done, (off_t)(at + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            wm_err_set(err, "writing the spool file: %s", w < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        done += (size_t)w;
    }
    if (fits) {
        last->len += k->len;
        assert(last->len <= last->room); /* never into the next extent */
    } else {
        if (k->nchunks == k->cchunks) {
            size_t nc = k->cchunks ? 2 * k->cchunks : 8;
            struct chunk *c = realloc(k->chunks, nc * sizeof *c);
            if (!c) {
                wm_err_set(err, "out of memory for the spool's index");
                return -1;
            }
            k->chunks = c;
            k->cchunks = nc;
        }
        size_t room = k->len > SPOOL_EXTENT ? k->len : SPOOL_EXTENT;
        k->chunks[k->nchunks++] = (struct chunk){s->spool_end, k->len, room};
        s->spool_end += room;
    }
    k->len = 0;
    return 0;
}

static int copy_spooled(struct wm_stream *s, struct sconn *k, struct wm_err *err)
{
    char buf[COPY_CHUNK];
    for (size_t c = 0; c < k->nchunks; c++) {
        for (size_t done = 0; done < k->chunks[c].len;) {
            size_t want = k->chunks[c].len - done < sizeof buf ? k->chunks[c].len - done
                                                                : sizeof buf;
            ssize_t r = pread(s->spool_fd, buf, want, (off_t)(k->chunks[c].off + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                wm_err_set(err, "reading the spool file: %s", r < 0 ? strerror(errno) : "short");
                return -1;
            }
            fwrite(buf, 1, (size_t)r, s->out);
            done += (size_t)r;
        }
    }
    k->nchunks = 0;
    return 0;
}

/* ---- settling ---- */

/* Settles every record of connection i whose place is known. A server
 * record goes first when the client records before it are settled (cause <=
 * cw); a client record when its server records are (cause <= sw) and no
 * server record can still come before it: one is waiting, the server has
 * begun to read past cw (its future causes are at least what it has seen),
 * or the run is over (done). The loop is wm_merge's, run as records come. */
static int settle(struct wm_stream *s, unsigned i, uint64_t server_seen, int done,
                  struct wm_err *err)
{
    struct wm_journal *jc = &s->logs[i].client, *js = &s->logs[i].server;
    struct sconn *k = &s->c[i];
    assert(jc->settled_n <= jc->n && js->settled_n <= js->n);
    assert(k->cw <= jc->wire && k->sw <= js->wire); /* settled never passes made */
    size_t bound = (jc->n - jc->settled_n) + (js->n - js->settled_n);
    for (size_t step = 0; step < bound; step++) {
        const struct wm_rec *r;
        if (js->settled_n < js->n && js->recs[js->settled_n].cause <= k->cw) {
            r = &js->recs[js->settled_n++];
            if (r->kind == WM_REC_LOG)
                js->held_logs -= sizeof *r + r->len + 1;
            k->sw += wm_rec_is_wire((enum wm_rec_kind)r->kind);
            if (s->mode != WM_STREAM_COLLECT && render(s, i, 'S', js, r, err) < 0)
                return -1;
            continue;
        }
        int server_after = js->settled_n < js->n || done || server_seen > k->cw;
        if (jc->settled_n < jc->n && server_after && jc->recs[jc->settled_n].cause <= k->sw) {
            r = &jc->recs[jc->settled_n++];
            if (r->kind == WM_REC_LOG)
                jc->held_logs -= sizeof *r + r->len + 1;
            k->cw += wm_rec_is_wire((enum wm_rec_kind)r->kind);
            if (s->mode != WM_STREAM_COLLECT && render(s, i, 'C', jc, r, err) < 0)
                return -1;
            continue;
        }
        break;
    }
    if (s->mode == WM_STREAM_COLLECT) {
        size_t bytes = wm_journal_bytes(jc) + wm_journal_bytes(js);
        s->used = s->used - k->held + bytes;
        k->held = bytes;
        if (s->used > s->budget) {
            wm_err_set(err, "the run's records pass %zu bytes at connection %u (--max-run-memory, "
                       "or for check what the file holds plus 1 MiB: the run cannot match it); "
                       "`warmer run` streams records instead of holding them", s->budget, i + 1);
            return -1;
        }
        return 0;
    }
    /* Written: the records leave memory, in batches so the moves stay cheap. */
    if (jc->settled_n >= DROP_AT || (jc->settled_n && jc->settled_n * 2 >= jc->n))
        wm_journal_drop_settled(jc);
    if (js->settled_n >= DROP_AT || (js->settled_n && js->settled_n * 2 >= js->n))
        wm_journal_drop_settled(js);
    if (i == 0 && k->len >= WRITE_AT) {
        fwrite(k->buf, 1, k->len, s->out);
        k->len = 0;
        if (ferror(s->out)) { /* no one reads on: check has seen enough, or a full disk */
            wm_err_set(err, "cannot write the transcript");
            return -1;
        }
    } else if (i > 0 && k->len >= SPOOL_AT && spool(s, k, err) < 0) {
        return -1;
    }
    return 0;
}

int wm_stream_pump(struct wm_stream *s, unsigned i, const struct wm_conn *c, struct wm_err *err)
{
    return settle(s, i, wm_ep_items_seen(&c->server), 0, err);
}

int wm_stream_finish(struct wm_stream *s, struct wm_err *err)
{
    for (unsigned i = 0; i < s->cfg->connections; i++) {
        struct sconn *k = &s->c[i];
        if (settle(s, i, UINT64_MAX, 1, err) < 0)
            return -1;
        const struct wm_journal *jc = &s->logs[i].client, *js = &s->logs[i].server;
        if (jc->settled_n == jc->n && js->settled_n == js->n)
            assert(k->cw == jc->wire && k->sw == js->wire); /* every wire record, once */
        if (jc->settled_n < jc->n || js->settled_n < js->n) {
            wm_err_set(err, "internal error: connection %u's records are in an order no run "
                       "makes", i + 1);
            return -1;
        }
        if (s->mode == WM_STREAM_COLLECT)
            continue;
        if (copy_spooled(s, k, err) < 0)
            return -1;
        fwrite(k->buf, 1, k->len, s->out);
        k->len = 0;
    }
    return 0;
}
