/* Tests for streamed runs (sim/core/stream.c): `warmer run` holds only the
 * records whose place is not settled yet, so its peak memory follows the
 * sessions, not the transcript. Each run is the real program ($WARMER) in a
 * child whose own peak RSS the test reads from wait4; a bound is checked,
 * never a time. Under valgrind a child's peak counts the pages it shared
 * with this (valgrind) process before its exec, so the bounds are only
 * reported there, not held. */
#define _DEFAULT_SOURCE /* wait4 */
#include "runcmd.h"
#include "testutil.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>

extern char **environ;

static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload") != NULL;
}

/* Runs $WARMER with args (NULL-terminated), stdin from in (a path, or NULL
 * for this one's), stdout to out (a path), which is to exit with
 * want_exit; its peak RSS in KiB. */
static long peak_rss_kib_io(char *const args[], const char *in, const char *out, int want_exit)
{
    char *argv[128];
    size_t n = 0;
    argv[n++] = (char *)rc_warmer();
    for (; args[n - 1] && n < 127; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    /* posix_spawn, not fork: a forked child's peak would count the pages it
     * shared with this process. */
    posix_spawn_file_actions_t fa;
    pid_t pid;
    ck_assert(posix_spawn_file_actions_init(&fa) == 0);
    ck_assert(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
                                               O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
    if (in)
        ck_assert(posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, in, O_RDONLY, 0) == 0);
    fflush(NULL);
    ck_assert(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    struct rusage ru;
    ck_assert(wait4(pid, &status, 0, &ru) == pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want_exit,
                  "%s %s ... exited %d, not %d", argv[0], argv[1],
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, want_exit);
    return ru.ru_maxrss;
}

static long peak_rss_kib_to(char *const args[], const char *out, int want_exit)
{
    return peak_rss_kib_io(args, NULL, out, want_exit);
}

static long peak_rss_kib(char *const args[])
{
    return peak_rss_kib_to(args, "/dev/null", 0);
}

/* Runs warmer with args and holds its peak RSS under bound_mib (what names
 * the run in the message); under valgrind the figure is the checker's. */
static void expect_peak_below(char **args, long bound_mib, const char *what)
{
    long kib = peak_rss_kib(args);
    fprintf(stderr, "%s: peak %ld KiB (bound %ld)\n", what, kib, bound_mib * 1024);
    ck_assert_msg(under_valgrind() || kib < bound_mib * 1024, "%s peaked at %ld KiB, bound %ld MiB",
                  what, kib, bound_mib);
}

/* 1500 connections of 40 short games: the transcript is 30 MB; when the
 * records were collected the run peaked at 184 MB; written, at 19 MB. */
START_TEST(many_connections_hold_little)
{
    char *args[100] = {"run", "--connections", "1500", "--transport", "memory"};
    size_t n = 5;
    for (int g = 0; g < 40; g++) {
        args[n++] = "--game";
        args[n++] = "1:5:0:5";
    }
    args[n] = NULL;
    expect_peak_below(args, 40, "1500 x 40 games");
}
END_TEST

/* One game of 400000 guesses: the transcript is 17 MB and the records
 * collected took 143 MB; written, what remains is the sessions' guess sets
 * and the client's history (about 25 MB). */
START_TEST(long_game_holds_only_its_sessions)
{
    char *args[] = {"run", "--game", "1:1000000000000:0:400000", "--transport", "memory", NULL};
    expect_peak_below(args, 48, "a 400000-guess game");
}
END_TEST

/* One game of 10^6 guesses in 1..10^12: the sessions' own state is compact
 * (4-byte guess-set slots for a known range, a 6-byte history entry): 27 MB
 * here; with 8-byte slots at load 1/2 and a 9-byte history it was 49 MB. */
START_TEST(long_game_sessions_are_compact)
{
    char *args[] = {"run", "--game", "1:1000000000000:0:1000000", "--transport", "memory", NULL};
    expect_peak_below(args, 36, "a 10^6-guess game");
}
END_TEST

/* `warmer check` streams too: it reads the file a record at a time as the
 * run writes, and keeps a bounded window from the first difference on. A
 * 24 MB golden of 100 connections (5000 guesses each) written here; when
 * check held the file, its run and both renderings, it peaked at 268 MB. */
struct golden {
    char dir[64], path[128], bad[128];
};

static void golden_make(struct golden *g)
{
    ck_assert(rc_mkdtemp(g->dir, "stream") == 0);
    snprintf(g->path, sizeof g->path, "%s/big.txt", g->dir);
    snprintf(g->bad, sizeof g->bad, "%s/bad.txt", g->dir);
    char *args[] = {"run", "--connections", "100", "--game", "1:1000000000000:0:5000",
                    "--transport", "memory", NULL};
    peak_rss_kib_to(args, g->path, 0);
}

/* g.bad: the golden under seed 1235, so every record from the first guess
 * on differs. */
static void golden_make_bad(struct golden *g)
{
    size_t len;
    char *text = rc_read_file(g->path, &len), *seed = text ? strstr(text, "# seed: 1234\n") : NULL;
    ck_assert(seed);
    seed[11] = '5';
    ck_assert(rc_write_file(g->bad, text, len) == 0);
    free(text);
}

/* A limit no one reads can be held for every size: 64 MiB (docs/CLI.md). */
#define CHECK_BOUND_MIB 64

START_TEST(check_holds_little_of_a_big_golden)
{
    struct golden g;
    golden_make(&g);
    char *args[] = {"check", "--transport", "memory", g.path, NULL};
    long kib = peak_rss_kib_to(args, "/dev/null", 0);
    fprintf(stderr, "check of a 24 MB golden: peak %ld KiB (bound %d MiB)\n", kib,
            CHECK_BOUND_MIB);
    rc_rmtree(g.dir);
    ck_assert_msg(under_valgrind() || kib < CHECK_BOUND_MIB * 1024,
                  "check of a 24 MB golden peaked at %ld KiB, bound %d MiB", kib, CHECK_BOUND_MIB);
}
END_TEST

/* The same golden under another seed: every record from the first guess on
 * differs, so the windows fill and the run is stopped there. */
START_TEST(check_holds_little_of_a_big_mismatch)
{
    struct golden g;
    golden_make(&g);
    golden_make_bad(&g);
    char *args[] = {"check", "--transport", "memory", g.bad, NULL};
    long kib = peak_rss_kib_to(args, "/dev/null", 1);
    fprintf(stderr, "check of a 24 MB mismatch: peak %ld KiB (bound %d MiB)\n", kib,
            CHECK_BOUND_MIB);
    rc_rmtree(g.dir);
    ck_assert_msg(under_valgrind() || kib < CHECK_BOUND_MIB * 1024,
                  "check of a 24 MB mismatch peaked at %ld KiB, bound %d MiB", kib,
                  CHECK_BOUND_MIB);
}
END_TEST

/* --update of that mismatch: the run again into a temporary file, the file
 * rewritten a line at a time; then it checks clean. */
START_TEST(check_update_holds_little_of_a_big_mismatch)
{
    struct golden g;
    golden_make(&g);
    golden_make_bad(&g);
    char *update[] = {"check", "--update", "--transport", "memory", g.bad, NULL};
    long kib = peak_rss_kib_to(update, "/dev/null", 0);
    fprintf(stderr, "check --update of a 24 MB mismatch: peak %ld KiB (bound %d MiB)\n", kib,
            CHECK_BOUND_MIB);
    char *check[] = {"check", "--transport", "memory", g.bad, NULL};
    peak_rss_kib_to(check, "/dev/null", 0);
    rc_rmtree(g.dir);
    ck_assert_msg(under_valgrind() || kib < CHECK_BOUND_MIB * 1024,
                  "check --update of a 24 MB mismatch peaked at %ld KiB, bound %d MiB", kib,
                  CHECK_BOUND_MIB);
}
END_TEST

/* From standard input: copied to an unlinked temporary file (so a file
 * compared whole after all can be read again), then streamed. */
START_TEST(check_holds_little_of_a_big_golden_on_stdin)
{
    struct golden g;
    golden_make(&g);
    char *args[] = {"check", "--transport", "memory", "-", NULL};
    long kib = peak_rss_kib_io(args, g.path, "/dev/null", 0);
    fprintf(stderr, "check - of a 24 MB golden: peak %ld KiB (bound %d MiB)\n", kib,
            CHECK_BOUND_MIB);
    rc_rmtree(g.dir);
    ck_assert_msg(under_valgrind() || kib < CHECK_BOUND_MIB * 1024,
                  "check - of a 24 MB golden peaked at %ld KiB, bound %d MiB", kib,
                  CHECK_BOUND_MIB);
}
END_TEST

/* g.path with both sides (or the client's only) scripted: each script
 * reads its records from the file as it plays, holding one at a time and
 * at most 64 KiB of output (a script held all of them: 265 MB). Copied a
 * line at a time: a child's peak counts this process's (posix_spawn). */
static void golden_make_scripted(struct golden *g, const char *sides)
{
    FILE *in = fopen(g->path, "rb"), *out = fopen(g->bad, "wb");
    ck_assert(in && out);
    char line[256];
    int added = 0;
    while (fgets(line, sizeof line, in)) {
        fputs(line, out);
        if (strcmp(line, "# connections: 100\n") == 0)
            fputs(sides, out), added = 1;
    }
    ck_assert(added && !ferror(in));
    fclose(in);
    ck_assert(fclose(out) == 0);
}

static void expect_check_below(char **args, const char *in, const char *what)
{
    long kib = peak_rss_kib_io(args, in, "/dev/null", 0);
    fprintf(stderr, "%s: peak %ld KiB (bound %d MiB)\n", what, kib, CHECK_BOUND_MIB);
    ck_assert_msg(under_valgrind() || kib < CHECK_BOUND_MIB * 1024,
                  "%s peaked at %ld KiB, bound %d MiB", what, kib, CHECK_BOUND_MIB);
}

START_TEST(check_holds_little_of_a_big_scripted_golden)
{
    struct golden g;
    golden_make(&g);
    golden_make_scripted(&g, "# client: script\n# server: script\n");
    char *args[] = {"check", "--transport", "memory", g.bad, NULL};
    expect_check_below(args, NULL, "check of a 24 MB golden, both sides scripted");
    char *from_stdin[] = {"check", "--transport", "memory", "-", NULL};
    expect_check_below(from_stdin, g.bad, "check - of a 24 MB golden, both sides scripted");
    golden_make_scripted(&g, "# client: script\n");
    expect_check_below(args, NULL, "check of a 24 MB golden, the client scripted");
    rc_rmtree(g.dir);
}
END_TEST

/* 23 MB of lines a scripted client sends a silent scripted server at once
 * (issue 17's reproducer): 151 MB when the script held them all. */
START_TEST(check_holds_little_of_pipelined_lines)
{
    char dir[64], path[128];
    ck_assert(rc_mkdtemp(dir, "stream") == 0);
    snprintf(path, sizeof path, "%s/pipelined.txt", dir);
    FILE *f = fopen(path, "wb");
    ck_assert(f);
    fputs("# warmer transcript v1\n# seed: 0\n# client: script\n# server: script\n", f);
    for (size_t i = 0; i < 250000; i++)
        fprintf(f, "C: NUMBER %08zu %80s\n", i, "x");
    fputs("C! close\n", f);
    ck_assert(fclose(f) == 0);
    char *args[] = {"check", path, NULL};
    expect_check_below(args, NULL, "check of 23 MB of lines to a silent server");
    rc_rmtree(dir);
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    WM_ADD_TEST(s, many_connections_hold_little);
    WM_ADD_TEST(s, long_game_holds_only_its_sessions);
    WM_ADD_TEST(s, long_game_sessions_are_compact);
    WM_ADD_TEST(s, check_holds_little_of_a_big_golden);
    WM_ADD_TEST(s, check_holds_little_of_a_big_mismatch);
    WM_ADD_TEST(s, check_update_holds_little_of_a_big_mismatch);
    WM_ADD_TEST(s, check_holds_little_of_a_big_golden_on_stdin);
    WM_ADD_TEST(s, check_holds_little_of_a_big_scripted_golden);
    WM_ADD_TEST(s, check_holds_little_of_pipelined_lines);
    return s;
}

WM_TEST_MAIN(stream_suite)
