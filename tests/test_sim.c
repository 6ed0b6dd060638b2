/* The simulator through wm_execute: determinism (transports, chunking,
 * repeated runs, drivers), connections independent of each other, scripts
 * that wait forever are abandoned rather than hang, the step and journal
 * bounds, and a million-guess game. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "runcmd.h"
#include "testutil.h"
#include "transcript.h"

struct run_opts {
    uint64_t seed;
    uint32_t connections;
    int chunking;
    enum wm_transport_kind transport;
    enum wm_driver driver;
};

static const struct wm_game BOOK[] = {{1, 5, 3, 5, NULL}, {10, 15, 12, 5, NULL}};
static const struct wm_game MIXED[] = {{1, 20, 7, 10, NULL}, {1, 2, 2, 2, NULL}, {-5, 5, 0, 11, NULL}, {5, 1, 3, 2, NULL}};
static const struct wm_game WIDE[] = {{INT64_MIN, INT64_MAX, 0, 12, NULL}, {0, 4294967296, 4294967296, 25, NULL}};

static void make_cfg(struct wm_cfg *cfg, const struct wm_game *games, size_t ngames,
                     const struct run_opts *ro)
{
    struct wm_err err;
    wm_cfg_init(cfg);
    cfg->seed = ro->seed;
    cfg->connections = ro->connections ? ro->connections : 1;
    cfg->chunking = ro->chunking;
    for (size_t i = 0; i < ngames; i++)
        ck_assert_msg(wm_cfg_add_game(cfg, &games[i], &err) == 0, "%s", err.msg);
}

/* Runs the games and returns the rendered transcript (caller frees). */
static char *run_text(const struct wm_game *games, size_t ngames, const struct run_opts *ro,
                      size_t *len)
{
    struct wm_cfg cfg;
    make_cfg(&cfg, games, ngames, ro);
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.transport = ro->transport;
    o.driver = ro->driver;
    struct wm_conn_log *logs = NULL;
    struct wm_err err;
    ck_assert_msg(wm_execute(&cfg, NULL, &o, &logs, &err) == 0, "wm_execute: %s", err.msg);
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert(f != NULL);
    int rc = wm_tx_write(f, &cfg, logs);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(rc == 0, "wm_tx_write: inconsistent causes");
    wm_conn_logs_free(logs, cfg.connections);
    wm_cfg_free(&cfg);
    return buf;
}

static void expect_same(const char *a, size_t alen, const char *b, size_t blen, const char *what)
{
    ck_assert_msg(alen == blen && memcmp(a, b, alen) == 0, "%s: transcripts differ first at line %zu",
                  what, rc_first_diff_line(a, alen, b, blen));
}

#define GAMES(g) g, sizeof g / sizeof g[0]

START_TEST(same_seed_same_transcript_across_transports)
{
    static const struct run_opts cases[] = {
        {1234, 1, 0, 0, 0}, {22, 8, 0, 0, 0}, {24, 8, 1, 0, 0}, {UINT64_MAX - 3, 4, 1, 0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct run_opts sp = cases[i], mem = cases[i];
        sp.transport = WM_TR_SOCKETPAIR;
        mem.transport = WM_TR_MEMORY;
        size_t la, lb;
        char *a = run_text(GAMES(MIXED), &sp, &la), *b = run_text(GAMES(MIXED), &mem, &lb);
        char what[96];
        snprintf(what, sizeof what, "seed %llu, %u connections, chunking %d: socketpair vs memory",
                 (unsigned long long)cases[i].seed, cases[i].connections, cases[i].chunking);
        expect_same(a, la, b, lb, what);
        free(a);
        free(b);
    }
}
END_TEST

/* Chunking splits every read and write at seeded points; only the header
 * may tell: "# chunking: on" is its last line. */
static void expect_chunking_invisible(const struct wm_game *games, size_t ngames, uint64_t seed,
                                      uint32_t conns, enum wm_transport_kind tr)
{
    static const char mark[] = "# chunking: on\n";
    struct run_opts off = {seed, conns, 0, tr, 0}, on = {seed, conns, 1, tr, 0};
    size_t la, lb, ml = strlen(mark);
    char *a = run_text(games, ngames, &off, &la), *b = run_text(games, ngames, &on, &lb);
    char *m = strstr(b, mark);
    ck_assert_msg(m != NULL, "seed %llu: the header should say chunking is on",
                  (unsigned long long)seed);
    ck_assert_msg(strstr(a, mark) == NULL, "chunking off must not be written");
    memmove(m, m + ml, lb - (size_t)(m - b) - ml + 1);
    char what[96];
    snprintf(what, sizeof what, "seed %llu, %u connections, transport %d: chunking on vs off",
             (unsigned long long)seed, conns, (int)tr);
    expect_same(a, la, b, lb - ml, what);
    free(a);
    free(b);
}

START_TEST(chunking_does_not_change_records)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        expect_chunking_invisible(GAMES(MIXED), seed, (uint32_t)seed, WM_TR_SOCKETPAIR);
        expect_chunking_invisible(GAMES(MIXED), seed, (uint32_t)seed, WM_TR_MEMORY);
        expect_chunking_invisible(GAMES(WIDE), seed, 2, WM_TR_MEMORY);
    }
}
END_TEST

START_TEST(two_runs_are_byte_identical)
{
    struct run_opts ro = {77, 16, 1, WM_TR_SOCKETPAIR, 0};
    size_t la, lb;
    char *a = run_text(GAMES(MIXED), &ro, &la), *b = run_text(GAMES(MIXED), &ro, &lb);
    expect_same(a, la, b, lb, "two runs of seed 77, 16 connections, chunking");
    free(a);
    free(b);
}
END_TEST

/* CLI.md: the same seed and games give byte-identical transcripts from every driver. */
START_TEST(same_transcript_across_drivers)
{
    static const struct run_opts cases[] = {{1234, 1, 0, 0, 0}, {24, 8, 0, 0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t ls, lt, le;
        struct run_opts s = cases[i], t = cases[i], e = cases[i];
        t.driver = WM_DRV_THREADS;
        e.driver = WM_DRV_EVENTS;
        char *a = run_text(GAMES(MIXED), &s, &ls);
        char *b = run_text(GAMES(MIXED), &t, &lt);
        char *c = run_text(GAMES(MIXED), &e, &le);
        expect_same(a, ls, b, lt, "sim vs threads");
        expect_same(a, ls, c, le, "sim vs events");
        free(a);
        free(b);
        free(c);
    }
}
END_TEST

/* One connection's records, unnumbered, as transcript lines (caller frees). */
static char *conn_records(const struct wm_conn_log *log, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert(f != NULL);
    struct wm_cfg one;
    wm_cfg_init(&one);
    int rc = wm_tx_write(f, &one, log); /* header of a default cfg, then the records */
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(rc, 0);
    return buf;
}

static struct wm_conn_log *exec_logs(const struct wm_game *games, size_t ngames,
                                     const struct run_opts *ro, struct wm_cfg *cfg)
{
    make_cfg(cfg, games, ngames, ro);
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.transport = ro->transport;
    struct wm_conn_log *logs = NULL;
    struct wm_err err;
    ck_assert_msg(wm_execute(cfg, NULL, &o, &logs, &err) == 0, "wm_execute: %s", err.msg);
    return logs;
}

/* Connection n of an N-connection run is the one-connection run of seed + n - 1. */
static void expect_independent(uint64_t seed, uint32_t n, int chunking)
{
    struct run_opts multi = {seed, n, chunking, WM_TR_MEMORY, 0};
    struct wm_cfg cfg;
    struct wm_conn_log *logs = exec_logs(GAMES(MIXED), &multi, &cfg);
    for (uint32_t i = 0; i < n; i++) {
        struct run_opts single = {seed + i, 1, chunking, WM_TR_MEMORY, 0};
        struct wm_cfg one;
        struct wm_conn_log *alone = exec_logs(GAMES(MIXED), &single, &one);
        size_t la, lb;
        char *a = conn_records(&logs[i], &la), *b = conn_records(alone, &lb);
        char what[120];
        snprintf(what, sizeof what, "connection %u of %u (seed %llu, chunking %d) vs a run alone",
                 i + 1, n, (unsigned long long)seed, chunking);
        expect_same(a, la, b, lb, what);
        free(a);
        free(b);
        wm_conn_logs_free(alone, 1);
        wm_cfg_free(&one);
    }
    wm_conn_logs_free(logs, cfg.connections);
    wm_cfg_free(&cfg);
}

START_TEST(connections_are_independent)
{
    expect_independent(100, 5, 0);
    expect_independent(200, 12, 1);
    expect_independent(UINT64_MAX - 2, 3, 1);
}
END_TEST

/* ---- scripts that wait forever are abandoned ---------------------------------------- */

static char tmpdir[64];

/* Unchecked fixtures: they run in Check's parent process, so the directory
 * goes away even when a forked test fails. */
static void make_tmpdir(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "sim") == 0, "mkdtemp failed");
}

static void remove_tmpdir(void)
{
    rc_rmtree(tmpdir);
}

static void write_tmp(const char *name, const char *content, char *path)
{
    snprintf(path, 128, "%s/%s", tmpdir, name);
    ck_assert(rc_write_file(path, content, strlen(content)) == 0);
}

/* Parses path, runs it as check does, and returns the rendered result. */
static char *run_script(const char *path)
{
    struct wm_transcript t;
    struct wm_err err;
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    ck_assert_msg(wm_tx_parse(path, &t, o.max_journal, &err) == 0, "%s", err.msg);
    struct wm_conn_log *logs = NULL;
    ck_assert_msg(wm_execute(&t.cfg, &t, &o, &logs, &err) == 0,
                  "a waiting script must be abandoned, not fail the run: %s", err.msg);
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert(f != NULL);
    ck_assert_int_eq(wm_tx_write(f, &t.cfg, logs), 0);
    ck_assert_int_eq(fclose(f), 0);
    wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return buf;
}

static void expect_check_fails_at(const char *path, size_t line)
{
    struct rc_result r;
    rc_warmer_run(&r, "check", path, (char *)NULL);
    char first[200];
    snprintf(first, sizeof first, "first difference: %s:%zu", path, line);
    ck_assert_msg(r.status == 1 && strstr(r.out, "FAIL ") && strstr(r.out, "\n@@ -") &&
                      rc_has_line(r.out, first),
                  "want exit 1, a diff and \"%s\"; %s", first, rc_describe(&r));
    rc_free(&r);
}

#define HDR "# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n"

START_TEST(waiting_client_script_is_abandoned)
{
    char path[128];
    write_tmp("client-waits.txt", HDR "# client: script\nC: PARAMS 1 5\nS: 4\n", path);
    char *got = run_script(path);
    ck_assert_msg(strstr(got, "# client: script\nC: PARAMS 1 5\nC! close\n") && !strstr(got, "S: 4"),
                  "the abandoned client should close after PARAMS; got:\n%s", got);
    free(got);
    expect_check_fails_at(path, 6);
}
END_TEST

START_TEST(waiting_server_script_is_abandoned)
{
    char path[128];
    write_tmp("server-waits.txt",
              HDR "# server: script\nC: PARAMS 1 5\nC: NUMBER\nC: NUMBER\nS: 4\n", path);
    char *got = run_script(path);
    ck_assert_msg(strstr(got, "C: PARAMS 1 5\nC: NUMBER\nS! close\nC: PARAMS 0 -1\nC! error ") != NULL,
                  "the abandoned server should close while the client awaits a guess; got:\n%s",
                  got);
    free(got);
    expect_check_fails_at(path, 7);
}
END_TEST

/* A record the file puts after the peer's close waits for that close: a
 * server that does not close where the file says cannot be answered as if
 * it had (the false pass of a live replay against a lenient server). */
START_TEST(script_waits_for_the_peer_close)
{
    char path[128];
    write_tmp("close-first.txt", HDR "# client: script\nC: PARAMS 1 5\nS! close\nC: NUMBER\n",
              path);
    char *got = run_script(path);
    ck_assert_msg(!strstr(got, "C: NUMBER") && !strstr(got, "\nS: ") &&
                      strstr(got, "C: PARAMS 1 5\nC! close\nS! error client closed"),
                  "the client must wait for the server's close, which never comes, and be "
                  "abandoned without sending NUMBER; got:\n%s", got);
    free(got);
    expect_check_fails_at(path, 6);
}
END_TEST

/* docs/TRANSCRIPTS.md: "an updated file is a fixed point": after
 * `check --update`, check passes and a second update changes nothing. */
static void expect_update_fixed_point(const char *name, const char *content)
{
    char path[128];
    write_tmp(name, content, path);
    struct rc_result r;
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "%s: first update: %s", name, rc_describe(&r));
    rc_free(&r);
    size_t l1, l2;
    char *once = rc_read_file(path, &l1);
    ck_assert(once != NULL);
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "%s: the updated file fails check: %s\nfile:\n%s", name,
                  rc_describe(&r), once);
    rc_free(&r);
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "%s: second update: %s", name, rc_describe(&r));
    rc_free(&r);
    char *twice = rc_read_file(path, &l2);
    ck_assert(twice != NULL);
    expect_same(once, l1, twice, l2, name);
    free(once);
    free(twice);
}

START_TEST(update_is_a_fixed_point)
{
    expect_update_fixed_point("client-waits.txt", HDR "# client: script\nC: PARAMS 1 5\nS: 4\n");
    expect_update_fixed_point("server-waits.txt",
                              HDR "# server: script\nC: PARAMS 1 5\nC: NUMBER\nC: NUMBER\nS: 4\n");
    expect_update_fixed_point(
        "both.txt", HDR "# connections: 2\n# client: script\n# server: script\nC1: PARAMS 1 5\n"
                        "C1: NUMBER\nS1: 4\nC1: REPORT Unsure\nC1! close\nC2: PARAMS 1 5\n"
                        "C2! partial NUMB\nC2! close\nS2! error incomplete line at end of "
                        "stream (no final newline): \"NUMB\"\n");
    expect_update_fixed_point("short.txt", HDR "# chunking: on\nC: PARAMS 1 5\n");
    /* A close the file shows after the peer's error is kept; without it, implied. */
    expect_update_fixed_point("close-after-error.txt",
                              HDR "# client: script\nC: NUMBER\nS! error NUMBER before any "
                                  "PARAMS\nC! close\n");
    expect_update_fixed_point("implied-close.txt",
                              HDR "# client: script\nC: NUMBER\nS! error NUMBER before any "
                                  "PARAMS\n");
    expect_update_fixed_point("after-the-end.txt", HDR "# client: script\n# server: script\n"
                                                       "C: A\nS! close\nC: B\nC! close\n");
}
END_TEST

/* check --update changes the records that differ and nothing else: comments
 * stay where they were, the mode stays, a symlink stays a symlink (its
 * target is updated), an unrelated FILE.tmp is left alone, and a second
 * update finds nothing to do. */
START_TEST(update_keeps_comments_mode_and_symlinks)
{
    char path[128], link[160], tmpfile[160];
    struct rc_result r;
    rc_warmer_run(&r, "run", "--seed", "3", "--game", "1:100:42:6", (char *)NULL);
    ck_assert_int_eq(r.status, 0);
    /* a comment in the header, one after two records, one at the end; a guess broken */
    const char *hdr_end = strstr(r.out, "C: PARAMS");
    const char *second = strstr(hdr_end, "C: NUMBER\n") + 10;
    char text[8192];
    snprintf(text, sizeof text, "%.*s# a comment in the header\n%.*s# note: after two records\n"
             "%s# the end\n", (int)(hdr_end - r.out), r.out, (int)(second - hdr_end), hdr_end,
             second);
    char *s76 = strstr(text, "S: 76\n");
    ck_assert(s76 != NULL);
    s76[4] = '7';
    write_tmp("golden.txt", text, path);
    rc_free(&r);
    ck_assert_int_eq(chmod(path, 0640), 0);
    snprintf(link, sizeof link, "%s/link.txt", tmpdir);
    ck_assert_int_eq(symlink("golden.txt", link), 0);
    snprintf(tmpfile, sizeof tmpfile, "%s.tmp", path);
    ck_assert(rc_write_file(tmpfile, "keep", 4) == 0);

    rc_warmer_run(&r, "check", "--update", link, (char *)NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "-S: 77\n+S: 76\n") &&
                      rc_has_line(r.out, "0 passed, 1 updated, 0 failed"),
                  "update should show the diff it applied and count it; %s", rc_describe(&r));
    rc_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a regular file");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0640, "mode %o, want 640", st.st_mode & 07777);
    size_t len;
    size_t klen;
    char *now = rc_read_file(path, &len), *keep = rc_read_file(tmpfile, &klen);
    s76[4] = '6'; /* what the file must now hold: the text with the guess mended */
    ck_assert_msg(now && len == strlen(text) && memcmp(now, text, len) == 0,
                  "the update changed more than the broken record:\n%s", now);
    ck_assert_msg(keep && strcmp(keep, "keep") == 0, "FILE.tmp was clobbered");
    free(now);
    free(keep);
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    ck_assert_msg(r.status == 0 && rc_has_line(r.out, "1 passed, 0 updated, 0 failed"),
                  "a second update must find nothing; %s", rc_describe(&r));
    rc_free(&r);
}
END_TEST

/* ---- bounds -------------------------------------------------------------------------- */

START_TEST(max_steps_stops_the_run)
{
    struct run_opts ro = {1234, 3, 1, WM_TR_MEMORY, 0};
    struct wm_cfg cfg;
    make_cfg(&cfg, GAMES(BOOK), &ro);
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.max_steps = 10;
    struct wm_conn_log *logs = NULL;
    struct wm_err err = {{0}};
    ck_assert_int_eq(wm_execute(&cfg, NULL, &o, &logs, &err), -1);
    ck_assert_msg(logs == NULL, "no logs on failure");
    ck_assert_msg(strstr(err.msg, "--max-steps") != NULL, "the error should name --max-steps: \"%s\"",
                  err.msg);
    o.max_steps = 0;
    ck_assert_int_eq(wm_execute(&cfg, NULL, &o, &logs, &err), -1);
    ck_assert_msg(strstr(err.msg, "--max-steps") != NULL, "max_steps 0: \"%s\"", err.msg);
    wm_cfg_free(&cfg);
    struct rc_result r;
    rc_warmer_run(&r, "run", "--max-steps", "10", (char *)NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "--max-steps") && strstr(r.err, "reproduce: "),
                  "warmer run --max-steps 10: %s", rc_describe(&r));
    rc_free(&r);
}
END_TEST

/* A full journal ends that side with an error naming --max-journal; the
 * run itself completes. The bound counts the records a side holds before
 * their place is settled, so in a lockstep run only a bound below a few
 * records is ever reached (test_drivers has the rest). */
START_TEST(journal_bound_ends_the_side)
{
    static const size_t limits[] = {0, 64, 200};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct run_opts ro = {5, 2, 0, WM_TR_MEMORY, 0};
        struct wm_cfg cfg;
        make_cfg(&cfg, GAMES(MIXED), &ro);
        struct wm_exec_opts o;
        wm_exec_opts_init(&o);
        o.max_journal = limits[i];
        struct wm_conn_log *logs = NULL;
        struct wm_err err = {{0}};
        int rc = wm_execute(&cfg, NULL, &o, &logs, &err);
        ck_assert_msg(rc == 0, "max_journal %zu: the run should complete: %s", limits[i], err.msg);
        int named = 0;
        for (uint32_t c = 0; c < cfg.connections; c++) {
            const struct wm_journal *j = &logs[c].client;
            const struct wm_rec *last = &j->recs[j->n - 1];
            named += last->kind == WM_REC_ERROR &&
                     strstr(wm_rec_text(j, last), "(--max-journal)") != NULL;
        }
        ck_assert_msg(named == (int)cfg.connections,
                      "max_journal %zu: every client should end naming --max-journal", limits[i]);
        wm_conn_logs_free(logs, cfg.connections);
        wm_cfg_free(&cfg);
    }
}
END_TEST

/* A million guesses over [1, 1e6] with the secret outside: the server must
 * guess every value once, the client judge each, and nobody say Correct. */
START_TEST(million_guess_game)
{
    enum { N = 1000000 };
    static const struct wm_game game[] = {{1, N, 0, N, NULL}};
    struct run_opts ro = {1234, 1, 0, WM_TR_MEMORY, 0};
    struct wm_cfg cfg;
    make_cfg(&cfg, GAMES(game), &ro);
    cfg.max_guesses = N;
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.transport = WM_TR_MEMORY;
    o.skip_logs = 1; /* the lines are what is counted: 3 million records, not 5 */
    struct wm_conn_log *logs = NULL;
    struct wm_err err;
    ck_assert_msg(wm_execute(&cfg, NULL, &o, &logs, &err) == 0, "wm_execute: %s", err.msg);
    ck_assert_msg(!wm_logs_have_error(logs, 1), "a side reported an error");
    const struct wm_journal *sj = &logs[0].server, *cj = &logs[0].client;
    unsigned char *seen = calloc(N + 1, 1);
    ck_assert(seen != NULL);
    size_t guesses = 0, numbers = 0, reports = 0, correct = 0;
    for (size_t i = 0; i < sj->n; i++) {
        const struct wm_rec *r = &sj->recs[i];
        if (r->kind != WM_REC_LINE)
            continue;
        long v = strtol(wm_rec_text(sj, r), NULL, 10);
        ck_assert_msg(v >= 1 && v <= N, "guess %ld out of range", v);
        ck_assert_msg(!seen[v], "guess %ld repeated (guess %zu)", v, guesses + 1);
        seen[v] = 1;
        guesses++;
    }
    free(seen);
    for (size_t i = 0; i < cj->n; i++) {
        const struct wm_rec *r = &cj->recs[i];
        const char *t = wm_rec_text(cj, r);
        if (r->kind != WM_REC_LINE)
            continue;
        numbers += strcmp(t, "NUMBER") == 0;
        reports += strncmp(t, "REPORT ", 7) == 0;
        correct += strcmp(t, "REPORT Correct") == 0;
    }
    ck_assert_uint_eq(guesses, N);
    ck_assert_uint_eq(numbers, N);
    ck_assert_uint_eq(reports, N);
    ck_assert_uint_eq(correct, 0);
    const struct wm_rec *last = &cj->recs[cj->n - 1];
    ck_assert_msg(last->kind == WM_REC_CLOSE || last->kind == WM_REC_LOG,
                  "the client should finish with a close (and its logs)");
    wm_conn_logs_free(logs, 1);
    wm_cfg_free(&cfg);
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    WM_ADD_TEST(s, same_seed_same_transcript_across_transports);
    WM_ADD_TEST(s, chunking_does_not_change_records);
    WM_ADD_TEST(s, two_runs_are_byte_identical);
    WM_ADD_TEST(s, same_transcript_across_drivers);
    WM_ADD_TEST(s, connections_are_independent);
#define ADD_WITH_FILES(fn) WM_ADD_TEST_WITH(s, fn, make_tmpdir, remove_tmpdir)
    ADD_WITH_FILES(waiting_client_script_is_abandoned);
    ADD_WITH_FILES(waiting_server_script_is_abandoned);
    ADD_WITH_FILES(script_waits_for_the_peer_close);
    ADD_WITH_FILES(update_is_a_fixed_point);
    ADD_WITH_FILES(update_keeps_comments_mode_and_symlinks);
#undef ADD_WITH_FILES
    WM_ADD_TEST(s, max_steps_stops_the_run);
    WM_ADD_TEST(s, journal_bound_ends_the_side);
    TCase *big = tcase_create("million_guess_game");
    tcase_set_timeout(big, 900); /* seconds natively; generous for valgrind */
    tcase_add_test(big, million_guess_game);
    suite_add_tcase(s, big);
    return s;
}

WM_TEST_MAIN(sim_suite)
