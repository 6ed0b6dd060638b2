/* Tests for check's streamed comparison (sim/check/streamcmp.c) on a golden
 * larger than its diff window (WM_SCMP_WINDOW_LINES): the first difference
 * and the diff must be those of the whole-file comparison (compare.h),
 * which is the reference here, wherever the file was changed; a window that
 * had to be cut adds one line saying what it left out. */
#include "compare.h"
#include "exec.h"
#include "runcmd.h"
#include "streamcmp.h"
#include "testutil.h"

/* 2 connections of 20000 guesses: 120010 lines, 5 MB. */
#define GUESSES "1:1000000000000:0:20000"

struct lines {
    char *text; /* the file, '\n' turned to '\0' */
    char **l;
    size_t n;
};

static char dir[64], golden[128], edited[128];
static struct lines orig;

static void make_golden(void)
{
    struct wm_cfg cfg;
    struct wm_game g;
    struct wm_err err;
    struct wm_exec_opts o;
    int saw_error;
    wm_cfg_init(&cfg);
    wm_exec_opts_init(&o);
    o.transport = WM_TR_MEMORY;
    cfg.connections = 2;
    ck_assert(wm_game_parse(GUESSES, strlen(GUESSES), &g, &err) == 0);
    ck_assert(wm_cfg_add_game(&cfg, &g, &err) == 0);
    ck_assert(rc_mkdtemp(dir, "scmp") == 0);
    snprintf(golden, sizeof golden, "%s/golden.txt", dir);
    snprintf(edited, sizeof edited, "%s/edited.txt", dir);
    FILE *f = fopen(golden, "wb");
    ck_assert(f);
    ck_assert_msg(wm_execute_write(&cfg, &o, 0, f, &saw_error, &err) == 0, "%s", err.msg);
    ck_assert(fclose(f) == 0);
    wm_cfg_free(&cfg);
    size_t len;
    orig.text = rc_read_file(golden, &len);
    ck_assert(orig.text && len > 0 && orig.text[len - 1] == '\n');
    for (size_t i = 0; i < len; i++)
        orig.n += orig.text[i] == '\n';
    orig.l = malloc(orig.n * sizeof *orig.l);
    ck_assert(orig.l);
    char *p = orig.text;
    for (size_t i = 0; i < orig.n; i++) {
        orig.l[i] = p;
        p = strchr(p, '\n');
        *p++ = '\0';
    }
    ck_assert_uint_gt(orig.n, 5 * WM_SCMP_WINDOW_LINES);
}

static void drop_golden(void)
{
    free(orig.l);
    free(orig.text);
    memset(&orig, 0, sizeof orig);
    rc_rmtree(dir);
}

/* The golden with line at[k] (1-based, ascending) replaced by with[k]
 * (NULL: deleted; past the end: appended), into edited. */
static void write_edits(const size_t *at, const char *const *with, size_t n)
{
    FILE *f = fopen(edited, "wb");
    ck_assert(f);
    size_t k = 0;
    for (size_t i = 1; i <= orig.n + 1; i++) {
        int here = k < n && at[k] == i;
        if (here && with[k])
            fprintf(f, "%s\n", with[k]);
        if (i <= orig.n && !here)
            fprintf(f, "%s\n", orig.l[i - 1]);
        k += here;
    }
    ck_assert(fclose(f) == 0);
}

static void write_edited(size_t at, const char *with)
{
    write_edits(&at, &with, 1);
}

struct verdict {
    char *text;
    size_t len, first;
};

static struct wm_exec_opts opts(void)
{
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.transport = WM_TR_MEMORY;
    return o;
}

/* The whole-file comparison: what check did before it streamed. */
static struct verdict whole(void)
{
    struct verdict v = {0};
    struct wm_transcript t;
    struct wm_err err;
    struct wm_conn_log *logs;
    struct wm_rendered want, got;
    struct wm_exec_opts o = opts();
    o.skip_logs = 1;
    ck_assert_msg(wm_tx_parse(edited, &t, o.max_journal, &err) == 0, "%s", err.msg);
    ck_assert_msg(wm_execute(&t.cfg, &t, &o, &logs, &err) == 0, "%s", err.msg);
    ck_assert(wm_render(&t.cfg, t.conns, &want) == 0 && wm_render(&t.cfg, logs, &got) == 0);
    ck_assert(!wm_rendered_equal(&want, &got));
    FILE *f = open_memstream(&v.text, &v.len);
    v.first = wm_print_diff(f, edited, &t, &want, &got, NULL);
    fclose(f);
    wm_rendered_free(&want);
    wm_rendered_free(&got);
    wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return v;
}

static struct verdict streamed(void)
{
    struct verdict v = {0};
    struct wm_err err;
    struct wm_exec_opts o = opts();
    struct wm_scmp *s = wm_scmp_open(edited, o.max_journal, &err);
    ck_assert_msg(s, "%s", err.msg);
    enum wm_scmp_status st = wm_scmp_run(s, &o, &err);
    ck_assert_msg(st == WM_SCMP_DIFFER, "streamed status %d, not DIFFER (%s)", (int)st,
                  st == WM_SCMP_SAME ? "same" : err.msg);
    FILE *f = open_memstream(&v.text, &v.len);
    v.first = wm_scmp_print_diff(s, f, edited, NULL);
    fclose(f);
    wm_scmp_close(s);
    return v;
}

/* The golden edited at line at: check's first difference is want_first,
 * and its diff the whole comparison's, plus the window's line when cut. */
/* The edited file matches its run, streamed. */
static void assert_edited_same(void)
{
    struct wm_err err;
    struct wm_exec_opts o = opts();
    struct wm_scmp *s = wm_scmp_open(edited, o.max_journal, &err);
    ck_assert_msg(s, "%s", err.msg);
    ck_assert_int_eq(wm_scmp_run(s, &o, &err), WM_SCMP_SAME);
    wm_scmp_close(s);
}

static void expect_same_verdict(size_t at, const char *with, size_t want_first, int cut)
{
    write_edited(at, with);
    struct verdict w = whole(), s = streamed();
    ck_assert_uint_eq(w.first, want_first);
    ck_assert_uint_eq(s.first, want_first);
    const char *note = "... the diff shows a window of at most";
    char *tail = strstr(s.text, note);
    ck_assert_msg(cut == (tail != NULL), "a window note %s (line %zu edited):\n%s",
                  cut ? "missing" : "not expected", at, s.text);
    if (tail)
        *tail = '\0';
    ck_assert_msg(strcmp(s.text, w.text) == 0, "line %zu edited: streamed diff\n%s\nwhole diff\n%s",
                  at, s.text, w.text);
    free(w.text);
    free(s.text);
}

/* The first record (the golden's header is 4 lines: magic, seed, game,
 * connections). */
START_TEST(first_record_changed)
{
    ck_assert_str_eq(orig.l[4], "C1: PARAMS 1 1000000000000");
    expect_same_verdict(5, "C1: PARAMS 1 1000000000001", 5, 1);
}
END_TEST

START_TEST(middle_record_changed)
{
    size_t at = orig.n / 2;
    ck_assert(orig.l[at - 1][0] == 'C' || orig.l[at - 1][0] == 'S');
    char line[256];
    snprintf(line, sizeof line, "%sX", orig.l[at - 1]);
    expect_same_verdict(at, line, at, 1);
}
END_TEST

/* A record deleted in the middle: the run shows one line more there. */
START_TEST(middle_record_deleted)
{
    size_t at = orig.n / 2 + 1;
    /* the first line that differs is the one now at `at`, unless equal to the deleted one */
    ck_assert_str_ne(orig.l[at - 1], orig.l[at]);
    expect_same_verdict(at, NULL, at, 1);
}
END_TEST

/* Within the last window: the diff is exactly the whole comparison's. */
START_TEST(last_record_changed)
{
    ck_assert_str_eq(orig.l[orig.n - 1], "C2! close");
    expect_same_verdict(orig.n, "C2: PARAMS 0 -1", orig.n, 0);
}
END_TEST

/* A record the run does not make at the end of the file. */
START_TEST(extra_record_at_end)
{
    expect_same_verdict(orig.n + 1, "S2: 17", orig.n + 1, 0);
}
END_TEST

/* The file's last record missing: the run's extra record is past the
 * file's last, which is one line earlier now. */
START_TEST(missing_record_at_end)
{
    expect_same_verdict(orig.n, NULL, orig.n, 0);
}
END_TEST

/* A header edit (another seed): every record may differ; the first
 * difference is the whole comparison's, and so is the diff's start. */
START_TEST(header_seed_changed)
{
    ck_assert_str_eq(orig.l[1], "# seed: 1234");
    write_edited(2, "# seed: 99");
    struct verdict w = whole(), s = streamed();
    ck_assert_uint_gt(w.first, 4);
    ck_assert_uint_eq(s.first, w.first);
    char *wl = strstr(w.text, "\n@@"), *sl = strstr(s.text, "\n@@");
    ck_assert(wl && sl);
    ck_assert_int_eq(memcmp(w.text, s.text, (size_t)(wl - w.text)), 0);
    ck_assert_ptr_nonnull(strstr(s.text, "... the diff shows a window of at most"));
    free(w.text);
    free(s.text);
}
END_TEST

/* Records of connection 2 before connection 1's last: check renders by
 * connection, so this file is read again by connection; its first
 * difference and the diff's first hunk are the whole comparison's. */
START_TEST(connections_out_of_order_read_by_connection)
{
    char line[64];
    snprintf(line, sizeof line, "%s", orig.l[orig.n - 1]); /* "C2! close" */
    write_edited(6, line);
    struct verdict w = whole(), s = streamed();
    ck_assert_uint_eq(s.first, w.first);
    ck_assert_uint_gt(s.first, 4);
    /* the same up to the first hunk's end (the cut window shows no more) */
    const char *ws = w.text, *ss = s.text;
    for (int n = 0; n < 10 && ws && ss; n++) {
        ws = strchr(ws, '\n');
        ss = strchr(ss, '\n');
        ws = ws ? ws + 1 : NULL;
        ss = ss ? ss + 1 : NULL;
    }
    ck_assert(ws && ss && ws - w.text == ss - s.text);
    ck_assert_msg(memcmp(w.text, s.text, (size_t)(ws - w.text)) == 0,
                  "streamed diff\n%s\nwhole diff\n%s", s.text, w.text);
    free(w.text);
    free(s.text);
}
END_TEST

/* The same file with records out of connection order and no difference:
 * connection 1 moved after connection 2 is the same transcript. */
START_TEST(connections_swapped_are_same)
{
    FILE *f = fopen(edited, "wb");
    ck_assert(f);
    for (size_t i = 0; i < 4; i++)
        fprintf(f, "%s\n", orig.l[i]);
    for (int conn = 2; conn >= 1; conn--)
        for (size_t i = 4; i < orig.n; i++)
            if (orig.l[i][1] == '0' + conn)
                fprintf(f, "%s\n", orig.l[i]);
    ck_assert(fclose(f) == 0);
    assert_edited_same();
}
END_TEST

START_TEST(golden_is_same)
{
    write_edits(NULL, NULL, 0);
    assert_edited_same();
}
END_TEST

/* A malformed line after the first difference still makes the file
 * malformed, as when the whole file was parsed before the run. */
START_TEST(malformed_after_difference)
{
    size_t at[2] = {5, orig.n - 1};
    const char *with[2] = {"C1: PARAMS 1 2", "C2 broken"};
    write_edits(at, with, 2);
    struct wm_err err;
    struct wm_exec_opts o = opts();
    struct wm_scmp *s = wm_scmp_open(edited, o.max_journal, &err);
    ck_assert_msg(s, "%s", err.msg);
    ck_assert_int_eq(wm_scmp_run(s, &o, &err), WM_SCMP_MALFORMED);
    char want[256];
    snprintf(want, sizeof want, "%s:%zu: ", edited, orig.n - 1);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"",
                  err.msg, want);
    wm_scmp_close(s);
}
END_TEST

/* A header asking for a game no file could hold, over a file of its first
 * records: the run is stopped once its window is full (else this would
 * not end), and the difference is past the file's last record. */
START_TEST(run_longer_than_file_is_stopped)
{
    FILE *f = fopen(edited, "wb");
    ck_assert(f);
    fputs("# warmer transcript v1\n# seed: 1\n# game: 1:1000000000000:0:18446744073709551615\n"
          "# max-guesses: 268435456\nC: PARAMS 1 1000000000000\nC: NUMBER\n", f);
    ck_assert(fclose(f) == 0);
    struct verdict s = streamed();
    ck_assert_uint_eq(s.first, 7);
    ck_assert_ptr_nonnull(strstr(s.text, "the rest of the run not shown"));
    free(s.text);
}
END_TEST

/* --update of a big file rewrites its records from the run (again, into a
 * temporary file) and keeps a comment among them where it was. */
START_TEST(update_rewrites_records_keeps_comments)
{
    size_t at[2] = {7, orig.n / 2};
    const char *with[2] = {"# a comment among the records", "S1: 1"};
    write_edits(at, with, 2);
    struct wm_err err;
    struct wm_exec_opts o = opts();
    struct wm_scmp *s = wm_scmp_open(edited, o.max_journal, &err);
    ck_assert_msg(s, "%s", err.msg);
    ck_assert_int_eq(wm_scmp_run(s, &o, &err), WM_SCMP_DIFFER);
    ck_assert_msg(wm_scmp_update(s, edited, &o, &err) == 0, "%s", err.msg);
    wm_scmp_close(s);
    /* the golden again, the comment as line 7 and the records after it one down */
    size_t len;
    char *got = rc_read_file(edited, &len), *p = got;
    ck_assert(got);
    for (size_t i = 1; i <= orig.n + 1; i++) {
        const char *want = i == 7 ? with[0] : orig.l[i < 7 ? i - 1 : i - 2];
        char *nl = strchr(p, '\n');
        ck_assert_msg(nl, "the updated file ends at line %zu of %zu", i, orig.n + 1);
        *nl = '\0';
        ck_assert_msg(strcmp(p, want) == 0, "line %zu: \"%s\", want \"%s\"", i, p, want);
        p = nl + 1;
    }
    ck_assert_uint_eq((size_t)(p - got), len);
    free(got);
}
END_TEST

static Suite *streamcmp_suite(void)
{
    Suite *s = suite_create("streamcmp");
#define ADD(fn) WM_ADD_TEST_WITH(s, fn, make_golden, drop_golden)
    ADD(first_record_changed);
    ADD(middle_record_changed);
    ADD(middle_record_deleted);
    ADD(last_record_changed);
    ADD(extra_record_at_end);
    ADD(missing_record_at_end);
    ADD(header_seed_changed);
    ADD(connections_out_of_order_read_by_connection);
    ADD(connections_swapped_are_same);
    ADD(golden_is_same);
    ADD(malformed_after_difference);
    ADD(run_longer_than_file_is_stopped);
    ADD(update_rewrites_records_keeps_comments);
#undef ADD
    return s;
}

WM_TEST_MAIN(streamcmp_suite)
