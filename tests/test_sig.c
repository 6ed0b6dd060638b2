/* sig.h: the one SIGINT/SIGTERM helper every stopping command shares. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sig.h"
#include "testutil.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

/* The first signal is kept, and the pipe stays readable for every poller
 * until someone reads it. */
START_TEST(first_signal_is_latched)
{
    struct wm_err err;
    int fd = wm_sig_install(0, &err);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(wm_sig_fd(), fd);
    ck_assert_int_eq(wm_sig_caught(), 0);
    ck_assert(!readable(fd));
    raise(SIGTERM);
    raise(SIGINT);
    ck_assert_int_eq(wm_sig_caught(), SIGTERM);
    ck_assert(readable(fd));
    ck_assert(readable(fd)); /* polling does not use it up */
    ck_assert_int_eq(wm_sig_read(fd), SIGTERM);
    ck_assert_int_eq(wm_sig_read(fd), SIGINT);
    ck_assert_int_eq(wm_sig_read(fd), 0);
    wm_sig_restore();
    ck_assert_int_eq(wm_sig_fd(), -1);
}
END_TEST

/* In a child: the status it ended with. */
static int child_status(void (*body)(void))
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        body();
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return st;
}

static void twice_then_later(void)
{
    struct wm_err err;
    if (wm_sig_install(WM_SIG_SECOND_KILLS, &err) < 0)
        _exit(10);
    raise(SIGINT);
    raise(SIGINT); /* the same stop sent twice (timeout(1)): nothing */
    if (wm_sig_caught() != SIGINT)
        _exit(11);
    sleep_ms(1200);
    raise(SIGTERM); /* a person insisting: the default action */
    _exit(12);
}

START_TEST(second_signal_kills_unless_at_once)
{
    int st = child_status(twice_then_later);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
                  "want death by SIGTERM, got %s %d", WIFSIGNALED(st) ? "signal" : "exit",
                  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}
END_TEST

/* In this process: were the second signal to kill, the run would die of it
 * (a crash Check reports). */
START_TEST(second_signal_harmless_without_the_flag)
{
    struct wm_err err;
    ck_assert_int_ge(wm_sig_install(0, &err), 0);
    raise(SIGINT);
    sleep_ms(1200);
    raise(SIGINT);
    ck_assert_int_eq(wm_sig_caught(), SIGINT);
    wm_sig_restore();
}
END_TEST

static atomic_int calls, last_signo;

static void count_call(void *ctx, int signo)
{
    ck_assert_ptr_eq(ctx, &calls);
    atomic_store(&last_signo, signo);
    atomic_fetch_add(&calls, 1);
}

/* The watcher calls back once on a signal, and never after its end. */
START_TEST(watcher_calls_back_once)
{
    struct wm_err err;
    struct wm_sig_watch w;
    atomic_store(&calls, 0);
    ck_assert_int_ge(wm_sig_install(0, &err), 0);
    ck_assert_int_eq(wm_sig_watch_start(&w, count_call, &calls, &err), 0);
    sleep_ms(50);
    ck_assert_int_eq(atomic_load(&calls), 0);
    raise(SIGINT);
    for (int i = 0; i < 500 && atomic_load(&calls) == 0; i++)
        sleep_ms(10);
    wm_sig_watch_end(&w);
    ck_assert_int_eq(atomic_load(&calls), 1);
    ck_assert_int_eq(atomic_load(&last_signo), SIGINT);
    wm_sig_restore();
    /* Without a signal: ended by wm_sig_watch_end, no call. */
    atomic_store(&calls, 0);
    ck_assert_int_ge(wm_sig_install(0, &err), 0);
    ck_assert_int_eq(wm_sig_watch_start(&w, count_call, &calls, &err), 0);
    wm_sig_watch_end(&w);
    ck_assert_int_eq(atomic_load(&calls), 0);
    wm_sig_restore();
}
END_TEST

static Suite *sig_suite(void)
{
    Suite *s = suite_create("sig");
    WM_ADD_TEST(s, first_signal_is_latched);
    WM_ADD_TEST(s, second_signal_kills_unless_at_once);
    WM_ADD_TEST(s, second_signal_harmless_without_the_flag);
    WM_ADD_TEST(s, watcher_calls_back_once);
    return s;
}

WM_TEST_MAIN(sig_suite)
