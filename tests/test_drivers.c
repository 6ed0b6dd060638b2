/* Tests for the socket drivers (sim/core/drivers/drv_threads.c, sim/core/drivers/drv_events.c) and the
 * event loop (sim/core/drivers/evloop.c, its native backend; test_evloop_poll.c runs the
 * same cases on poll): every driver must write the simulator's transcript
 * byte for byte, for the same configuration. */
#include "drivers.h"
#include "evloop.h"
#include "exec.h"
#include "testutil.h"
#include "transcript.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- running one configuration ------------------------------------------ */

struct flavour {
    const char *name;
    enum wm_driver driver;
    enum wm_transport_kind transport;
    int written; /* wm_execute_write: the records written as they settle (no scripts) */
};

/* The reference is the first: the simulator over a real socketpair, its
 * records collected and merged after the run. */
static const struct flavour flavours[] = {
    {"sim/socketpair", WM_DRV_SIM, WM_TR_SOCKETPAIR, 0},
    {"sim/memory", WM_DRV_SIM, WM_TR_MEMORY, 0},
    {"threads", WM_DRV_THREADS, WM_TR_SOCKETPAIR, 0},
    {"events", WM_DRV_EVENTS, WM_TR_SOCKETPAIR, 0},
    {"sim/socketpair written as it settles", WM_DRV_SIM, WM_TR_SOCKETPAIR, 1},
    {"sim/memory written as it settles", WM_DRV_SIM, WM_TR_MEMORY, 1},
    {"events written", WM_DRV_EVENTS, WM_TR_SOCKETPAIR, 1},
};
#define NFLAVOURS (sizeof flavours / sizeof flavours[0])

struct outcome {
    int rc;           /* wm_execute's */
    struct wm_err err; /* when rc < 0 */
    char *text;       /* the rendered transcript when rc == 0 */
    size_t len;
    int session_error; /* some side reported an error */
    double seconds;
};

static void outcome_free(struct outcome *o)
{
    free(o->text);
    o->text = NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct outcome execute(const struct wm_cfg *cfg, const struct wm_transcript *script,
                              const struct flavour *f, const char *label)
{
    struct outcome o = {0};
    struct wm_exec_opts opts;
    wm_exec_opts_init(&opts);
    opts.driver = f->driver;
    opts.transport = f->transport;
    struct wm_conn_log *logs = NULL;
    double t0 = now();
    if (f->written) {
        FILE *wf = open_memstream(&o.text, &o.len);
        ck_assert(wf != NULL);
        o.rc = wm_execute_write(cfg, &opts, 0, wf, &o.session_error, &o.err);
        o.seconds = now() - t0;
        ck_assert(fclose(wf) == 0);
        return o;
    }
    o.rc = wm_execute(cfg, script, &opts, &logs, &o.err);
    o.seconds = now() - t0;
    if (o.rc < 0)
        return o;
    FILE *mf = open_memstream(&o.text, &o.len);
    ck_assert(mf != NULL);
    int wrc = wm_tx_write(mf, cfg, logs);
    ck_assert(fclose(mf) == 0);
    ck_assert_msg(wrc == 0, "%s: %s: the journals' causes are inconsistent (no merge)", label,
                  f->name);
    o.session_error = wm_logs_have_error(logs, cfg->connections);
    wm_conn_logs_free(logs, cfg->connections);
    return o;
}

static struct outcome render(const struct wm_cfg *cfg, const struct wm_conn_log *logs)
{
    struct outcome o = {0};
    FILE *mf = open_memstream(&o.text, &o.len);
    ck_assert(mf != NULL);
    int wrc = wm_tx_write(mf, cfg, logs);
    ck_assert(fclose(mf) == 0);
    ck_assert(wrc == 0);
    return o;
}

/* Line number (from 1) and copies of the first lines where a and b differ. */
static void first_difference(const char *a, size_t alen, const char *b, size_t blen, size_t *line,
                             char *la, char *lb, size_t size)
{
    size_t i = 0, n = 1, start = 0;
    while (i < alen && i < blen && a[i] == b[i]) {
        if (a[i] == '\n') {
            n++;
            start = i + 1;
        }
        i++;
    }
    *line = n;
    size_t ea = start, eb = start;
    while (ea < alen && a[ea] != '\n')
        ea++;
    while (eb < blen && b[eb] != '\n')
        eb++;
    snprintf(la, size, "%.*s%s", (int)(ea - start), a + start, start >= alen ? "<end>" : "");
    snprintf(lb, size, "%.*s%s", (int)(eb - start), b + start, start >= blen ? "<end>" : "");
}

static void assert_same(const char *label, const char *want_name, const struct outcome *want,
                        const char *got_name, const struct outcome *got)
{
    ck_assert_msg(want->rc == got->rc, "%s: %s returned %d (%s) but %s returned %d (%s)", label,
                  got_name, got->rc, got->rc < 0 ? got->err.msg : "ok", want_name, want->rc,
                  want->rc < 0 ? want->err.msg : "ok");
    if (want->rc < 0)
        return;
    if (want->len == got->len && memcmp(want->text, got->text, want->len) == 0)
        return;
    size_t line;
    char la[200], lb[200];
    first_difference(want->text, want->len, got->text, got->len, &line, la, lb, sizeof la);
    ck_abort_msg("%s: %s's transcript differs from %s's at line %zu:\n  %s: %s\n  %s: %s", label,
                 got_name, want_name, line, want_name, la, got_name, lb);
}

/* Runs cfg under every flavour; all must match the first. Returns it. */
static struct outcome all_drivers_agree(const struct wm_cfg *cfg,
                                        const struct wm_transcript *script, const char *label)
{
    struct outcome ref = execute(cfg, script, &flavours[0], label);
    for (size_t i = 1; i < NFLAVOURS; i++) {
        if (flavours[i].written && script)
            continue; /* scripts are played by check and replay, which collect */
        struct outcome o = execute(cfg, script, &flavours[i], label);
        assert_same(label, flavours[0].name, &ref, flavours[i].name, &o);
        ck_assert_msg(o.session_error == ref.session_error, "%s: %s and %s disagree on errors",
                      label, flavours[i].name, flavours[0].name);
        outcome_free(&o);
    }
    return ref;
}

/* ---- configurations ------------------------------------------------------ */

static void cfg_make(struct wm_cfg *cfg, uint64_t seed, uint32_t connections, int chunking,
                     const struct wm_game *games, size_t ngames)
{
    struct wm_err err;
    wm_cfg_init(cfg);
    cfg->seed = seed;
    cfg->connections = connections;
    cfg->chunking = chunking;
    if (ngames == 0)
        ck_assert(wm_cfg_default_games(cfg, &err) == 0);
    for (size_t i = 0; i < ngames; i++)
        ck_assert(wm_cfg_add_game(cfg, &games[i], &err) == 0);
}

static void cfg_label(const struct wm_cfg *cfg, char *buf, size_t size)
{
    int n = snprintf(buf, size, "seed %llu, %u connection(s), chunking %s, games",
                     (unsigned long long)cfg->seed, cfg->connections, cfg->chunking ? "on" : "off");
    for (size_t i = 0; i < cfg->ngames && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, " %lld:%lld:%lld:%llu",
                      (long long)cfg->games[i].lo, (long long)cfg->games[i].hi,
                      (long long)cfg->games[i].secret, (unsigned long long)cfg->games[i].count);
}

static void agree_on(uint64_t seed, uint32_t connections, int chunking, const struct wm_game *games,
                     size_t ngames, int want_session_error)
{
    struct wm_cfg cfg;
    char label[512];
    cfg_make(&cfg, seed, connections, chunking, games, ngames);
    cfg_label(&cfg, label, sizeof label);
    struct outcome ref = all_drivers_agree(&cfg, NULL, label);
    ck_assert_msg(ref.rc == 0, "%s: the simulator failed: %s", label, ref.err.msg);
    ck_assert_msg(ref.session_error == want_session_error, "%s: session error %d, expected %d",
                  label, ref.session_error, want_session_error);
    outcome_free(&ref);
    wm_cfg_free(&cfg);
}

static const uint64_t seeds[] = {0, 1, 1234, 4294967301ULL, 9223372036854775808ULL};
#define NSEEDS (sizeof seeds / sizeof seeds[0])

static const struct wm_game wide_games[] = {
    {1, 100, 37, 20, NULL}, {-50, 50, 0, 30, NULL}, {10, 15, 12, 5, NULL}, {0, 0, 0, 1, NULL}, {1, 5, 3, 2, NULL},
};
#define NWIDE (sizeof wide_games / sizeof wide_games[0])

static void agree_on_connections(uint32_t connections)
{
    for (size_t s = 0; s < NSEEDS; s++) {
        for (int chunking = 0; chunking < 2; chunking++) {
            agree_on(seeds[s], connections, chunking, NULL, 0, 0);
            agree_on(seeds[s], connections, chunking, wide_games, NWIDE, 0);
        }
    }
}

START_TEST(test_book_run_identical)
{
    agree_on(1234, 1, 0, NULL, 0, 0);
}
END_TEST

START_TEST(test_one_connection)
{
    agree_on_connections(1);
}
END_TEST

START_TEST(test_two_connections)
{
    agree_on_connections(2);
}
END_TEST

START_TEST(test_eight_connections)
{
    agree_on_connections(8);
}
END_TEST

START_TEST(test_thirty_two_connections)
{
    agree_on_connections(32);
}
END_TEST

START_TEST(test_full_range_and_long_games)
{
    const struct wm_game g[] = {
        {INT64_MIN, INT64_MAX, 0, 64, NULL},
        {INT64_MIN, INT64_MAX, INT64_MAX, 64, NULL},
        {1, 1000000, 5, 3000, NULL},
        {-3, 3, -3, 7, NULL},
    };
    agree_on(42, 3, 0, g, 4, 0);
    agree_on(42, 3, 1, g, 4, 0);
}
END_TEST

START_TEST(test_server_error_empty_range)
{
    const struct wm_game g[] = {{5, 1, 3, 2, NULL}};
    agree_on(1234, 1, 0, g, 1, 1);
    agree_on(1234, 4, 1, g, 1, 1);
    const struct wm_game g2[] = {{1, 5, 3, 5, NULL}, {5, 1, 3, 2, NULL}, {10, 15, 12, 5, NULL}};
    agree_on(7, 2, 0, g2, 3, 1);
}
END_TEST

START_TEST(test_server_error_exhaustion)
{
    const struct wm_game g[] = {{1, 3, 9, 5, NULL}};
    agree_on(1234, 1, 0, g, 1, 1);
    agree_on(99, 8, 1, g, 1, 1);
}
END_TEST

START_TEST(test_two_hundred_connections_events_and_sim)
{
    struct wm_cfg cfg;
    cfg_make(&cfg, 1234, 200, 0, NULL, 0);
    struct outcome ref = execute(&cfg, NULL, &flavours[0], "200 connections");
    ck_assert_msg(ref.rc == 0, "sim, 200 connections: %s", ref.err.msg);
    const struct flavour *others[] = {&flavours[1], &flavours[3]};
    for (size_t i = 0; i < 2; i++) {
        struct outcome o = execute(&cfg, NULL, others[i], "200 connections");
        assert_same("200 connections", flavours[0].name, &ref, others[i]->name, &o);
        outcome_free(&o);
    }
    ck_assert(strstr(ref.text, "C200: PARAMS 0 -1\n") != NULL);
    outcome_free(&ref);
    wm_cfg_free(&cfg);
}
END_TEST

START_TEST(test_threads_refuses_too_many_connections)
{
    struct wm_cfg cfg;
    cfg_make(&cfg, 1, WM_THREADS_MAX_CONNECTIONS + 1, 0, NULL, 0);
    struct outcome o = execute(&cfg, NULL, &flavours[2], "513 connections");
    ck_assert_int_eq(o.rc, -1);
    ck_assert_msg(strstr(o.err.msg, "at most 512 connections") != NULL, "message: %s", o.err.msg);
    wm_cfg_free(&cfg);
}
END_TEST

/* Runs cfg under flavour f with --max-journal max_journal; the transcript. */
static char *limited_run(const struct wm_cfg *cfg, const struct flavour *f, size_t max_journal)
{
    struct wm_exec_opts opts;
    wm_exec_opts_init(&opts);
    opts.driver = f->driver;
    opts.transport = f->transport;
    opts.max_journal = max_journal;
    char *text = NULL;
    size_t len = 0;
    struct wm_err err;
    FILE *mf = open_memstream(&text, &len);
    ck_assert(mf != NULL);
    int rc, saw_error;
    if (f->written) {
        rc = wm_execute_write(cfg, &opts, 0, mf, &saw_error, &err);
    } else {
        struct wm_conn_log *logs = NULL;
        rc = wm_execute(cfg, NULL, &opts, &logs, &err);
        if (rc == 0)
            ck_assert_int_eq(wm_tx_write(mf, cfg, logs), 0);
        wm_conn_logs_free(logs, cfg->connections);
    }
    ck_assert(fclose(mf) == 0);
    ck_assert_msg(rc == 0, "%s: a full journal must end a side, not the run: %s", f->name,
                  err.msg);
    return text;
}

/* The socket drivers merge after the run, so --max-journal bounds all of a
 * side's records there: a full journal ends its side with an error record
 * naming the limit, the run goes on, and both write the same transcript. */
START_TEST(test_journal_limit_ends_the_side_under_socket_drivers)
{
    struct wm_cfg cfg;
    cfg_make(&cfg, 1234, 2, 0, NULL, 0);
    char *threads = limited_run(&cfg, &flavours[2], 300);
    char *events = limited_run(&cfg, &flavours[3], 300);
    ck_assert_msg(strstr(threads, "! error client side: transcript limit reached, its journal "
                                  "holds 300 bytes (--max-journal)") != NULL,
                  "threads: no limit error in:\n%s", threads);
    struct outcome want = {.text = threads, .len = strlen(threads)},
                   got = {.text = events, .len = strlen(events)};
    assert_same("journal limit", flavours[2].name, &want, flavours[3].name, &got);
    free(threads);
    free(events);
    wm_cfg_free(&cfg);
}
END_TEST

/* The simulator settles records as it goes, so --max-journal bounds only
 * what a side holds unsettled: a lockstep run never comes near 300 bytes.
 * A journal-limit fault counts every record made, so it ends the side at
 * the same record collected or written, over either transport. */
START_TEST(test_sim_journal_holds_only_unsettled_records)
{
    struct wm_cfg cfg;
    struct wm_fault f;
    struct wm_err err;
    cfg_make(&cfg, 1234, 2, 0, NULL, 0);
    for (size_t i = 0; i < NFLAVOURS; i++) {
        if (flavours[i].driver != WM_DRV_SIM)
            continue;
        char *text = limited_run(&cfg, &flavours[i], 300);
        ck_assert_msg(strstr(text, "transcript limit") == NULL && strstr(text, "C2! close\n"),
                      "%s: a 300-byte journal ended a lockstep run:\n%s", flavours[i].name, text);
        free(text);
    }
    ck_assert(wm_fault_parse("journal-limit 700", 17, &f, &err) == 0);
    ck_assert(wm_cfg_add_fault(&cfg, &f, &err) == 0);
    char *ref = NULL;
    for (size_t i = 0; i < NFLAVOURS; i++) {
        if (flavours[i].driver != WM_DRV_SIM)
            continue;
        char *text = limited_run(&cfg, &flavours[i], WM_DEFAULT_MAX_JOURNAL);
        ck_assert_msg(strstr(text, "transcript limit reached, its journal holds 700 bytes"),
                      "%s: no fault in:\n%s", flavours[i].name, text);
        if (!ref) {
            ref = text;
            continue;
        }
        struct outcome want = {.text = ref, .len = strlen(ref)},
                       got = {.text = text, .len = strlen(text)};
        assert_same("journal-limit fault", flavours[0].name, &want, flavours[i].name, &got);
        free(text);
    }
    free(ref);
    wm_cfg_free(&cfg);
}
END_TEST

/* ---- transcripts as scripts ---------------------------------------------- */

/* Writes text to a temporary file and parses it; the file is removed. */
static void parse_text(const char *text, struct wm_transcript *t)
{
    char path[] = "/tmp/warmer-drivers-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    size_t len = strlen(text);
    ck_assert(write(fd, text, len) == (ssize_t)len);
    ck_assert(close(fd) == 0);
    struct wm_err err;
    int rc = wm_tx_parse(path, t, WM_DEFAULT_MAX_JOURNAL, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "parse: %s", err.msg);
}

/* The file's cfg and records, run as check does and as replay does. */
static void fixture_agrees(const char *path)
{
    struct wm_transcript t;
    struct wm_err err;
    ck_assert_msg(wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err) == 0, "%s", err.msg);
    struct outcome want = render(&t.cfg, t.conns);
    char label[600];
    for (int mode = 0; mode < 3; mode++) {
        struct wm_cfg cfg = t.cfg; /* shares games; t owns them */
        const char *what = "check";
        if (mode == 1)
            cfg.client_script = 1, cfg.server_script = 0, what = "replay --server";
        if (mode == 2)
            cfg.client_script = 0, cfg.server_script = 1, what = "replay --client";
        snprintf(label, sizeof label, "%s (%s)", path, what);
        struct outcome ref = all_drivers_agree(&cfg, &t, label);
        if (mode == 0) /* check: the file must also be what every driver writes */
            assert_same(label, "the file", &want, flavours[0].name, &ref);
        outcome_free(&ref);
    }
    outcome_free(&want);
    wm_tx_free(&t);
}

static int is_transcript(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char line[64] = "";
    int ok = fgets(line, sizeof line, f) && strncmp(line, WM_TX_MAGIC "\n", strlen(WM_TX_MAGIC) + 1) == 0;
    fclose(f);
    return ok;
}

START_TEST(test_fixtures_identical_under_every_driver)
{
    const char *dir = getenv("WARMER_FIXTURES") ? getenv("WARMER_FIXTURES") : "fixtures";
    char pat[2][512];
    snprintf(pat[0], sizeof pat[0], "%s/*.txt", dir);
    snprintf(pat[1], sizeof pat[1], "%s/*/*.txt", dir);
    glob_t g;
    memset(&g, 0, sizeof g);
    int r0 = glob(pat[0], 0, NULL, &g);
    int r1 = glob(pat[1], r0 == 0 ? GLOB_APPEND : 0, NULL, &g);
    ck_assert(r0 == 0 || r0 == GLOB_NOMATCH);
    ck_assert(r1 == 0 || r1 == GLOB_NOMATCH);
    size_t ran = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        if (!is_transcript(g.gl_pathv[i]))
            continue; /* e.g. fixtures/rng: not transcripts */
        if (strstr(g.gl_pathv[i], "/faults/"))
            continue; /* fault plans are the simulator's (test_fixtures checks both transports) */
        fixture_agrees(g.gl_pathv[i]);
        ran++;
    }
    if (r0 == 0 || r1 == 0)
        globfree(&g);
    if (ran == 0)
        fprintf(stderr, "test_drivers: no transcript fixtures under %s (nothing to compare)\n", dir);
}
END_TEST

/* The real client sends PARAMS and NUMBER and awaits a guess; the scripted
 * server waits for a third client line that never comes. */
static const char server_waits_forever[] =
    "# warmer transcript v1\n"
    "# seed: 1234\n"
    "# game: 1:5:3:5\n"
    "# server: script\n"
    "C: PARAMS 1 5\n"
    "C: NUMBER\n"
    "C: NUMBER\n"
    "S: 4\n";

/* The real server answers one guess; the scripted client waits for a second. */
static const char client_waits_forever[] =
    "# warmer transcript v1\n"
    "# seed: 1234\n"
    "# game: 1:5:3:5\n"
    "# client: script\n"
    "C: PARAMS 1 5\n"
    "C: NUMBER\n"
    "S: 4\n"
    "S: 1\n"
    "C: REPORT Unsure\n";

static void abandoned_under_every_driver(const char *text, const char *label, const char *want)
{
    struct wm_transcript t;
    parse_text(text, &t);
    struct outcome ref = execute(&t.cfg, &t, &flavours[0], label);
    ck_assert_msg(ref.rc == 0, "%s: sim: %s", label, ref.err.msg);
    ck_assert_msg(strstr(ref.text, want) != NULL, "%s: no \"%s\" in\n%s", label, want, ref.text);
    for (size_t i = 1; i < NFLAVOURS; i++) {
        if (flavours[i].written)
            continue; /* scripts are played by check and replay, which collect */
        struct outcome o = execute(&t.cfg, &t, &flavours[i], label);
        assert_same(label, flavours[0].name, &ref, flavours[i].name, &o);
        ck_assert_msg(o.seconds < 5.0, "%s: %s took %.1f s to abandon the script", label,
                      flavours[i].name, o.seconds);
        outcome_free(&o);
    }
    outcome_free(&ref);
    wm_tx_free(&t);
}

START_TEST(test_waiting_server_script_is_abandoned)
{
    abandoned_under_every_driver(server_waits_forever, "server script waits forever", "S! close\n");
}
END_TEST

START_TEST(test_waiting_client_script_is_abandoned)
{
    abandoned_under_every_driver(client_waits_forever, "client script waits forever", "C! close\n");
}
END_TEST

/* A scripted client pipelines thousands of NUMBERs: the server's output
 * passes the high-water mark, so feeding pauses and resumes. */
START_TEST(test_pipelined_script_backpressure)
{
    const unsigned k = 20000;
    size_t cap = 256 + (size_t)k * 20;
    char *text = malloc(cap);
    ck_assert(text != NULL);
    size_t n = (size_t)snprintf(text, cap,
                                "# warmer transcript v1\n# seed: 5\n# game: 1:1000000:5:%u\n"
                                "# client: script\nC: PARAMS 1 1000000\n", k);
    for (unsigned i = 0; i < k; i++)
        n += (size_t)snprintf(text + n, cap - n, "C: NUMBER\n");
    for (unsigned i = 0; i < k; i++)
        n += (size_t)snprintf(text + n, cap - n, "S: 0\n");
    snprintf(text + n, cap - n, "C: PARAMS 0 -1\n");
    struct wm_transcript t;
    parse_text(text, &t);
    free(text);
    struct outcome ref = all_drivers_agree(&t.cfg, &t, "20000 pipelined NUMBERs");
    ck_assert_msg(ref.rc == 0, "sim: %s", ref.err.msg);
    ck_assert(ref.len > (size_t)k * 2 * 8);
    outcome_free(&ref);
    wm_tx_free(&t);
}
END_TEST

#if defined(__linux__) && !defined(WM_EL_POLL)
#define WM_EL_EXPECT "epoll"
#else
#define WM_EL_EXPECT "poll"
#endif
#include "evloop_cases.h"

static Suite *drivers_suite(void)
{
    Suite *s = suite_create("drivers");
    WM_ADD_TEST(s, test_book_run_identical);
    WM_ADD_TEST(s, test_one_connection);
    WM_ADD_TEST(s, test_two_connections);
    WM_ADD_TEST(s, test_eight_connections);
    WM_ADD_TEST(s, test_thirty_two_connections);
    WM_ADD_TEST(s, test_full_range_and_long_games);
    WM_ADD_TEST(s, test_server_error_empty_range);
    WM_ADD_TEST(s, test_server_error_exhaustion);
    WM_ADD_TEST(s, test_two_hundred_connections_events_and_sim);
    WM_ADD_TEST(s, test_threads_refuses_too_many_connections);
    WM_ADD_TEST(s, test_journal_limit_ends_the_side_under_socket_drivers);
    WM_ADD_TEST(s, test_sim_journal_holds_only_unsettled_records);
    WM_ADD_TEST(s, test_fixtures_identical_under_every_driver);
    WM_ADD_TEST(s, test_waiting_server_script_is_abandoned);
    WM_ADD_TEST(s, test_waiting_client_script_is_abandoned);
    WM_ADD_TEST(s, test_pipelined_script_backpressure);
    wm_evloop_cases(s);
    return s;
}

WM_TEST_MAIN(drivers_suite)
