/* The strict transcript parser: every malformed line is "path:line: ..." */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "msg.h"
#include "transcript.h"
#include "tx_cursor.h"

/* A record's text may run WM_TX_TEXT_SLACK bytes past max-line (a script
 * must be able to send a line just over the limit); escaped, that is at most
 * 4 bytes a byte, plus a prefix. Error reasons are shorter than WM_ERR_MAX.
 * So every record warmer writes, and every record it accepts re-rendered,
 * fits in a line of 4 x (max-line + slack) + WM_ERR_MAX + slack bytes. */
#define LINE_SLACK WM_TX_TEXT_SLACK
#define LINE_LIMIT(max_line) (4 * ((max_line) + LINE_SLACK) + WM_ERR_MAX + LINE_SLACK)
#define MAGIC_LINE_MAX 4096 /* before any header sets max-line */

struct parser {
    const char *path;
    FILE *f;
    size_t lineno;
    char *buf, *dec;
    size_t cap, limit;
    struct wm_err *err;
    int have_seed;
    size_t seen[8]; /* line where each single-valued key was given, 0 if not yet */
    struct wm_journal *last; /* where record_line put the record it read */
    uint32_t last_conn;      /* and its connection, 0-based */
    uint64_t off, line_off;  /* bytes read; where the line read last begins */
};

static int perr(struct parser *p, const char *what, const char *got, size_t len)
{
    struct wm_quoted q;
    wm_err_set(p->err, "%s:%zu: %s%s%s", p->path, p->lineno, what, got ? ", got " : "",
               got ? wm_quote(&q, got, len) : "");
    return -1;
}

/* Reads one line without its '\n' into p->buf; 1 read, 0 end of file, -1 error. */
static int read_line(struct parser *p, size_t *len)
{
    size_t n = 0;
    int c;
    p->line_off = p->off;
    /* Unlocked: a parser's stream is read by one thread (check -j runs a
     * file per thread), and a locked getc a byte costs a third of a parse. */
    while ((c = getc_unlocked(p->f)) != EOF && c != '\n') {
        if (n == p->limit) {
            char what[128];
            p->lineno++;
            if (p->lineno == 1) /* before any header: the magic line's own bound */
                snprintf(what, sizeof what, "first line longer than %zu bytes (it must be '"
                         WM_TX_MAGIC "')", p->limit);
            else
                snprintf(what, sizeof what,
                         "line longer than %zu bytes (4 x (max-line + %d) + %d + %d)", p->limit,
                         LINE_SLACK, WM_ERR_MAX, LINE_SLACK);
            return perr(p, what, NULL, 0);
        }
        if (n == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 256;
            if (cap > p->limit)
                cap = p->limit;
            char *nb = realloc(p->buf, cap + 1), *nd = realloc(p->dec, cap + 1);
            if (nb)
                p->buf = nb;
            if (nd)
                p->dec = nd;
            if (!nb || !nd)
                return perr(p, "out of memory", NULL, 0);
            p->cap = cap;
        }
        p->buf[n++] = (char)c;
    }
    if (ferror(p->f)) {
        wm_err_set(p->err, "%s: read error: %s", p->path, strerror(errno));
        return -1;
    }
    if (c == EOF && n == 0)
        return 0;
    p->off += n + (c == '\n');
    p->lineno++;
    *len = n;
    return 1;
}

static int number(struct parser *p, const char *v, size_t len, uint64_t max, uint64_t *out)
{
    if (wm_uint64_parse(v, len, out) < 0 || *out > max)
        return perr(p, "expected an unsigned decimal in range", v, len);
    return 0;
}

static int known_key(const char *key, size_t klen)
{
    static const char *const keys[] = {"seed",        "game",   "connections", "max-line",
                                       "max-guesses", "client", "server",      "chunking",
                                       "fault",       "profile"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i]) == klen && memcmp(keys[i], key, klen) == 0)
            return 1;
    return 0;
}

/* A key that takes one value, given a second time: a malformed file, not
 * "the last one wins", so an edit that adds a key cannot go unnoticed. */
static int once(struct parser *p, const char *key, size_t klen)
{
    static const char *const single[] = {"seed",   "connections", "max-line", "max-guesses",
                                         "client", "server",      "chunking", "profile"};
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        if (strlen(single[i]) != klen || memcmp(single[i], key, klen) != 0)
            continue;
        if (p->seen[i]) {
            char what[96];
            snprintf(what, sizeof what, "'%s' given twice (first on line %zu)", single[i],
                     p->seen[i]);
            return perr(p, what, NULL, 0);
        }
        p->seen[i] = p->lineno;
    }
    return 0;
}

/* A header line s that starts "#", a word and a colon fails with what, and
 * a hint: it may be meant as a comment, and the documented ways to write one
 * (docs/TRANSCRIPTS.md, "Header") are shown with its word. */
static int comment_error(struct parser *p, const char *what, const char *s, size_t len)
{
    size_t w = 1, e;
    while (w < len && s[w] == ' ')
        w++;
    for (e = w; e < len && e - w < 40 && s[e] != ' ' && s[e] != ':'; e++)
        ;
    char full[WM_ERR_MAX / 2];
    snprintf(full, sizeof full,
             "%s; a header comment must not start with a word and a colon: write '# %.*s - ...' "
             "or '#: ...' (docs/TRANSCRIPTS.md, Header)",
             what, (int)(e - w), s + w);
    return perr(p, full, s, len);
}

static int header_line(struct parser *p, struct wm_cfg *cfg, const char *key, size_t klen,
                       const char *v, size_t vlen)
{
    uint64_t n;
    if (once(p, key, klen) < 0)
        return -1;
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
#define VAL(s) (vlen == sizeof(s) - 1 && memcmp(v, s, vlen) == 0)
    if (KEY("seed")) {
        p->have_seed = 1;
        return number(p, v, vlen, UINT64_MAX, &cfg->seed);
    }
    if (KEY("game")) { /* beyond int64: header_done's to take or refuse, by the profile */
        struct wm_err e;
        if (wm_cfg_add_game_text(cfg, v, vlen, &e) < 0)
            return perr(p, e.msg, NULL, 0);
        return 0;
    }
    if (KEY("profile")) {
        if (wm_profile_parse(v, vlen, &cfg->profile) < 0)
            return perr(p, "profile wants strict, book, book-asyncio", v, vlen); /* no "ok " */
        cfg->profile_named = 1;
        return 0;
    }
    if (KEY("connections")) {
        if (number(p, v, vlen, WM_MAX_CONNECTIONS, &n) < 0 || n == 0)
            return perr(p, "connections must be 1.." WM_XSTR(WM_MAX_CONNECTIONS), v, vlen);
        cfg->connections = (uint32_t)n;
        return 0;
    }
    if (KEY("max-line")) {
        if (number(p, v, vlen, WM_MAX_LINE_LIMIT, &n) < 0 || n == 0)
            return perr(p, "max-line must be 1.." WM_XSTR(WM_MAX_LINE_LIMIT), v, vlen);
        cfg->max_line = (size_t)n;
        return 0;
    }
    if (KEY("max-guesses")) {
        if (number(p, v, vlen, WM_MAX_GUESSES_LIMIT, &n) < 0 || n == 0)
            return perr(p, "max-guesses must be 1.." WM_XSTR(WM_MAX_GUESSES_LIMIT), v, vlen);
        cfg->max_guesses = (size_t)n;
        return 0;
    }
    if (KEY("client") && (VAL("games") || VAL("script"))) {
        cfg->client_script = VAL("script");
        return 0;
    }
    if (KEY("server") && (VAL("rng") || VAL("script"))) {
        cfg->server_script = VAL("script");
        return 0;
    }
    if (KEY("fault")) {
        struct wm_fault f;
        struct wm_err e;
        if (wm_fault_parse(v, vlen, &f, &e) < 0 || wm_cfg_add_fault(cfg, &f, &e) < 0)
            return perr(p, e.msg, NULL, 0);
        return 0;
    }
    if (KEY("chunking") && (VAL("on") || VAL("off"))) {
        cfg->chunking = VAL("on");
        return 0;
    }
#undef KEY
#undef VAL
    if (!known_key(key, klen)) { /* most often a comment written as "# Note: ..." */
        char what[96];
        snprintf(what, sizeof what, "unknown header key '%.*s'", klen > 40 ? 40 : (int)klen, key);
        return comment_error(p, what, key - 2, (size_t)(v + vlen - key) + 2);
    }
    return perr(p, "unknown header key or value (see docs/TRANSCRIPTS.md)", key,
                (size_t)(v + vlen - key));
}

/* In the header block, a line "#", spaces, a word, spaces, ":" is a header
 * line, whatever the spacing or the word: 1 with key and value split out,
 * -1 if it is one but not exactly "# key: value", 0 for a plain comment.
 * Strict, so that a typo such as "# max_line: 16", "#chunking: on" or
 * "# max-line : 12" is an error rather than a comment. */
static int split_header(const char *s, size_t len, const char **key, size_t *klen,
                        const char **v, size_t *vlen)
{
    size_t i = 1, w;
    while (i < len && s[i] == ' ')
        i++;
    w = i;
    while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                       (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
        i++;
    size_t word_end = i;
    while (i < len && s[i] == ' ')
        i++;
    if (word_end == w || i >= len || s[i] != ':')
        return 0;
    if (w != 2 || s[1] != ' ' || i != word_end || i + 2 > len || s[i + 1] != ' ')
        return -1;
    *key = s + 2;
    *klen = word_end - 2;
    *v = s + i + 2;
    *vlen = len - i - 2;
    return 1;
}

struct wait_counts {
    uint64_t *client_wire, *server_wire; /* wire records so far, per connection */
    /* per connection: 1 the client, 2 the server sent a partial; 4 the
     * client, 8 the server hung */
    unsigned char *partial;
};

static int record_line(struct parser *p, struct wm_transcript *t, struct wait_counts *w,
                       const char *s, size_t len)
{
    char side = s[0];
    const char *what = NULL;
    uint32_t conn0;
    enum wm_rec_kind kind;
    long dlen = wm_tx_record_fields(&t->cfg, s, len, p->dec, &conn0, &kind, &what);
    if (dlen < 0)
        return perr(p, what, s, len);
    unsigned long conn = conn0 + 1UL;
    /* Bytes after a partial line would complete it: a file that says so has
     * no order a run can reproduce, so a partial is a side's last bytes. */
    unsigned char bit = side == 'C' ? 1 : 2;
    /* A hung side neither reads, writes nor closes: nothing of it follows. */
    if (w->partial[conn - 1] & (bit << 2))
        return perr(p, side == 'C' ? "a record of the client after its hang (a hung side sends, "
                                     "reads and closes nothing more)"
                                   : "a record of the server after its hang (a hung side sends, "
                                     "reads and closes nothing more)",
                    s, len);
    if (kind == WM_REC_HANG)
        w->partial[conn - 1] |= (unsigned char)(bit << 2);
    if ((kind == WM_REC_LINE || kind == WM_REC_PARTIAL) && (w->partial[conn - 1] & bit))
        return perr(p, side == 'C' ? "a record after the client's partial line (only its close "
                                     "or error may follow)"
                                   : "a record after the server's partial line (only its close "
                                     "or error may follow)",
                    s, len);
    if (kind == WM_REC_PARTIAL)
        w->partial[conn - 1] |= bit;
    struct wm_conn_log *c = &t->conns[conn - 1];
    struct wm_journal *j = side == 'C' ? &c->client : &c->server;
    uint64_t *own = side == 'C' ? &w->client_wire[conn - 1] : &w->server_wire[conn - 1];
    uint64_t wait = side == 'C' ? w->server_wire[conn - 1] : w->client_wire[conn - 1];
    if (wm_journal_add(j, kind, wait, p->dec, (size_t)dlen) != WM_JOURNAL_OK)
        return perr(p, "transcript too large (--max-journal)", NULL, 0);
    j->recs[j->n - 1].lineno = p->lineno;
    p->last = j;
    p->last_conn = (uint32_t)(conn - 1);
    *own += wm_rec_is_wire(kind); /* a hang is not: the peer never sees it */
    return 0;
}

/* The state of a parse between one line and the next. */
struct parse_state {
    struct wait_counts w;
    int in_header;
    size_t max_bytes;
};

static int parse_magic(struct parser *p)
{
    size_t len;
    int rc = read_line(p, &len);
    if (rc <= 0 || len != strlen(WM_TX_MAGIC) || memcmp(p->buf, WM_TX_MAGIC, len) != 0) {
        if (rc == 0)
            p->lineno = 1;
        return rc < 0 ? -1 : perr(p, "expected the first line '" WM_TX_MAGIC "'", NULL, 0);
    }
    return 0;
}

/* The header has ended (a record, or the end of the file): it must be whole. */
static int header_done(struct parser *p, struct wm_transcript *t, struct parse_state *st)
{
    struct wm_err e;
    st->in_header = 0;
    if (!p->have_seed)
        return perr(p, "the header has no '# seed: N' line", NULL, 0);
    if (wm_cfg_validate(&t->cfg, &e) < 0)
        return perr(p, e.msg, NULL, 0);
    t->conns = wm_conn_logs_new(t->cfg.connections, st->max_bytes);
    st->w.client_wire = calloc(t->cfg.connections, sizeof *st->w.client_wire);
    st->w.server_wire = calloc(t->cfg.connections, sizeof *st->w.server_wire);
    st->w.partial = calloc(t->cfg.connections, 1);
    if (!t->conns || !st->w.client_wire || !st->w.server_wire || !st->w.partial)
        return perr(p, "out of memory", NULL, 0);
    return 0;
}

/* Reads on to the next record: 1 (added to p->last), 0 at the end of the
 * file, -1 with the error. */
static int parse_next(struct parser *p, struct wm_transcript *t, struct parse_state *st)
{
    for (;;) {
        size_t len;
        /* The line bound follows max-line, which only the header can change. */
        p->limit = LINE_LIMIT(t->cfg.max_line);
        int rc = read_line(p, &len);
        if (rc < 0)
            return -1;
        if (rc == 0) /* a file with a header and no records, or the end */
            return st->in_header && header_done(p, t, st) < 0 ? -1 : 0;
        const char *key = NULL, *v = NULL; /* split_header sets them when it returns 1 */
        size_t klen = 0, vlen = 0;
        if (len == 0)
            continue;
        if (p->buf[0] == '#') {
            int kind = split_header(p->buf, len, &key, &klen, &v, &vlen);
            if (kind > 0 && !st->in_header && known_key(key, klen))
                return perr(p, "a header line after the first record (the header comes first)",
                            p->buf, len);
            if (!st->in_header)
                continue; /* any other '#' line among the records is a comment */
            if (kind < 0)
                return comment_error(p, "expected a header line '# key: value'", p->buf, len);
            if (kind > 0 && header_line(p, &t->cfg, key, klen, v, vlen) < 0)
                return -1;
            continue;
        }
        if (st->in_header && header_done(p, t, st) < 0)
            return -1;
        if (p->buf[0] != 'C' && p->buf[0] != 'S')
            return perr(p, "expected a record starting with C or S", p->buf, len);
        return record_line(p, t, &st->w, p->buf, len) < 0 ? -1 : 1;
    }
}

static void state_free(struct parse_state *st)
{
    free(st->w.client_wire);
    free(st->w.server_wire);
    free(st->w.partial);
}

static int parse(struct parser *p, struct wm_transcript *t, size_t max_bytes)
{
    struct parse_state st = {.in_header = 1, .max_bytes = max_bytes};
    int rc = parse_magic(p);
    while (rc == 0 && (rc = parse_next(p, t, &st)) > 0)
        rc = 0;
    state_free(&st);
    return rc < 0 ? -1 : 0;
}

/* A FIFO is read as a stream, as cat reads it: open(2) waits for its
 * writer (`check <(make-transcript)`, a writer that starts later). */
FILE *wm_tx_open(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    return fopen(path, "rb");
}

static int parse_file_as(FILE *f, const char *path, enum wm_profile dflt,
                         struct wm_transcript *t, size_t max_bytes, struct wm_err *err)
{
    memset(t, 0, sizeof *t);
    wm_cfg_init(&t->cfg);
    t->cfg.profile = dflt; /* until the header names one */
    struct parser p = {.path = path, .f = f, .err = err, .limit = MAGIC_LINE_MAX};
    int rc = parse(&p, t, max_bytes);
    free(p.buf);
    free(p.dec);
    if (rc < 0)
        wm_tx_free(t);
    return rc;
}

int wm_tx_parse_file(FILE *f, const char *path, struct wm_transcript *t, size_t max_bytes,
                     struct wm_err *err)
{
    return parse_file_as(f, path, WM_PROFILE_STRICT, t, max_bytes, err);
}

int wm_tx_parse(const char *path, struct wm_transcript *t, size_t max_bytes, struct wm_err *err)
{
    return wm_tx_parse_as(path, WM_PROFILE_STRICT, t, max_bytes, err);
}

int wm_tx_parse_as(const char *path, enum wm_profile dflt, struct wm_transcript *t,
                   size_t max_bytes, struct wm_err *err)
{
    FILE *f = wm_tx_open(path);
    if (!f) {
        memset(t, 0, sizeof *t);
        wm_cfg_init(&t->cfg);
        wm_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = parse_file_as(f, path, dflt, t, max_bytes, err);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* ---- a record at a time ---- */

struct wm_tx_reader {
    struct parser p;
    struct parse_state st;
    struct wm_transcript t;
    int pending; /* the first record, read with the header, is not yet given */
    struct wm_journal *given; /* holds the record given last, dropped on the next */
};

void wm_txr_close(struct wm_tx_reader *r)
{
    if (!r)
        return;
    free(r->p.buf);
    free(r->p.dec);
    state_free(&r->st);
    wm_tx_free(&r->t);
    free(r);
}

struct wm_tx_reader *wm_txr_open(FILE *f, const char *path, size_t max_bytes, struct wm_err *err)
{
    return wm_txr_open_as(f, path, WM_PROFILE_STRICT, max_bytes, err);
}

struct wm_tx_reader *wm_txr_open_as(FILE *f, const char *path, enum wm_profile dflt,
                                    size_t max_bytes, struct wm_err *err)
{
    struct wm_tx_reader *r = calloc(1, sizeof *r);
    if (!r) {
        wm_err_set(err, "%s: out of memory", path);
        return NULL;
    }
    wm_cfg_init(&r->t.cfg);
    r->t.cfg.profile = dflt; /* until the header names one */
    r->p = (struct parser){.path = path, .f = f, .err = err, .limit = MAGIC_LINE_MAX};
    r->st = (struct parse_state){.in_header = 1, .max_bytes = max_bytes};
    int rc = parse_magic(&r->p);
    if (rc == 0)
        rc = parse_next(&r->p, &r->t, &r->st);
    if (rc < 0) {
        wm_txr_close(r);
        return NULL;
    }
    r->pending = rc > 0;
    return r;
}

const struct wm_cfg *wm_txr_cfg(const struct wm_tx_reader *r)
{
    return &r->t.cfg;
}

int wm_txr_next(struct wm_tx_reader *r, struct wm_tx_item *it, struct wm_err *err)
{
    r->p.err = err;
    if (r->given) { /* given and used: gone, so the journal stays one record long */
        r->given->settled_n = r->given->n;
        wm_journal_drop_settled(r->given);
        r->given = NULL;
    }
    int rc = r->pending ? 1 : parse_next(&r->p, &r->t, &r->st);
    r->pending = 0;
    if (rc <= 0)
        return rc;
    struct wm_journal *j = r->p.last;
    const struct wm_rec *rec = &j->recs[j->n - 1];
    *it = (struct wm_tx_item){.conn = r->p.last_conn,
                              .side = j == &r->t.conns[r->p.last_conn].client ? 'C' : 'S',
                              .kind = (enum wm_rec_kind)rec->kind, .text = wm_rec_text(j, rec),
                              .len = rec->len, .lineno = rec->lineno,
                              .offset = r->p.line_off};
    r->given = j;
    return 1;
}
