/* The book's client over a server script's transcript (inv_malbcli.h):
 * reads the text alone and follows classify_bcli.c, not proto/. */
#include "inv_malbcli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_bcli.h"
#include "inv_read.h"

#define MAX_GUESSES_DEFAULT 4194304 /* docs/PROTOCOL.md: max-guesses' default */

/* A value of the header's game as its own string. */
static char *value(const struct inv_game *g, int64_t v, size_t at, size_t n)
{
    char buf[24];
    const char *s = g->text ? g->text + at : buf;
    if (!g->text)
        n = (size_t)snprintf(buf, sizeof buf, "%" PRId64, v);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

struct rec {
    const char *p; /* after "C3": ':' or '!' first */
    size_t n, lineno;
};

/* The first line of a text (up to its '\n'), for messages. */
static int first_len(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    size_t k = nl ? (size_t)(nl - s) : n;
    return (int)(k > 300 ? 300 : k);
}

/* The client's console lines of conn ("C<n> LINE") against the model's. */
static int check_console(const struct wm_bcm *m, const char *console, size_t clen, unsigned conn,
                         size_t bad_no, struct wm_violation *v)
{
    char head[16];
    int hn = snprintf(head, sizeof head, "C%u ", conn);
    const char *want = m->console.s ? m->console.s : "";
    size_t wn = m->console.n, wi = 0, k = 0;
    for (const char *p = console, *end = console + clen; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n >= (size_t)hn && memcmp(p, head, (size_t)hn) == 0) {
            const char *s = p + hn;
            size_t sn = n - (size_t)hn, e = wi;
            while (e < wn && want[e] != '\n')
                e++;
            k++;
            if (wi == wn || e - wi != sn || memcmp(want + wi, s, sn) != 0)
                return inv_fail(v, "malformed", conn, bad_no, "the book's client's console line %zu "
                                "is \"%.*s\"; after the server's line %zu it must be %s%.*s%s", k,
                                (int)(sn > 300 ? 300 : sn), s, bad_no, wi == wn ? "none" : "\"",
                                wi == wn ? 0 : (int)(e - wi > 300 ? 300 : e - wi), want + wi,
                                wi == wn ? "" : "\"");
            wi = e + 1;
        }
        p = nl ? nl + 1 : end;
    }
    if (wi < wn)
        return inv_fail(v, "malformed", conn, bad_no, "the book's client's console has %zu lines; "
                        "after the server's line %zu the next must be \"%.*s\"", k, bad_no,
                        first_len(want + wi, wn - wi), want + wi);
    return 0;
}

/* Feeds the server's records to the model; collects the client's. */
static int follow(const char *text, size_t len, unsigned conn, struct wm_bcm *m, struct rec **cr,
                  size_t *ncr, size_t *bad_no, struct wm_violation *v)
{
    size_t cap = 0, lineno = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w;
        lineno++;
        if ((w = inv_record_of(p, n, 'C', conn))) {
            if (*ncr == cap) {
                struct rec *r = realloc(*cr, (cap = cap ? 2 * cap : 64) * sizeof *r);
                if (!r)
                    return inv_fail(v, "format", conn, lineno, "out of memory");
                *cr = r;
            }
            (*cr)[(*ncr)++] = (struct rec){p + w, n - w, lineno};
        } else if ((w = inv_record_of(p, n, 'S', conn))) {
            const char *s = p + w;
            size_t sn = n - w;
            int line = s[0] == ':', tail = sn >= 10 && memcmp(s, "! partial ", 10) == 0, rc = 0;
            if (line || tail) {
                size_t at = line ? 1 + (sn > 1 && s[1] == ' ') : 10;
                unsigned char *raw = malloc(sn + 1);
                long rn = raw ? wm_cls_unescape(s + at, sn - at, raw) : -1;
                if (rn < 0) {
                    free(raw);
                    return inv_fail(v, "format", conn, lineno, "line %zu is not escaped as a "
                                    "transcript's (or out of memory)", lineno);
                }
                rc = wm_bcm_reply(m, raw, (size_t)rn, tail);
                free(raw);
                *bad_no = lineno;
                if (rc > 0)
                    return inv_fail(v, "format", conn, lineno, "line %zu: the server sent a line "
                                    "the book's client did not ask for: it cannot be followed", lineno);
            } else if (sn >= 6 && memcmp(s, "! hang", 6) == 0) {
                rc = wm_bcm_hang(m);
            } else { /* a close, or an error: the client sees the close */
                rc = wm_bcm_eof(m);
            }
            if (rc < 0)
                return inv_fail(v, "format", conn, lineno, "out of memory");
        }
        p = nl ? nl + 1 : end;
    }
    /* a script's last record is its end: the close is implied */
    return wm_bcm_eof(m) < 0 ? inv_fail(v, "format", conn, lineno, "out of memory") : 0;
}

/* The client's records against the model's, one by one. */
static int compare(const struct wm_bcm *m, const struct rec *cr, size_t ncr, unsigned conn,
                   size_t bad_no, struct wm_violation *v)
{
    const char *want = m->recs.s ? m->recs.s : "";
    size_t wn = m->recs.n, wi = 0, i = 0;
    char side[16];
    if (conn > 1)
        snprintf(side, sizeof side, "C%u", conn);
    else
        strcpy(side, "C");
    for (; wi < wn; i++) {
        const char *e = memchr(want + wi, '\n', wn - wi);
        size_t el = (size_t)(e - (want + wi));
        int last = wi + el + 1 == wn, err = el > 8 && memcmp(want + wi, "! error ", 8) == 0;
        const struct rec *r = i < ncr ? &cr[i] : NULL;
        int ok = r && ((r->n == el && memcmp(r->p, want + wi, el) == 0) ||
                       (last && err && m->prefix && r->n >= el && memcmp(r->p, want + wi, el) == 0) ||
                       (last && err && m->alt[0] && r->n == 8 + strlen(m->alt) &&
                        memcmp(r->p, "! error ", 8) == 0 && memcmp(r->p + 8, m->alt, r->n - 8) == 0));
        if (!ok)
            return inv_fail(v, "malformed", conn, r ? r->lineno : bad_no,
                            "after the server's line %zu the book's client must send \"%s%.*s\"%s%s%s; "
                            "it %s%s%.*s%s", bad_no, side, (int)(el > 400 ? 400 : el),
                            want + wi, m->prefix && last && err ? " (its start)" : "",
                            m->alt[0] && last && err ? " or the error " : "",
                            m->alt[0] && last && err ? m->alt : "", r ? "sent \"" : "sent nothing more",
                            r ? side : "", r ? (int)(r->n > 400 ? 400 : r->n) : 0, r ? r->p : "",
                            r ? "\"" : "");
        wi += el + 1;
    }
    if (m->unsure) /* what int() made of the reply is not known: nothing more is judged */
        return 0;
    if (i < ncr && !m->failed && cr[i].n == 7 && memcmp(cr[i].p, "! close", 7) == 0)
        i++; /* the close written when the client closed before it saw the server's */
    if (i < ncr)
        return inv_fail(v, "malformed", conn, cr[i].lineno, "after the server's line %zu the book's "
                        "client must send nothing more; it sent \"%s%.*s\"", bad_no, side,
                        (int)(cr[i].n > 300 ? 300 : cr[i].n), cr[i].p);
    return 0;
}

static int check_conn(const char *text, size_t len, const char *console, size_t clen, unsigned conn,
                      const struct wm_bcm_game *games, const struct inv_header *h,
                      struct wm_violation *v)
{
    struct wm_bcm m;
    struct rec *cr = NULL;
    size_t ncr = 0, bad_no = 0;
    int rc = wm_bcm_start(&m, games, h->ngames, h->max_line, h->max_guesses) < 0
                 ? inv_fail(v, "format", conn, 0, "out of memory")
                 : follow(text, len, conn, &m, &cr, &ncr, &bad_no, v);
    if (rc == 0 && ncr == 0)
        rc = inv_fail(v, "format", conn, 0, "connection %u has no client record", conn);
    if (rc == 0)
        rc = compare(&m, cr, ncr, conn, bad_no, v);
    if (rc == 0 && console && !m.unsure)
        rc = check_console(&m, console, clen, conn, bad_no, v);
    free(cr);
    wm_bcm_free(&m);
    return rc;
}

int wm_inv_malbcli_check(const char *text, size_t len, const char *console, size_t clen,
                         unsigned conn, struct wm_violation *v)
{
    struct inv_header h = {.connections = 1, .max_line = 1024, .max_guesses = MAX_GUESSES_DEFAULT};
    int rc = 0;
    for (const char *p = text, *end = text + len; p < end && *p == '#' && rc == 0;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (inv_header_line(&h, p, (size_t)((nl ? nl : end) - p)) < 0)
            rc = inv_fail(v, "format", conn, 0, "the header's line \"%.*s\" cannot be read",
                          first_len(p, (size_t)(end - p)), p);
        p = nl ? nl + 1 : end;
    }
    struct wm_bcm_game *games = calloc(h.ngames + 1, sizeof *games);
    if (!games && rc == 0)
        rc = inv_fail(v, "format", conn, 0, "out of memory");
    for (size_t i = 0; i < h.ngames && rc == 0; i++) {
        const struct inv_game *g = &h.games[i];
        games[i] = (struct wm_bcm_game){value(g, g->lo, g->lo_at, g->lo_n),
                                        value(g, g->hi, g->hi_at, g->hi_n),
                                        value(g, g->secret, g->secret_at, g->secret_n), g->count};
        if (!games[i].lo || !games[i].hi || !games[i].secret)
            rc = inv_fail(v, "format", conn, 0, "out of memory");
    }
    for (unsigned c = conn ? conn : 1; c <= (conn ? conn : h.connections) && rc == 0; c++)
        rc = check_conn(text, len, console, clen, c, games, &h, v);
    for (size_t i = 0; i < h.ngames; i++) {
        if (games)
            free((char *)games[i].lo), free((char *)games[i].hi), free((char *)games[i].secret);
        free(h.games[i].text);
    }
    free(games);
    free(h.games);
    return rc;
}
