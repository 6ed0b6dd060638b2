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

/* Runs $WARMER with args (NULL-terminated), stdout to /dev/null; its peak
 * RSS in KiB. */
static long peak_rss_kib(char *const args[])
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
    ck_assert(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0) == 0);
    fflush(NULL);
    ck_assert(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    struct rusage ru;
    ck_assert(wait4(pid, &status, 0, &ru) == pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s run ... exited %d",
                  argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return ru.ru_maxrss;
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

static Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    WM_ADD_TEST(s, many_connections_hold_little);
    WM_ADD_TEST(s, long_game_holds_only_its_sessions);
    WM_ADD_TEST(s, long_game_sessions_are_compact);
    return s;
}

WM_TEST_MAIN(stream_suite)
