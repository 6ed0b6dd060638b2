/* One proxied connection of warmer record (rec_conn.h). */
#include "rec_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const side_name[2] = {"client", "server"};

int wm_rc_init(struct wm_rc *c, uint64_t num, int client_fd, int server_fd,
               struct wm_conn_log *log, size_t max_line)
{
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

void wm_rc_free(struct wm_rc *c)
{
    for (int i = 0; i < 2; i++) {
        wm_framer_free(&c->side[i].framer);
        free(c->side[i].buf);
        c->side[i].buf = NULL;
        if (c->side[i].fd >= 0)
            close(c->side[i].fd);
        c->side[i].fd = -1;
    }
}

/* 0, or -1 after cutting the connection because the journal is full. */
static int add(struct wm_rc *c, int which, enum wm_rec_kind kind, uint64_t cause,
               const char *text, size_t len)
{
    struct wm_rc_side *s = &c->side[which];
    if (wm_journal_add(s->j, kind, cause, text, len) == 0)
        return 0;
    fprintf(stderr, "warmer record: connection %llu: the %s's records passed --max-journal "
            "(%zu bytes): connection cut, its recording is incomplete\n",
            (unsigned long long)c->num, side_name[which], s->j->max_bytes);
    c->failed = c->cut = 1;
    return -1;
}

/* The side's end: unfinished bytes become a partial, then its close unless
 * it closed after the other side's close had been passed on to it (then
 * the close is implied, as docs/TRANSCRIPTS.md says). */
static int record_end(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    s->eof = 1;
    if (wm_framer_mid_line(&s->framer)) {
        if (add(c, which, WM_REC_PARTIAL, s->line_cause, s->framer.buf, s->framer.len) < 0)
            return -1;
        s->tail++;
    }
    if (!o->shut) {
        if (add(c, which, WM_REC_CLOSE, o->fwd, "", 0) < 0)
            return -1;
        s->tail++;
    }
    return 0;
}

/* Journals bytes just read from a side. -1 when the connection was cut. */
static int mirror(struct wm_rc *c, int which, const char *p, size_t n)
{
    struct wm_rc_side *s = &c->side[which];
    uint64_t now = c->side[!which].fwd; /* the other side's items forwarded so far */
    size_t off = 0;
    while (off < n) {
        size_t used, len;
        const char *line;
        struct wm_err err;
        if (!wm_framer_mid_line(&s->framer))
            s->line_cause = now; /* a record begins with this chunk */
        enum wm_frame_rc rc = wm_framer_push(&s->framer, p + off, n - off, &used, &line, &len, &err);
        off += used;
        if (rc == WM_FRAME_LINE && add(c, which, WM_REC_LINE, s->line_cause, line, len) < 0)
            return -1;
        if (rc == WM_FRAME_ERROR) { /* longer than a record can hold */
            fprintf(stderr, "warmer record: connection %llu: the %s sent a line longer than "
                    "%zu bytes (--max-line %zu + %d): connection cut, its first %zu bytes "
                    "recorded as a partial line\n", (unsigned long long)c->num,
                    side_name[which], s->framer.max_line, c->max_line, WM_TX_TEXT_SLACK,
                    s->framer.len);
            if (add(c, which, WM_REC_PARTIAL, s->line_cause, s->framer.buf, s->framer.len) == 0)
                add(c, which, WM_REC_CLOSE, now, "", 0);
            c->cut = 1;
            return -1;
        }
    }
    return 0;
}

static uint64_t count_lines(const char *p, size_t n)
{
    uint64_t k = 0;
    const char *end = p + n;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/* Writes what side which sent to the other side; passes its close on once
 * everything before it is written. */
static void forward(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    while (s->len > 0 && !o->gone) {
        ssize_t w = send(o->fd, s->buf + s->off, s->len, MSG_NOSIGNAL);
        if (w > 0) {
            s->fwd += count_lines(s->buf + s->off, (size_t)w);
            s->off += (size_t)w;
            s->len -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else { /* a reset or an error: the other side is gone; reading it shows its end */
            o->gone = 1;
        }
    }
    if (o->gone)
        s->len = 0; /* nobody will read it */
    if (s->len == 0)
        s->off = 0;
    if (s->len == 0 && s->eof && !s->shut && !o->gone) {
        shutdown(o->fd, SHUT_WR);
        s->shut = 1;
        s->fwd += s->tail;
    }
}

static void do_read(struct wm_rc *c, int which)
{
    struct wm_rc_side *s = &c->side[which];
    if (s->eof || c->cut)
        return;
    if (s->off > 0 && s->len > 0) { /* reclaim the written part */
        memmove(s->buf, s->buf + s->off, s->len);
        s->off = 0;
    }
    size_t room = WM_RC_BUF - s->off - s->len;
    if (room == 0)
        return;
    char *at = s->buf + s->off + s->len;
    ssize_t n = recv(s->fd, at, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n > 0) {
        if (mirror(c, which, at, (size_t)n) < 0)
            return;
        s->len += (size_t)n;
    } else if (record_end(c, which) < 0) { /* its end, a reset or an error: its close */
        return;
    }
    forward(c, which);
}

void wm_rc_io(struct wm_rc *c, int which, int ready)
{
    if (ready & WM_RC_WRITE)
        forward(c, !which);
    if (ready & WM_RC_READ)
        do_read(c, which);
}

int wm_rc_interest(const struct wm_rc *c, int which)
{
    const struct wm_rc_side *s = &c->side[which], *o = &c->side[!which];
    int mask = 0;
    if (c->cut)
        return 0;
    if (!s->eof && s->off + s->len < WM_RC_BUF)
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

int wm_rc_waiting_close(const struct wm_rc *c)
{
    return !wm_rc_done(c) && (direction_done(c, 0) || direction_done(c, 1));
}

void wm_rc_stop(struct wm_rc *c)
{
    if (!c->cut && !c->side[WM_RC_CLIENT].eof)
        record_end(c, WM_RC_CLIENT);
    c->cut = 1;
}

void wm_rc_expire(struct wm_rc *c)
{
    for (int i = 0; i < 2 && !c->cut; i++)
        if (!c->side[i].eof)
            record_end(c, i); /* the other side's close was passed on: implied */
    c->cut = 1;
}
