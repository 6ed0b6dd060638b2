/* Tests for streamed runs (sim/stream.c): a written run holds only its
 * unsettled records, so its peak memory follows the sessions, not the
 * transcript. Each run happens in a child process whose peak RSS the test
 * reads (wait4), so nothing the test itself allocated counts; a bound is
 * checked, never a time. */
#define _DEFAULT_SOURCE /* wait4 */
#include "exec.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Under valgrind every process is many times its size: the runs still
 * happen (for the leak check), the bounds are not held. */
static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload") != NULL;
}

/* Runs cfg written to /dev/null in a child; its peak RSS in KiB, or -1. */
static long peak_rss_kib(const struct wm_cfg *cfg, enum wm_transport_kind transport)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct wm_exec_opts o;
        struct wm_err err;
        int saw_error;
        wm_exec_opts_init(&o);
        o.transport = transport;
        FILE *out = fopen("/dev/null", "w");
        int rc = out ? wm_execute_write(cfg, &o, 0, out, &saw_error, &err) : -1;
        if (rc < 0)
            fprintf(stderr, "the run failed: %s\n", out ? err.msg : "no /dev/null");
        if (out)
            fclose(out);
        _exit(rc < 0 || saw_error ? 1 : 0);
    }
    int status;
    struct rusage ru;
    ck_assert(wait4(pid, &status, 0, &ru) == pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the run in the child failed");
    return ru.ru_maxrss;
}

static void add_games(struct wm_cfg *cfg, const struct wm_game *g, size_t times)
{
    struct wm_err err;
    for (size_t i = 0; i < times; i++)
        ck_assert_msg(wm_cfg_add_game(cfg, g, &err) == 0, "%s", err.msg);
}

/* 1500 connections of 40 short games: the transcript is 30 MB; collected,
 * the run peaked at 184 MB; written, at 19 MB. */
START_TEST(many_connections_hold_little)
{
    static const struct wm_game g = {1, 5, 0, 5};
    struct wm_cfg cfg;
    wm_cfg_init(&cfg);
    cfg.connections = 1500;
    add_games(&cfg, &g, 40);
    long kib = peak_rss_kib(&cfg, WM_TR_MEMORY);
    fprintf(stderr, "many_connections_hold_little: peak %ld KiB (bound 40960)\n", kib);
    if (!under_valgrind())
        ck_assert_msg(kib < 40 * 1024, "1500 x 40 games peaked at %ld KiB, bound 40 MiB", kib);
    wm_cfg_free(&cfg);
}
END_TEST

/* One game of 400000 guesses: the transcript is 17 MB and the records
 * collected took 143 MB; written, what remains is the sessions' guess sets
 * and the client's history (about 25 MB). */
START_TEST(long_game_holds_only_its_sessions)
{
    static const struct wm_game g = {1, 1000000000000, 0, 400000};
    struct wm_cfg cfg;
    wm_cfg_init(&cfg);
    add_games(&cfg, &g, 1);
    long kib = peak_rss_kib(&cfg, WM_TR_MEMORY);
    fprintf(stderr, "long_game_holds_only_its_sessions: peak %ld KiB (bound 49152)\n", kib);
    if (!under_valgrind())
        ck_assert_msg(kib < 48 * 1024, "a 400000-guess game peaked at %ld KiB, bound 48 MiB", kib);
    wm_cfg_free(&cfg);
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    WM_ADD_TEST(s, many_connections_hold_little);
    WM_ADD_TEST(s, long_game_holds_only_its_sessions);
    return s;
}

WM_TEST_MAIN(stream_suite)
