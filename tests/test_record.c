/* sim/net/record/rec_tx.c: what warmer record makes of its journals, without sockets.
 * Journals are built by hand (causes as the proxy sets them) or taken from
 * an in-process run with the logs dropped (what a proxy sees of it); the
 * written transcript must carry the first header that reproduces it, parse
 * back, and say in comments what the header cannot. */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "exec.h"
#include "rec_spool.h"
#include "rec_verify.h"
#include "runcmd.h"
#include "testutil.h"

static char tmpdir[64];

static void setup(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "rec") == 0, "mkdtemp failed");
}

static void teardown(void)
{
    rc_rmtree(tmpdir);
}

/* Appends records given as "C: line", "S: line", "C! close", "S! partial x"
 * in the order they reached the proxy; each cause is the number of the
 * other side's wire records before it (the proxy forwards at once). */
static void build(struct wm_conn_log *log, const char *const *recs)
{
    uint64_t wire[2] = {0, 0};
    for (; *recs; recs++) {
        const char *r = *recs;
        int s = r[0] == 'S';
        struct wm_journal *j = s ? &log->server : &log->client;
        enum wm_rec_kind kind = WM_REC_LINE;
        const char *text = r + 3;
        if (strncmp(r + 1, "! close", 7) == 0)
            kind = WM_REC_CLOSE, text = "";
        else if (strncmp(r + 1, "! partial ", 10) == 0)
            kind = WM_REC_PARTIAL, text = r + 11;
        ck_assert_int_eq(wm_journal_add(j, kind, wire[!s], text, strlen(text)), 0);
        wire[s]++;
    }
}

/* A run's journals as a proxy would record them: logs (and errors, seen
 * live only as closes) are not on the wire. */
static struct wm_conn_log *recorded_run(uint64_t seed, uint32_t conns, const char *const *games)
{
    struct wm_cfg cfg;
    struct wm_exec_opts eo;
    struct wm_err err;
    struct wm_conn_log *ran;
    wm_cfg_init(&cfg);
    wm_exec_opts_init(&eo);
    cfg.seed = seed;
    cfg.connections = conns;
    for (; *games; games++) {
        struct wm_game g;
        ck_assert(wm_game_parse(*games, strlen(*games), &g, &err) == 0);
        ck_assert(wm_cfg_add_game(&cfg, &g, &err) == 0);
    }
    ck_assert_msg(wm_execute(&cfg, NULL, &eo, &ran, &err) == 0, "%s", err.msg);
    struct wm_conn_log *out = wm_conn_logs_new(conns, WM_DEFAULT_MAX_JOURNAL);
    for (uint32_t i = 0; i < conns; i++) {
        struct wm_journal *from[2] = {&ran[i].client, &ran[i].server};
        struct wm_journal *to[2] = {&out[i].client, &out[i].server};
        for (int s = 0; s < 2; s++)
            for (size_t k = 0; k < from[s]->n; k++) {
                const struct wm_rec *r = &from[s]->recs[k];
                ck_assert_msg(r->kind != WM_REC_ERROR, "the run reported an error");
                if (r->kind != WM_REC_LOG)
                    wm_journal_add(to[s], (enum wm_rec_kind)r->kind, r->cause,
                                   wm_rec_text(from[s], r), r->len);
            }
    }
    wm_conn_logs_free(ran, conns);
    wm_cfg_free(&cfg);
    return out;
}

static const char *const book_games[] = {"1:5:3:5", "10:15:12:5", NULL};

/* The text `warmer run` prints for these settings (caller frees). */
static char *run_text(uint64_t seed, uint32_t conns, const char *const *games)
{
    struct wm_conn_log *logs = recorded_run(seed, conns, games);
    struct wm_cfg cfg;
    struct wm_err err;
    wm_cfg_init(&cfg);
    cfg.seed = seed;
    cfg.connections = conns;
    for (; *games; games++) {
        struct wm_game g;
        wm_game_parse(*games, strlen(*games), &g, &err);
        wm_cfg_add_game(&cfg, &g, &err);
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_int_eq(wm_tx_write(f, &cfg, logs), 0);
    fclose(f);
    wm_conn_logs_free(logs, conns);
    wm_cfg_free(&cfg);
    return buf;
}

/* wm_recd_write's text; the file must parse with the header v says. */
static char *write_rec(const struct wm_recd_tx_opts *o, struct wm_conn_log *logs, uint32_t n,
                       struct wm_recd_verdict *v)
{
    char *buf = NULL, path[128];
    size_t size = 0;
    struct wm_err err;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_msg(wm_recd_write(f, o, logs, n, v, &err) == 0, "%s", err.msg);
    fclose(f);
    snprintf(path, sizeof path, "%s/rec.txt", tmpdir);
    ck_assert(rc_write_file(path, buf, size) == 0);
    struct wm_transcript t;
    ck_assert_msg(wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err) == 0, "%s\n%s", err.msg, buf);
    ck_assert_int_eq(t.cfg.client_script, v->client_script);
    ck_assert_int_eq(t.cfg.server_script, v->server_script);
    ck_assert_uint_eq(t.cfg.connections, n);
    wm_tx_free(&t);
    return buf;
}

static const struct wm_recd_tx_opts seeded = {1, 1234, WM_LINE_MAX_DEFAULT, WM_DEFAULT_MAX_JOURNAL,
                                             WM_PROFILE_STRICT};
static const struct wm_recd_tx_opts unseeded = {0, 0, WM_LINE_MAX_DEFAULT, WM_DEFAULT_MAX_JOURNAL,
                                               WM_PROFILE_STRICT};

START_TEST(test_infer_book)
{
    struct wm_conn_log *logs = recorded_run(1234, 1, book_games);
    struct wm_recd_played p;
    ck_assert_int_eq(wm_recd_infer(&logs[0], &p), 0);
    ck_assert_int_eq(p.regular, 1);
    ck_assert_uint_eq(p.n, 2);
    /* secret = the guess reported Correct, count = the NUMBERs sent */
    ck_assert(p.games[0].known && p.games[0].g.lo == 1 && p.games[0].g.hi == 5);
    ck_assert(p.games[0].g.secret == 3 && p.games[0].g.count == 4);
    ck_assert(p.games[1].known && p.games[1].g.lo == 10 && p.games[1].g.hi == 15);
    ck_assert(p.games[1].g.secret == 12 && p.games[1].g.count == 3);
    wm_recd_played_free(&p);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_infer_unknown_secret)
{
    /* count 2 reached without Correct: a known count, no known secret */
    static const char *const recs[] = {"C: PARAMS 1 9", "C: NUMBER", "S: 4", "C: REPORT Unsure",
                                       "C: NUMBER", "S: 7", "C: REPORT Warmer", "C: PARAMS 0 -1",
                                       "C! close", NULL};
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    build(&logs[0], recs);
    struct wm_recd_played p;
    ck_assert_int_eq(wm_recd_infer(&logs[0], &p), 0);
    ck_assert_int_eq(p.regular, 1);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_int_eq(p.games[0].known, 0);
    ck_assert(p.games[0].g.count == 2);
    wm_recd_played_free(&p);
    wm_conn_logs_free(logs, 1);
}
END_TEST

static int regular(const char *const *recs)
{
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    build(&logs[0], recs);
    struct wm_recd_played p;
    ck_assert_int_eq(wm_recd_infer(&logs[0], &p), 0);
    int r = p.regular;
    wm_recd_played_free(&p);
    wm_conn_logs_free(logs, 1);
    return r;
}

START_TEST(test_infer_irregular)
{
    static const char *const before_params[] = {"C: NUMBER", "S! close", NULL};
    static const char *const unended[] = {"C: PARAMS 1 5", "C: NUMBER", "S: 4", "C! close", NULL};
    static const char *const partial[] = {"C: PARAMS 1 5", "C: PARAMS 0 -1", "C! partial NUM",
                                          "C! close", NULL};
    static const char *const bad_bytes[] = {"C: PARAMS 1 5\r", "C! close", NULL};
    static const char *const after_correct[] = {"C: PARAMS 1 5", "C: NUMBER", "S: 3",
                                                "C: REPORT Correct", "C: NUMBER", "S: 4",
                                                "C: PARAMS 0 -1", NULL};
    static const char *const fine[] = {"C: PARAMS 1 5", "C: NUMBER", "S: 3", "C: REPORT Correct",
                                       "C: PARAMS 0 -1", "C! close", NULL};
    ck_assert_int_eq(regular(before_params), 0);
    ck_assert_int_eq(regular(unended), 0);
    ck_assert_int_eq(regular(partial), 0);
    ck_assert_int_eq(regular(bad_bytes), 0);
    ck_assert_int_eq(regular(after_correct), 0);
    ck_assert_int_eq(regular(fine), 1);
}
END_TEST

START_TEST(test_book_is_the_run)
{
    /* Both sides re-run: the file is `warmer run` with the inferred games. */
    static const char *const inferred[] = {"1:5:3:4", "10:15:12:3", NULL};
    struct wm_conn_log *logs = recorded_run(1234, 1, book_games);
    struct wm_recd_verdict v;
    char *got = write_rec(&seeded, logs, 1, &v);
    char *want = run_text(1234, 1, inferred);
    ck_assert(v.verified && !v.client_script && !v.server_script);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_no_seed_scripts_the_server)
{
    struct wm_conn_log *logs = recorded_run(1234, 1, book_games);
    struct wm_recd_verdict v;
    char *got = write_rec(&unseeded, logs, 1, &v);
    ck_assert(v.verified && !v.client_script && v.server_script);
    ck_assert_msg(strncmp(got, "# warmer transcript v1\n# seed: 0\n# game: 1:5:3:4\n"
                               "# game: 10:15:12:3\n# server: script\n# recorded without --seed",
                          strlen("# warmer transcript v1\n# seed: 0\n# game: 1:5:3:4\n"
                                 "# game: 10:15:12:3\n# server: script\n# recorded without "
                                 "--seed")) == 0, "%s", got);
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_wrong_seed_scripts_the_server)
{
    struct wm_conn_log *logs = recorded_run(1234, 1, book_games);
    struct wm_recd_tx_opts o = seeded;
    o.seed = 99;
    struct wm_recd_verdict v;
    char *got = write_rec(&o, logs, 1, &v);
    ck_assert(v.verified && !v.client_script && v.server_script);
    ck_assert(rc_has_line(got, "# seed: 99"));
    ck_assert_msg(strstr(got, "\n# the server side did not re-run from seed 99 (connection 1's "
                         "server record 2 is line \"2\" in a re-run, line \"1\" in the "
                         "recording): it is the file's S records\n") != NULL, "%s", got);
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_bad_bytes_kept)
{
    /* The server's error shows live only as its close: both sides scripted,
     * the bytes written escaped, never fixed. */
    static const char *const recs[] = {"C: NUM\x01" "BER", "C: \xff\xfe", "S! close", NULL};
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    build(&logs[0], recs);
    struct wm_recd_verdict v;
    char *got = write_rec(&seeded, logs, 1, &v);
    ck_assert(v.verified && v.client_script && v.server_script);
    ck_assert_msg(strstr(got, "\nC: NUM\\x01BER\nC: \\xff\\xfe\nS! close\n") != NULL, "%s", got);
    ck_assert(rc_has_line(got, "# played on connection 1: no game (and lines that are not games)"));
    ck_assert_msg(strstr(got, "\n# the server side did not re-run from seed 1234 (a re-run's "
                         "server ends connection 1 with an error, which a live server shows only "
                         "as its close)") != NULL, "%s", got);
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_pipelining_reason_is_true)
{
    /* A client that sends on before the replies come back (issue 17, item
     * 6): the seed's server gives exactly these lines, only sooner than the
     * proxy saw them, so the server is scripted, and the comment says that,
     * not that an error was hidden (there was none). */
    static const char *const recs[] = {"C: PARAMS 1 5", "C: NUMBER", "C: REPORT Unsure",
                                       "C: NUMBER", "C: REPORT Unsure", "C: PARAMS 0 -1",
                                       "S: 4", "S: 1", "C! close", NULL};
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    build(&logs[0], recs);
    struct wm_recd_verdict v;
    char *got = write_rec(&seeded, logs, 1, &v);
    ck_assert(v.verified && v.client_script && v.server_script);
    ck_assert_msg(strstr(got, "\n# the server side did not re-run from seed 1234 (it gives the "
                         "same records, but not in the order seen: the client sent on before the "
                         "replies to its earlier lines came back") != NULL, "%s", got);
    ck_assert_msg(strstr(got, "error") == NULL, "%s", got);
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_connections_differ)
{
    /* Each connection's server has its own seed, so the games differ: the
     * client is scripted, the games shown as comments, the server re-runs. */
    struct wm_conn_log *logs = recorded_run(21, 3, book_games);
    struct wm_recd_tx_opts o = seeded;
    o.seed = 21;
    struct wm_recd_verdict v;
    char *got = write_rec(&o, logs, 3, &v);
    ck_assert(v.verified && v.client_script && !v.server_script);
    ck_assert(rc_has_line(got, "# connections: 3"));
    ck_assert_msg(rc_has_line(got, "# played on connection 1: 1:5:3:3 10:15:12:5"), "%s", got);
    ck_assert(rc_has_line(got, "# played on connection 2: 1:5:3:5 10:15:12:3"));
    ck_assert(rc_has_line(got, "# played on connection 3: 1:5:3:1 10:15:12:3"));
    ck_assert(strstr(got, "\nC3: PARAMS 0 -1\nC3! close\n") != NULL);
    free(got);
    wm_conn_logs_free(logs, 3);
}
END_TEST

START_TEST(test_unverifiable_written_scripted)
{
    /* A line after the client's own close (no proxy records that, but a
     * bug could): no side, scripted or not, plays it; written anyway, both
     * sides scripted, and marked. */
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    ck_assert_int_eq(wm_journal_add(&logs[0].client, WM_REC_CLOSE, 0, "", 0), 0);
    ck_assert_int_eq(wm_journal_add(&logs[0].client, WM_REC_LINE, 0, "4", 1), 0);
    struct wm_recd_verdict v;
    char *got = write_rec(&seeded, logs, 1, &v);
    ck_assert(!v.verified && v.client_script && v.server_script);
    ck_assert_msg(strstr(got, "\n# NOT VERIFIED: ") != NULL, "%s", got);
    ck_assert(strstr(got, "\nC! close\nC: 4\n") != NULL);
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

/* The spool's text so far (its records settled). */
static char *spooled(const struct wm_rsp *sp)
{
    char *buf = NULL;
    size_t size = 0;
    struct wm_err err;
    FILE *f = open_memstream(&buf, &size);
    ck_assert(f);
    ck_assert_msg(wm_rsp_write(sp, f, &err) == 0, "%s", err.msg);
    fclose(f);
    return buf;
}

START_TEST(test_spool_settles_in_merged_order)
{
    /* Proxy causes count forwarded items, which may lag the file order;
     * records settle as wm_merge orders them, and a client record only
     * once no server record to come can go before it (the floor). */
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    struct wm_rsp *sp = wm_rsp_new();
    struct wm_err err;
    static const size_t sure[2] = {0, 0};
    ck_assert(sp);
    wm_journal_add(&logs[0].client, WM_REC_LINE, 0, "PARAMS 1 5", 10);
    wm_journal_add(&logs[0].client, WM_REC_LINE, 0, "NUMBER", 6);
    ck_assert(wm_rsp_settle(sp, 0, &logs[0], 0, sure, &err) == 0); /* a server record of cause 0 may come */
    char *t = spooled(sp);
    ck_assert_str_eq(t, "");
    free(t);
    ck_assert(wm_rsp_settle(sp, 0, &logs[0], 1, sure, &err) == 0); /* none before the first */
    t = spooled(sp);
    ck_assert_str_eq(t, "C: PARAMS 1 5\n");
    free(t);
    wm_journal_add(&logs[0].server, WM_REC_LINE, 1, "4", 1); /* NUMBER not forwarded yet */
    wm_journal_add(&logs[0].client, WM_REC_CLOSE, 0, "", 0);
    /* the server record may still count a client partial: it waits, and
     * so does all after it */
    static const size_t server_unsure[2] = {0, 1};
    ck_assert(wm_rsp_settle(sp, 0, &logs[0], UINT64_MAX, server_unsure, &err) == 0);
    t = spooled(sp);
    ck_assert_str_eq(t, "C: PARAMS 1 5\n");
    free(t);
    ck_assert(wm_rsp_settle(sp, 0, &logs[0], UINT64_MAX, sure, &err) == 0);
    t = spooled(sp);
    ck_assert_str_eq(t, "C: PARAMS 1 5\nS: 4\nC: NUMBER\nC! close\n");
    free(t);
    ck_assert(logs[0].client.n == 0 && logs[0].server.n == 0); /* settled records leave */
    wm_rsp_free(sp);
    wm_conn_logs_free(logs, 1);
}
END_TEST

START_TEST(test_many_games_bounded_comments)
{
    /* 70 games without Correct: comment lines stay few and within bounds. */
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    for (int i = 0; i < 70; i++) {
        wm_journal_add(&logs[0].client, WM_REC_LINE, 0, "PARAMS -9223372036854775808 9", 29);
        wm_journal_add(&logs[0].client, WM_REC_LINE, 0, "PARAMS 0 -1", 11);
    }
    wm_journal_add(&logs[0].client, WM_REC_CLOSE, 0, "", 0);
    struct wm_recd_tx_opts o = seeded;
    o.max_line = 1; /* the smallest transcript line bound */
    struct wm_recd_verdict v;
    char *got = write_rec(&o, logs, 1, &v);
    ck_assert(v.verified && v.client_script);
    size_t played = 0;
    for (const char *p = got; (p = strstr(p, "# played on connection 1:")) != NULL; p++)
        played++;
    ck_assert_uint_eq(played, WM_RECD_GAME_LINES + 1);
    ck_assert(rc_has_line(got, "# played on connection 1: and 6 games more"));
    free(got);
    wm_conn_logs_free(logs, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("record");
    WM_ADD_TEST(s, test_infer_book);
    WM_ADD_TEST(s, test_infer_unknown_secret);
    WM_ADD_TEST(s, test_infer_irregular);
    WM_ADD_TEST_WITH(s, test_book_is_the_run, setup, teardown);
    WM_ADD_TEST_WITH(s, test_no_seed_scripts_the_server, setup, teardown);
    WM_ADD_TEST_WITH(s, test_wrong_seed_scripts_the_server, setup, teardown);
    WM_ADD_TEST_WITH(s, test_bad_bytes_kept, setup, teardown);
    WM_ADD_TEST_WITH(s, test_pipelining_reason_is_true, setup, teardown);
    WM_ADD_TEST_WITH(s, test_connections_differ, setup, teardown);
    WM_ADD_TEST_WITH(s, test_unverifiable_written_scripted, setup, teardown);
    WM_ADD_TEST(s, test_spool_settles_in_merged_order);
    WM_ADD_TEST_WITH(s, test_many_games_bounded_comments, setup, teardown);
    return s;
}

WM_TEST_MAIN(suite)
