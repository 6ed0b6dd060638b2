/* Every record stream a real pair of peers can produce replays as written
 * (docs/TRANSCRIPTS.md, "Which files a run can produce" and "Scripted
 * sides"): seeded property tests over thousands of generated transcripts,
 * and the reproducers of issue 17 (partial lines left open, sides far
 * ahead) as named cases through `warmer check`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "runcmd.h"
#include "sim.h"
#include "testutil.h"
#include "transcript.h"

/* ---- a seeded generator (splitmix64: no global state) ---------------------- */

struct prng {
    uint64_t s;
};

static uint64_t prng_next(struct prng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned pick(struct prng *r, unsigned n)
{
    return (unsigned)(prng_next(r) % n);
}

/* Line or partial text: any byte but '\n' (escapes included); a partial is
 * never empty. Returns the length, at most 24. */
static size_t gen_text(struct prng *r, char *buf, int partial)
{
    size_t n = pick(r, 8) == 0 ? 0 : 1 + pick(r, pick(r, 4) == 0 ? 24 : 6);
    if (partial && n == 0)
        n = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned k = pick(r, 10);
        char c = k < 7 ? (char)('a' + pick(r, 26)) : k < 8 ? ' ' : (char)pick(r, 256);
        buf[i] = c == '\n' ? 'n' : c;
    }
    return n;
}

/* An error reason: printable, kept verbatim, no trailing space. */
static size_t gen_reason(struct prng *r, char *buf)
{
    size_t n = 1 + pick(r, 20);
    for (size_t i = 0; i < n; i++)
        buf[i] = i > 0 && i + 1 < n && pick(r, 5) == 0 ? ' ' : (char)('a' + pick(r, 26));
    return n;
}

/* ---- running and comparing ---------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "replay") == 0, "mkdtemp failed");
}

static void remove_tmpdir(void)
{
    rc_rmtree(tmpdir);
}

/* Fails with the case, the file and the first line that differs. */
static void expect_same_text(const char *what, const char *want, size_t wlen, const char *got,
                             size_t glen)
{
    size_t line = rc_first_diff_line(want, wlen, got, glen);
    ck_assert_msg(line == 0, "%s: the replay differs first at line %zu\n--- the file:\n%s\n"
                  "--- the replay:\n%s", what, line, want, got);
}

/* Writes text, parses it as `warmer check` does (so the parser must accept
 * it), runs it with the sides its header (or force_both) scripts, and
 * compares the rendered records with the file's. */
static void check_replays(const char *what, const char *text, size_t len, int force_both,
                          enum wm_driver driver, enum wm_transport_kind transport)
{
    char path[128];
    snprintf(path, sizeof path, "%s/case.txt", tmpdir);
    ck_assert(rc_write_file(path, text, len) == 0);
    struct wm_transcript t;
    struct wm_err err;
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.driver = driver;
    o.transport = transport;
    ck_assert_msg(wm_tx_parse(path, &t, o.max_journal, &err) == 0, "%s: %s\n%s", what, err.msg,
                  text);
    if (force_both)
        t.cfg.client_script = t.cfg.server_script = 1;
    struct wm_conn_log *got = NULL;
    ck_assert_msg(wm_execute(&t.cfg, &t, &o, &got, &err) == 0, "%s: run failed: %s\n%s", what,
                  err.msg, text);
    size_t wlen, glen;
    char *want = wm_tx_render(&t.cfg, t.conns, &wlen), *out = wm_tx_render(&t.cfg, got, &glen);
    ck_assert(want && out);
    expect_same_text(what, want, wlen, out, glen);
    free(want);
    free(out);
    wm_conn_logs_free(got, t.cfg.connections);
    wm_tx_free(&t);
}

/* ---- the model: what a pair of peers can send, in any interleaving --------- */

enum { S_OPEN, S_PARTIAL, S_ENDED, S_STOPPED };

struct gen_conn {
    struct wm_journal *j[2]; /* client, server */
    uint64_t wire[2];
    int state[2];
    int last_partial[2];
};

static void add(struct gen_conn *g, int side, enum wm_rec_kind kind, const char *text, size_t len)
{
    /* As the parser gives them: a cause counts the peer's wire records before. */
    ck_assert(wm_journal_add(g->j[side], kind, g->wire[!side], text, len) == 0);
    g->wire[side]++;
    g->last_partial[side] = kind == WM_REC_PARTIAL;
}

/* One side's next record: lines, then maybe a partial, then maybe its end
 * (a close, a reset or half-close, or an error) or nothing more (its close
 * comes after its peer's, or never). */
static void gen_step(struct prng *r, struct gen_conn *g, int side)
{
    char buf[32];
    unsigned k = pick(r, 100);
    if (g->state[side] == S_OPEN && k < 55) {
        add(g, side, WM_REC_LINE, buf, gen_text(r, buf, 0));
    } else if (g->state[side] == S_OPEN && k < 70) {
        add(g, side, WM_REC_PARTIAL, buf, gen_text(r, buf, 1));
        g->state[side] = S_PARTIAL;
    } else if (k < 84) {
        add(g, side, WM_REC_CLOSE, "", 0);
        g->state[side] = S_ENDED;
    } else if (k < 90) {
        add(g, side, WM_REC_ERROR, buf, gen_reason(r, buf));
        g->state[side] = S_ENDED;
    } else if (k < 97 || g->state[side] == S_PARTIAL) {
        g->state[side] = S_STOPPED;
    } /* else: the other side goes first */
}

static int side_done(const struct gen_conn *g, int side)
{
    return g->state[side] == S_ENDED || g->state[side] == S_STOPPED;
}

/* A connection's records. A real pair's file shows the first close (a side
 * that closes before seeing its peer's close writes it), unless a partial
 * line was left open: then both may still be open when the run ends. */
static void gen_conn(struct prng *r, struct wm_conn_log *log)
{
    struct gen_conn g = {{&log->client, &log->server}, {0, 0}, {S_OPEN, S_OPEN}, {0, 0}};
    for (int steps = 0; steps < 40 && !(side_done(&g, 0) && side_done(&g, 1)); steps++) {
        int side = pick(r, 2);
        if (side_done(&g, side))
            side = !side;
        gen_step(r, &g, side);
    }
    int shown = g.state[0] == S_ENDED || g.state[1] == S_ENDED;
    if (!shown && !g.last_partial[0] && !g.last_partial[1]) {
        int side = pick(r, 2);
        if (g.state[side] == S_PARTIAL || g.state[side] == S_OPEN || g.state[side] == S_STOPPED)
            add(&g, side, WM_REC_CLOSE, "", 0);
    }
}

/* Case i of the model: 1..3 connections, chunking on or off. */
static char *gen_file(uint64_t i, size_t *len)
{
    struct prng r = {0x5eed0000ULL + i};
    struct wm_cfg cfg;
    wm_cfg_init(&cfg);
    cfg.seed = i;
    cfg.connections = 1 + (pick(&r, 4) == 0 ? pick(&r, 3) : 0);
    cfg.chunking = pick(&r, 3) == 0;
    cfg.client_script = cfg.server_script = 1;
    struct wm_conn_log *logs = wm_conn_logs_new(cfg.connections, SIZE_MAX);
    ck_assert(logs != NULL);
    for (uint32_t c = 0; c < cfg.connections; c++)
        gen_conn(&r, &logs[c]);
    char *text = wm_tx_render(&cfg, logs, len);
    ck_assert(text != NULL);
    wm_conn_logs_free(logs, cfg.connections);
    wm_cfg_free(&cfg);
    return text;
}

#define MODEL_CASES 3000

/* Both sides scripted: every generated file replays as written, under the
 * simulator over both transports, and some under the socket drivers. */
START_TEST(model_streams_replay_both_scripted)
{
    for (uint64_t i = 0; i < MODEL_CASES; i++) {
        size_t len;
        char *text = gen_file(i, &len);
        char what[64];
        snprintf(what, sizeof what, "model case %llu", (unsigned long long)i);
        enum wm_driver d = i % 40 == 1 ? WM_DRV_EVENTS : i % 100 == 3 ? WM_DRV_THREADS : WM_DRV_SIM;
        check_replays(what, text, len, 0, d, i % 2 ? WM_TR_MEMORY : WM_TR_SOCKETPAIR);
        free(text);
    }
}
END_TEST

/* ---- chaos peers: sessions that do anything, run for real -------------------- */

/* A peer that at each event sends lines, a partial line, closes, errs or
 * waits, at random; after a partial only its end. Protocol-like lines when
 * it plays against warmer's own session, so that session answers. */
struct chaos {
    struct prng r;
    int partial;
    unsigned budget;
    int client, vocab;
};

static size_t chaos_line(struct chaos *c, char *buf)
{
    static const char *const cl[] = {"PARAMS 1 5", "NUMBER", "NUMBER", "REPORT Hot", "REPORT Cold",
                                     "REPORT Unsure", "REPORT Correct", "PARAMS 0 -1", "PARAMS 3 2"};
    static const char *const sv[] = {"3", "1", "5", "4", "2", "9", "x"};
    if (!c->vocab || pick(&c->r, 6) == 0)
        return gen_text(&c->r, buf, 0);
    const char *w = c->client ? cl[pick(&c->r, 9)] : sv[pick(&c->r, 7)];
    memcpy(buf, w, strlen(w));
    return strlen(w);
}

static void chaos_say(struct chaos *c, const struct wm_sink *out, int allow_partial)
{
    char buf[32];
    for (unsigned n = pick(&c->r, 3); n > 0; n--)
        wm_emit(out, WM_OUT_SEND, buf, chaos_line(c, buf));
    if (allow_partial && pick(&c->r, 5) == 0) {
        size_t len = c->vocab ? chaos_line(c, buf) : gen_text(&c->r, buf, 1);
        if (len == 0)
            buf[len++] = '7';
        wm_emit(out, WM_OUT_PARTIAL, buf, len > 3 ? len - 1 : len);
        c->partial = 1;
    }
}

static enum wm_sess_rc chaos_end(struct chaos *c, const struct wm_sink *out)
{
    char buf[32];
    if (pick(&c->r, 4) == 0)
        wm_emit(out, WM_OUT_ERROR, buf, gen_reason(&c->r, buf));
    else
        wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc chaos_act(struct chaos *c, const struct wm_sink *out)
{
    if (c->budget == 0)
        return chaos_end(c, out);
    c->budget--;
    unsigned k = pick(&c->r, 100);
    if (k < 20 || (c->partial && k < 60))
        return WM_SESS_OPEN; /* waits */
    if (k < 85 && !c->partial) {
        chaos_say(c, out, 1);
        return WM_SESS_OPEN;
    }
    return chaos_end(c, out);
}

static enum wm_sess_rc chaos_start(void *self, const struct wm_sink *out)
{
    return chaos_act(self, out);
}

static enum wm_sess_rc chaos_on_line(void *self, const char *line, size_t len,
                                     const struct wm_sink *out)
{
    (void)line;
    (void)len;
    return chaos_act(self, out);
}

/* The peer closed: it may still send, then closes (implied) or errs. */
static enum wm_sess_rc chaos_on_eof(void *self, const struct wm_sink *out)
{
    struct chaos *c = self;
    if (!c->partial && pick(&c->r, 3) == 0)
        chaos_say(c, out, 1);
    return chaos_end(c, out);
}

static enum wm_sess_rc chaos_on_bad_input(void *self, const struct wm_err *err,
                                          const struct wm_sink *out)
{
    (void)err;
    return chaos_on_eof(self, out);
}

static enum wm_sess_rc chaos_on_timeout(void *self, const struct wm_sink *out)
{
    return chaos_end(self, out);
}

/* Bytes of a line arrived: a real peer may act on time, before the rest. */
static enum wm_sess_rc chaos_on_partial(void *self, const struct wm_sink *out)
{
    struct chaos *c = self;
    return pick(&c->r, 2) ? chaos_act(c, out) : WM_SESS_OPEN;
}

static const struct wm_role chaos_role = {chaos_start,      chaos_on_line,    chaos_on_eof,
                                          chaos_on_bad_input, chaos_on_timeout, chaos_on_partial,
                                          NULL};

/* Runs chaos peers (side bits: 1 the client, 2 the server) against each
 * other or against warmer's session; the transcript, or NULL when the pair
 * got stuck (both waiting: not a finished run, so not a case). */
static char *chaos_run(uint64_t seed, int sides, struct wm_cfg *cfg, size_t *len)
{
    struct prng r = {0xc4a05000ULL + seed};
    wm_cfg_init(cfg);
    cfg->seed = seed;
    cfg->chunking = pick(&r, 2);
    struct wm_game g = {1, 5, 3, 5};
    struct wm_err err;
    ck_assert(wm_cfg_add_game(cfg, &g, &err) == 0);
    struct wm_conn_log *logs = wm_conn_logs_new(1, SIZE_MAX);
    struct wm_conn c;
    ck_assert(logs && wm_conn_init(&c, 0, cfg, &logs[0], NULL, &err) == 0);
    struct chaos ch[2] = {{{prng_next(&r)}, 0, 1 + pick(&r, 12), 1, sides != 3},
                          {{prng_next(&r)}, 0, 1 + pick(&r, 12), 0, sides != 3}};
    struct wm_endpoint *ep[2] = {&c.client, &c.server};
    for (int s = 0; s < 2; s++)
        if (sides & (1 << s)) {
            ep[s]->role = &chaos_role;
            ep[s]->self = &ch[s];
            ep[s]->framer.lenient = 1;
        }
    struct wm_sim_opts so = {pick(&r, 2) ? WM_TR_MEMORY : WM_TR_SOCKETPAIR,
                             WM_DEFAULT_MAX_STEPS, NULL, 0, NULL};
    int rc = wm_sim_run(&c, 1, seed, cfg->chunking, &so, &err);
    wm_conn_free(&c);
    cfg->client_script = (sides & 1) != 0;
    cfg->server_script = (sides & 2) != 0;
    char *text = NULL;
    if (rc == 0)
        ck_assert((text = wm_tx_render(cfg, logs, len)) != NULL);
    else
        ck_assert_msg(strstr(err.msg, "no progress") != NULL, "chaos run %llu: %s",
                      (unsigned long long)seed, err.msg);
    wm_conn_logs_free(logs, 1);
    return text;
}

#define CHAOS_CASES 1500

/* Runs CHAOS_CASES pairs; each finished transcript is checked as its header
 * says (the chaos sides scripted), and with both sides scripted. */
static void chaos_cases(int sides, const char *name)
{
    unsigned finished = 0;
    for (uint64_t i = 0; i < CHAOS_CASES; i++) {
        struct wm_cfg cfg;
        size_t len;
        char *text = chaos_run(i, sides, &cfg, &len);
        wm_cfg_free(&cfg);
        if (!text)
            continue;
        finished++;
        char what[96];
        snprintf(what, sizeof what, "%s case %llu", name, (unsigned long long)i);
        check_replays(what, text, len, 0, WM_DRV_SIM, WM_TR_MEMORY);
        if (sides != 3) {
            snprintf(what, sizeof what, "%s case %llu, both sides scripted", name,
                     (unsigned long long)i);
            check_replays(what, text, len, 1, WM_DRV_SIM, WM_TR_MEMORY);
        }
        free(text);
    }
    /* Most pairs finish: the property is not passed by having no cases. */
    ck_assert_msg(finished > CHAOS_CASES / 2, "%s: only %u of %u runs finished", name, finished,
                  CHAOS_CASES);
}

START_TEST(chaos_pairs_replay_both_scripted)
{
    chaos_cases(3, "chaos pair");
}
END_TEST

START_TEST(chaos_client_against_server_replays)
{
    chaos_cases(1, "chaos client");
}
END_TEST

START_TEST(chaos_server_against_client_replays)
{
    chaos_cases(2, "chaos server");
}
END_TEST

/* ---- issue 17's reproducers, through `warmer check` ---------------------------- */

#define HDR "# warmer transcript v1\n# seed: 0\n# client: script\n# server: script\n"

/* Writes the file and expects `warmer check` to pass it as written. */
static void expect_check_passes(const char *name, const char *content, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    ck_assert(rc_write_file(path, content, len) == 0);
    struct rc_result r;
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 passed, 0 failed"),
                  "%s: want check to pass; %s", name, rc_describe(&r));
    rc_free(&r);
}

#define PASSES(name, text) expect_check_passes(name, text, strlen(text))

/* A server's partial line, then the client goes on: both stay open. */
START_TEST(server_partial_then_client_partial)
{
    PASSES("open.txt", HDR "C: PARAMS 1 5\nS! partial x\nC! partial y\n");
    PASSES("closes.txt", HDR "C: PARAMS 1 5\nS! partial x\nC! partial y\nC! close\n");
}
END_TEST

START_TEST(server_partial_then_client_close)
{
    PASSES("close.txt", HDR "C: PARAMS 1 5\nS! partial x\nC! close\n");
    PASSES("lines.txt", HDR "C: PARAMS 1 5\nS! partial x\nC: NUMBER\nC: NUMBER\nC! close\n");
}
END_TEST

START_TEST(report_then_server_partial)
{
    PASSES("report.txt", HDR "C: PARAMS 1 5\nC: NUMBER\nS: 3\nC: REPORT Unsure\nS! partial 4\n"
                             "C! close\n");
}
END_TEST

/* Against warmer's own session a partial line left open is not what a run
 * makes: the session answers the close with an error, so the close cannot
 * be implied. check shows the difference (never an inconsistent order) and
 * --update writes the close, a fixed point. */
static void expect_diff_then_fixed_point(const char *name, const char *content,
                                         const char *added)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    ck_assert(rc_write_file(path, content, strlen(content)) == 0);
    struct rc_result r;
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 1 && rc_has_line(r.out, added),
                  "%s: want exit 1 and a diff adding '%s'; %s", name, added, rc_describe(&r));
    rc_free(&r);
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "%s: update: %s", name, rc_describe(&r));
    rc_free(&r);
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "%s: the updated file fails: %s", name, rc_describe(&r));
    rc_free(&r);
}

#define GAME "# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n"

START_TEST(partial_left_open_against_a_session)
{
    expect_diff_then_fixed_point("client.txt", GAME "# client: script\nC: PARAMS 1 5\n"
                                               "C! partial NUMB\n", "+C! close");
    expect_diff_then_fixed_point("server.txt", GAME "# server: script\nC: PARAMS 1 5\n"
                                               "C: NUMBER\nS! partial 4\n", "+S! close");
}
END_TEST

/* Far ahead: one 10 MB line (max-line 16 MiB), 21 MB of lines to a silent
 * server; each over the 1 MiB output bound scripts had. */
START_TEST(ten_megabyte_line)
{
    size_t n = 10u * 1000 * 1000;
    const char *hdr = HDR "# max-line: 16777216\nC: ";
    size_t hl = strlen(hdr);
    char *text = malloc(hl + n + 16);
    ck_assert(text != NULL);
    memcpy(text, hdr, hl);
    memset(text + hl, 'A', n);
    memcpy(text + hl + n, "\nC! close\n", 10);
    expect_check_passes("ten-mb.txt", text, hl + n + 10);
    free(text);
}
END_TEST

START_TEST(pipelined_21_megabytes_to_a_silent_server)
{
    size_t lines = 230000, cap = strlen(HDR) + lines * 100 + 16, len = strlen(HDR);
    char *text = malloc(cap);
    ck_assert(text != NULL);
    memcpy(text, HDR, len);
    for (size_t i = 0; i < lines; i++)
        len += (size_t)snprintf(text + len, cap - len, "C: NUMBER %08zu %80s\n", i, "x");
    len += (size_t)snprintf(text + len, cap - len, "C! close\n");
    ck_assert(len > 21u * 1000 * 1000);
    expect_check_passes("pipelined.txt", text, len);
    free(text);
}
END_TEST

static Suite *replay_suite(void)
{
    Suite *s = suite_create("replay");
#define ADD(fn) WM_ADD_TEST_WITH(s, fn, make_tmpdir, remove_tmpdir)
    ADD(model_streams_replay_both_scripted);
    ADD(chaos_pairs_replay_both_scripted);
    ADD(chaos_client_against_server_replays);
    ADD(chaos_server_against_client_replays);
    ADD(server_partial_then_client_partial);
    ADD(server_partial_then_client_close);
    ADD(report_then_server_partial);
    ADD(partial_left_open_against_a_session);
    ADD(ten_megabyte_line);
    ADD(pipelined_21_megabytes_to_a_silent_server);
#undef ADD
    return s;
}

WM_TEST_MAIN(replay_suite)
