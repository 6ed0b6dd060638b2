#include "journal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"


void wm_journal_init(struct wm_journal *j, size_t max_bytes)
{
    *j = (struct wm_journal){.max_bytes = max_bytes, .max_total = SIZE_MAX};
}

void wm_journal_free(struct wm_journal *j)
{
    free(j->recs);
    free(j->text);
    *j = (struct wm_journal){.max_bytes = j->max_bytes, .max_total = j->max_total};
}

/* A journal's memory is the harness's, not the sessions': plain malloc, so
 * an alloc-fail fault counts the same allocations however long the journal
 * grows (a streamed run keeps it short). */

size_t wm_journal_bytes(const struct wm_journal *j)
{
    return j->n * sizeof *j->recs + j->tlen;
}

/* Where the text of record k begins (the end of the text when k == n). */
static size_t text_at(const struct wm_journal *j, size_t k)
{
    return k < j->n ? j->recs[k].off : j->tlen;
}

void wm_journal_drop_settled(struct wm_journal *j)
{
    size_t k = j->settled_n, base = text_at(j, k);
    assert(k <= j->n);
    memmove(j->recs, j->recs + k, (j->n - k) * sizeof *j->recs);
    j->n -= k;
    memmove(j->text, j->text + base, j->tlen - base);
    j->tlen -= base;
    for (size_t i = 0; i < j->n; i++)
        j->recs[i].off -= base;
    j->settled_n = 0;
    /* A burst (a client's closing log) leaves a large, mostly empty journal:
     * given back, so a long streamed run stays small. */
    if (j->cap > 256 && j->n < j->cap / 8) {
        struct wm_rec *r = realloc(j->recs, j->cap / 4 * sizeof *r);
        if (r)
            j->recs = r, j->cap /= 4;
    }
    if (j->tcap > 8192 && j->tlen < j->tcap / 8) {
        char *t = realloc(j->text, j->tcap / 4);
        if (t)
            j->text = t, j->tcap /= 4;
    }
}

static int reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static enum wm_journal_rc add(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause,
                              const char *text, size_t len, int bounded)
{
    /* The same measure for both bounds: records plus their text, each with its NUL. */
    size_t held = (j->n - j->settled_n + 1) * sizeof *j->recs +
                  (j->tlen - text_at(j, j->settled_n)) + len - j->held_logs;
    uint64_t made = (j->total_n + 1) * sizeof *j->recs + j->total_text + len;
    if (bounded && made > j->max_total)
        return WM_JOURNAL_LIMIT;
    if (kind == WM_REC_LOG && j->skip_logs) { /* not kept, but counted as made */
        j->total_n++;
        j->total_text += len + 1;
        return WM_JOURNAL_OK;
    }
    if (bounded && kind != WM_REC_LOG && held > j->max_bytes)
        return WM_JOURNAL_FULL;
    if (reserve((void **)&j->recs, &j->cap, j->n + 1, sizeof *j->recs) < 0 ||
        reserve((void **)&j->text, &j->tcap, j->tlen + len + 1, 1) < 0)
        return WM_JOURNAL_NOMEM;
    memcpy(j->text + j->tlen, text, len);
    j->text[j->tlen + len] = '\0';
    /* A side's causes count what it has read: they never run backward. */
    assert(j->n == 0 || j->recs[j->n - 1].cause <= cause);
    assert(j->settled_n <= j->n && j->n < j->total_n + 1);
    j->recs[j->n++] = (struct wm_rec){.kind = (uint8_t)kind, .cause = cause, .off = j->tlen,
                                      .len = len};
    j->tlen += len + 1;
    j->wire += wm_rec_is_wire(kind);
    j->total_n++;
    j->total_text += len + 1;
    if (kind == WM_REC_LOG)
        j->held_logs += sizeof *j->recs + len + 1;
    return WM_JOURNAL_OK;
}

enum wm_journal_rc wm_journal_add(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause,
                                  const char *text, size_t len)
{
    return add(j, kind, cause, text, len, 1);
}

enum wm_journal_rc wm_journal_add_last(struct wm_journal *j, enum wm_rec_kind kind,
                                       uint64_t cause, const char *text, size_t len)
{
    assert(len < WM_ERR_MAX); /* the bound it passes is documented as less than that */
    enum wm_journal_rc rc = add(j, kind, cause, text, len, 0);
    assert(rc == WM_JOURNAL_OK || rc == WM_JOURNAL_NOMEM); /* unbounded: never full */
    return rc;
}

int wm_merge(const struct wm_journal *client, const struct wm_journal *server, wm_merge_fn fn,
             void *ctx)
{
    size_t i = 0, k = 0;
    uint64_t client_wire = 0, server_wire = 0;
    /* Each step emits one record, so the loop ends within n + n steps. */
    while (i < client->n || k < server->n) {
        const struct wm_journal *j;
        const struct wm_rec *r;
        char side;
        if (k < server->n && server->recs[k].cause <= client_wire) {
            j = server, r = &server->recs[k++], side = 'S';
            server_wire += wm_rec_is_wire(r->kind);
        } else if (i < client->n && client->recs[i].cause <= server_wire) {
            j = client, r = &client->recs[i++], side = 'C';
            client_wire += wm_rec_is_wire(r->kind);
        } else {
            return -1;
        }
        int rc = fn(ctx, side, j, r);
        if (rc)
            return rc;
    }
    /* Every record once: a journal that kept all it made has given all its
     * wire records to the merge. */
    assert(client->total_n != client->n || client_wire == client->wire);
    assert(server->total_n != server->n || server_wire == server->wire);
    return 0;
}
