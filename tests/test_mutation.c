/* Mutation tests: a golden with one wrong line must fail `warmer check` and
 * the replays that can see that line, with a unified diff, the exact
 * "first difference: path:N" and a reproducing command. `check --update`
 * restores the golden; nothing else ever writes it; a malformed file is
 * exit 2 naming path:line. Each case works on a copy in a fresh temp dir. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "runcmd.h"
#include "testutil.h"

/* Unchecked fixtures run in Check's parent process: the directory goes away
 * even when a forked test fails. */
static char tmpdir[64];

static void setup(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "mut") == 0, "mkdtemp failed");
}

static void teardown(void)
{
    rc_rmtree(tmpdir);
}

/* A file as lines: text[i] is line i + 1, without its '\n'. */
struct file {
    char *buf;   /* the file's bytes, untouched */
    char *lines; /* a copy cut into lines */
    size_t len, n;
    char **text;
};

static void file_load(struct file *f, const char *path)
{
    f->buf = rc_read_file(path, &f->len);
    ck_assert_msg(f->buf != NULL, "cannot read %s", path);
    ck_assert_msg(f->len > 0 && f->buf[f->len - 1] == '\n', "%s does not end with a newline", path);
    f->n = 0;
    for (size_t i = 0; i < f->len; i++)
        f->n += f->buf[i] == '\n';
    f->text = malloc(f->n * sizeof *f->text);
    f->lines = malloc(f->len + 1);
    ck_assert(f->text != NULL && f->lines != NULL);
    memcpy(f->lines, f->buf, f->len + 1);
    char *p = f->lines;
    for (size_t i = 0; i < f->n; i++) {
        char *nl = strchr(p, '\n');
        ck_assert(nl != NULL);
        *nl = '\0';
        f->text[i] = p;
        p = nl + 1;
    }
}

static void file_free(struct file *f)
{
    free(f->buf);
    free(f->lines);
    free(f->text);
}

/* 1-based number of the k-th line (k from 1) starting with prefix. */
static size_t nth_line(const struct file *f, const char *prefix, int k)
{
    int left = k;
    for (size_t i = 0; i < f->n; i++)
        if (strncmp(f->text[i], prefix, strlen(prefix)) == 0 && --left == 0)
            return i + 1;
    ck_abort_msg("no line #%d starting with \"%s\"", k, prefix);
    return 0;
}

enum op { OP_REPLACE, OP_DROP, OP_INSERT };

/* Writes f with line `at` replaced by, dropped, or preceded by `text`. */
static void write_mutant(const struct file *f, const char *path, enum op op, size_t at,
                         const char *text)
{
    FILE *out = fopen(path, "wb");
    ck_assert_msg(out != NULL, "cannot write %s", path);
    for (size_t i = 0; i < f->n; i++) {
        if (i + 1 == at && op != OP_DROP)
            fprintf(out, "%s\n", text);
        if (i + 1 != at || op == OP_INSERT)
            fprintf(out, "%s\n", f->text[i]);
    }
    ck_assert_int_eq(fclose(out), 0);
}

/* `warmer <cmd> [flag] path` must fail with exit 1, a diff, the first
 * difference at path:line, and a reproducing command. */
static void expect_mismatch(const char *cmd, const char *flag, const char *path, size_t line,
                            const char *what)
{
    struct rc_result r;
    if (flag)
        rc_warmer_run(&r, cmd, flag, path, (char *)NULL);
    else
        rc_warmer_run(&r, cmd, path, (char *)NULL);
    char fail_line[200], first[200], repro[200];
    snprintf(fail_line, sizeof fail_line, "FAIL %s", path);
    snprintf(first, sizeof first, "first difference: %s:%zu", path, line);
    snprintf(repro, sizeof repro, " %s%s%s %s\n", cmd, flag ? " " : "", flag ? flag : "", path);
    const char *rp = strstr(r.out, "\nreproduce: ");
    const char *nl = rp ? strchr(rp + 1, '\n') : NULL;
    int repro_ok = rp && nl && strstr(rp, repro) == nl - strlen(repro) + 1;
    const char *fail = NULL;
    if (r.status != 1)
        fail = "exit status 1";
    else if (!rc_has_line(r.out, fail_line))
        fail = fail_line;
    else if (!strstr(r.out, "\n--- ") || !strstr(r.out, "\n+++ ") || !strstr(r.out, "\n@@ -"))
        fail = "a unified diff (---, +++, @@)";
    else if (!rc_has_line(r.out, first))
        fail = first;
    else if (!repro_ok)
        fail = "a 'reproduce:' line naming the command and file";
    ck_assert_msg(fail == NULL, "%s, `warmer %s%s%s`: want %s; %s", what, cmd, flag ? " " : "",
                  flag ? flag : "", fail, rc_describe(&r));
    rc_free(&r);
}

enum kind { K_GUESS, K_DECISION, K_DROP_S, K_DROP_REPORT, K_INSERT_S, K_INSERT_NUMBER };

/* Makes the mutant of golden/name.txt for kind, in connection conn's lines
 * (0: unnumbered), and checks every command that can see it. */
static void mutation_case(const char *name, unsigned conn, enum kind kind)
{
    char src[256], path[128], c[16], s[16], text[512] = "";
    snprintf(src, sizeof src, "fixtures/golden/%s.txt", name);
    snprintf(path, sizeof path, "%s/%s.txt", tmpdir, name);
    if (conn)
        snprintf(c, sizeof c, "C%u: ", conn), snprintf(s, sizeof s, "S%u: ", conn);
    else
        snprintf(c, sizeof c, "C: "), snprintf(s, sizeof s, "S: ");
    struct file f;
    file_load(&f, src);
    size_t at = 0;
    enum op op = OP_REPLACE;
    const char *what = "?";
    char report[32], number[32];
    snprintf(report, sizeof report, "%sREPORT ", c);
    snprintf(number, sizeof number, "%sNUMBER", c);
    switch (kind) {
    case K_GUESS: { /* the second guess, last digit changed */
        at = nth_line(&f, s, 2);
        snprintf(text, sizeof text, "%s", f.text[at - 1]);
        char *d = text + strlen(text) - 1;
        ck_assert_msg(*d >= '0' && *d <= '9', "line %zu is not a guess", at);
        *d = (char)('0' + (*d - '0' + 1) % 10);
        what = "changed guess";
        break;
    }
    case K_DECISION: { /* the second report, another decision */
        static const char *const from[] = {"Unsure", "Warmer", "Colder", "Correct"};
        static const char *const to[] = {"Warmer", "Colder", "Unsure", "Unsure"};
        at = nth_line(&f, report, 2);
        const char *dec = f.text[at - 1] + strlen(report);
        size_t i = 0;
        while (i < 4 && strcmp(dec, from[i]) != 0)
            i++;
        ck_assert_msg(i < 4, "line %zu has an unknown decision", at);
        snprintf(text, sizeof text, "%s%s", report, to[i]);
        what = "changed decision";
        break;
    }
    case K_DROP_S:
        at = nth_line(&f, s, 3), op = OP_DROP, what = "dropped S line";
        break;
    case K_DROP_REPORT:
        at = nth_line(&f, report, 3), op = OP_DROP, what = "dropped REPORT line";
        break;
    case K_INSERT_S: /* before a NUMBER line, so it cannot equal its neighbour */
        at = nth_line(&f, number, 3), op = OP_INSERT, what = "inserted S line";
        snprintf(text, sizeof text, "%s3", s);
        break;
    case K_INSERT_NUMBER: /* before a REPORT line */
        at = nth_line(&f, report, 3), op = OP_INSERT, what = "inserted NUMBER line";
        snprintf(text, sizeof text, "%s", number);
        break;
    }
    write_mutant(&f, path, op, at, text);
    /* The test's own premise: the mutant differs from the golden first at `at`. */
    size_t mlen;
    char *mut = rc_read_file(path, &mlen);
    ck_assert(mut != NULL);
    ck_assert_uint_eq(rc_first_diff_line(f.buf, f.len, mut, mlen), at);
    free(mut);
    char desc[300];
    snprintf(desc, sizeof desc, "%s.txt, %s at line %zu", name, what, at);
    expect_mismatch("check", NULL, path, at, desc);
    /* A replay sees what the tested side sends: guesses for --server,
     * NUMBER and REPORT lines for --client. */
    if (kind == K_GUESS || kind == K_DROP_S || kind == K_INSERT_S)
        expect_mismatch("replay", "--server", path, at, desc);
    else
        expect_mismatch("replay", "--client", path, at, desc);
    file_free(&f);
}

#define MUTATION_TESTS(tag, name, conn)                                                            \
    START_TEST(guess_##tag) { mutation_case(name, conn, K_GUESS); }                                \
    END_TEST                                                                                       \
    START_TEST(decision_##tag) { mutation_case(name, conn, K_DECISION); }                          \
    END_TEST                                                                                       \
    START_TEST(drop_s_##tag) { mutation_case(name, conn, K_DROP_S); }                              \
    END_TEST                                                                                       \
    START_TEST(drop_report_##tag) { mutation_case(name, conn, K_DROP_REPORT); }                    \
    END_TEST                                                                                       \
    START_TEST(insert_s_##tag) { mutation_case(name, conn, K_INSERT_S); }                          \
    END_TEST                                                                                       \
    START_TEST(insert_number_##tag) { mutation_case(name, conn, K_INSERT_NUMBER); }                \
    END_TEST

MUTATION_TESTS(book, "book", 0)
MUTATION_TESTS(connections_8, "connections-8", 3)
MUTATION_TESTS(full_int64, "full-int64", 0)

/* ---- update, and nothing else writes --------------------------------------------- */

/* Copies golden name to tmpdir, applies one mutation, returns the golden. */
static void mutant_of(const char *name, enum op op, const char *prefix, int k, const char *text,
                      char *path, struct file *f)
{
    char src[256];
    snprintf(src, sizeof src, "fixtures/golden/%s.txt", name);
    snprintf(path, 128, "%s/%s.txt", tmpdir, name);
    file_load(f, src);
    write_mutant(f, path, op, nth_line(f, prefix, k), text);
}

static void expect_update_restores(const char *name, enum op op, const char *prefix, int k,
                                   const char *text)
{
    char path[128], updated[200];
    struct file f;
    mutant_of(name, op, prefix, k, text, path, &f);
    struct rc_result r;
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    snprintf(updated, sizeof updated, "updated %s", path);
    ck_assert_msg(r.status == 0 && rc_has_line(r.out, updated), "want \"%s\"; %s", updated,
                  rc_describe(&r));
    rc_free(&r);
    size_t len;
    char *now = rc_read_file(path, &len);
    ck_assert(now != NULL);
    ck_assert_msg(len == f.len && memcmp(now, f.buf, len) == 0,
                  "%s: after --update the file differs from the golden at line %zu", name,
                  rc_first_diff_line(f.buf, f.len, now, len));
    free(now);
    struct rc_names left;
    ck_assert(rc_list_dir(tmpdir, "", &left) == 0);
    ck_assert_msg(left.n == 1, "--update left %zu files in the directory (a temp file?)", left.n);
    rc_names_free(&left);
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 0, "the updated file should pass check; %s", rc_describe(&r));
    rc_free(&r);
    remove(path);
    file_free(&f);
}

START_TEST(update_restores_changed_guess)
{
    expect_update_restores("book", OP_REPLACE, "S: ", 2, "S: 2");
    expect_update_restores("full-int64", OP_REPLACE, "S: ", 5, "S: 1");
}
END_TEST

START_TEST(update_restores_dropped_and_inserted_lines)
{
    expect_update_restores("book", OP_DROP, "C: REPORT ", 3, NULL);
    expect_update_restores("book", OP_INSERT, "C: NUMBER", 2, "S: 3");
    expect_update_restores("connections-8", OP_INSERT, "C5: REPORT", 1, "C5: NUMBER");
    expect_update_restores("connections-8", OP_REPLACE, "C8: REPORT", 4, "C8: REPORT Correct");
}
END_TEST

struct snap {
    struct stat st;
    char *bytes;
    size_t len;
};

static void snap_take(const char *path, struct snap *s)
{
    ck_assert(stat(path, &s->st) == 0);
    s->bytes = rc_read_file(path, &s->len);
    ck_assert(s->bytes != NULL);
}

/* The file is untouched: same inode, size, mtime and bytes. */
static void snap_same(const char *path, struct snap *before, const char *what)
{
    struct snap after;
    snap_take(path, &after);
    ck_assert_msg(after.st.st_ino == before->st.st_ino, "%s replaced the file", what);
    ck_assert_msg(after.st.st_mtim.tv_sec == before->st.st_mtim.tv_sec &&
                      after.st.st_mtim.tv_nsec == before->st.st_mtim.tv_nsec,
                  "%s changed the file's mtime", what);
    ck_assert_msg(after.len == before->len && memcmp(after.bytes, before->bytes, after.len) == 0,
                  "%s changed the file's bytes", what);
    free(after.bytes);
    free(before->bytes);
}

/* An old mtime, so that any rewrite shows even within one clock tick. */
static void age_file(const char *path)
{
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    ck_assert(utimensat(AT_FDCWD, path, old, 0) == 0);
}

START_TEST(plain_check_never_writes)
{
    char path[128];
    struct file f;
    mutant_of("book", OP_REPLACE, "S: ", 1, "S: 5", path, &f);
    age_file(path);
    static const char *const cmds[][2] = {{"check", NULL}, {"replay", "--server"},
                                          {"replay", "--client"}};
    for (int i = 0; i < 3; i++) {
        struct snap before;
        snap_take(path, &before);
        struct rc_result r;
        if (cmds[i][1])
            rc_warmer_run(&r, cmds[i][0], cmds[i][1], path, (char *)NULL);
        else
            rc_warmer_run(&r, cmds[i][0], path, (char *)NULL);
        ck_assert_msg(r.status == 1, "`%s` on a mutant should fail; %s", cmds[i][0], rc_describe(&r));
        rc_free(&r);
        snap_same(path, &before, cmds[i][0]);
    }
    file_free(&f);
}
END_TEST

START_TEST(update_leaves_matching_file_alone)
{
    char path[128];
    struct file f;
    mutant_of("book", OP_REPLACE, "S: ", 1, "S: 4", path, &f); /* the same line: a copy */
    age_file(path);
    struct snap before;
    snap_take(path, &before);
    struct rc_result r;
    rc_warmer_run(&r, "check", "--update", path, (char *)NULL);
    char ok[200];
    snprintf(ok, sizeof ok, "ok %s", path);
    ck_assert_msg(r.status == 0 && rc_has_line(r.out, ok), "%s", rc_describe(&r));
    rc_free(&r);
    snap_same(path, &before, "check --update on a matching file");
    file_free(&f);
}
END_TEST

/* ---- several files, malformed files ------------------------------------------------- */

START_TEST(check_several_files_counts_each)
{
    char path[128];
    struct file f;
    mutant_of("book", OP_REPLACE, "C: REPORT ", 1, "C: REPORT Warmer", path, &f);
    struct rc_result r;
    rc_warmer_run(&r, "check", "fixtures/golden/book.txt", path, "fixtures/golden/seed-zero.txt",
                  (char *)NULL);
    char fail[200];
    snprintf(fail, sizeof fail, "FAIL %s", path);
    ck_assert_msg(r.status == 1 && rc_has_line(r.out, "ok fixtures/golden/book.txt") &&
                      rc_has_line(r.out, fail) && rc_has_line(r.out, "ok fixtures/golden/seed-zero.txt") &&
                      rc_has_line(r.out, "2 passed, 1 failed"),
                  "%s", rc_describe(&r));
    rc_free(&r);
    file_free(&f);
}
END_TEST

static void expect_malformed(const char *path, size_t line, const char *cmd, const char *flag)
{
    struct rc_result r;
    if (flag)
        rc_warmer_run(&r, cmd, flag, path, (char *)NULL);
    else
        rc_warmer_run(&r, cmd, path, (char *)NULL);
    char where[200], result[700];
    snprintf(where, sizeof where, "%s:%zu: ", path, line);
    /* a failing case like any other: its line on stdout, the diagnostic on stderr */
    snprintf(result, sizeof result, "FAIL %s: malformed: %s", path, where);
    ck_assert_msg(r.status == 2 && strstr(r.err, where) && !strstr(r.out, "ok ") &&
                      strstr(r.out, result),
                  "`warmer %s %s` on a malformed file: want exit 2, \"%s\" on stderr and "
                  "\"%s\" on stdout; %s", cmd, flag ? flag : "", where, result, rc_describe(&r));
    rc_free(&r);
}

START_TEST(malformed_mutant_exits_2)
{
    char path[128];
    struct file f;
    mutant_of("book", OP_REPLACE, "C: NUMBER", 4, "C:NUMBER", path, &f);
    size_t at = nth_line(&f, "C: NUMBER", 4);
    age_file(path);
    struct snap before;
    snap_take(path, &before);
    expect_malformed(path, at, "check", NULL);
    expect_malformed(path, at, "check", "--update");
    snap_same(path, &before, "check --update on a malformed file");
    expect_malformed(path, at, "replay", "--server");
    expect_malformed(path, at, "replay", "--client");
    file_free(&f);
    mutant_of("connections-8", OP_INSERT, "C8: NUMBER", 2, "S9: 4", path, &f);
    expect_malformed(path, nth_line(&f, "C8: NUMBER", 2), "check", NULL);
    file_free(&f);
    mutant_of("full-int64", OP_REPLACE, "S: ", 3, "S: 12\\q", path, &f);
    expect_malformed(path, nth_line(&f, "S: ", 3), "replay", "--server");
    file_free(&f);
}
END_TEST

START_TEST(malformed_among_good_files_exits_2)
{
    char path[128];
    struct file f;
    mutant_of("book", OP_REPLACE, "C! close", 1, "C! shut", path, &f);
    struct rc_result r;
    rc_warmer_run(&r, "check", "fixtures/golden/book.txt", path, (char *)NULL);
    char where[200];
    snprintf(where, sizeof where, "%s:%zu: ", path, f.n);
    ck_assert_msg(r.status == 2 && strstr(r.err, where) &&
                      rc_has_line(r.out, "ok fixtures/golden/book.txt"),
                  "want exit 2, the good file ok and \"%s\" on stderr; %s", where, rc_describe(&r));
    rc_free(&r);
    file_free(&f);
}
END_TEST

static Suite *mutation_suite(void)
{
    Suite *s = suite_create("mutation");
#define ADD(fn) WM_ADD_TEST_WITH(s, fn, setup, teardown)
#define ADD_MUTATIONS(tag)                                                                         \
    ADD(guess_##tag);                                                                              \
    ADD(decision_##tag);                                                                           \
    ADD(drop_s_##tag);                                                                             \
    ADD(drop_report_##tag);                                                                        \
    ADD(insert_s_##tag);                                                                           \
    ADD(insert_number_##tag)
    ADD_MUTATIONS(book);
    ADD_MUTATIONS(connections_8);
    ADD_MUTATIONS(full_int64);
    ADD(update_restores_changed_guess);
    ADD(update_restores_dropped_and_inserted_lines);
    ADD(plain_check_never_writes);
    ADD(update_leaves_matching_file_alone);
    ADD(check_several_files_counts_each);
    ADD(malformed_mutant_exits_2);
    ADD(malformed_among_good_files_exits_2);
#undef ADD_MUTATIONS
#undef ADD
    return s;
}

WM_TEST_MAIN(mutation_suite)
