/* Every record stream a real pair of peers can produce replays as written
 * (docs/TRANSCRIPTS.md, "Which files a run can produce" and "Scripted
 * sides"): thousands of seeded files, any interleaving of what two peers can
 * send, checked with both sides scripted; and the reproducers of issue 17
 * (partial lines left open, sides far ahead) as named cases through
 * `warmer check`. Chaos peers run for real are in test_chaos.c. */
#include "replaygen.h"

/* ---- the model: what a pair of peers can send, in any interleaving --------- */

/* S_HALF: closed, still reading: it may yet report an error (a half-close). */
/* S_HUNG: it hung (`S! hang`): nothing more of it, not even a close. */
enum { S_OPEN, S_PARTIAL, S_HALF, S_ENDED, S_STOPPED, S_HUNG };

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
    g->wire[side] += wm_rec_is_wire(kind); /* a hang is not */
    g->last_partial[side] = kind == WM_REC_PARTIAL;
}

/* One side's next record: lines, then maybe a partial, then maybe its end
 * (a close, a reset or half-close, or an error; a half-closed side may still
 * report an error) or nothing more (its close comes after its peer's, or
 * never). */
static int side_done(const struct gen_conn *g, int side)
{
    return g->state[side] == S_ENDED || g->state[side] == S_STOPPED || g->state[side] == S_HUNG;
}

static void gen_step(struct prng *r, struct gen_conn *g, int side)
{
    char buf[32];
    unsigned k = pick(r, 100);
    if (g->state[side] == S_HALF) {
        /* The peer cannot see an error after the close it has read: its
         * records all come first, so this is the connection's last. */
        if (k < 30) {
            add(g, side, WM_REC_ERROR, buf, gen_reason(r, buf));
            if (!side_done(g, !side))
                g->state[!side] = S_STOPPED;
        }
        if (k < 60)
            g->state[side] = S_ENDED;
    } else if (g->state[side] == S_OPEN && k < 55) {
        add(g, side, WM_REC_LINE, buf, gen_text(r, buf, 0));
    } else if (g->state[side] == S_OPEN && k < 70) {
        add(g, side, WM_REC_PARTIAL, buf, gen_text(r, buf, 1));
        g->state[side] = S_PARTIAL;
    } else if (k < 84) {
        add(g, side, WM_REC_CLOSE, "", 0);
        g->state[side] = pick(r, 4) ? S_ENDED : S_HALF;
    } else if (k < 90) {
        add(g, side, WM_REC_ERROR, buf, gen_reason(r, buf));
        g->state[side] = S_ENDED;
    } else if (k < 97) {
        g->state[side] = S_STOPPED;
    } else if (k < 99) {
        add(g, side, WM_REC_HANG, buf, pick(r, 2) ? gen_reason(r, buf) : 0);
        g->state[side] = S_HUNG;
    } else if (g->state[side] == S_PARTIAL) {
        g->state[side] = S_STOPPED;
    } /* else: the other side goes first */
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
    /* A hung side never closes: its peer's end is shown (it gave up, or
     * closed), unless it hung too. */
    for (int side = 0; side < 2; side++)
        if (g.state[side] == S_HUNG && (g.state[!side] == S_OPEN || g.state[!side] == S_PARTIAL ||
                                        g.state[!side] == S_STOPPED)) {
            add(&g, !side, WM_REC_CLOSE, "", 0);
            g.state[!side] = S_ENDED;
        }
    int shown = g.state[0] == S_ENDED || g.state[1] == S_ENDED || g.state[0] == S_HALF ||
                g.state[1] == S_HALF || g.state[0] == S_HUNG || g.state[1] == S_HUNG;
    if (!shown && !g.last_partial[0] && !g.last_partial[1])
        add(&g, pick(r, 2), WM_REC_CLOSE, "", 0); /* the first close */
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
