/* sim/net/serve/console.c: lines reach their stream whole and in order; a stream
 * nobody reads (a full pipe) or a broken one costs dropped lines, counted,
 * never a blocked caller or a stop that hangs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "testutil.h"

/* A file to read back what a stream got. */
static int scratch(char *path, size_t size)
{
    snprintf(path, size, "/tmp/wm-console-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    return fd;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A pipe filled to the brim; nobody will read it. */
static void full_pipe(int p[2])
{
    ck_assert_int_eq(pipe(p), 0);
    int fl = fcntl(p[1], F_GETFL);
    fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
    char junk[4096] = {0};
    while (write(p[1], junk, sizeof junk) > 0)
        continue;
    ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
    fcntl(p[1], F_SETFL, fl); /* the console must cope with a blocking one */
}

START_TEST(lines_reach_streams_in_order)
{
    char out_path[64], err_path[64], want[64];
    int out = scratch(out_path, sizeof out_path), err = scratch(err_path, sizeof err_path);
    struct wm_err e;
    struct wm_con *c = wm_con_start(out, err, 1 << 16, &e); /* room for all: none dropped */
    ck_assert_msg(c != NULL, "%s", e.msg);
    static char expect[1 << 16];
    size_t len = 0;
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(want, sizeof want, "Server: %d is Unsure", i);
        wm_con_line(c, WM_CON_OUT, want, (size_t)n);
        memcpy(expect + len, want, (size_t)n);
        len += (size_t)n;
        expect[len++] = '\n';
    }
    expect[len] = '\0';
    wm_con_printf(c, WM_CON_ERR, "connection %d (%s): %s", 7, "127.0.0.1:9", "why");
    ck_assert_uint_eq(wm_con_stop(c, 10000), 0);
    wm_con_line(c, WM_CON_OUT, "late", 4); /* after the stop: dropped, counted */
    ck_assert_uint_eq(wm_con_dropped(c), 1);
    wm_con_free(c);
    ck_assert_str_eq(slurp(out_path), expect);
    ck_assert_str_eq(slurp(err_path), "connection 7 (127.0.0.1:9): why\n");
    close(out);
    close(err);
    unlink(out_path);
    unlink(err_path);
}
END_TEST

START_TEST(full_pipe_drops_and_counts)
{
    char err_path[64];
    int p[2], err = scratch(err_path, sizeof err_path);
    full_pipe(p);
    struct wm_err e;
    struct wm_con *c = wm_con_start(p[1], err, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    for (int i = 0; i < 100; i++) /* 19 bytes each: 53 fit in the queue */
        wm_con_printf(c, WM_CON_OUT, "Server: %04d is Wa", i);
    ck_assert_uint_eq(wm_con_dropped(c), 47);
    /* Nobody reads: the stop gives up after its grace and counts the rest. */
    ck_assert_uint_eq(wm_con_stop(c, 50), 100);
    wm_con_free(c);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "warmer serve: note: stdout is not keeping up; "
                                                  "console lines are dropped while its queue "
                                                  "(--console-queue 1024) is full"));
    close(p[0]);
    close(p[1]);
    close(err);
    unlink(err_path);
}
END_TEST

START_TEST(broken_stream_drops_from_then_on)
{
    char err_path[64];
    int p[2], err = scratch(err_path, sizeof err_path);
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]); /* EPIPE: SIGPIPE is ignored, as serve does */
    signal(SIGPIPE, SIG_IGN);
    struct wm_err e;
    struct wm_con *c = wm_con_start(p[1], err, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    for (int i = 0; i < 5; i++)
        wm_con_line(c, WM_CON_OUT, "Server: 1 is Colder", 19);
    ck_assert_uint_eq(wm_con_stop(c, 10000), 5);
    wm_con_free(c);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "warmer serve: note: stdout: Broken pipe; "));
    close(p[1]);
    close(err);
    unlink(err_path);
}
END_TEST

START_TEST(line_longer_than_queue_dropped_whole)
{
    char out_path[64];
    int out = scratch(out_path, sizeof out_path);
    struct wm_err e;
    struct wm_con *c = wm_con_start(out, out, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    static char big[1024]; /* with its newline, one byte too many */
    memset(big, 'x', sizeof big);
    wm_con_line(c, WM_CON_ERR, big, sizeof big);
    wm_con_line(c, WM_CON_ERR, big, sizeof big - 1); /* exactly fits */
    ck_assert_uint_eq(wm_con_stop(c, 10000), 1);
    wm_con_free(c);
    char *got = slurp(out_path);
    ck_assert_uint_eq(strlen(got), 1024);
    ck_assert_int_eq(got[1023], '\n');
    close(out);
    unlink(out_path);
}
END_TEST

START_TEST(bad_stream_fails_cleanly)
{
    struct wm_err e;
    int bad = 900; /* closed (the console's own pipe would reuse a just-closed one) */
    ck_assert_int_eq(fcntl(bad, F_GETFD), -1);
    struct wm_con *c = wm_con_start(bad, bad, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    wm_con_line(c, WM_CON_OUT, "a", 1);
    wm_con_line(c, WM_CON_ERR, "b", 1);
    ck_assert_uint_eq(wm_con_stop(c, 10000), 3); /* a, b, and the note about a */
    wm_con_free(c);
    ck_assert_int_eq(wm_con_write_now(bad, "x\n", 2, 10), -1);
}
END_TEST

/* /dev/null takes every line at once: none waits in a queue, so none is
 * dropped however small the queue and however fast the lines come. */
START_TEST(dev_null_takes_every_line)
{
    char err_path[64];
    int null = open("/dev/null", O_WRONLY), err = scratch(err_path, sizeof err_path);
    ck_assert_int_ge(null, 0);
    struct wm_err e;
    struct wm_con *c = wm_con_start(null, err, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    for (int i = 0; i < 100000; i++)
        wm_con_printf(c, WM_CON_OUT, "Server: %d is Warmer", i);
    ck_assert_uint_eq(wm_con_dropped(c), 0);
    wm_con_line(c, WM_CON_ERR, "still a file", 12);
    ck_assert_uint_eq(wm_con_stop(c, 10000), 0);
    wm_con_free(c);
    ck_assert_str_eq(slurp(err_path), "still a file\n");
    close(null);
    close(err);
    unlink(err_path);
}
END_TEST

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* A lone line wakes a sleeping writer: it reaches the file without a stop
 * (waited for at most 10 s; liveness, not speed), then so does a second. */
START_TEST(lone_line_wakes_the_writer)
{
    char out_path[64];
    int out = scratch(out_path, sizeof out_path);
    struct wm_err e;
    struct wm_con *c = wm_con_start(out, out, 1024, &e);
    ck_assert_msg(c != NULL, "%s", e.msg);
    const char *want[] = {"Server: 1 is Unsure\n", "Server: 1 is Unsure\nServer: 2 is Warmer\n"};
    for (int k = 0; k < 2; k++) {
        if (k == 0)
            wm_con_line(c, WM_CON_OUT, "Server: 1 is Unsure", 19);
        else
            wm_con_line(c, WM_CON_OUT, "Server: 2 is Warmer", 19);
        int i;
        for (i = 0; i < 1000 && strcmp(slurp(out_path), want[k]) != 0; i++)
            sleep_ms(10);
        ck_assert_msg(i < 1000, "line %d not written within 10 s: got \"%s\"", k + 1, slurp(out_path));
        sleep_ms(20); /* the writer's nap is over: it sleeps until poked */
    }
    ck_assert_uint_eq(wm_con_stop(c, 10000), 0);
    wm_con_free(c);
    close(out);
    unlink(out_path);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    WM_ADD_TEST(s, lines_reach_streams_in_order);
    WM_ADD_TEST(s, full_pipe_drops_and_counts);
    WM_ADD_TEST(s, broken_stream_drops_from_then_on);
    WM_ADD_TEST(s, line_longer_than_queue_dropped_whole);
    WM_ADD_TEST(s, bad_stream_fails_cleanly);
    WM_ADD_TEST(s, dev_null_takes_every_line);
    WM_ADD_TEST(s, lone_line_wakes_the_writer);
    return s;
}

WM_TEST_MAIN(console_suite)
