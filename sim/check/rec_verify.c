/* fopencookie: a re-run's records are compared as it writes them. */
#define _GNU_SOURCE

#include "rec_verify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "escape.h"
#include "exec.h"
#include "streamcmp.h"
#include "tx_cursor.h"

#define REC_NAME "the recording"

/* The recording under cfg's header, in an unlinked temporary file read
 * from its start (its size in *size). NULL with err. */
static FILE *write_candidate(const struct wm_cfg *cfg, const struct wm_rsp *sp, uint64_t *size,
                             struct wm_err *err)
{
    FILE *f = wm_scmp_temp_file(err);
    if (!f)
        return NULL;
    wm_tx_write_header(f, cfg);
    if (wm_rsp_write(sp, f, err) < 0)
        goto fail;
    long at = ftell(f);
    if (fflush(f) != 0 || at < 0 || fseek(f, 0, SEEK_SET) != 0) {
        wm_err_set(err, "cannot write the recording to a temporary file");
        goto fail;
    }
    *size = (uint64_t)at;
    return f;
fail:
    fclose(f);
    return NULL;
}

static void exec_opts(struct wm_exec_opts *eo, size_t max_journal)
{
    wm_exec_opts_init(eo);
    eo->max_journal = max_journal;
    eo->skip_logs = 1; /* compared as a transcript, which shows none */
}

/* 1 if running cfg reproduces the recording (as `warmer check` of the file
 * written with it would say), 0 if not, -1 with err. */
static int reproduces(const struct wm_cfg *cfg, const struct wm_rsp *sp, size_t max_journal,
                      struct wm_err *err)
{
    uint64_t size;
    FILE *f = write_candidate(cfg, sp, &size, err);
    if (!f)
        return -1;
    struct wm_err e;
    struct wm_scmp *s = wm_scmp_open_fp(f, size, REC_NAME, cfg->profile, max_journal, &e);
    if (!s)
        return 0; /* cannot be: it was written by the same writer */
    struct wm_exec_opts eo;
    exec_opts(&eo, max_journal);
    int same = wm_scmp_run(s, &eo, &e) == WM_SCMP_SAME;
    wm_scmp_close(s);
    return same;
}

/* A live server that hangs (the book's endless draw, the asyncio server
 * after the client's EOF) shows nothing on the wire: a re-run under a book
 * profile that matches the recording but for its server's hang records
 * reproduces it, and the re-run's records (with the hangs) are what is
 * written. 1 with *text (malloc'd, *len bytes: the records, no header), 0
 * if not, -1 with err. Whole in memory: tried only when the streamed
 * comparison failed under a book profile. */
static int reproduces_but_hangs(const struct wm_cfg *cfg, const struct wm_rsp *sp,
                                size_t max_journal, char **text, size_t *len, struct wm_err *err)
{
    uint64_t size;
    struct wm_transcript t = {0};
    struct wm_conn_log *logs = NULL;
    struct wm_rendered want = {0}, got = {0};
    struct wm_exec_opts eo;
    struct wm_err e;
    int rc = 0;
    FILE *f = write_candidate(cfg, sp, &size, err);
    if (!f)
        return -1;
    int parsed = wm_tx_parse_file(f, REC_NAME, &t, max_journal, &e) == 0;
    fclose(f);
    exec_opts(&eo, max_journal);
    if (!parsed || wm_execute(cfg, &t, &eo, &logs, &e) < 0 ||
        wm_render(cfg, t.conns, &want) < 0 || wm_render(cfg, logs, &got) < 0)
        goto out;
    size_t head = got.n - wm_rendered_records(&t, &got), i = head, j = head, hangs = 0;
    if (want.n < head) /* both rendered with cfg's header */
        goto out;
    for (; i < want.n || j < got.n; j++) {
        if (j < got.n && got.len[j] >= 7 && memcmp(got.text[j], "S! hang", 7) == 0) {
            hangs++;
            continue;
        }
        if (i == want.n || j == got.n || want.len[i] != got.len[j] ||
            memcmp(want.text[i], got.text[j], want.len[i]) != 0)
            goto out;
        i++;
    }
    if (hangs == 0) /* the same without hangs: the streamed comparison said otherwise */
        goto out;
    FILE *m = open_memstream(text, len);
    if (!m) {
        wm_err_set(err, "out of memory");
        rc = -1;
        goto out;
    }
    for (j = head; j < got.n; j++) {
        fwrite(got.text[j], 1, got.len[j], m);
        fputc('\n', m);
    }
    if (fclose(m) != 0) {
        free(*text);
        *text = NULL;
        wm_err_set(err, "out of memory");
        rc = -1;
        goto out;
    }
    rc = 1;
out:
    wm_rendered_free(&want);
    wm_rendered_free(&got);
    if (logs)
        wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return rc;
}

/* ---- the recording read back, by connection ---- */

struct indexed {
    FILE *f;
    struct wm_tx_reader *rd;
    struct wm_tx_index ix;
    int have_ix;
};

static void indexed_close(struct indexed *x)
{
    if (x->have_ix)
        wm_tx_index_free(&x->ix);
    wm_txr_close(x->rd);
    if (x->f)
        fclose(x->f);
}

/* The recording under cfg's header, indexed. 0, or -1 with err. */
static int indexed_open(struct indexed *x, const struct wm_cfg *cfg, const struct wm_rsp *sp,
                        size_t max_journal, struct wm_err *err)
{
    uint64_t size;
    *x = (struct indexed){0};
    if (!(x->f = write_candidate(cfg, sp, &size, err)) ||
        !(x->rd = wm_txr_open(x->f, REC_NAME, max_journal, err)) ||
        wm_tx_index_build(&x->ix, fileno(x->f), REC_NAME, wm_txr_cfg(x->rd), max_journal, err) < 0)
        return -1;
    x->have_ix = 1;
    return 0;
}

/* One side's records of a connection, through a cursor. */
struct csrc {
    struct wm_txc *c;
    char side;
    int failed;
};

static int cursor_next(void *ctx, struct wm_recd_item *it)
{
    struct csrc *s = ctx;
    struct wm_tx_item x;
    struct wm_err err;
    int rc;
    while ((rc = wm_txc_next(s->c, &x, &err)) > 0)
        if (x.side == s->side) {
            *it = (struct wm_recd_item){x.kind, x.text, x.len};
            return 1;
        }
    s->failed |= rc < 0;
    return 0;
}

/* Each connection's games, read from the recording. 0, or -1 with err. */
static int infer_all(const struct indexed *x, struct wm_recd_played *p, uint32_t n,
                     struct wm_err *err)
{
    for (uint32_t i = 0; i < n; i++) {
        struct csrc c = {wm_txc_open(&x->ix, i), 'C', 0}, s = {wm_txc_open(&x->ix, i), 'S', 0};
        struct wm_recd_src cs = {cursor_next, &c}, ss = {cursor_next, &s};
        int rc = c.c && s.c ? wm_recd_infer_from(&cs, &ss, &p[i]) : -1;
        wm_txc_close(c.c);
        wm_txc_close(s.c);
        if (rc < 0 || c.failed || s.failed) {
            wm_err_set(err, rc < 0 ? "out of memory" : "cannot read the recording back");
            return -1;
        }
    }
    return 0;
}

/* ---- why the server side is scripted ---- */

static const char *const kind_name[] = {"line", "partial", "close", "error", "log", "hang"};

/* A re-run with the client played as recorded, compared with the
 * recording's server records as it writes its own. */
struct reason {
    const struct indexed *x;
    uint32_t conn, n; /* the connection being compared, of n */
    struct wm_txc *cur; /* the recording's records of conn */
    size_t k;           /* server records of conn compared */
    char *line, *dec;   /* a line across writes; a record's text */
    size_t len, cap;
    int found, failed;
    char *why;
    size_t size;
};

/* The recording's next server record of r->conn: 1, or 0 if none. */
static int recorded_next(struct reason *r, struct wm_tx_item *it)
{
    struct wm_err err;
    int rc;
    if (!r->cur && !(r->cur = wm_txc_open(&r->x->ix, r->conn)))
        return r->failed = 1, 0;
    while ((rc = wm_txc_next(r->cur, it, &err)) > 0)
        if (it->side == 'S')
            return 1;
    r->failed |= rc < 0;
    return 0;
}

/* Compares the re-run's server record y (NULL: it has no more) with the
 * recording's next; 1 when they differ (r->why says how). */
static int compare(struct reason *r, const struct wm_tx_item *y)
{
    struct wm_tx_item x;
    int have = recorded_next(r, &x);
    if (!have && !y)
        return 0;
    r->k++;
    if (have && y && x.kind == y->kind && x.len == y->len && memcmp(x.text, y->text, x.len) == 0)
        return 0;
    if (y && y->kind == WM_REC_ERROR && (!have || x.kind == WM_REC_CLOSE)) {
        snprintf(r->why, r->size, "a re-run's server ends connection %u with an error, which "
                 "a live server shows only as its close", r->conn + 1);
    } else {
        struct wm_quoted qy, qx;
        snprintf(r->why, r->size, "connection %u's server record %zu is %s %s in a re-run, "
                 "%s %s in the recording", r->conn + 1, r->k, y ? kind_name[y->kind] : "missing",
                 y ? wm_quote(&qy, y->text, y->len) : "", have ? kind_name[x.kind] : "missing",
                 have ? wm_quote(&qx, x.text, x.len) : "");
    }
    r->found = 1;
    return 1;
}

/* Connections before conn are done in the re-run: what the recording has
 * more of them is missing from it. 1 once a difference is found. */
static int reach(struct reason *r, uint32_t conn)
{
    while (r->conn < conn) {
        if (compare(r, NULL))
            return 1;
        wm_txc_close(r->cur);
        r->cur = NULL;
        r->conn++;
        r->k = 0;
    }
    return 0;
}

/* One line of the re-run: 0 go on, -1 stop (a difference was found). */
static int reason_line(struct reason *r, const char *s, size_t len)
{
    if (len == 0 || (s[0] != 'C' && s[0] != 'S'))
        return 0; /* its header */
    uint32_t conn;
    enum wm_rec_kind kind;
    const char *what;
    long dlen = wm_tx_record_fields(wm_txr_cfg(r->x->rd), s, len, r->dec, &conn, &kind, &what);
    if (dlen < 0)
        return r->failed = 1, -1;
    if (reach(r, conn))
        return -1;
    if (s[0] != 'S')
        return 0;
    struct wm_tx_item y = {.conn = conn, .side = 'S', .kind = kind, .text = r->dec,
                           .len = (size_t)dlen};
    return compare(r, &y) ? -1 : 0;
}

static ssize_t reason_write(void *ctx, const char *buf, size_t size)
{
    struct reason *r = ctx;
    for (size_t at = 0; at < size;) {
        const char *nl = memchr(buf + at, '\n', size - at);
        size_t n = nl ? (size_t)(nl - (buf + at)) : size - at;
        if (r->len + n + 1 > r->cap) {
            size_t cap = (r->len + n + 1) * 2;
            char *nb = realloc(r->line, cap), *nd = nb ? realloc(r->dec, cap) : NULL;
            if (nb)
                r->line = nb;
            if (nd)
                r->dec = nd;
            if (!nb || !nd)
                return r->failed = 1, -1;
            r->cap = cap;
        }
        memcpy(r->line + r->len, buf + at, n);
        r->len += n;
        if (!nl)
            break;
        int rc = reason_line(r, r->line, r->len);
        r->len = 0;
        if (rc < 0)
            return -1;
        at += n + 1;
    }
    return (ssize_t)size;
}

/* With the client side played as recorded, what the server from the seed
 * did differently from the live one, said in why: the first differing
 * server record, or, when every server record is the same, the order. */
static void server_reason(const struct wm_cfg *cfg, const struct wm_rsp *sp, size_t max_journal,
                          char *why, size_t size)
{
    struct wm_cfg c = *cfg;
    c.client_script = 1;
    c.server_script = 0;
    snprintf(why, size, "its re-run failed");
    struct indexed x;
    struct wm_err err;
    if (indexed_open(&x, &c, sp, max_journal, &err) < 0) {
        indexed_close(&x);
        return;
    }
    struct reason r = {.x = &x, .n = c.connections, .why = why, .size = size};
    cookie_io_functions_t io = {.write = reason_write};
    FILE *w = fopencookie(&r, "w", io);
    struct wm_exec_opts eo;
    wm_exec_opts_init(&eo);
    eo.max_journal = max_journal;
    int saw_error, ran = w ? wm_execute_write_file(wm_txr_cfg(x.rd), &x.ix, &eo, w, &saw_error,
                                                   &err)
                           : -1;
    if (w && fclose(w) != 0 && !r.found)
        ran = -1;
    if (ran == 0 && !r.found && !r.failed && !reach(&r, r.n))
        snprintf(why, size, "it gives the same records, but not in the order seen: the client "
                 "sent on before the replies to its earlier lines came back, and a re-run's "
                 "server answers each line before it reads the next");
    else if (!r.found)
        snprintf(why, size, "its re-run failed");
    wm_txc_close(r.cur);
    free(r.line);
    free(r.dec);
    indexed_close(&x);
}

int wm_recd_finish(FILE *out, const struct wm_recd_tx_opts *o, const struct wm_rsp *sp,
                   struct wm_recd_verdict *v, struct wm_err *err)
{
    uint32_t n = wm_rsp_conns(sp);
    struct wm_recd_played *p = calloc(n, sizeof *p);
    struct wm_cfg cfg;
    struct indexed x = {0};
    char *hung = NULL; /* the re-run's records, when only its server's hangs differ */
    size_t hung_len = 0;
    int rc = -1;
    wm_cfg_init(&cfg);
    *v = (struct wm_recd_verdict){0};
    if (!p) {
        wm_err_set(err, "out of memory");
        goto out;
    }
    cfg.connections = n;
    cfg.max_line = o->max_line;
    cfg.seed = o->have_seed ? o->seed : 0;
    cfg.profile = o->profile;
    cfg.client_script = cfg.server_script = 1;
    if (indexed_open(&x, &cfg, sp, o->max_journal, err) < 0 || infer_all(&x, p, n, err) < 0)
        goto out;
    indexed_close(&x);
    x = (struct indexed){0};
    int seed_ok = o->have_seed && o->seed <= UINT64_MAX - (n - 1);
    int games_ok = wm_recd_same_known_games(p, n);
    for (size_t k = 0; games_ok && k < p[0].n; k++)
        games_ok = wm_cfg_add_game(&cfg, &p[0].games[k].g, err) == 0;
    if (!games_ok)
        wm_cfg_free(&cfg);
    static const int tries[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    v->client_script = v->server_script = 1;
    for (int i = 0; i < 4 && !v->verified; i++) {
        cfg.client_script = tries[i][0];
        cfg.server_script = tries[i][1];
        if ((!cfg.client_script && !games_ok) || (!cfg.server_script && !seed_ok))
            continue;
        int same = reproduces(&cfg, sp, o->max_journal, err);
        if (same == 0 && !cfg.server_script && cfg.profile != WM_PROFILE_STRICT)
            same = reproduces_but_hangs(&cfg, sp, o->max_journal, &hung, &hung_len, err);
        if (same < 0)
            goto out;
        if (same) {
            v->client_script = cfg.client_script;
            v->server_script = cfg.server_script;
            v->verified = 1;
        }
    }
    cfg.client_script = v->client_script;
    cfg.server_script = v->server_script;
    char server_why[256] = "";
    if (seed_ok && cfg.server_script)
        server_reason(&cfg, sp, o->max_journal, server_why, sizeof server_why);
    wm_recd_write_head(out, &cfg, o, p, seed_ok, v->verified, server_why);
    if (hung)
        rc = fwrite(hung, 1, hung_len, out) == hung_len ? 0 : -1;
    else
        rc = wm_rsp_write(sp, out, err);
    if (rc < 0 && hung)
        wm_err_set(err, "cannot write the recording");
out:
    free(hung);
    indexed_close(&x);
    for (uint32_t i = 0; p && i < n; i++)
        wm_recd_played_free(&p[i]);
    free(p);
    wm_cfg_free(&cfg);
    return rc;
}

int wm_recd_write(FILE *out, const struct wm_recd_tx_opts *o, struct wm_conn_log *logs, uint32_t n,
                  struct wm_recd_verdict *v, struct wm_err *err)
{
    struct wm_rsp *sp = wm_rsp_new();
    int rc = sp ? 0 : -1;
    if (!sp)
        wm_err_set(err, "out of memory");
    static const size_t sure[2] = {0, 0};
    for (uint32_t i = 0; rc == 0 && i < n; i++)
        rc = wm_rsp_settle(sp, i, &logs[i], UINT64_MAX, sure, err);
    if (rc == 0)
        rc = wm_recd_finish(out, o, sp, v, err);
    wm_rsp_free(sp);
    return rc;
}
