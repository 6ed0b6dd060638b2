/* The fixture set against the program and the library: every transcript
 * passes `warmer check`, the replays that apply to it pass, the book run is
 * reproduced byte for byte, and each golden's header alone regenerates it. */
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "runcmd.h"
#include "testutil.h"
#include "transcript.h"

#define GOLDEN_DIR "fixtures/golden"
#define BAD_DIR "fixtures/bad"
#define FAULTS_DIR "fixtures/faults"
#define BOOK_DIR "fixtures/book" /* the book profiles' goldens (and the book's vectors) */
#define GOLDEN_MIN 35
#define BAD_MIN 30
#define FAULTS_MIN 11
#define BOOK_MIN 14

/* Sorted .txt names of dir; fails if fewer than at_least (a lost fixture). */
static void list_fixtures(const char *dir, size_t at_least, struct rc_names *names)
{
    ck_assert_msg(rc_list_dir(dir, ".txt", names) == 0, "cannot open %s (run from the repo root)",
                  dir);
    ck_assert_msg(names->n >= at_least, "%s holds %zu transcripts, expected at least %zu: a fixture "
                  "was lost", dir, names->n, at_least);
}

/* 1 if the file's header block holds exactly this line. */
static int header_has(const char *path, const char *line)
{
    size_t len;
    char *text = rc_read_file(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    int found = 0;
    for (char *p = text; *p == '#' || *p == '\n';) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == strlen(line) && memcmp(p, line, n) == 0)
            found = 1;
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
    return found;
}

/* Runs `warmer <cmd...> path` for every selected file in dir and fails with
 * the list of failures and the first one's output. want_header selects the
 * files that hold that header line (NULL: all). */
static void run_all(const char *dir, size_t at_least, const char *want_header, const char *cmd,
                    const char *flag)
{
    struct rc_names names;
    list_fixtures(dir, at_least, &names);
    char failed[2048] = "", first[3700] = "";
    size_t nfail = 0, nrun = 0;
    for (size_t i = 0; i < names.n; i++) {
        char path[512], ok_line[600];
        snprintf(path, sizeof path, "%s/%s", dir, names.v[i]);
        if (want_header && !header_has(path, want_header))
            continue;
        nrun++;
        struct rc_result r;
        if (flag)
            rc_warmer_run(&r, cmd, flag, path, (char *)NULL);
        else
            rc_warmer_run(&r, cmd, path, (char *)NULL);
        snprintf(ok_line, sizeof ok_line, "ok %s", path);
        if (r.status != 0 || !rc_has_line(r.out, ok_line)) {
            if (nfail++ == 0)
                snprintf(first, sizeof first, "first failure, %.500s:\n%s", path, rc_describe(&r));
            size_t l = strlen(failed);
            snprintf(failed + l, sizeof failed - l, " %s", names.v[i]);
        }
        rc_free(&r);
    }
    rc_names_free(&names);
    ck_assert_msg(nrun > 0, "no file in %s matched %s", dir, want_header ? want_header : "");
    ck_assert_msg(nfail == 0, "`warmer %s%s%s FILE` failed for %zu of %zu files in %s:%s\n%s", cmd,
                  flag ? " " : "", flag ? flag : "", nfail, nrun, dir, failed, first);
}

START_TEST(fixture_dirs_complete)
{
    struct rc_names g, b;
    list_fixtures(GOLDEN_DIR, GOLDEN_MIN, &g);
    list_fixtures(BAD_DIR, BAD_MIN, &b);
    /* Each side the bad files script must be stated, so replay can pick them. */
    for (size_t i = 0; i < b.n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, b.v[i]);
        int c = header_has(path, "# client: script"), s = header_has(path, "# server: script");
        ck_assert_msg(c + s == 1, "%s should script exactly one side (client %d, server %d)", path,
                      c, s);
    }
    for (size_t i = 0; i < g.n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, g.v[i]);
        ck_assert_msg(!header_has(path, "# client: script") && !header_has(path, "# server: script"),
                      "%s is a golden: neither side may be scripted", path);
    }
    rc_names_free(&g);
    rc_names_free(&b);
}
END_TEST

START_TEST(check_every_golden)
{
    run_all(GOLDEN_DIR, GOLDEN_MIN, NULL, "check", NULL);
}
END_TEST

/* The book profiles' goldens: every transcript in fixtures/book (the
 * folder also holds the book's vectors, not transcripts) names its profile
 * and passes check, and replay of the side it does not script. */
START_TEST(check_every_book_golden)
{
    struct rc_names names;
    list_fixtures(BOOK_DIR, BOOK_MIN, &names);
    size_t n = 0;
    for (size_t i = 0; i < names.n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BOOK_DIR, names.v[i]);
        if (!header_has(path, "# warmer transcript v1"))
            continue;
        n++;
        ck_assert_msg(header_has(path, "# profile: book") ||
                          header_has(path, "# profile: book-asyncio"),
                      "%s is a book golden: its header must name a book profile", path);
        const char *modes[] = {NULL, "--server", "--client"};
        for (size_t m = 0; m < 3; m++) {
            if (m == 2 && header_has(path, "# client: script"))
                continue; /* our client plays games, not the file's bad lines */
            struct rc_result r;
            char ok_line[600];
            if (modes[m])
                rc_warmer_run(&r, "replay", modes[m], path, (char *)NULL);
            else
                rc_warmer_run(&r, "check", path, (char *)NULL);
            snprintf(ok_line, sizeof ok_line, "ok %s", path);
            ck_assert_msg(r.status == 0 && rc_has_line(r.out, ok_line), "`warmer %s %s %s`: %s",
                          modes[m] ? "replay" : "check", modes[m] ? modes[m] : "", path,
                          rc_describe(&r));
            rc_free(&r);
        }
    }
    rc_names_free(&names);
    ck_assert_msg(n >= BOOK_MIN, "%s holds %zu transcripts, expected at least %d", BOOK_DIR, n,
                  BOOK_MIN);
}
END_TEST

START_TEST(check_every_bad)
{
    run_all(BAD_DIR, BAD_MIN, NULL, "check", NULL);
}
END_TEST

START_TEST(check_every_fault)
{
    run_all(FAULTS_DIR, FAULTS_MIN, NULL, "check", NULL);
}
END_TEST

/* Each fault fixture holds the records its fault must produce
 * (docs/TRANSCRIPTS.md, "Faults"), and a scheduling-only fault changes none. */
START_TEST(faults_produce_their_records)
{
    static const struct {
        const char *file;
        const char *lines[3];
    } want[] = {
        {"reset-client", {"C! partial RE", "C! close", "S! error incomplete line at end of stream"}},
        {"reset-server", {"S! partial 4", "S! close", "C! error incomplete line at end of stream"}},
        {"half-close-client", {"C! partial RE", "C! close", "S! error incomplete line"}},
        {"half-close-server", {"S: 4", "S! close", "C! error server closed the connection while"}},
        {"stall-server", {"C: PARAMS 0 -1", "C! error timed out waiting for a guess (game 1, guess 2)",
                          NULL}},
        {"stall-client", {"C! partial REPORT U", "S! error timed out waiting for the client mid-game",
                          NULL}},
        {"journal-limit", {"C! error client side: transcript limit reached, its journal holds 700 "
                           "bytes (--max-journal)", NULL, NULL}},
        {"combined", {"C1! partial N", "S2! close", "S1! error timed out waiting for the client"}},
        {"alloc-fail", {"S! error out of memory recording guess 4", "C: PARAMS 0 -1",
                        "C! error server closed the connection while the client awaited"}},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[256];
        size_t len;
        snprintf(path, sizeof path, FAULTS_DIR "/%s.txt", want[i].file);
        char *text = rc_read_file(path, &len);
        ck_assert_msg(text != NULL, "cannot read %s", path);
        for (int k = 0; k < 3 && want[i].lines[k]; k++)
            ck_assert_msg(strstr(text, want[i].lines[k]) != NULL, "%s lacks \"%s\"", path,
                          want[i].lines[k]);
        free(text);
    }
    /* slow and delay only reorder: the records are those of the run without them */
    static const char *const same[][2] = {
        {"slow", "run --seed 1234 --connections 2"}, {"delay", "run --seed 1234 --connections 3"}};
    for (size_t i = 0; i < 2; i++) {
        char path[256];
        size_t len;
        snprintf(path, sizeof path, FAULTS_DIR "/%s.txt", same[i][0]);
        char *text = rc_read_file(path, &len);
        ck_assert(text != NULL);
        struct rc_result r;
        rc_warmer_run(&r, "run", "--seed", "1234", "--connections", i ? "3" : "2", (char *)NULL);
        const char *recs = strstr(text, "\nC1: "), *want_recs = strstr(r.out, "\nC1: ");
        ck_assert_msg(recs && want_recs && strcmp(recs, want_recs) == 0,
                      "%s: its records differ from `warmer %s`", path, same[i][1]);
        rc_free(&r);
        free(text);
    }
}
END_TEST

START_TEST(replay_server_every_golden)
{
    run_all(GOLDEN_DIR, GOLDEN_MIN, NULL, "replay", "--server");
}
END_TEST

START_TEST(replay_server_bad_client_scripts)
{
    run_all(BAD_DIR, BAD_MIN, "# client: script", "replay", "--server");
}
END_TEST

START_TEST(replay_client_every_golden)
{
    run_all(GOLDEN_DIR, GOLDEN_MIN, NULL, "replay", "--client");
}
END_TEST

START_TEST(replay_client_bad_server_scripts)
{
    run_all(BAD_DIR, BAD_MIN, "# server: script", "replay", "--client");
}
END_TEST

/* One `warmer check` over every file at once: the summary counts them all. */
START_TEST(check_all_in_one_invocation)
{
    struct rc_names g, b;
    list_fixtures(GOLDEN_DIR, GOLDEN_MIN, &g);
    list_fixtures(BAD_DIR, BAD_MIN, &b);
    size_t n = g.n + b.n;
    char **argv = calloc(n + 3, sizeof *argv);
    ck_assert(argv != NULL);
    argv[0] = (char *)rc_warmer();
    argv[1] = "check";
    for (size_t i = 0; i < n; i++) {
        const char *dir = i < g.n ? GOLDEN_DIR : BAD_DIR;
        const char *name = i < g.n ? g.v[i] : b.v[i - g.n];
        argv[i + 2] = malloc(strlen(dir) + strlen(name) + 2);
        ck_assert(argv[i + 2] != NULL);
        sprintf(argv[i + 2], "%s/%s", dir, name);
    }
    struct rc_result r;
    rc_run_argv(&r, argv);
    char summary[64];
    snprintf(summary, sizeof summary, "%zu passed, 0 failed", n);
    ck_assert_msg(r.status == 0 && rc_has_line(r.out, summary), "want \"%s\"; %s", summary,
                  rc_describe(&r));
    for (size_t i = 0; i < n; i++) {
        char ok_line[600];
        snprintf(ok_line, sizeof ok_line, "ok %s", argv[i + 2]);
        ck_assert_msg(rc_has_line(r.out, ok_line), "no \"%s\" line", ok_line);
        free(argv[i + 2]);
    }
    free(argv);
    rc_free(&r);
    rc_names_free(&g);
    rc_names_free(&b);
}
END_TEST

static void expect_output_equals_file(const char *file, const char *arg1, const char *arg2)
{
    size_t len;
    char *want = rc_read_file(file, &len);
    ck_assert_msg(want != NULL, "cannot read %s", file);
    struct rc_result r;
    rc_warmer_run(&r, "run", arg1, arg2, (char *)NULL);
    ck_assert_msg(r.status == 0, "warmer run %s %s: %s", arg1 ? arg1 : "", arg2 ? arg2 : "",
                  rc_describe(&r));
    ck_assert_msg(r.out_len == len && memcmp(r.out, want, len) == 0,
                  "warmer run %s %s differs from %s first at line %zu (%zu bytes, want %zu):\n%s",
                  arg1 ? arg1 : "", arg2 ? arg2 : "", file,
                  rc_first_diff_line(want, len, r.out, r.out_len), r.out_len, len, r.out);
    ck_assert_msg(r.err_len == 0, "warmer run wrote to stderr: %s", r.err);
    rc_free(&r);
    free(want);
}

START_TEST(run_book_format_matches_book_out)
{
    expect_output_equals_file("fixtures/book.out", "--format", "book");
}
END_TEST

START_TEST(run_default_matches_golden_book)
{
    expect_output_equals_file(GOLDEN_DIR "/book.txt", NULL, NULL);
}
END_TEST

START_TEST(run_explicit_book_args_match_golden_book)
{
    size_t len;
    char *want = rc_read_file(GOLDEN_DIR "/book.txt", &len);
    ck_assert(want != NULL);
    struct rc_result r;
    rc_warmer_run(&r, "run", "--seed", "1234", "--game", "1:5:3:5", "--game", "10:15:12:5",
                  "--format", "transcript", (char *)NULL);
    ck_assert_msg(r.status == 0 && r.out_len == len && memcmp(r.out, want, len) == 0,
                  "explicit book arguments differ from the golden: %s", rc_describe(&r));
    rc_free(&r);
    free(want);
}
END_TEST

/* The library path: parse the golden, run its header (no script), render,
 * and compare with the file's bytes. */
START_TEST(golden_headers_reproduce_via_library)
{
    struct rc_names names;
    list_fixtures(GOLDEN_DIR, GOLDEN_MIN, &names);
    for (size_t i = 0; i < names.n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, names.v[i]);
        size_t flen;
        char *file = rc_read_file(path, &flen);
        ck_assert_msg(file != NULL, "cannot read %s", path);
        struct wm_transcript t;
        struct wm_err err;
        struct wm_exec_opts opts;
        wm_exec_opts_init(&opts);
        ck_assert_msg(wm_tx_parse(path, &t, opts.max_journal, &err) == 0, "%s", err.msg);
        ck_assert_msg(!t.cfg.client_script && !t.cfg.server_script, "%s scripts a side", path);
        struct wm_conn_log *logs = NULL;
        ck_assert_msg(wm_execute(&t.cfg, NULL, &opts, &logs, &err) == 0, "%s: wm_execute: %s", path,
                      err.msg);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ck_assert(f != NULL);
        int wrc = wm_tx_write(f, &t.cfg, logs);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_msg(wrc == 0, "%s: wm_tx_write failed", path);
        ck_assert_msg(len == flen && memcmp(buf, file, flen) == 0,
                      "%s: the header's run differs from the file first at line %zu", path,
                      rc_first_diff_line(file, flen, buf, len));
        free(buf);
        wm_conn_logs_free(logs, t.cfg.connections);
        wm_tx_free(&t);
        free(file);
    }
    rc_names_free(&names);
}
END_TEST

static Suite *fixtures_suite(void)
{
    Suite *s = suite_create("fixtures");
    WM_ADD_TEST(s, fixture_dirs_complete);
    WM_ADD_TEST(s, check_every_golden);
    WM_ADD_TEST(s, check_every_bad);
    WM_ADD_TEST(s, check_every_book_golden);
    WM_ADD_TEST(s, check_every_fault);
    WM_ADD_TEST(s, faults_produce_their_records);
    WM_ADD_TEST(s, replay_server_every_golden);
    WM_ADD_TEST(s, replay_server_bad_client_scripts);
    WM_ADD_TEST(s, replay_client_every_golden);
    WM_ADD_TEST(s, replay_client_bad_server_scripts);
    WM_ADD_TEST(s, check_all_in_one_invocation);
    WM_ADD_TEST(s, run_book_format_matches_book_out);
    WM_ADD_TEST(s, run_default_matches_golden_book);
    WM_ADD_TEST(s, run_explicit_book_args_match_golden_book);
    WM_ADD_TEST(s, golden_headers_reproduce_via_library);
    return s;
}

WM_TEST_MAIN(fixtures_suite)
