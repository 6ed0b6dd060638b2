/* Malformed input, executed and judged (explore_mal.h). */
#include "explore_mal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "conn.h"
#include "drivers.h"
#include "inv_mal.h"
#include "inv_malbook.h"
#include "inv_malsrv.h"
#include "explore_console.h"
#include "explore_tie.h"
#include "inv_malbcli.h"
#include "mal_book.h"
#include "mal_bookcli.h"
#include "mal_server.h"
#include "mal_tie.h"

static void fail(struct wm_outcome *o, const char *kind, unsigned conn, const char *fmt, ...)
{
    va_list ap;
    o->failed = 1;
    o->v.kind = kind;
    o->v.conn = conn;
    o->v.lineno = 0;
    va_start(ap, fmt);
    vsnprintf(o->v.msg, sizeof o->v.msg, fmt, ap);
    va_end(ap);
}

/* A record line's side and connection ("C3: ..." or "S! ..."), and where
 * its ':' or '!' is: 0 for a header or anything else. */
static size_t record(const char *p, size_t n, char *side, unsigned *conn)
{
    if (n < 2 || (p[0] != 'C' && p[0] != 'S'))
        return 0;
    size_t i = 1;
    unsigned c = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && c < 100000)
        c = c * 10 + (unsigned)(p[i++] - '0');
    if (i == n || (p[i] != ':' && p[i] != '!'))
        return 0;
    *side = p[0];
    *conn = i == 1 ? 1 : c;
    return i;
}

/* The lines of side ('C' or 'S') on conn sent before either side of it ended. */
static uint32_t eligible(const char *t, size_t len, unsigned conn, char sd)
{
    uint32_t k = 0;
    for (const char *p = t, *end = t + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), at;
        char side;
        unsigned c;
        if ((at = record(p, n, &side, &c)) && c == conn) {
            if (p[at] == '!')
                return k;
            k += side == sd;
        }
        p = nl ? nl + 1 : end;
    }
    return k;
}

/* Whether every line of side sd in t fits a script's record (max-line + 64
 * bytes of text, counted escaped: at least the bytes): a book game's range
 * of any size under a small max-line does not, and such a run stays
 * well-formed (a script could not say what its session sent). */
static int scriptable(const char *t, size_t len, char sd, size_t max_line)
{
    for (const char *p = t, *end = t + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), at;
        char side;
        unsigned c;
        if ((at = record(p, n, &side, &c)) && side == sd && p[at] == ':' &&
            n - at - 1 > max_line + WM_MAL_MAX_EXTRA + 1)
            return 0;
        p = nl ? nl + 1 : end;
    }
    return 1;
}

/* The script: t's header, "# client: script", every record but conn's
 * after its k-th client line, which is corrupted as m says (m->server: the
 * same of the server's side and its k-th line, a guess). Under a book
 * profile a NUMBER follows it, the probe: its answer shows what the line
 * did to the server's state (a range int() read, a secret). */
static int script_text(const char *t, size_t len, unsigned conn, uint32_t k, const struct wm_mal *m,
                       size_t max_line, int book, const char *const tie[2], char **out, size_t *olen)
{
    /* m->server: the script is the server's side, its k-th line a corrupted guess */
    char sd = m->server ? 'S' : 'C';
    struct wm_mal_game game = {0, -1, 0, 0};
    unsigned params = 0;
    FILE *f = open_memstream(out, olen);
    if (!f)
        return -1;
    size_t cap = max_line + WM_MAL_MAX_EXTRA + 1;
    unsigned char *orig = malloc(4 * cap + 2 * len + 8), *bad = malloc(cap);
    char *esc = malloc(4 * cap + 1);
    int header = 1, rc = orig && bad && esc ? 0 : -1;
    uint32_t seen = 0;
    for (const char *p = t, *end = t + len; p < end && rc == 0;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), at;
        char side;
        unsigned c;
        if (header && p[0] != '#') {
            fputs(sd == 'S' ? "# server: script\n" : "# client: script\n", f);
            header = 0;
        }
        at = record(p, n, &side, &c);
        if (at && c == conn && side == 'C' && n > at + 8 && memcmp(p + at, ": PARAMS ", 9) == 0 &&
            params++ % 2 == 0) { /* a game's start: the range a corrupted guess leaves */
            long long lo, hi;
            if (sscanf(p + at + 9, "%lld %lld", &lo, &hi) == 2)
                game = (struct wm_mal_game){lo, hi, 0, 0};
        }
        if (!at || c != conn || seen <= k) {
            if (at && c == conn && side == sd && p[at] == ':' && seen++ == k) {
                size_t s = at + 1 + (at + 1 < n && p[at + 1] == ' ');
                long on = wm_cls_unescape(p + s, n - s, orig);
                size_t on_ = on < 0 ? 0 : (size_t)on;
                /* a tie: the number and the guess before, or NULL (op's recipe) */
                size_t bn = tie ? wm_mal_tie_guess(tie[0], tie[1], m->arg, (char *)bad, cap) : 0;
                bn = bn                  ? bn
                     : sd == 'S' && book ? wm_mal_bookcli_apply(m, orig, on_, max_line, bad)
                     : sd == 'S'         ? wm_mal_server_apply(m, &game, orig, on_, max_line, bad)
                     : book              ? wm_mal_book_apply(m, orig, on_, max_line, bad)
                                         : wm_mal_apply(m, orig, on_, max_line, bad);
                wm_cls_escape(bad, bn, esc, 4 * cap + 1);
                if (sd == 'S' && m->partial && bn > 0) /* the bytes, no newline, then the close */
                    fprintf(f, "%.*s! partial %s\n%.*s! close\n", (int)at, p, esc, (int)at, p);
                else
                    fprintf(f, "%.*s:%s%s\n", (int)at, p, bn ? " " : "", esc);
                if (book && sd == 'C')
                    fprintf(f, "%.*s: NUMBER\n", (int)at, p);
                seen = k + 2; /* the rest of conn is the other side's to write */
            } else {
                long long g;
                if (at && c == conn && side == 'S' && p[at] == ':' && sscanf(p + at + 1, "%lld", &g) == 1)
                    game.last = g, game.have_last = 1;
                fwrite(p, 1, n, f);
                fputc('\n', f);
            }
        }
        p = nl ? nl + 1 : end;
    }
    free(orig);
    free(bad);
    free(esc);
    if (fclose(f) != 0 || rc != 0) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* t under setup u, rendered (and its console lines, when console is not
 * NULL): 0, 1 with err, -1 out of memory. */
static int execute(const struct wm_transcript *t, const struct wm_scn_setup *u,
                   const struct wm_explore_budget *b, char **text, size_t *len, char **console,
                   size_t *clen, struct wm_err *err)
{
    struct wm_cfg cfg = t->cfg;
    struct wm_exec_opts o;
    struct wm_conn_log *logs;
    cfg.chunking = u->chunking;
    wm_exec_opts_init(&o);
    o.driver = u->driver;
    o.transport = u->transport;
    o.max_steps = b->max_steps;
    o.skip_logs = !console;
    if (wm_execute(&cfg, t, &o, &logs, err) < 0)
        return 1;
    *text = wm_tx_render(&t->cfg, logs, len);
    if (console && *text && !(*console = wm_explore_console(&t->cfg, logs, clen))) {
        free(*text);
        *text = NULL;
    }
    wm_conn_logs_free(logs, cfg.connections);
    return *text ? 0 : -1;
}

/* A copy of a transcript, NUL-terminated as a rendered one is (the
 * checkers read it as a string too). */
static char *dup_text(const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, p, n);
        c[n] = '\0';
    }
    return c;
}

/* Runs t under each setup: each held to the classifier on conns (0: all),
 * all alike. o->text becomes the first run's transcript; given (not NULL):
 * that is taken as the first run's transcript (gcon its console lines,
 * for the book's client), and u[0] is not run. */
static int judge(const struct wm_transcript *t, const struct wm_scn_setup *u, size_t nu,
                 unsigned conn, const char *given, size_t glen, const char *gcon, size_t gclen,
                 const struct wm_explore_budget *b, struct wm_outcome *o)
{
    /* the book's client under test: its console lines are judged too */
    int bcli = t->cfg.server_script && wm_profile_is_book(t->cfg.profile);
    for (size_t i = 0; i < nu && !o->failed; i++) {
        char *text, *console = NULL;
        size_t len = glen, clen = gclen;
        struct wm_err err;
        int rc = 0;
        if (i == 0 && given)
            rc = (text = dup_text(given, glen)) && (!bcli || (console = dup_text(gcon, gclen)))
                     ? 0
                     : -1;
        else
            rc = execute(t, &u[i], b, &text, &len, bcli && i == 0 ? &console : NULL, &clen, &err);
        if (rc < 0 && i == 0 && given)
            free(text);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            fail(o, "run", conn, "the malformed run failed (%s/%s): %s",
                 wm_driver_name(u[i].driver), wm_transport_name(u[i].transport), err.msg);
            return 0;
        }
        if (i == 0) {
            free(o->text);
            free(o->console);
            o->console = NULL, o->console_len = 0;
            o->text = text, o->len = len;
            for (unsigned c = conn ? conn : 1; c <= (conn ? conn : t->cfg.connections); c++) {
                struct wm_violation v;
                if ((bcli ? wm_inv_malbcli_check(text, len, console, clen, c, &v)
                     : t->cfg.server_script               ? wm_inv_malsrv_check(text, len, c, &v)
                     : wm_profile_is_book(t->cfg.profile) ? wm_inv_malbook_check(text, len, c, &v)
                                                          : wm_inv_mal_check(text, len, c, &v)) != 0) {
                    o->failed = 1;
                    o->v = v;
                    break;
                }
            }
            free(console);
            continue;
        }
        if (len != o->len || memcmp(text, o->text, len) != 0)
            fail(o, "differential", conn, "the malformed run under %s/%s%s differs from %s/%s",
                 wm_driver_name(u[i].driver), wm_transport_name(u[i].transport),
                 u[i].chunking ? "/split" : "", wm_driver_name(u[0].driver),
                 wm_transport_name(u[0].transport));
        free(text);
    }
    return 0;
}

#define MAL_ROUNDS 4 /* files judged a run, each the last one's transcript */

/* --replay's setups for t: every driver (threads while its connections fit)
 * x transport x chunking, sim/memory first (the cheapest: a run renders its
 * file there). The count. */
static size_t replay_setups(const struct wm_transcript *t, struct wm_scn_setup u[12])
{
    size_t nu = 0;
    for (int d = WM_DRV_SIM; d <= WM_DRV_EVENTS; d++) {
        if (d == WM_DRV_THREADS && t->cfg.connections > WM_THREADS_MAX_CONNECTIONS)
            continue;
        for (int i = 0; i < 2; i++) {
            enum wm_transport_kind tr = i ? WM_TR_SOCKETPAIR : WM_TR_MEMORY;
            for (int c = 0; c < 2; c++)
                u[nu++] = (struct wm_scn_setup){(enum wm_driver)d, tr, c};
        }
    }
    assert(nu >= 1 && nu <= 12);
    return nu;
}

/* Reads a script (or a transcript) from memory: 0, 1 (o->failed, "format"), -1. */
static int read_back(const char *src, size_t n, unsigned conn, struct wm_transcript *t,
                     struct wm_outcome *o)
{
    FILE *f = fmemopen((void *)src, n, "r");
    struct wm_err err;
    if (!f)
        return -1;
    int rc = 0;
    if (wm_tx_parse_file(f, "malformed", t, WM_DEFAULT_MAX_JOURNAL, &err) < 0) {
        fail(o, "format", conn, "the malformed script does not read back: %s", err.msg);
        rc = 1;
    }
    fclose(f);
    return rc;
}

int wm_explore_mal(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o)
{
    if (!s->mal.on || !o->text)
        return 0;
    if (!b)
        b = &wm_explore_default_budget;
    unsigned conn = s->mal.conn % s->connections + 1;
    uint32_t lines = eligible(o->text, o->len, conn, s->mal.server ? 'S' : 'C');
    if (lines == 0 || !scriptable(o->text, o->len, s->mal.server ? 'S' : 'C', s->max_line))
        return 0;
    char *src;
    size_t n;
    uint32_t k = s->mal.line % lines;
    char tnum[128], tprev[128];
    const char *tie[2] = {tnum, tprev};
    int book = wm_profile_is_book(s->profile);
    if (!(s->mal.tie && s->mal.server && book &&
          wm_explore_tie_pick(o->text, o->len, conn, k, lines, &k, tnum, tprev, sizeof tnum) == 0))
        tie[0] = NULL; /* no line fits: op's recipe */
    if (script_text(o->text, o->len, conn, k, &s->mal, s->max_line, book, tie[0] ? tie : NULL,
                    &src, &n) < 0)
        return -1;
    struct wm_transcript t;
    int rc = read_back(src, n, conn, &t, o);
    free(src);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    /* What is judged is the file a finding writes, as --replay judges it:
     * the script's transcript under --replay's first setup, each
     * connection held to the classifier, then under the run's other setup
     * (one of --replay's twelve: all twelve would cost a run six times as
     * much; a finding's file is replayed under all before it is told).
     * The script is not that file: its transcript puts the lines sent
     * before the server's end after it, and replayed, a record waits for
     * the peer's items the file puts before it (a probe is sent after the
     * server closed, not before), so a verdict on the script could not be
     * reproduced from its file (events-drops-last-chunk did so). */
    struct wm_scn_setup u[12];
    size_t nu = 2;
    replay_setups(&t, u);
    u[1] = s->other;
    if (memcmp(&u[0], &u[1], sizeof u[0]) == 0)
        u[1].transport = WM_TR_SOCKETPAIR;
    struct wm_err err;
    char *text, *console = NULL;
    size_t len, clen = 0;
    /* the book's client under test: its console lines are judged too */
    int bcli = t.cfg.server_script && wm_profile_is_book(t.cfg.profile);
    rc = execute(&t, &u[0], b, &text, &len, bcli ? &console : NULL, &clen, &err);
    wm_tx_free(&t);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        fail(o, "run", conn, "the malformed run failed (%s/%s): %s", wm_driver_name(u[0].driver),
             wm_transport_name(u[0].transport), err.msg);
        return 0;
    }
    /* First as its own transcript under u[0] (as a file is, but for a bug),
     * so that a run that holds costs what it did: two executions. */
    rc = read_back(text, len, conn, &t, o);
    if (rc == 0) {
        free(o->text);
        o->text = NULL, o->len = 0;
        rc = judge(&t, u, nu, 0, text, len, console, clen, b, o);
        wm_tx_free(&t);
    }
    free(console);
    if (rc != 0 || !o->failed) {
        free(text);
        return rc < 0 ? -1 : 0;
    }
    /* A failure is judged again as --replay judges it, the file played
     * under u[0] too; when that does not give the file itself (a bug that
     * answers its own transcript otherwise), that is judged in turn, so
     * the file written is the file judged. */
    for (unsigned round = 1;; round++) {
        rc = read_back(text, len, conn, &t, o);
        if (rc != 0)
            break;
        free(o->text);
        o->text = NULL, o->len = 0, o->failed = 0;
        rc = judge(&t, u, nu, 0, NULL, 0, NULL, 0, b, o);
        wm_tx_free(&t);
        if (rc < 0)
            break;
        if (!o->text) { /* the first setup did not run it: the file is the script */
            o->text = text, o->len = len;
            return 0;
        }
        if (!o->failed || round == MAL_ROUNDS || (o->len == len && memcmp(o->text, text, len) == 0))
            break;
        free(text);
        if (!(text = dup_text(o->text, o->len))) {
            rc = -1;
            break;
        }
        len = o->len;
    }
    free(text);
    return rc < 0 ? -1 : 0;
}

int wm_explore_mal_replay(const struct wm_transcript *t, const struct wm_explore_budget *b,
                          struct wm_outcome *o)
{
    struct wm_scn_setup u[12];
    memset(o, 0, sizeof *o);
    if (!b)
        b = &wm_explore_default_budget;
    return judge(t, u, replay_setups(t, u), 0, NULL, 0, NULL, 0, b, o);
}
