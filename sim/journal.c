#include "journal.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void wm_journal_init(struct wm_journal *j, size_t max_bytes)
{
    *j = (struct wm_journal){.max_bytes = max_bytes};
}

void wm_journal_free(struct wm_journal *j)
{
    wm_free(j->recs);
    wm_free(j->text);
    *j = (struct wm_journal){.max_bytes = j->max_bytes};
}

static int reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *np = wm_realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int add(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause, const char *text,
               size_t len, int bounded)
{
    size_t used = (j->n + 1) * sizeof *j->recs + j->tlen + len;
    if (bounded && used > j->max_bytes)
        return -1;
    if (reserve((void **)&j->recs, &j->cap, j->n + 1, sizeof *j->recs) < 0 ||
        reserve((void **)&j->text, &j->tcap, j->tlen + len + 1, 1) < 0)
        return -2;
    memcpy(j->text + j->tlen, text, len);
    j->text[j->tlen + len] = '\0';
    j->recs[j->n++] = (struct wm_rec){.kind = (uint8_t)kind, .cause = cause, .off = j->tlen,
                                      .len = len};
    j->tlen += len + 1;
    j->wire += wm_rec_is_wire(kind);
    return 0;
}

int wm_journal_add(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause, const char *text,
                   size_t len)
{
    return add(j, kind, cause, text, len, 1);
}

int wm_journal_add_last(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause,
                        const char *text, size_t len)
{
    return add(j, kind, cause, text, len, 0);
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
    return 0;
}
