/* A side that hangs (WM_OUT_HANG, `S! hang <why>`; docs/TRANSCRIPTS.md):
 * the record written and parsed, the endpoint that flushes and then does
 * nothing, every in-process driver writing the same bytes for a run with a
 * test role that hangs, and a scripted side that plays a hang. */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "hanger.h"
#include "drivers.h"
#include "sim.h"
#include "testutil.h"
#include "transcript.h"

#define HDR "# warmer transcript v1\n# seed: 1\n# game: 1:5:3:5\n"

/* ---- the record ------------------------------------------------------------ */

static void expect_written(unsigned label, char side, const char *why, const char *want)
{
    char buf[WM_TX_RECORD_MAX(64)];
    size_t n = wm_tx_format_record(buf, label, side, WM_REC_HANG, why, strlen(why));
    ck_assert_msg(n == strlen(want) && memcmp(buf, want, n) == 0,
                  "wm_tx_format_record wrote \"%.*s\", want \"%s\"", (int)n, buf, want);
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    ck_assert(f != NULL);
    wm_tx_write_record(f, label, side, WM_REC_HANG, why, strlen(why));
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(strcmp(s, want) == 0, "wm_tx_write_record wrote \"%s\", want \"%s\"", s, want);
    free(s);
}

START_TEST(hang_record_written)
{
    expect_written(0, 'S', "every value was guessed", "S! hang every value was guessed\n");
    expect_written(0, 'C', "", "C! hang\n");
    expect_written(3, 'S', "x", "S3! hang x\n");
}
END_TEST

/* Parses text; -1 with err on a malformed file. */
static int parse_text(const char *text, struct wm_transcript *t, struct wm_err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    ck_assert(f != NULL);
    int rc = wm_tx_parse_file(f, "t.txt", t, WM_DEFAULT_MAX_JOURNAL, err);
    fclose(f);
    return rc;
}

static char *render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len)
{
    char *s = NULL;
    FILE *f = open_memstream(&s, len);
    ck_assert(f != NULL);
    int rc = wm_tx_write(f, cfg, logs);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(rc == 0, "the journals' causes are inconsistent (no merge)");
    return s;
}

static const char hung_pair[] = HDR "# connections: 2\n"
                                    "C1: PARAMS 1 5\n"
                                    "C1: NUMBER\n"
                                    "S1! hang every value was guessed\n"
                                    "C1! error no answer to NUMBER\n"
                                    "C2: PARAMS 1 5\n"
                                    "S2: 3\n"
                                    "S2! close\n"
                                    "C2! hang\n";

START_TEST(hang_record_round_trip)
{
    struct wm_transcript t;
    struct wm_err err;
    ck_assert_msg(parse_text(hung_pair, &t, &err) == 0, "%s", err.msg);
    const struct wm_journal *s1 = &t.conns[0].server, *c1 = &t.conns[0].client,
                            *c2 = &t.conns[1].client;
    ck_assert_uint_eq(s1->n, 1);
    ck_assert_int_eq(s1->recs[0].kind, WM_REC_HANG);
    ck_assert_str_eq(wm_rec_text(s1, &s1->recs[0]), "every value was guessed");
    ck_assert_uint_eq(s1->recs[0].cause, 2);
    /* Not a wire item: the client's error after it counts no server item. */
    ck_assert_uint_eq(c1->recs[2].cause, 0);
    ck_assert_int_eq(c2->recs[1].kind, WM_REC_HANG);
    ck_assert_uint_eq(c2->recs[1].len, 0);
    size_t len;
    char *again = render(&t.cfg, t.conns, &len);
    ck_assert_msg(len == strlen(hung_pair) && memcmp(again, hung_pair, len) == 0,
                  "re-rendered differently:\n%s\nwant:\n%s", again, hung_pair);
    free(again);
    wm_tx_free(&t);
}
END_TEST

static void expect_reject(const char *text, const char *want)
{
    struct wm_transcript t;
    struct wm_err err;
    int rc = parse_text(text, &t, &err);
    if (rc == 0)
        wm_tx_free(&t);
    ck_assert_msg(rc < 0, "accepted:\n%s", text);
    ck_assert_msg(strstr(err.msg, want) != NULL, "error \"%s\" should say \"%s\"", err.msg, want);
}

START_TEST(hang_record_nothing_of_the_side_after)
{
    expect_reject(HDR "C: PARAMS 1 5\nS! hang x\nS: 3\n",
                  "t.txt:6: a record of the server after its hang");
    expect_reject(HDR "C! hang\nC! close\n", "t.txt:5: a record of the client after its hang");
    expect_reject(HDR "C! hangs\n", "t.txt:4: expected '! close'");
    expect_reject(HDR "C! hang \n", "t.txt:4: expected '! close'");
    struct wm_transcript t;
    struct wm_err err; /* the peer's records may follow: its timeout, its close */
    ck_assert_msg(parse_text(HDR "C: PARAMS 1 5\nS! hang x\nC: NUMBER\nC! close\n", &t, &err) == 0,
                  "%s", err.msg);
    wm_tx_free(&t);
}
END_TEST

/* ---- a test role that hangs, under every in-process driver ----------------- */

/* Where each connection's hanging side hangs: 'S' or 'C' at line `at`
 * (0: at the peer's end). */
struct plan {
    char side;
    unsigned at;
    int answer;
};

enum driver { D_SIM, D_THREADS, D_EVENTS };
static const char *const driver_names[] = {"sim", "threads", "events"};

/* The transcript of a run of cfg whose sides hang as plans say (one a
 * connection), under driver d; NULL with err when the run fails. */
static char *run_hanging(const struct wm_cfg *cfg, const struct plan *plans, enum driver d,
                         const struct wm_transcript *script, struct wm_err *err)
{
    unsigned n = cfg->connections;
    struct wm_conn_log *logs = wm_conn_logs_new(n, WM_DEFAULT_MAX_JOURNAL);
    struct wm_conn *conns = calloc(n, sizeof *conns);
    struct hanger *hs = calloc(n, sizeof *hs);
    ck_assert(logs && conns && hs);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(wm_conn_init(&conns[i], i, cfg, &logs[i], script, NULL, err) == 0, "%s",
                      err->msg);
        if (!plans[i].side)
            continue;
        struct wm_endpoint *ep = plans[i].side == 'S' ? &conns[i].server : &conns[i].client;
        ck_assert(ep->role != &wm_script_role);
        hs[i] = (struct hanger){.inner = ep->role, .self = ep->self, .at = plans[i].at,
                                .answer = plans[i].answer, .at_eof = plans[i].at == 0};
        ep->role = &hanger_role;
        ep->self = &hs[i];
    }
    int rc;
    if (d == D_SIM) {
        struct wm_sim_opts so = {WM_TR_SOCKETPAIR, WM_DEFAULT_MAX_STEPS, NULL, 0, NULL};
        rc = wm_sim_run(conns, n, cfg->seed, cfg->chunking, &so, err);
    } else {
        rc = d == D_THREADS ? wm_threads_run(conns, n, err) : wm_events_run(conns, n, err);
    }
    char *text = NULL;
    size_t len;
    if (rc == 0)
        text = render(cfg, logs, &len);
    for (unsigned i = 0; i < n; i++)
        wm_conn_free(&conns[i]);
    free(conns);
    free(hs);
    wm_conn_logs_free(logs, n);
    return text;
}

/* Every driver writes want, byte for byte (want's lines in order, at least). */
static void every_driver_writes(const struct wm_cfg *cfg, const struct plan *plans,
                                const struct wm_transcript *script, const char *const *want)
{
    char *ref = NULL;
    for (int d = D_SIM; d <= D_EVENTS; d++) {
        struct wm_err err = {{0}};
        char *got = run_hanging(cfg, plans, (enum driver)d, script, &err);
        ck_assert_msg(got != NULL, "%s: the run failed: %s", driver_names[d], err.msg);
        if (!ref) {
            const char *at = got;
            for (size_t k = 0; want[k]; k++) {
                const char *p = strstr(at, want[k]);
                ck_assert_msg(p != NULL, "sim: no \"%s\" (in this order) in\n%s", want[k], got);
                at = p + strlen(want[k]);
            }
            ref = got;
            continue;
        }
        ck_assert_msg(strcmp(got, ref) == 0, "%s wrote\n%s\nsim wrote\n%s", driver_names[d],
                      got, ref);
        free(got);
    }
    free(ref);
}

static void cfg_games(struct wm_cfg *cfg, uint32_t connections)
{
    struct wm_err err;
    wm_cfg_init(cfg);
    cfg->seed = 7;
    cfg->connections = connections;
    struct wm_game g = {.lo = 1, .hi = 20, .secret = 9, .count = 2};
    ck_assert_msg(wm_cfg_add_game(cfg, &g, &err) == 0, "%s", err.msg);
}

/* The server hangs on a NUMBER: the client, left waiting, times out. */
START_TEST(server_hangs_client_times_out)
{
    struct wm_cfg cfg;
    cfg_games(&cfg, 1);
    const struct plan plans[] = {{'S', 2, 0}};
    const char *const want[] = {"C: PARAMS 1 20\nC: NUMBER\nS! hang test role: hangs at a line\n",
                                "C! error timed out waiting for a guess (game 1, guess 1)\n",
                                NULL};
    every_driver_writes(&cfg, plans, NULL, want);
    wm_cfg_free(&cfg);
}
END_TEST

/* What it answered before it hung goes out and is read. */
START_TEST(server_answers_then_hangs)
{
    struct wm_cfg cfg;
    cfg_games(&cfg, 1);
    const struct plan plans[] = {{'S', 2, 1}};
    const char *const want[] = {"C: NUMBER\nS: ", "\nS! hang test role: hangs at a line\n",
                                "C! error ", NULL};
    every_driver_writes(&cfg, plans, NULL, want);
    wm_cfg_free(&cfg);
}
END_TEST

/* As the book's asyncio server: it never closes after the client's close;
 * its peer is gone, so the harness ends it, and nothing follows its hang. */
START_TEST(server_never_closes_after_the_client)
{
    struct wm_cfg cfg;
    cfg_games(&cfg, 1);
    const struct plan plans[] = {{'S', 0, 0}};
    const char *const want[] = {"C! close\nS! hang test role: never closes\n", NULL};
    every_driver_writes(&cfg, plans, NULL, want);
    wm_cfg_free(&cfg);
}
END_TEST

/* The client hangs; and several connections, each its own way (one that
 * does not hang), end alike under every driver. */
START_TEST(hangs_on_both_sides_over_connections)
{
    struct wm_cfg cfg;
    cfg_games(&cfg, 4);
    const struct plan plans[] = {{'C', 1, 0}, {'S', 3, 1}, {0, 0, 0}, {'S', 0, 0}};
    const char *const want[] = {"S1! error timed out waiting for the client mid-game",
                                "C1! hang test role: hangs at a line\nC2: ",
                                "S2! hang test role: hangs at a line\n", "C3! close\n",
                                "C4! close\nS4! hang test role: never closes\n", NULL};
    every_driver_writes(&cfg, plans, NULL, want);
    wm_cfg_free(&cfg);
}
END_TEST

/* ---- a scripted side plays a hang ---------------------------------------- */

static const char *records_of(const char *text)
{
    const char *p = text;
    while (*p == '#')
        p = strchr(p, '\n') + 1;
    return p;
}

/* A run's transcript with hangs replays as written with the server
 * scripted, and with both sides scripted (`warmer check`), under every
 * driver. */
static void replays_as_written(uint32_t connections, const struct plan *plans)
{
    struct wm_cfg cfg;
    cfg_games(&cfg, connections);
    struct wm_err err = {{0}};
    char *made = run_hanging(&cfg, plans, D_SIM, NULL, &err);
    ck_assert_msg(made != NULL, "sim: %s", err.msg);
    ck_assert_msg(strstr(made, "! hang") != NULL, "no hang in\n%s", made);
    struct wm_transcript t;
    ck_assert_msg(parse_text(made, &t, &err) == 0, "%s", err.msg);
    const struct plan none[4] = {{0, 0, 0}};
    ck_assert(connections <= 4);
    for (int mode = 0; mode < 2; mode++) {
        t.cfg.server_script = 1;
        t.cfg.client_script = mode;
        /* A hanging client stays a session (with its test role) when only
         * the server is scripted. */
        const struct plan *p = plans;
        struct plan servers_only[4] = {{0, 0, 0}};
        for (uint32_t i = 0; i < connections && !mode; i++)
            if (plans[i].side == 'C')
                servers_only[i] = plans[i];
        p = mode ? none : servers_only;
        for (int d = D_SIM; d <= D_EVENTS; d++) {
            char *got = run_hanging(&t.cfg, p, (enum driver)d, &t, &err);
            ck_assert_msg(got != NULL, "%s, %s scripted: %s", driver_names[d],
                          mode ? "both sides" : "the server", err.msg);
            ck_assert_msg(strcmp(records_of(got), records_of(made)) == 0,
                          "%s, %s scripted, replayed\n%s\nthe file is\n%s", driver_names[d],
                          mode ? "both sides" : "the server", got, made);
            free(got);
        }
    }
    wm_tx_free(&t);
    free(made);
    wm_cfg_free(&cfg);
}

START_TEST(script_plays_a_hang)
{
    const struct plan mid_game[] = {{'S', 2, 0}}, answered[] = {{'S', 2, 1}},
                      at_end[] = {{'S', 0, 0}};
    const struct plan mixed[] = {{'C', 1, 0}, {'S', 3, 1}, {0, 0, 0}, {'S', 0, 0}};
    replays_as_written(1, mid_game);
    replays_as_written(1, answered);
    replays_as_written(1, at_end);
    replays_as_written(4, mixed);
}
END_TEST

static Suite *hang_suite(void)
{
    Suite *s = suite_create("hang");
    WM_ADD_TEST(s, hang_record_written);
    WM_ADD_TEST(s, hang_record_round_trip);
    WM_ADD_TEST(s, hang_record_nothing_of_the_side_after);
    WM_ADD_TEST(s, server_hangs_client_times_out);
    WM_ADD_TEST(s, server_answers_then_hangs);
    WM_ADD_TEST(s, server_never_closes_after_the_client);
    WM_ADD_TEST(s, hangs_on_both_sides_over_connections);
    WM_ADD_TEST(s, script_plays_a_hang);
    return s;
}

WM_TEST_MAIN(hang_suite)
