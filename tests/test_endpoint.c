/* sim/core/endpoint.c's hold on proto/session.h's contract: a session that
 * writes its end (an error or a close) says WM_SESS_CLOSED, and a driver
 * that is told otherwise stops loudly (an assert), since the session has
 * lost track of its own state; every driver reads sessions through here. */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "endpoint.h"
#include "journal.h"
#include "testutil.h"

/* A role whose every line is an error; `honest` says whether it then
 * returns CLOSED as the contract wants. */
struct liar {
    int honest, lines;
};

static enum wm_sess_rc on_line(void *self, const char *line, size_t len, const struct wm_sink *out)
{
    struct liar *l = self;
    (void)line;
    (void)len;
    l->lines++;
    wm_emit(out, WM_OUT_ERROR, "bad line", 8);
    return l->honest ? WM_SESS_CLOSED : WM_SESS_OPEN;
}

static enum wm_sess_rc quiet(void *self, const struct wm_sink *out)
{
    (void)self;
    (void)out;
    return WM_SESS_OPEN;
}

static enum wm_sess_rc ends(void *self, const struct wm_sink *out)
{
    (void)self;
    (void)out;
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc bad_input(void *self, const struct wm_err *err, const struct wm_sink *out)
{
    (void)self;
    wm_emit(out, WM_OUT_ERROR, err->msg, 3);
    return WM_SESS_CLOSED;
}

static const struct wm_role liar_role = {.start = quiet, .on_line = on_line, .on_eof = ends,
                                         .on_bad_input = bad_input, .on_timeout = ends};

/* Feeds "x\n" to a liar's endpoint: 1 if the endpoint ended the side. */
static int feed_a_line(struct liar *l)
{
    struct wm_journal j;
    struct wm_endpoint ep;
    wm_journal_init(&j, 1 << 12);
    ck_assert_int_eq(wm_ep_init(&ep, 'S', &liar_role, l, &j, 64, 1 << 12), 0);
    wm_ep_start(&ep);
    ck_assert_uint_eq(wm_ep_feed(&ep, "x\n", 2), 2);
    int closed = wm_ep_closed(&ep);
    wm_ep_free(&ep);
    wm_journal_free(&j);
    return closed;
}

START_TEST(a_session_that_writes_its_end_and_says_closed_ends)
{
    struct liar l = {.honest = 1};
    ck_assert_int_eq(feed_a_line(&l), 1);
    ck_assert_int_eq(l.lines, 1);
}
END_TEST

/* In a child of its own (Check may run without forking): the assert's
 * abort is the expected outcome, its message sent to /dev/null. */
START_TEST(a_session_that_writes_its_end_and_says_open_aborts)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit none = {0, 0}; /* no core file (nor valgrind's vgcore) */
        if (!freopen("/dev/null", "w", stderr) || setrlimit(RLIMIT_CORE, &none) != 0)
            _exit(3);
        struct liar l = {.honest = 0};
        feed_a_line(&l);
        _exit(0); /* the endpoint took the lie */
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
                  "a session that wrote an error and returned WM_SESS_OPEN: the endpoint %s %d, "
                  "want it to abort (SIGABRT)", WIFSIGNALED(st) ? "died of signal" : "exited",
                  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}
END_TEST

static Suite *endpoint_suite(void)
{
    Suite *s = suite_create("endpoint");
    WM_ADD_TEST(s, a_session_that_writes_its_end_and_says_closed_ends);
    WM_ADD_TEST(s, a_session_that_writes_its_end_and_says_open_aborts);
    return s;
}

WM_TEST_MAIN(endpoint_suite)
