/* A recording's settled records on disk (rec_spool.h). */
#include "rec_spool.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpfile.h"

/* Text of a connection is written in pieces of this much. */
#define RSP_PIECE 8192

struct rsp_extent { /* a piece of a connection's text in the spool file */
    uint64_t off;
    size_t len;
};

struct rconn {
    uint64_t cw, sw; /* wire records settled, the client's and the server's */
    char *buf;       /* rendered, not yet written */
    size_t len, cap;
    struct rsp_extent *pieces;
    size_t np, cp;
};

struct wm_rsp {
    int fd;
    uint64_t end;
    struct rconn *c;
    uint32_t n, cap;
};

struct wm_rsp *wm_rsp_new(void)
{
    struct wm_rsp *sp = calloc(1, sizeof *sp);
    if (sp)
        sp->fd = -1;
    return sp;
}

void wm_rsp_free(struct wm_rsp *sp)
{
    if (!sp)
        return;
    for (uint32_t i = 0; i < sp->n; i++) {
        free(sp->c[i].buf);
        free(sp->c[i].pieces);
    }
    free(sp->c);
    if (sp->fd >= 0)
        close(sp->fd);
    free(sp);
}

uint32_t wm_rsp_conns(const struct wm_rsp *sp)
{
    return sp->n;
}

static int flush_piece(struct wm_rsp *sp, struct rconn *k, struct wm_err *err)
{
    /* whole records only: copy_conn reads a line's first byte as its side */
    assert(k->len > 0 && k->len <= k->cap && k->buf[k->len - 1] == '\n');
    if (sp->fd < 0 && (sp->fd = wm_tmp_fd("record", err)) < 0)
        return -1;
    if (k->np == k->cp) {
        size_t nc = k->cp ? 2 * k->cp : 8;
        struct rsp_extent *np = realloc(k->pieces, nc * sizeof *np);
        if (!np) {
            wm_err_set(err, "out of memory for the spool's index");
            return -1;
        }
        k->pieces = np;
        k->cp = nc;
    }
    assert(k->np < k->cp);
    for (size_t done = 0; done < k->len;) {
        ssize_t w = pwrite(sp->fd, k->buf + done, k->len - done, (off_t)(sp->end + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            wm_err_set(err, "writing the spool file: %s", w < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        done += (size_t)w;
    }
    k->pieces[k->np++] = (struct rsp_extent){sp->end, k->len};
    sp->end += k->len;
    k->len = 0;
    return 0;
}

/* One settled record, unnumbered ("C: ..."): wm_rsp_write numbers it. */
static int render(struct wm_rsp *sp, struct rconn *k, char side, const struct wm_journal *j,
                  const struct wm_rec *r, struct wm_err *err)
{
    if (r->kind == WM_REC_LOG)
        return 0;
    size_t need = WM_TX_RECORD_MAX(r->len);
    if (k->len + need > k->cap) {
        size_t cap = k->cap ? k->cap : RSP_PIECE;
        while (cap < k->len + need)
            cap *= 2;
        char *nb = realloc(k->buf, cap);
        if (!nb) {
            wm_err_set(err, "out of memory for the recording");
            return -1;
        }
        k->buf = nb;
        k->cap = cap;
    }
    size_t n = wm_tx_format_record(k->buf + k->len, 0, side, (enum wm_rec_kind)r->kind,
                                   wm_rec_text(j, r), r->len);
    assert(n >= 2 && n <= need && k->buf[k->len] == side && k->buf[k->len + n - 1] == '\n');
    k->len += n;
    return k->len >= RSP_PIECE ? flush_piece(sp, k, err) : 0;
}

int wm_rsp_settle(struct wm_rsp *sp, uint32_t conn, struct wm_conn_log *log,
                  uint64_t server_floor, const size_t unsure[2], struct wm_err *err)
{
    /* A new connection (they are numbered in order; one may settle nothing
     * before the next does). Each pass adds one. */
    while (conn >= sp->n) {
        if (sp->n == sp->cap) {
            uint32_t cap = sp->cap ? 2 * sp->cap : 8;
            struct rconn *nc = realloc(sp->c, cap * sizeof *nc);
            if (!nc) {
                wm_err_set(err, "out of memory for the recording");
                return -1;
            }
            sp->c = nc;
            sp->cap = cap;
        }
        assert(sp->n < sp->cap);
        sp->c[sp->n++] = (struct rconn){0};
    }
    assert(conn < sp->n);
    struct rconn *k = &sp->c[conn];
    struct wm_journal *jc = &log->client, *js = &log->server;
    /* wm_merge's loop run as records come (stream.c's settle): a server
     * record goes once the client records before it have; a client record
     * once its server records have and no server record can still come
     * first: one is waiting (it could not go), or every one still to come
     * counts more client records than have gone (server_floor). */
    size_t bound = (jc->n - jc->settled_n) + (js->n - js->settled_n);
    size_t sure_c = jc->n - (unsure[0] < jc->n ? unsure[0] : jc->n),
           sure_s = js->n - (unsure[1] < js->n ? unsure[1] : js->n);
    assert(jc->settled_n <= jc->n && js->settled_n <= js->n);
    for (size_t step = 0; step < bound; step++) {
        if (js->settled_n >= sure_s && js->settled_n < js->n)
            break; /* the next server record's place is not known yet */
        if (js->settled_n < js->n && js->recs[js->settled_n].cause <= k->cw) {
            const struct wm_rec *r = &js->recs[js->settled_n++];
            k->sw += wm_rec_is_wire((enum wm_rec_kind)r->kind);
            if (render(sp, k, 'S', js, r, err) < 0)
                return -1;
            continue;
        }
        int server_after = js->settled_n < js->n || server_floor > k->cw;
        if (jc->settled_n < sure_c && server_after && jc->recs[jc->settled_n].cause <= k->sw) {
            const struct wm_rec *r = &jc->recs[jc->settled_n++];
            k->cw += wm_rec_is_wire((enum wm_rec_kind)r->kind);
            if (render(sp, k, 'C', jc, r, err) < 0)
                return -1;
            continue;
        }
        break;
    }
    /* no record whose cause may still be raised (unsure) has settled */
    assert(jc->settled_n <= sure_c && js->settled_n <= sure_s);
    wm_journal_drop_settled(jc);
    wm_journal_drop_settled(js);
    if (server_floor != UINT64_MAX || unsure[0] || unsure[1])
        return 0;
    if (jc->n || js->n) {
        wm_err_set(err, "inconsistent record order (a bug)");
        return -1;
    }
    /* Its last records: what they left buffered goes to disk, so that an
     * ended connection holds nothing but its index. */
    if (k->len && flush_piece(sp, k, err) < 0)
        return -1;
    free(k->buf);
    k->buf = NULL;
    k->cap = 0;
    return 0;
}

/* Copies connection k's text, each line numbered label (0: none). */
static int copy_conn(const struct wm_rsp *sp, const struct rconn *k, unsigned label, FILE *out,
                     struct wm_err *err)
{
    char buf[65536];
    int at_start = 1;
    assert(k->np == 0 || sp->fd >= 0); /* an extent was written to the file */
    for (size_t p = 0; p <= k->np; p++) {
        const char *src = p < k->np ? NULL : k->buf; /* the pieces, then what is buffered */
        size_t len = p < k->np ? k->pieces[p].len : k->len;
        for (size_t done = 0; done < len;) {
            size_t n = len - done < sizeof buf ? len - done : sizeof buf;
            const char *b = src ? src + done : buf;
            if (!src) {
                ssize_t r = pread(sp->fd, buf, n, (off_t)(k->pieces[p].off + done));
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0) {
                    wm_err_set(err, "reading the spool file: %s",
                               r < 0 ? strerror(errno) : "short");
                    return -1;
                }
                n = (size_t)r;
            }
            for (size_t i = 0; i < n;) { /* a record's first byte is its side */
                if (at_start && label) {
                    assert(b[i] == 'C' || b[i] == 'S');
                    fprintf(out, "%c%u", b[i++], label);
                    at_start = 0;
                    continue;
                }
                const char *nl = memchr(b + i, '\n', n - i);
                size_t m = nl ? (size_t)(nl - (b + i)) + 1 : n - i;
                fwrite(b + i, 1, m, out);
                i += m;
                at_start = nl != NULL;
            }
            done += n;
        }
    }
    return 0;
}

int wm_rsp_write(const struct wm_rsp *sp, FILE *out, struct wm_err *err)
{
    uint64_t written = 0; /* the extents tile the file: none overlaps, none is lost */
    for (uint32_t i = 0; i < sp->n; i++)
        for (size_t p = 0; p < sp->c[i].np; p++)
            written += sp->c[i].pieces[p].len;
    assert(written == sp->end);
    for (uint32_t i = 0; i < sp->n; i++)
        if (copy_conn(sp, &sp->c[i], sp->n > 1 ? i + 1 : 0, out, err) < 0)
            return -1;
    if (ferror(out)) {
        wm_err_set(err, "cannot write the transcript");
        return -1;
    }
    return 0;
}
