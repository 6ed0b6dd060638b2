/* One proxied connection of warmer record (rec_conn.h). */
#include "rec_conn.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "sock_ep.h"

static const char *const side_name[2] = {"client", "server"};
_Static_assert(WM_RC_CLIENT == 0 && WM_RC_SERVER == 1, "side_name and side[] are indexed by side");
_Static_assert(WM_RC_CAUSES <= UINT_MAX / 2, "the causes ring's indexes (unsigned) do not wrap");
_Static_assert((WM_RC_READ & WM_RC_WRITE) == 0, "interest bits are distinct");

/* Side s's buffer: inside its bound, and holding exactly the bytes read
 * from it and not yet written on (none once dropped). */
static void check_side(const struct wm_rc_side *s)
{
    assert(s->off <= WM_RC_BUF && s->len <= WM_RC_BUF - s->off);
    assert(s->nsent <= s->nread && s->nread - s->nsent == s->len);
    assert(s->cn <= WM_RC_CAUSES && s->cfirst < WM_RC_CAUSES);
    assert(!s->shut || s->eof); /* an end is passed on only once read */
}

int wm_rc_init(struct wm_rc *c, uint64_t num, int client_fd, int server_fd,
               struct wm_conn_log *log, size_t max_line)
{
    assert(client_fd >= 0 && server_fd >= 0 && log && max_line > 0);
    memset(c, 0, sizeof *c);
    c->num = num;
    c->max_line = max_line;
    c->side[WM_RC_CLIENT].fd = client_fd;
    c->side[WM_RC_SERVER].fd = server_fd;
    c->side[WM_RC_CLIENT].j = &log->client;
    c->side[WM_RC_SERVER].j = &log->server;
    for (int i = 0; i < 2; i++) {
        struct wm_rc_side *s = &c->side[i];
        /* A line up to what a transcript record can hold is recorded whole. */
        if (wm_framer_init(&s->framer, max_line + WM_TX_TEXT_SLACK) < 0 ||
            !(s->buf = malloc(WM_RC_BUF))) {
            for (int k = 0; k <= i; k++) {
                wm_framer_free(&c->side[k].framer);
                free(c->side[k].buf);
            }
            return -1;
        }
        s->framer.lenient = 1;
    }
    return 0;
}

/* Bytes a peer sent that were never read (after its line too long, or a
 * cut) are read and dropped before its socket is closed: closing over
 * unread bytes would reset the connection, and a reset throws away what was
 * written to the peer but not yet delivered, which is journaled. Bounded:
 * a peer that keeps sending gets the reset. */
#define DRAIN_MAX (4 * WM_RC_BUF)

static void drain(int fd, char *buf)
{
    size_t left = DRAIN_MAX;
    ssize_t n;
    while (left > 0 && (n = recv(fd, buf, WM_RC_BUF, MSG_DONTWAIT)) > 0)
        left -= (size_t)n < left ? (size_t)n : left;
}

void wm_rc_free(struct wm_rc *c)
{
    for (int i = 0; i < 2; i++) {
        struct wm_rc_side *s = &c->side[i];
        if (s->fd >= 0 && s->buf)
            drain(s->fd, s->buf);
        wm_framer_free(&s->framer);
        free(s->buf);
        s->buf = NULL;
        if (s->fd >= 0)
            close(s->fd);
        s->fd = -1;
    }
}

/* The other side's epoch to note now: its forwards if it is mid-line. */
static uint64_t mid_epoch(const struct wm_rc_side *o)
{
    return wm_framer_mid_line(&o->framer) ? o->epoch : 0;
}

/* 0, or -1 after cutting the connection because the journal is full. */
static int add(struct wm_rc *c, int which, enum wm_rec_kind kind, uint64_t cause, uint64_t epoch,
               const char *text, size_t len)
{
    struct wm_rc_side *s = &c->side[which];
    if (wm_journal_add(s->j, kind, cause, text, len) == 0) {
        s->fwd++;
        if (epoch && epoch == s->tail_epoch) {
            s->tail_n++;
        } else {
            s->tail_epoch = epoch;
            s->tail_n = epoch != 0;
        }
        return 0;
    }
    fprintf(stderr, "warmer record: connection %llu: the %s's records passed --max-journal "
            "(%zu bytes): connection cut, its recording is incomplete\n",
            (unsigned long long)c->num, side_name[which], s->j->max_bytes);
    c->failed = c->cut = 1;
    return -1;
}

/* The cause of the byte at stream offset pos (not yet written on). */
static const struct wm_rc_cause *cause_at(struct wm_rc_side *s, uint64_t pos)
{
    assert(s->cn > 0 && s->causes[s->cfirst].pos <= pos);
    while (s->cn > 1 && s->causes[(s->cfirst + 1) % WM_RC_CAUSES].pos <= pos) {
        s->cfirst = (s->cfirst + 1) % WM_RC_CAUSES;
        s->cn--;
    }
    return &s->causes[s->cfirst];
}

/* Journals n bytes of side which just written to the other side. */
static void journal(struct wm_rc *c, int which, const char *p, size_t n)
{
    struct wm_rc_side *s = &c->side[which];
    size_t off = 0;
    s->epoch++;
    while (off < n && !c->cut) {
        size_t used, len;
        const char *line;
        struct wm_err err;
        if (!wm_framer_mid_line(&s->framer)) { /* a record begins here */
            const struct wm_rc_cause *at = cause_at(s, s->nsent + off);
            s->line_cause = at->cause;
            s->line_epoch = at->epoch;
        }
        enum wm_frame_rc rc = wm_framer_push(&s->framer, p + off, n - off, &used, &line, &len, &err);
        off += used;
        if (rc == WM_FRAME_LINE)
            add(c, which, WM_REC_LINE, s->line_cause, s->line_epoch, line, len);
        else if (rc == WM_FRAME_ERROR) { /* out of memory: reads never pass the bound */
            fprintf(stderr, "warmer record: connection %llu: %s: connection cut, its "
                    "recording is incomplete\n", (unsigned long long)c->num, err.msg);
            c->failed = c->cut = 1;
        }
    }
    s->nsent += n;
    assert(s->nsent <= s->nread);
    (void)cause_at(s, s->nsent); /* only what comes next is needed now */
}

/* Side which's unfinished line is a partial now: the other side's records
 * noted while all of its bytes had been forwarded (its epoch is still
 * theirs) count it, as made or still to come. */
static void count_partial(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    uint64_t e = s->epoch;
    if (o->tail_epoch == e) {
        assert(o->tail_n <= o->j->n - o->j->settled_n); /* held unsettled (wm_rc_unsure) */
        for (size_t i = o->j->n - o->tail_n; i < o->j->n; i++)
            o->j->recs[i].cause++;
        o->tail_epoch = 0;
        o->tail_n = 0;
    }
    for (unsigned i = 0; i < o->cn; i++) {
        struct wm_rc_cause *k = &o->causes[(o->cfirst + i) % WM_RC_CAUSES];
        k->cause += k->epoch == e;
    }
    if (wm_framer_mid_line(&o->framer) && o->line_epoch == e)
        o->line_cause++;
    if (o->eof && o->end_epoch == e)
        o->end_cause++;
}

/* What side which sent of an unfinished line was written on: a partial. */
static int flush_partial(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which];
    if (!wm_framer_mid_line(&s->framer))
        return 0;
    count_partial(c, which);
    assert(s->framer.len <= s->framer.max_line); /* bound_lines kept the line within it */
    int rc = add(c, which, WM_REC_PARTIAL, s->line_cause, s->line_epoch, s->framer.buf,
                 s->framer.len);
    s->framer.len = s->framer.pending = 0; /* recorded once; nothing of it is framed after */
    return rc;
}

/* Side which's end reached the other side: its partial, then its close
 * unless implied. */
static void record_end(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which];
    if (flush_partial(c, which) == 0 && !s->end_implied)
        add(c, which, WM_REC_CLOSE, s->end_cause, s->end_epoch, "", 0);
}

/* Side which has ended as read now (its end, a reset, a line too long). */
static void mark_end(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    assert(!s->eof); /* a side ends once: its close is recorded once */
    s->eof = 1;
    s->end_implied = o->shut;
    s->end_cause = o->fwd;
    s->end_epoch = mid_epoch(o);
}

/* Side which's bytes not yet written on will never be: dropped, unjournaled. */
static void drop(struct wm_rc_side *s)
{
    s->len = s->off = 0;
    s->nsent = s->nread;
    s->cn = 0;
}

/* Side which reset, and all it sent is written on: the other side gets a
 * reset too, an abortive close (SO_LINGER 0) when the connection ends,
 * which is now: nothing reaches side which any more, and the other side's
 * end, unread, is implied by it (its partial is recorded). */
static void pass_reset(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    struct linger lg = {1, 0};
    assert(s->reset && s->shut);
    /* What is written leaves now (TCP_NODELAY pushes what Nagle holds): the
     * abortive close throws away what is still unsent, which is journaled. */
    wm_net_tune(o->fd);
    if (setsockopt(o->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
        shutdown(o->fd, SHUT_WR); /* a close, then: the best left to pass on */
    s->gone = 1;
    drop(o);
    if (!o->eof) {
        mark_end(c, !which);
        record_end(c, !which);
        o->shut = 1;
    }
}

/* Writes what side which sent to the other side, journaling what is
 * written; passes its end on once everything before it is written. */
static void forward(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    check_side(s);
    while (s->len > 0 && !o->gone && !c->cut) {
        size_t w;
        enum wm_io rc = wm_sock_send(o->fd, s->buf + s->off, s->len, &w);
        if (rc == WM_IO_DATA) {
            assert(w > 0 && w <= s->len);
            journal(c, which, s->buf + s->off, w);
            s->off += w;
            s->len -= w;
        } else if (rc == WM_IO_AGAIN) {
            return;
        } else { /* its end, a reset or an error: the other side is gone; reading it shows its end */
            o->gone = 1;
            flush_partial(c, which); /* the bytes it was sent of a line */
        }
    }
    if (o->gone || c->cut)
        drop(s); /* nobody will read it */
    if (s->len == 0)
        s->off = 0;
    if (s->len == 0 && s->eof && !s->shut && !o->gone && !c->cut) {
        record_end(c, which);
        s->shut = 1;
        if (s->reset)
            pass_reset(c, which);
        else
            shutdown(o->fd, SHUT_WR);
    }
    check_side(s);
}

/* Of n bytes just read from side which, how many fit its lines' bound; a
 * line past it ends the side there (its first max bytes are sent on). */
static size_t bound_lines(struct wm_rc *c, int which, const char *p, size_t n)
{
    struct wm_rc_side *s = &c->side[which];
    size_t max = s->framer.max_line, off = 0;
    while (off < n) {
        const char *nl = memchr(p + off, '\n', n - off);
        size_t seg = nl ? (size_t)(nl - (p + off)) : n - off;
        assert(s->run <= max);
        if (s->run + seg > max) {
            off += max - s->run;
            s->run = max;
            fprintf(stderr, "warmer record: connection %llu: the %s sent a line longer than "
                    "%zu bytes (--max-line %zu + %d): its first %zu bytes are passed on and "
                    "recorded as a partial line, then its close; nothing more is read from it\n",
                    (unsigned long long)c->num, side_name[which], max, c->max_line,
                    WM_TX_TEXT_SLACK, max);
            mark_end(c, which);
            return off;
        }
        s->run = nl ? 0 : s->run + seg;
        off += seg + (nl != NULL);
    }
    return n;
}

static void do_read(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    if (s->eof || c->cut || s->cn == WM_RC_CAUSES)
        return;
    if (s->off > 0 && s->len > 0) { /* reclaim the written part */
        memmove(s->buf, s->buf + s->off, s->len);
        s->off = 0;
    }
    size_t room = WM_RC_BUF - s->off - s->len;
    if (room == 0)
        return;
    char *at = s->buf + s->off + s->len;
    size_t n;
    enum wm_io rc = wm_sock_recv(s->fd, at, room, &n);
    if (rc == WM_IO_AGAIN)
        return;
    if (rc == WM_IO_DATA) {
        assert(n > 0 && n <= room);
        wm_net_ack_now(s->fd);
        size_t keep = bound_lines(c, which, at, n);
        const struct wm_rc_cause *last =
            s->cn ? &s->causes[(s->cfirst + s->cn - 1) % WM_RC_CAUSES] : NULL;
        assert(keep <= n && (!last || last->pos <= s->nread)); /* causes in stream order */
        if (keep > 0 && (!last || last->cause != o->fwd || last->epoch != mid_epoch(o))) {
            assert(s->cn < WM_RC_CAUSES); /* do_read returns while the ring is full */
            s->causes[(s->cfirst + s->cn) % WM_RC_CAUSES] =
                (struct wm_rc_cause){s->nread, o->fwd, mid_epoch(o)};
            s->cn++;
        }
        s->nread += keep;
        s->len += keep;
    } else {
        /* A transcript has no reset: it is recorded as the side's close,
         * and named here in the words every command uses. */
        if (rc == WM_IO_RESET)
            fprintf(stderr, "warmer record: connection %llu: the %s: " WM_RESET_TEXT
                    " (recorded as its close, passed on as a reset)\n",
                    (unsigned long long)c->num, side_name[which]);
        s->reset = rc == WM_IO_RESET;
        mark_end(c, which); /* its end, a reset or an error: its close */
    }
    forward(c, which);
}

void wm_rc_io(struct wm_rc *c, int which, int ready)
{
    assert((which == WM_RC_CLIENT || which == WM_RC_SERVER) &&
           (ready & ~(WM_RC_READ | WM_RC_WRITE)) == 0);
    if (ready & WM_RC_WRITE)
        forward(c, !which);
    if (ready & WM_RC_READ)
        do_read(c, which);
}

int wm_rc_interest(const struct wm_rc *c, int which)
{
    assert(which == WM_RC_CLIENT || which == WM_RC_SERVER);
    const struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    int mask = 0;
    if (c->cut)
        return 0;
    if (!s->eof && s->off + s->len < WM_RC_BUF && s->cn < WM_RC_CAUSES)
        mask |= WM_RC_READ;
    if (o->len > 0 && !s->gone)
        mask |= WM_RC_WRITE;
    return mask;
}

static int direction_done(const struct wm_rc *c, int which)
{
    const struct wm_rc_side *s = &c->side[which];
    return s->eof && (s->shut || c->side[!which].gone);
}

int wm_rc_done(const struct wm_rc *c)
{
    return c->cut || (direction_done(c, 0) && direction_done(c, 1));
}

size_t wm_rc_unsure(const struct wm_rc *c, int which)
{
    const struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    return mid_epoch(o) && s->tail_epoch == o->epoch ? s->tail_n : 0;
}

uint64_t wm_rc_cause_floor(const struct wm_rc *c, int which)
{
    const struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    if (c->cut || direction_done(c, which))
        return UINT64_MAX; /* it makes no more records */
    uint64_t f = o->fwd; /* what a read from now on notes */
    if (s->nsent < s->nread && s->cn > 0 && s->causes[s->cfirst].cause < f)
        f = s->causes[s->cfirst].cause; /* bytes read, not written on yet */
    if (wm_framer_mid_line(&s->framer) && s->line_cause < f)
        f = s->line_cause; /* the record being assembled */
    if (s->eof && s->end_cause < f)
        f = s->end_cause; /* its close */
    return f;
}

int wm_rc_waiting_close(const struct wm_rc *c)
{
    return !wm_rc_done(c) && (direction_done(c, 0) || direction_done(c, 1));
}

/* The proxy ends the connection: each side's bytes are written on as far as
 * they go at once, the rest dropped; a side that ended (or is taken as
 * ending: mask) gets its partial and close, one still open its partial. */
static void end_here(struct wm_rc *c, int ending)
{
    if (c->cut)
        return;
    for (int i = 0; i < 2; i++)
        if ((ending & (1 << i)) && !c->side[i].eof)
            mark_end(c, i);
    for (int i = 0; i < 2 && !c->cut; i++) {
        struct wm_rc_side *s = &c->side[i];
        if (s->shut || c->side[!i].gone)
            continue;
        forward(c, i);
        if (s->shut || c->cut)
            continue;
        drop(s);
        if (s->eof)
            record_end(c, i);
        else
            flush_partial(c, i);
    }
    c->cut = 1;
}

void wm_rc_stop(struct wm_rc *c)
{
    end_here(c, 1 << WM_RC_CLIENT);
}

void wm_rc_expire(struct wm_rc *c)
{
    end_here(c, 3); /* the side still open: its close is implied (mark_end sees shut) */
}
