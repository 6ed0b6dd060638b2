/* fopencookie: the run writes into a stream whose writes are compared. */
#define _GNU_SOURCE

#include "streamcmp.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "transcript.h"
#include "tx_cursor.h"

/* Lines in one buffer: a window, or one slot of the context. */
struct lines {
    char *buf;
    size_t len, cap;
    size_t *off, *llen;
    size_t n, ncap;
};

static int lines_add(struct lines *l, const char *s, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n)
            cap *= 2;
        char *nb = realloc(l->buf, cap);
        if (!nb)
            return -1;
        l->buf = nb;
        l->cap = cap;
    }
    if (l->n == l->ncap) {
        size_t nc = l->ncap ? 2 * l->ncap : 64;
        size_t *no = realloc(l->off, nc * sizeof *no), *nl = no ? realloc(l->llen, nc * sizeof *nl)
                                                              : NULL;
        if (no)
            l->off = no;
        if (nl)
            l->llen = nl;
        if (!no || !nl)
            return -1;
        l->ncap = nc;
    }
    if (n)
        memcpy(l->buf + l->len, s, n);
    l->off[l->n] = l->len;
    l->llen[l->n++] = n;
    l->len += n;
    return 0;
}

static void lines_free(struct lines *l)
{
    free(l->buf);
    free(l->off);
    free(l->llen);
    memset(l, 0, sizeof *l);
}

static int lines_full(const struct lines *l)
{
    return l->n >= WM_SCMP_WINDOW_LINES || l->len >= WM_SCMP_WINDOW_BYTES;
}

struct wm_scmp {
    FILE *f; /* the file, or a copy of what a pipe or FIFO gave */
    struct wm_tx_reader *rd;
    const char *path;
    size_t max_journal;
    /* Read again by connection (tx_cursor.h) when scripts play its records
     * or its connections interleave: the file's side then comes from a
     * cursor per connection in turn. */
    struct wm_tx_index ix;
    int have_ix, by_conn;
    struct wm_txc *cur;
    uint64_t file_size;
    const struct wm_cfg *cfg;
    /* the file's side, as it would be rendered: header, then records */
    char *hdr;
    size_t hdr_len, hdr_pos;
    char *rec;
    size_t rec_cap;
    uint32_t conn;      /* connection of the record given last */
    size_t lineno;      /* file line of the line given last (1 in the header) */
    size_t last_record; /* file line of the last record given, 0 if none */
    int want_end;       /* every line given */
    int bad;            /* -1 malformed (err), 1 records out of connection order */
    struct wm_err err;
    /* the run's side: a line begun in one write */
    char *part;
    size_t part_len, part_cap;
    /* the comparison */
    size_t line; /* lines equal so far */
    int differ;
    size_t first_line;
    struct lines ctx[WM_SCMP_CONTEXT]; /* the last equal lines, a ring */
    struct lines a, b;                 /* the windows: the file's and the run's */
    size_t a_more;                     /* the file's lines past its window */
    int stopped;                       /* the run was stopped, its window full */
    int oom;
};

struct wm_scmp *wm_scmp_open_as(const char *path, enum wm_profile dflt, size_t max_journal,
                                struct wm_err *err)
{
    uint64_t size;
    FILE *f = wm_scmp_open_rereadable(path, &size, err);
    return f ? wm_scmp_open_fp(f, size, path, dflt, max_journal, err) : NULL;
}

struct wm_scmp *wm_scmp_open_fp(FILE *f, uint64_t size, const char *path, enum wm_profile dflt,
                                size_t max_journal, struct wm_err *err)
{
    struct wm_scmp *s = calloc(1, sizeof *s);
    if (!s) {
        wm_err_set(err, "%s: out of memory", path);
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    s->f = f;
    s->file_size = size;
    if (!(s->rd = wm_txr_open_as(s->f, path, dflt, max_journal, err))) {
        wm_scmp_close(s);
        return NULL;
    }
    s->cfg = wm_txr_cfg(s->rd);
    s->path = path;
    s->max_journal = max_journal;
    FILE *hf = open_memstream(&s->hdr, &s->hdr_len);
    if (hf) {
        wm_tx_write_header(hf, s->cfg);
        if (fclose(hf) != 0) {
            free(s->hdr);
            s->hdr = NULL;
        }
    }
    if (!s->hdr) {
        wm_err_set(err, "%s: out of memory", path);
        wm_scmp_close(s);
        return NULL;
    }
    return s;
}

uint64_t wm_scmp_file_size(const struct wm_scmp *s)
{
    return s->file_size;
}

size_t wm_scmp_header_lines(const struct wm_scmp *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->hdr_len; i++)
        n += s->hdr[i] == '\n';
    return n;
}

const struct wm_cfg *wm_scmp_cfg(const struct wm_scmp *s)
{
    return s->cfg;
}

void wm_scmp_close(struct wm_scmp *s)
{
    if (!s)
        return;
    wm_txr_close(s->rd);
    wm_txc_close(s->cur);
    wm_tx_index_free(&s->ix);
    if (s->f && s->f != stdin)
        fclose(s->f);
    free(s->hdr);
    free(s->rec);
    free(s->part);
    for (int i = 0; i < WM_SCMP_CONTEXT; i++)
        lines_free(&s->ctx[i]);
    lines_free(&s->a);
    lines_free(&s->b);
    free(s);
}

/* The file's next record in connection order: as wm_txr_next. */
static int next_by_conn(struct wm_scmp *s, struct wm_tx_item *it)
{
    /* Each pass gives a record or ends a connection's cursor. */
    for (;;) {
        if (!s->cur) {
            if (s->conn >= s->cfg->connections)
                return 0;
            if (!(s->cur = wm_txc_open(&s->ix, s->conn))) {
                wm_err_set(&s->err, "out of memory");
                return -1;
            }
        }
        int rc = wm_txc_next(s->cur, it, &s->err);
        if (rc != 0)
            return rc;
        wm_txc_close(s->cur);
        s->cur = NULL;
        s->conn++;
    }
}

/* The file's next line as it renders: 1, 0 at its end, -1 when it cannot
 * go on (s->bad says why). */
static int want_next(struct wm_scmp *s, const char **text, size_t *len)
{
    if (s->hdr_pos < s->hdr_len) {
        const char *p = s->hdr + s->hdr_pos, *nl = memchr(p, '\n', s->hdr_len - s->hdr_pos);
        assert(nl); /* the header is written a line at a time */
        *text = p;
        *len = (size_t)(nl - p);
        s->hdr_pos += *len + 1;
        s->lineno = 1;
        return 1;
    }
    if (s->want_end || s->bad)
        return s->bad ? -1 : 0;
    struct wm_tx_item it;
    int rc = s->by_conn ? next_by_conn(s, &it) : wm_txr_next(s->rd, &it, &s->err);
    if (rc <= 0) {
        s->want_end = rc == 0;
        s->bad = rc < 0 ? -1 : 0;
        return rc;
    }
    if (it.conn < s->conn) { /* rendered in connection order: not this way */
        s->bad = 1;
        return -1;
    }
    s->conn = it.conn;
    if (WM_TX_RECORD_MAX(it.len) > s->rec_cap) {
        size_t cap = WM_TX_RECORD_MAX(it.len) * 2;
        char *nr = realloc(s->rec, cap);
        if (!nr) {
            wm_err_set(&s->err, "out of memory");
            s->bad = -1;
            return -1;
        }
        s->rec = nr;
        s->rec_cap = cap;
    }
    unsigned label = s->cfg->connections > 1 ? it.conn + 1 : 0;
    *len = wm_tx_format_record(s->rec, label, it.side, it.kind, it.text, it.len) - 1;
    *text = s->rec;
    s->lineno = s->last_record = it.lineno;
    return 1;
}

/* A file line into its window, or counted past it. */
static void want_keep(struct wm_scmp *s, const char *text, size_t len)
{
    if (!s->a_more && !lines_full(&s->a)) {
        if (lines_add(&s->a, text, len) < 0)
            s->oom = 1;
    } else {
        s->a_more++;
    }
}

/* The first difference: the file's line (have) against the run's (text),
 * either of which may be missing (the file or the run ended). */
static void first_difference(struct wm_scmp *s, int have, const char *w, size_t wlen)
{
    s->differ = 1;
    /* where the file says it: a record's own line, past the last record,
     * or line 1 for the header (compare.c's source_line) */
    if (have)
        s->first_line = s->lineno;
    else
        s->first_line = s->last_record ? s->last_record + 1 : 1;
    if (have)
        want_keep(s, w, wlen);
}

/* One line the run wrote: 0, or -1 to stop the run. */
static int got_line(struct wm_scmp *s, const char *text, size_t len)
{
    const char *w;
    size_t wlen;
    if (!s->differ) {
        int rc = want_next(s, &w, &wlen);
        if (rc < 0)
            return -1;
        if (rc > 0 && wlen == len && memcmp(w, text, len) == 0) {
            struct lines *c = &s->ctx[s->line % WM_SCMP_CONTEXT];
            c->len = c->n = 0;
            if (lines_add(c, text, len) < 0)
                return s->oom = 1, -1;
            s->line++;
            return 0;
        }
        first_difference(s, rc > 0, w, wlen);
    } else if (s->a_more == 0 && !lines_full(&s->a)) { /* the file's side keeps pace */
        int rc = want_next(s, &w, &wlen);
        if (rc < 0)
            return -1;
        if (rc > 0)
            want_keep(s, w, wlen);
    }
    if (lines_full(&s->b)) { /* enough of the run to show */
        s->stopped = 1;
        return -1;
    }
    if (lines_add(&s->b, text, len) < 0)
        return s->oom = 1, -1;
    return s->oom ? -1 : 0;
}

static ssize_t cookie_write(void *ctx, const char *buf, size_t size)
{
    struct wm_scmp *s = ctx;
    size_t at = 0;
    while (at < size) {
        const char *nl = memchr(buf + at, '\n', size - at);
        size_t n = nl ? (size_t)(nl - (buf + at)) : size - at;
        if (!nl || s->part_len) { /* a line across writes: gathered */
            if (s->part_len + n > s->part_cap) {
                size_t cap = (s->part_len + n) * 2;
                char *np = realloc(s->part, cap);
                if (!np)
                    return s->oom = 1, -1;
                s->part = np;
                s->part_cap = cap;
            }
            memcpy(s->part + s->part_len, buf + at, n);
            s->part_len += n;
        }
        if (!nl)
            break;
        int rc = s->part_len ? got_line(s, s->part, s->part_len) : got_line(s, buf + at, n);
        s->part_len = 0;
        if (rc < 0)
            return -1;
        at += n + 1;
    }
    return (ssize_t)size;
}

int wm_scmp_drain(struct wm_scmp *s, struct wm_err *err)
{
    const char *w;
    size_t wlen;
    int rc;
    while ((rc = want_next(s, &w, &wlen)) > 0)
        ;
    if (s->bad < 0)
        *err = s->err;
    return s->bad < 0 ? -1 : 0;
}

/* Reads the whole file once to know where each connection's records are
 * (a malformed file is found here): 0, or -1 with s->err. */
static int index_file(struct wm_scmp *s)
{
    if (s->have_ix)
        return 0;
    if (wm_tx_index_build(&s->ix, fileno(s->f), s->path, s->cfg, s->max_journal, &s->err) < 0)
        return -1;
    s->have_ix = 1;
    return 0;
}

int wm_scmp_execute(struct wm_scmp *s, const struct wm_exec_opts *o, FILE *out, int *saw_error,
                    struct wm_err *err)
{
    if (!s->cfg->client_script && !s->cfg->server_script)
        return wm_execute_write(s->cfg, o, 0, out, saw_error, err);
    if (index_file(s) < 0) {
        *err = s->err;
        return -1;
    }
    return wm_execute_write_file(s->cfg, &s->ix, o, out, saw_error, err);
}

/* The comparison from the start again, the file's side by connection. */
static void restart_by_conn(struct wm_scmp *s)
{
    s->hdr_pos = 0;
    s->conn = 0;
    s->lineno = s->last_record = 0;
    s->want_end = s->bad = 0;
    s->part_len = 0;
    s->line = 0;
    s->differ = 0;
    s->first_line = 0;
    for (int i = 0; i < WM_SCMP_CONTEXT; i++)
        s->ctx[i].len = s->ctx[i].n = 0;
    s->a.len = s->a.n = s->b.len = s->b.n = 0;
    s->a_more = 0;
    s->stopped = 0;
    s->by_conn = 1;
}

static enum wm_scmp_status run_once(struct wm_scmp *s, const struct wm_exec_opts *o,
                                    struct wm_err *err);

enum wm_scmp_status wm_scmp_run(struct wm_scmp *s, const struct wm_exec_opts *o,
                                struct wm_err *err)
{
    if ((s->cfg->client_script || s->cfg->server_script) && index_file(s) < 0) {
        *err = s->err;
        return WM_SCMP_MALFORMED;
    }
    if (s->have_ix && s->ix.interleaved)
        restart_by_conn(s);
    enum wm_scmp_status st = run_once(s, o, err);
    if (st != WM_SCMP_WHOLE)
        return st;
    /* Records of an earlier connection after a later one's: the file is
     * compared again, read by connection (a malformed file is found first). */
    assert(!s->by_conn);
    if (index_file(s) < 0) {
        *err = s->err;
        return WM_SCMP_MALFORMED;
    }
    restart_by_conn(s);
    st = run_once(s, o, err);
    assert(st != WM_SCMP_WHOLE);
    return st;
}

static enum wm_scmp_status run_once(struct wm_scmp *s, const struct wm_exec_opts *o,
                                    struct wm_err *err)
{
    cookie_io_functions_t io = {.write = cookie_write};
    FILE *f = fopencookie(s, "w", io);
    if (!f) {
        wm_err_set(err, "out of memory");
        return WM_SCMP_RUN_ERROR;
    }
    int saw_error, ran = wm_scmp_execute(s, o, f, &saw_error, err);
    if (fclose(f) != 0 && ran == 0 && !s->stopped && !s->bad) /* the last lines failed */
        ran = -1, wm_err_set(err, "cannot compare the transcript");
    const char *w;
    size_t wlen;
    int rc = 0;
    if (!s->bad && !s->differ && (rc = want_next(s, &w, &wlen)) > 0)
        first_difference(s, 1, w, wlen); /* the run ended before the file */
    while (!s->bad && s->differ && (rc = want_next(s, &w, &wlen)) > 0)
        want_keep(s, w, wlen);
    /* a malformed file wins over all else, as when it was parsed first */
    if (!s->bad && ran < 0 && !s->stopped)
        wm_scmp_drain(s, err);
    if (s->bad < 0) {
        *err = s->err;
        return WM_SCMP_MALFORMED;
    }
    if (s->bad > 0)
        return WM_SCMP_WHOLE;
    if (ran < 0 && !s->stopped)
        return WM_SCMP_RUN_ERROR;
    if (s->oom) {
        wm_err_set(err, "out of memory for the diff window");
        return WM_SCMP_RUN_ERROR;
    }
    return s->differ ? WM_SCMP_DIFFER : WM_SCMP_SAME;
}

size_t wm_scmp_print_diff(struct wm_scmp *s, FILE *out, const char *path,
                          struct wm_case_result *res)
{
    if (res) {
        wm_case_diff_begin(res, out);
        wm_case_first_lines(res, s->a.n ? s->a.buf + s->a.off[0] : NULL, s->a.n ? s->a.llen[0] : 0,
                            s->b.n ? s->b.buf + s->b.off[0] : NULL, s->b.n ? s->b.llen[0] : 0);
    }
    /* the context lines before the difference, then each window */
    size_t nctx = s->line < WM_SCMP_CONTEXT ? s->line : WM_SCMP_CONTEXT;
    size_t na = nctx + s->a.n, nb = nctx + s->b.n;
    const char **ta = malloc((na + 1) * sizeof *ta), **tb = malloc((nb + 1) * sizeof *tb);
    size_t *la = malloc((na + 1) * sizeof *la), *lb = malloc((nb + 1) * sizeof *lb);
    char label[4200];
    snprintf(label, sizeof label, "%s (expected)", path);
    if (ta && tb && la && lb) {
        for (size_t i = 0; i < nctx; i++) {
            const struct lines *c = &s->ctx[(s->line - nctx + i) % WM_SCMP_CONTEXT];
            ta[i] = tb[i] = c->buf;
            la[i] = lb[i] = c->llen[0];
        }
        for (size_t i = 0; i < s->a.n; i++)
            ta[nctx + i] = s->a.buf + s->a.off[i], la[nctx + i] = s->a.llen[i];
        for (size_t i = 0; i < s->b.n; i++)
            tb[nctx + i] = s->b.buf + s->b.off[i], lb[nctx + i] = s->b.llen[i];
        struct wm_diff_lines dw = {ta, la, na}, dg = {tb, lb, nb};
        struct wm_diff_opts op = WM_DIFF_OPTS_INIT;
        op.line_base = s->line - nctx;
        op.cut = s->a_more && s->stopped;
        if (s->a_more || s->stopped) /* a search trace of at most 2 MiB (diff.h) */
            op.max_edit = WM_SCMP_MAX_EDIT;
        if (wm_diff_unified(out, &dw, &dg, label, "actual", &op, NULL, NULL) < 0)
            fprintf(out, "(diff unavailable: out of memory)\n");
    } else {
        fprintf(out, "(diff unavailable: out of memory)\n");
    }
    free(ta);
    free(tb);
    free(la);
    free(lb);
    if (s->a_more || s->stopped) {
        fprintf(out, "... the diff shows a window of at most %d lines or %u bytes a side from "
                "the first difference:", WM_SCMP_WINDOW_LINES, WM_SCMP_WINDOW_BYTES);
        if (s->a_more)
            fprintf(out, " %zu more lines of the file%s", s->a_more,
                    s->stopped ? " and" : "");
        if (s->stopped)
            fprintf(out, " the rest of the run");
        fprintf(out, " not shown\n");
    }
    if (res)
        wm_case_diff_end(res, out);
    return s->first_line;
}
