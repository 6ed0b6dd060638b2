/* fopencookie: a stream over pread. */
#define _GNU_SOURCE

#include "tx_cursor.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"

/* A cursor reads this much at once (and grows for a longer line). */
#define TXC_CHUNK 2048

/* The strict parser's rules for a record line (tx_parse.c uses it too). */
long wm_tx_record_fields(const struct wm_cfg *cfg, const char *s, size_t len, char *dec,
                         uint32_t *conn_out, enum wm_rec_kind *kind_out, const char **what)
{
    size_t i = 1;
    unsigned long conn = 1;
    if (i < len && s[i] >= '1' && s[i] <= '9') {
        conn = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && conn <= WM_MAX_CONNECTIONS)
            conn = conn * 10 + (unsigned long)(s[i++] - '0');
        if (conn > cfg->connections)
            return *what = "connection number beyond the header's connections", -1;
    }
    if (i == len || (s[i] != ':' && s[i] != '!'))
        return *what = "expected a record like 'C: <line>', 'S2: <line>' or 'C! close'", -1;
    enum wm_rec_kind kind;
    const char *arg;
    size_t alen;
    if (s[i] == ':') {
        kind = WM_REC_LINE;
        if (i + 1 == len)
            arg = s + len, alen = 0;
        else if (s[i + 1] == ' ')
            arg = s + i + 2, alen = len - i - 2;
        else
            return *what = "expected a space after ':'", -1;
    } else {
        const char *ev = s + i + 1;
        size_t evlen = len - i - 1;
#define EV(w) (evlen >= sizeof(w) - 1 && memcmp(ev, w, sizeof(w) - 1) == 0)
        if (evlen == 6 && EV(" close"))
            kind = WM_REC_CLOSE, arg = ev + 6, alen = 0;
        else if (evlen > 7 && EV(" error "))
            kind = WM_REC_ERROR, arg = ev + 7, alen = evlen - 7;
        else if (evlen > 9 && EV(" partial "))
            kind = WM_REC_PARTIAL, arg = ev + 9, alen = evlen - 9;
        else if (evlen == 5 && EV(" hang"))
            kind = WM_REC_HANG, arg = ev + 5, alen = 0;
        else if (evlen > 6 && EV(" hang "))
            kind = WM_REC_HANG, arg = ev + 6, alen = evlen - 6;
        else
            return *what = "expected '! close', '! error <reason>', '! partial <bytes>' or "
                           "'! hang [<reason>]'", -1;
#undef EV
    }
    size_t bad;
    long dlen;
    int verbatim = kind == WM_REC_ERROR || kind == WM_REC_HANG; /* reasons */
    if (verbatim) {
        dlen = wm_unescape(dec, arg, alen, &bad) < 0 ? -1 : (long)alen;
        if (dlen >= 0)
            memcpy(dec, arg, alen); /* reasons are kept verbatim */
    } else {
        dlen = wm_unescape(dec, arg, alen, &bad);
    }
    if (dlen < 0)
        return *what = "bad escape or non-printable byte in record text", -1;
    if (verbatim ? alen >= WM_ERR_MAX : (size_t)dlen > cfg->max_line + (size_t)WM_TX_TEXT_SLACK)
        return *what = verbatim ? "record text longer than an error reason may be"
                                : "record text longer than max-line + 64 bytes",
               -1;
    *conn_out = (uint32_t)(conn - 1);
    *kind_out = kind;
    return dlen;
}

struct pread_file {
    int fd;
    uint64_t at;
};

static ssize_t pf_read(void *ctx, char *buf, size_t size)
{
    struct pread_file *pf = ctx;
    ssize_t n;
    do
        n = pread(pf->fd, buf, size, (off_t)pf->at);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        pf->at += (uint64_t)n;
    return n;
}

static int pf_close(void *ctx)
{
    free(ctx);
    return 0;
}

FILE *wm_tx_pread_open(int fd, uint64_t at)
{
    struct pread_file *pf = malloc(sizeof *pf);
    if (!pf)
        return NULL;
    *pf = (struct pread_file){fd, at};
    cookie_io_functions_t io = {.read = pf_read, .close = pf_close};
    FILE *f = fopencookie(pf, "r", io);
    if (!f)
        free(pf);
    return f;
}

int wm_tx_index_build(struct wm_tx_index *ix, int fd, const char *path, const struct wm_cfg *cfg,
                      size_t max_bytes, struct wm_err *err)
{
    *ix = (struct wm_tx_index){.fd = fd, .path = path, .cfg = cfg};
    FILE *f = wm_tx_pread_open(fd, 0);
    /* read again as it was first read: under the profile decided then */
    struct wm_tx_reader *rd = f ? wm_txr_open_as(f, path, cfg->profile, max_bytes, err) : NULL;
    int rc = -1;
    if (!f)
        wm_err_set(err, "%s: out of memory", path);
    if (!rd)
        goto out;
    assert(wm_txr_cfg(rd)->connections == cfg->connections);
    if (!(ix->conns = calloc(cfg->connections, sizeof *ix->conns))) {
        wm_err_set(err, "%s: out of memory", path);
        goto out;
    }
    struct wm_tx_item it;
    uint32_t last = 0;
    while ((rc = wm_txr_next(rd, &it, err)) > 0) {
        struct wm_tx_conn_sum *c = &ix->conns[it.conn];
        if (c->nrecs == 0) {
            c->off = it.offset;
            c->lineno = it.lineno;
        } else if (it.conn != last) {
            ix->interleaved = 1;
        }
        last = it.conn;
        c->nrecs++;
        struct wm_tx_side_sum *sd = &c->side[it.side == 'S'];
        sd->lines += it.kind == WM_REC_LINE;
        sd->ends |= it.kind == WM_REC_CLOSE || it.kind == WM_REC_ERROR;
        sd->partial_open = it.kind == WM_REC_PARTIAL;
    }
out:
    wm_txr_close(rd);
    if (f)
        fclose(f);
    if (rc < 0)
        wm_tx_index_free(ix);
    return rc < 0 ? -1 : 0;
}

void wm_tx_index_free(struct wm_tx_index *ix)
{
    free(ix->conns);
    ix->conns = NULL;
}

const struct wm_tx_side_sum *wm_tx_index_side(const struct wm_tx_index *ix, uint32_t conn,
                                              char side)
{
    return &ix->conns[conn].side[side == 'S'];
}

struct wm_txc {
    const struct wm_tx_index *ix;
    uint32_t conn;
    uint64_t pos;     /* file offset of buf[0] */
    char *buf, *dec;
    size_t beg, end, cap, dcap;
    size_t lineno;    /* of the line that ends before buf + beg */
    uint64_t left;    /* records still to give */
    int eof;
};

struct wm_txc *wm_txc_open(const struct wm_tx_index *ix, uint32_t conn)
{
    assert(conn < ix->cfg->connections);
    struct wm_txc *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const struct wm_tx_conn_sum *s = &ix->conns[conn];
    *c = (struct wm_txc){.ix = ix, .conn = conn, .pos = s->off, .lineno = s->lineno - 1,
                         .left = s->nrecs};
    return c;
}

void wm_txc_close(struct wm_txc *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->dec);
    free(c);
}

/* More of the file after what is buffered: 0, or -1 with err. */
static int refill(struct wm_txc *c, struct wm_err *err)
{
    if (c->beg > 0) {
        memmove(c->buf, c->buf + c->beg, c->end - c->beg);
        c->pos += c->beg;
        c->end -= c->beg;
        c->beg = 0;
    }
    if (c->end == c->cap) { /* a line longer than the buffer (bounded: the parser took it) */
        size_t cap = c->cap ? 2 * c->cap : TXC_CHUNK;
        char *nb = realloc(c->buf, cap);
        if (!nb) {
            wm_err_set(err, "%s: out of memory", c->ix->path);
            return -1;
        }
        c->buf = nb;
        c->cap = cap;
    }
    ssize_t n;
    do
        n = pread(c->ix->fd, c->buf + c->end, c->cap - c->end, (off_t)(c->pos + c->end));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        wm_err_set(err, "%s: read error: %s", c->ix->path, strerror(errno));
        return -1;
    }
    c->eof = n == 0;
    c->end += (size_t)n;
    return 0;
}

int wm_txc_next(struct wm_txc *c, struct wm_tx_item *it, struct wm_err *err)
{
    /* Each pass takes a line or reads more of the file, so this ends at the
     * file's end at the latest. */
    while (c->left > 0) {
        const char *line = c->buf + c->beg;
        const char *nl = c->end > c->beg ? memchr(line, '\n', c->end - c->beg) : NULL;
        if (!nl && !c->eof) {
            if (refill(c, err) < 0)
                return -1;
            continue;
        }
        size_t len = nl ? (size_t)(nl - line) : c->end - c->beg;
        if (!nl && len == 0)
            break; /* the end, with records still owed: the file changed */
        c->beg += len + (nl != NULL);
        c->lineno++;
        if (len == 0 || line[0] == '#')
            continue;
        if (len + 1 > c->dcap) {
            char *nd = realloc(c->dec, len + 1);
            if (!nd) {
                wm_err_set(err, "%s: out of memory", c->ix->path);
                return -1;
            }
            c->dec = nd;
            c->dcap = len + 1;
        }
        uint32_t conn;
        enum wm_rec_kind kind;
        const char *what = "expected a record starting with C or S";
        long dlen = line[0] == 'C' || line[0] == 'S'
                        ? wm_tx_record_fields(c->ix->cfg, line, len, c->dec, &conn, &kind, &what)
                        : -1;
        if (dlen < 0) {
            wm_err_set(err, "%s:%zu: %s (the file changed while it was read)", c->ix->path,
                       c->lineno, what);
            return -1;
        }
        if (conn != c->conn)
            continue;
        c->left--;
        *it = (struct wm_tx_item){.conn = conn, .side = line[0], .kind = kind, .text = c->dec,
                                  .len = (size_t)dlen, .lineno = c->lineno,
                                  .offset = c->pos + (uint64_t)(line - c->buf)};
        if (c->left == 0) { /* done: its buffer goes now (a run may hold many cursors) */
            free(c->buf);
            c->buf = NULL;
            c->beg = c->end = c->cap = 0;
        }
        return 1;
    }
    if (c->left > 0) {
        wm_err_set(err, "%s: the file changed while it was read", c->ix->path);
        return -1;
    }
    return 0;
}
