/* sim/net/record/rec_conn.c: one proxied connection of warmer record, driven by
 * hand over loopback TCP. What must hold: a side's bytes are journaled
 * exactly when written to the other peer, so the bytes journaled per side
 * equal the bytes the other peer received, whatever the traffic (binary,
 * partial lines, lines too long, half-closes, resets, bursts in one write).
 *
 * The property case draws its traffic from a seeded generator: the same
 * seed gives the same actions (the kernel's timing can only change how
 * bytes are split between reads, which the property does not depend on).
 * Env: REC_PROP_CASES (default 2000, about 6 s; make memcheck runs 200), REC_PROP_SEED (default 1),
 * REC_PROP_STDERR=1 keeps the proxy's stderr, REC_PROP_CHECK=1 also runs `warmer check` on each case's recording and
 * prints how many do not replay (not a failure: the property is the bytes). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rec_verify.h"
#include "recbench.h"
#include "runcmd.h"
#include "testutil.h"

/* The bytes a journal says its side sent: lines with their \n, partials. */
static char *journaled(const struct wm_journal *j, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < j->n; i++)
        n += j->recs[i].len + (j->recs[i].kind == WM_REC_LINE);
    char *b = malloc(n + 1);
    ck_assert(b);
    *len = 0;
    for (size_t i = 0; i < j->n; i++) {
        const struct wm_rec *r = &j->recs[i];
        if (r->kind != WM_REC_LINE && r->kind != WM_REC_PARTIAL)
            continue;
        memcpy(b + *len, wm_rec_text(j, r), r->len);
        *len += r->len;
        if (r->kind == WM_REC_LINE)
            b[(*len)++] = '\n';
    }
    return b;
}

/* "" if the side's journal matches what the other peer got (a prefix of it
 * when that peer reset: bytes can be written to it just before), else why. */
static const char *same_bytes(const struct wm_journal *j, const struct peer *to, char *why,
                              size_t size)
{
    size_t n;
    char *b = journaled(j, &n);
    int ok = to->reset ? to->ngot <= n && memcmp(b, to->got, to->ngot) == 0
                       : to->ngot == n && memcmp(b, to->got, n) == 0;
    if (ok) {
        free(b);
        return "";
    }
    size_t at = 0;
    while (at < n && at < to->ngot && b[at] == to->got[at])
        at++;
    snprintf(why, size, "journaled %zu bytes, the peer%s got %zu; first difference at byte %zu",
             n, to->reset ? " (reset)" : "", to->ngot, at);
    free(b);
    return why;
}

static const struct wm_rec *find(const struct wm_journal *j, enum wm_rec_kind kind, size_t nth)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->recs[i].kind == kind && nth-- == 0)
            return &j->recs[i];
    return NULL;
}

/* ---- item 1: what precedes a line too long is relayed and recorded ---- */

static void too_long(int from)
{
    struct bench b;
    char why[200];
    bench_init(&b, 1000); /* records hold up to 1064 bytes */
    struct peer *src = from == WM_RC_CLIENT ? &b.cl : &b.sv;
    struct peer *dst = from == WM_RC_CLIENT ? &b.sv : &b.cl;
    char msg[2100];
    size_t n = (size_t)snprintf(msg, sizeof msg, "PARAMS 1 5\nNUMBER\n");
    memset(msg + n, 'X', 2000);
    msg[n + 2000] = '\n';
    peer_queue(src, msg, n + 2001); /* one write */
    for (int i = 0; i < 200 && dst->ngot < n + 1064; i++)
        bench_round(&b, 5);
    peer_queue(dst, "3\n", 2); /* the other side still talks */
    ck_assert_msg(bench_finish(&b) == 0, "the proxy never finished");
    ck_assert_msg(dst->ngot == n + 1064 && memcmp(dst->got, msg, n + 1064) == 0,
                  "the other peer got %zu bytes, want the two lines and 1064 of the long one",
                  dst->ngot);
    ck_assert_msg(src->ngot == 2 && memcmp(src->got, "3\n", 2) == 0,
                  "the sender got %zu bytes back, want \"3\\n\"", src->ngot);
    const struct wm_journal *j = from == WM_RC_CLIENT ? &b.log->client : &b.log->server;
    const struct wm_rec *p = find(j, WM_REC_PARTIAL, 0);
    ck_assert_msg(j->n == 4 && p && p->len == 1064 && find(j, WM_REC_CLOSE, 0),
                  "journal: %zu records, want 2 lines, a partial of 1064, a close", j->n);
    ck_assert_msg(!*same_bytes(&b.log->client, &b.sv, why, sizeof why), "client side: %s", why);
    ck_assert_msg(!*same_bytes(&b.log->server, &b.cl, why, sizeof why), "server side: %s", why);
    bench_free(&b);
}

START_TEST(test_too_long_client_relays_what_precedes)
{
    too_long(WM_RC_CLIENT);
}
END_TEST

START_TEST(test_too_long_server_relays_what_precedes)
{
    too_long(WM_RC_SERVER);
}
END_TEST

/* ---- a partial line the other side read before it closed ---- */

static int order_one(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    static const char *const kind[] = {":", "! partial", "! close", "! error", "! log"};
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%c%s %.*s|", side, kind[r->kind], (int)r->len, wm_rec_text(j, r));
    return 0;
}

/* The client sends a line and the bytes of an unfinished one; the server
 * reads them all, then closes. The server's close counts the partial (it
 * read its bytes first), so the partial comes before it in the file; the
 * client's own close (after the server's) is implied. */
START_TEST(test_partial_read_before_the_other_close)
{
    struct bench b;
    bench_init(&b, 1000);
    peer_queue(&b.cl, "a\n\x7f", 3);
    for (int i = 0; i < 400 && b.sv.ngot < 3; i++)
        bench_round(&b, 5);
    ck_assert_uint_eq(b.sv.ngot, 3);
    b.sv.shut_pending = 1;
    for (int i = 0; i < 400 && !b.cl.eof; i++)
        bench_round(&b, 5);
    ck_assert(b.cl.eof);
    ck_assert_msg(bench_finish(&b) == 0, "the proxy never finished");
    char order[256] = "";
    ck_assert(wm_merge(&b.log->client, &b.log->server, order_one, order) == 0);
    ck_assert_str_eq(order, "C: a|C! partial \x7f|S! close |");
    bench_free(&b);
}
END_TEST

/* ---- the property, on random traffic ---- */

static uint64_t next(uint64_t *s) /* xorshift64* */
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static unsigned below(uint64_t *s, unsigned n)
{
    return (unsigned)(next(s) % n);
}

#define PROP_MAX_LINE 40 /* records hold 104 bytes: lines too long are cheap */

/* A line's bytes (with \n unless partial) of one of a few shapes. */
static size_t gen_line(uint64_t *s, char *b, int partial)
{
    static const char *const proto[] = {"PARAMS 1 5", "NUMBER", "REPORT Unsure", "3",
                                        "REPORT Correct", "PARAMS 0 -1", "", "ERROR x"};
    size_t n = 0;
    switch (below(s, 8)) {
    default:
    {
        const char *t = proto[below(s, 8)];
        n = strlen(t);
        memcpy(b, t, n);
        break;
    }
    case 2: /* binary, \r, NUL, high bytes */
        n = below(s, 30);
        for (size_t i = 0; i < n; i++) {
            char c = (char)below(s, 256);
            b[i] = c == '\n' ? 'n' : c;
        }
        break;
    case 7: /* up to well past the bound */
        n = below(s, 3 * (PROP_MAX_LINE + WM_TX_TEXT_SLACK));
        for (size_t i = 0; i < n; i++)
            b[i] = (char)('a' + below(s, 26));
    }
    if (!partial)
        b[n++] = '\n';
    return n;
}

#define SHAPES 16

struct shape_count {
    unsigned cases, not_verified, check_failed, resets, too_long, half_closes, stops, expires;
    char shape[SHAPES][48];
    unsigned nshape[SHAPES];
};

struct shape_ctx {
    char partial; /* the side of the first partial, or 0 */
    char *out;
};

static int shape_one(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    static const char *const kind[] = {"line", "partial", "close", "error", "log"};
    struct shape_ctx *k = ctx;
    (void)j;
    if (!k->partial && r->kind == WM_REC_PARTIAL)
        k->partial = side;
    else if (k->partial && side != k->partial) {
        snprintf(k->out, 48, "%c partial, then %c %s", k->partial, side, kind[r->kind]);
        return 1;
    }
    return 0;
}

/* A recording that does not replay, by what follows its first partial. */
/* The case's shape (shape: 48 bytes), before its journals are written. */
static void shape_of(const struct wm_conn_log *log, char *shape)
{
    snprintf(shape, 48, "no partial");
    struct shape_ctx k = {0, shape};
    wm_merge(&log->client, &log->server, shape_one, &k);
    if (k.partial && strcmp(shape, "no partial") == 0)
        snprintf(shape, 48, "%c partial, then nothing of the other", k.partial);
}

static void count_shape(struct shape_count *sc, const char *shape)
{
    int i = 0;
    while (i < SHAPES - 1 && sc->nshape[i] && strcmp(sc->shape[i], shape) != 0)
        i++;
    memcpy(sc->shape[i], shape, 48);
    sc->nshape[i]++;
}

/* One case: actions drawn from seed; 0 or -1 with why. */
static int prop_case(uint64_t seed, struct shape_count *sc, int run_check, char *why, size_t size)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    struct bench b;
    bench_init(&b, PROP_MAX_LINE);
    char buf[8 * 512];
    int nact = 3 + (int)below(&s, 25), was_long = 0, was_reset = 0, was_half = 0;
    for (int a = 0; a < nact; a++) {
        struct peer *p = below(&s, 2) ? &b.cl : &b.sv;
        unsigned k = below(&s, 20);
        if (p->reset || p->shut_pending) {
            bench_round(&b, 0);
            continue;
        }
        if (k < 10) { /* a burst of lines in one write, maybe ending mid-line */
            size_t n = 0;
            unsigned lines = 1 + below(&s, 6);
            for (unsigned i = 0; i < lines; i++) {
                size_t ln = gen_line(&s, buf + n, i + 1 == lines && below(&s, 4) == 0);
                was_long |= ln > PROP_MAX_LINE + WM_TX_TEXT_SLACK + 1;
                n += ln;
            }
            peer_queue(p, buf, n);
        } else if (k < 16) { /* let the proxy and peers run */
            for (unsigned i = below(&s, 4); i > 0; i--)
                bench_round(&b, 1);
        } else if (k < 19) {
            p->shut_pending = 1;
            was_half = 1;
        } else {
            peer_reset(p);
            was_reset = 1;
        }
        bench_round(&b, 0);
    }
    int rc = 0;
    unsigned e = below(&s, 6); /* mostly both close; else a signal or close-wait ends it */
    enum ending how = e == 4 ? END_STOP : e == 5 ? END_EXPIRE : END_CLOSE;
    sc->stops += how == END_STOP;
    sc->expires += how == END_EXPIRE;
    if (bench_end(&b, how) < 0) {
        snprintf(why, size, "seed %llu: the proxy never finished", (unsigned long long)seed);
        rc = -1;
    } else {
        char w1[160], w2[160];
        const char *a = same_bytes(&b.log->client, &b.sv, w1, sizeof w1);
        const char *c = same_bytes(&b.log->server, &b.cl, w2, sizeof w2);
        if (*a || *c) {
            snprintf(why, size, "seed %llu: client side: %s; server side: %s",
                     (unsigned long long)seed, *a ? a : "same", *c ? c : "same");
            rc = -1;
        }
    }
    sc->cases++;
    sc->resets += (unsigned)was_reset;
    sc->too_long += (unsigned)was_long;
    sc->half_closes += (unsigned)was_half;
    if (rc == 0) {
        struct wm_recd_tx_opts o = {0, 0, PROP_MAX_LINE, WM_DEFAULT_MAX_JOURNAL, WM_PROFILE_STRICT};
        struct wm_recd_verdict v;
        struct wm_err err;
        char path[64];
        snprintf(path, sizeof path, "/tmp/warmer-recprop-%d.txt", (int)getpid());
        char shape[48];
        shape_of(b.log, shape); /* wm_recd_write empties the journals */
        FILE *f = fopen(path, "w");
        ck_assert(f);
        ck_assert_msg(wm_recd_write(f, &o, b.log, 1, &v, &err) == 0, "%s", err.msg);
        fclose(f);
        sc->not_verified += (unsigned)!v.verified;
        if (!v.verified)
            count_shape(sc, shape);
        if (run_check) {
            struct rc_result r;
            rc_warmer_run(&r, "check", path, (char *)NULL);
            if (r.status != 0) {
                if (sc->check_failed++ < 5)
                    printf("rec_conn property: seed %llu: warmer check exit %d:\n%s%s",
                           (unsigned long long)seed, r.status, r.out, r.err);
            }
            rc_free(&r);
        }
        unlink(path);
    }
    bench_free(&b);
    return rc;
}

START_TEST(test_journal_is_what_was_relayed)
{
    const char *e = getenv("REC_PROP_CASES"), *sd = getenv("REC_PROP_SEED");
    const char *ck = getenv("REC_PROP_CHECK");
    unsigned cases = e && *e ? (unsigned)strtoul(e, NULL, 10) : 2000;
    uint64_t seed0 = sd && *sd ? strtoull(sd, NULL, 10) : 1;
    struct shape_count sc = {0};
    unsigned failed = 0;
    char why[400], first[400] = "";
    if (!getenv("REC_PROP_STDERR")) /* a line too long is said on stderr, each time */
        ck_assert(freopen("/dev/null", "w", stderr) != NULL);
    for (unsigned i = 0; i < cases; i++)
        if (prop_case(seed0 + i, &sc, ck && *ck == '1', why, sizeof why) < 0 && failed++ == 0)
            memcpy(first, why, sizeof first);
    printf("rec_conn property: %u cases from seed %llu: %u with a reset, %u a line too long, "
           "%u a half-close, %u ended by a signal, %u by close-wait; bytes differ in %u; header "
           "not verified in %u%s", sc.cases, (unsigned long long)seed0, sc.resets, sc.too_long,
           sc.half_closes, sc.stops, sc.expires, failed, sc.not_verified,
           ck && *ck == '1' ? "" : "\n");
    if (ck && *ck == '1')
        printf("; warmer check failed on %u\n", sc.check_failed);
    for (int i = 0; i < SHAPES && sc.nshape[i]; i++)
        printf("rec_conn property: not verified: %u: %s\n", sc.nshape[i], sc.shape[i]);
    ck_assert_msg(failed == 0, "%u of %u cases: journal and relayed bytes differ; first: %s",
                  failed, cases, first);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rec_conn");
    WM_ADD_TEST(s, test_too_long_client_relays_what_precedes);
    WM_ADD_TEST(s, test_too_long_server_relays_what_precedes);
    WM_ADD_TEST(s, test_partial_read_before_the_other_close);
    WM_ADD_TEST(s, test_journal_is_what_was_relayed);
    return s;
}

WM_TEST_MAIN(suite)
