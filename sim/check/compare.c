#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"

void wm_rendered_free(struct wm_rendered *r)
{
    free(r->buf);
    free(r->text);
    free(r->len);
    memset(r, 0, sizeof *r);
}

int wm_render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, struct wm_rendered *r)
{
    memset(r, 0, sizeof *r);
    if (!(r->buf = wm_tx_render(cfg, logs, &r->size)))
        return -1;
    for (size_t i = 0; i < r->size; i++)
        r->n += r->buf[i] == '\n';
    r->text = malloc((r->n + 1) * sizeof *r->text);
    r->len = malloc((r->n + 1) * sizeof *r->len);
    if (!r->text || !r->len)
        return -1;
    size_t k = 0, start = 0;
    for (size_t i = 0; i < r->size; i++) {
        if (r->buf[i] != '\n')
            continue;
        r->text[k] = r->buf + start;
        r->len[k++] = i - start;
        start = i + 1;
    }
    return 0;
}

int wm_rendered_equal(const struct wm_rendered *a, const struct wm_rendered *b)
{
    return a->n == b->n && a->size == b->size && memcmp(a->buf, b->buf, a->size) == 0;
}

static size_t count_header_lines(const struct wm_cfg *cfg)
{
    char *buf = NULL;
    size_t size = 0, n = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return 0;
    wm_tx_write_header(f, cfg);
    fclose(f);
    for (size_t i = 0; i < size; i++)
        n += buf[i] == '\n';
    free(buf);
    return n;
}

size_t wm_rendered_records(const struct wm_transcript *t, const struct wm_rendered *r)
{
    size_t header = count_header_lines(&t->cfg);
    return r->n > header ? r->n - header : 0;
}

struct lineno_ctx {
    size_t *out, n;
};

static int collect_lineno(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct lineno_ctx *c = ctx;
    (void)side;
    (void)j;
    if (r->kind != WM_REC_LOG)
        c->out[c->n++] = r->lineno;
    return 0;
}

/* Source line of rendered line idx: records map to where the file said them. */
static size_t source_line(const struct wm_transcript *t, size_t header_lines, size_t idx,
                          size_t total)
{
    size_t nrec = total - header_lines, lineno = 0;
    size_t *map = malloc((nrec + 1) * sizeof *map);
    if (!map)
        return 0;
    struct lineno_ctx c = {map, 0};
    for (uint32_t i = 0; i < t->cfg.connections; i++)
        wm_merge(&t->conns[i].client, &t->conns[i].server, collect_lineno, &c);
    if (idx >= header_lines && idx - header_lines < c.n)
        lineno = map[idx - header_lines];
    else if (idx >= header_lines && c.n > 0)
        lineno = map[c.n - 1] + 1; /* past the last record */
    free(map);
    return lineno ? lineno : 1;
}

size_t wm_first_difference(const struct wm_transcript *t, const struct wm_rendered *want,
                           const struct wm_rendered *got)
{
    size_t i = 0;
    while (i < want->n && i < got->n && want->len[i] == got->len[i] &&
           memcmp(want->text[i], got->text[i], want->len[i]) == 0)
        i++;
    return source_line(t, count_header_lines(&t->cfg), i, want->n);
}

size_t wm_print_diff(FILE *out, const char *path, const struct wm_transcript *t,
                     const struct wm_rendered *want, const struct wm_rendered *got,
                     struct wm_case_result *res)
{
    struct wm_diff_lines dw = {want->text, want->len, want->n};
    struct wm_diff_lines dg = {got->text, got->len, got->n};
    char label[4200];
    size_t first = 0;
    snprintf(label, sizeof label, "%s (expected)", path);
    if (res)
        wm_case_diff_begin(res, out);
    if (wm_diff_unified(out, &dw, &dg, label, "actual", NULL, &first, NULL) < 0)
        fprintf(out, "(diff unavailable: out of memory)\n");
    if (res) {
        wm_case_diff_end(res, out);
        wm_case_first_lines(res, first < want->n ? want->text[first] : NULL,
                            first < want->n ? want->len[first] : 0,
                            first < got->n ? got->text[first] : NULL,
                            first < got->n ? got->len[first] : 0);
    }
    return source_line(t, count_header_lines(&t->cfg), first, want->n);
}

void wm_verdict_format(char *buf, size_t size, const char *path, const struct wm_transcript *t,
                       const struct wm_live_verdict *v, const struct wm_rendered *want,
                       const struct wm_rendered *got)
{
    int same = wm_rendered_equal(want, got);
    /* One line for the failure: where the records first part from the
     * file's, which the diff's "first difference" names too; the verdict's
     * own line only when every record matched. */
    size_t lineno = same ? v->lineno : wm_first_difference(t, want, got);
    char where[32] = "";
    if (t->cfg.connections > 1)
        snprintf(where, sizeof where, "connection %u: ", v->conn);
    if (v->fault == WM_LIVE_LEFT_OPEN && same)
        snprintf(buf, size, "%s: all %zu records matched, but %s%s", path,
                 wm_rendered_records(t, want), where, v->why.msg);
    else if (lineno)
        snprintf(buf, size, "%s:%zu: %s%s", path, lineno, where, v->why.msg);
    else
        snprintf(buf, size, "%s: %s%s", path, where, v->why.msg);
}
