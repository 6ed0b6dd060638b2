/* warmer serve with a session that hangs (WM_OUT_HANG; sim/net/serve/serve.h):
 * under both drivers the connection stays open, silent, counted against
 * --max-connections, until --idle-timeout or the shutdown, and the console
 * says "connection N (ADDR) hangs: <why>". The session is warmer's own,
 * wrapped by the test role of tests/hanger.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "hanger.h"
#include "net.h"
#include "serve.h"
#include "testutil.h"

struct rig {
    struct wm_serve_opts o;
    struct wm_serve_stats st;
    struct wm_gset_budget budget;
    struct hanger h[4];
    unsigned nh;
    unsigned at; /* the test role hangs at this line, 0 at the client's end */
    int lfd, sig[2], err_pipe[2], out_pipe[2], signo, rc;
    char addr[128];
    struct wm_err err;
    pthread_t tid;
};

static void wrap(void *ctx, struct wm_endpoint *ep)
{
    struct rig *r = ctx;
    ck_assert(r->nh < 4);
    struct hanger *h = &r->h[r->nh++];
    *h = (struct hanger){.inner = ep->role, .self = ep->self, .at = r->at, .answer = 1,
                         .at_eof = r->at == 0};
    ep->role = &hanger_role;
    ep->self = h;
}

static void *serve_main(void *arg)
{
    struct rig *r = arg;
    r->rc = r->o.driver == WM_SERVE_THREADS
                ? wm_serve_threads(r->lfd, r->sig[0], &r->o, &r->st, &r->signo, &r->err)
                : wm_serve_events(r->lfd, r->sig[0], &r->o, &r->st, &r->signo, &r->err);
    return NULL;
}

static void rig_start(struct rig *r, enum wm_serve_driver d, unsigned idle_ms, unsigned at)
{
    memset(r, 0, sizeof *r);
    ck_assert(pipe(r->sig) == 0 && pipe(r->err_pipe) == 0 && pipe(r->out_pipe) == 0);
    ck_assert(fcntl(r->err_pipe[0], F_SETFL, O_NONBLOCK) == 0);
    r->lfd = wm_net_listen("127.0.0.1:0", 16, &r->err);
    ck_assert_msg(r->lfd >= 0, "%s", r->err.msg);
    wm_net_name(r->lfd, 0, r->addr, sizeof r->addr);
    r->budget.limit = 1u << 20;
    r->o = (struct wm_serve_opts){.seed = 7, .driver = d, .max_conns = 1, .idle_ms = idle_ms,
                                  .max_line = WM_LINE_MAX_DEFAULT,
                                  .max_guesses = WM_DEFAULT_MAX_GUESSES, .budget = &r->budget,
                                  .wrap_role = wrap, .wrap_ctx = r};
    r->at = at;
    r->o.con = wm_con_start(r->out_pipe[1], r->err_pipe[1], WM_CON_DEFAULT_QUEUE, &r->err);
    ck_assert_msg(r->o.con != NULL, "%s", r->err.msg);
    ck_assert(pthread_create(&r->tid, NULL, serve_main, r) == 0);
}

/* Stops the server (as SIGTERM does) and returns its stderr (static). */
static const char *rig_stop(struct rig *r)
{
    static char text[8192];
    unsigned char term = SIGTERM;
    ck_assert(write(r->sig[1], &term, 1) == 1);
    pthread_join(r->tid, NULL);
    ck_assert_msg(r->rc == 0, "serve failed: %s", r->err.msg);
    wm_con_stop(r->o.con, 1000);
    wm_con_free(r->o.con);
    ssize_t n = read(r->err_pipe[0], text, sizeof text - 1);
    text[n > 0 ? n : 0] = '\0';
    close(r->lfd);
    for (int i = 0; i < 2; i++) {
        close(r->sig[i]);
        close(r->err_pipe[i]);
        close(r->out_pipe[i]);
    }
    return text;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What fd gives within ms: 1 bytes (into buf), 0 its end, -1 nothing. */
static int await(int fd, int ms, char *buf, size_t size, size_t *got)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    *got = 0;
    if (poll(&p, 1, ms) <= 0)
        return -1;
    ssize_t n = recv(fd, buf, size, 0);
    if (n <= 0)
        return 0;
    *got = (size_t)n;
    return 1;
}

static int dial(struct rig *r)
{
    struct wm_err err;
    int fd = wm_net_connect(r->addr, &err);
    ck_assert_msg(fd >= 0, "%s", err.msg);
    return fd;
}

static void send_text(int fd, const char *s)
{
    ck_assert(send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s));
}

/* Hangs at its second line after answering it: the answer arrives, then
 * nothing; a second client is refused (the limit is 1); the idle timeout
 * closes the hung connection. */
static void hangs_until_idle(enum wm_serve_driver d)
{
    struct rig r;
    char buf[256];
    size_t got;
    rig_start(&r, d, 600, 2);
    int fd = dial(&r);
    send_text(fd, "PARAMS 1 20\nNUMBER\n");
    ck_assert_msg(await(fd, 5000, buf, sizeof buf, &got) == 1 && got > 1 && buf[got - 1] == '\n',
                  "no answer before the hang");
    double hung = now();
    send_text(fd, "NUMBER\n");
    ck_assert_msg(await(fd, 300, buf, sizeof buf, &got) < 0,
                  "the hung session sent or closed within 0.3 s (got %zu bytes)", got);
    int second = dial(&r);
    ck_assert_msg(await(second, 5000, buf, sizeof buf, &got) == 0,
                  "a second client was not refused while the hung one is open");
    close(second);
    int end = await(fd, 5000, buf, sizeof buf, &got);
    double waited = now() - hung;
    ck_assert_msg(end == 0 && waited > 0.25, "the idle timeout did not close the hung "
                  "connection after 0.6 s (%d after %.2f s)", end, waited);
    close(fd);
    const char *log = rig_stop(&r);
    ck_assert_msg(strstr(log, "connection 1 (127.0.0.1:") &&
                      strstr(log, ") hangs: test role: hangs at a line\n") &&
                      strstr(log, "nothing received for 0.6 s (--idle-timeout), closing"),
                  "console:\n%s", log);
    ck_assert_msg(r.st.served == 1 && r.st.refused == 1 && r.st.idle == 1 && r.st.cut == 0,
                  "served %llu refused %llu idle %llu cut %llu", (unsigned long long)r.st.served,
                  (unsigned long long)r.st.refused, (unsigned long long)r.st.idle,
                  (unsigned long long)r.st.cut);
}

/* As the book's asyncio server: it never closes after the client's end;
 * with no idle timeout the shutdown closes it. */
static void hangs_until_shutdown(enum wm_serve_driver d)
{
    struct rig r;
    char buf[256];
    size_t got;
    rig_start(&r, d, 0, 0);
    int fd = dial(&r);
    send_text(fd, "PARAMS 1 20\nNUMBER\n");
    ck_assert(await(fd, 5000, buf, sizeof buf, &got) == 1);
    shutdown(fd, SHUT_WR);
    ck_assert_msg(await(fd, 300, buf, sizeof buf, &got) < 0,
                  "the server closed after the client's end");
    const char *log = rig_stop(&r);
    ck_assert_msg(await(fd, 5000, buf, sizeof buf, &got) == 0, "not closed at the shutdown");
    close(fd);
    ck_assert_msg(strstr(log, ") hangs: test role: never closes\n"), "console:\n%s", log);
    ck_assert_msg(r.st.cut == 1 && r.st.idle == 0, "idle %llu cut %llu",
                  (unsigned long long)r.st.idle, (unsigned long long)r.st.cut);
}

START_TEST(events_hung_until_idle) { hangs_until_idle(WM_SERVE_EVENTS); }
END_TEST
START_TEST(threads_hung_until_idle) { hangs_until_idle(WM_SERVE_THREADS); }
END_TEST
START_TEST(events_hung_until_shutdown) { hangs_until_shutdown(WM_SERVE_EVENTS); }
END_TEST
START_TEST(threads_hung_until_shutdown) { hangs_until_shutdown(WM_SERVE_THREADS); }
END_TEST

static Suite *serve_hang_suite(void)
{
    Suite *s = suite_create("serve_hang");
    WM_ADD_TEST(s, events_hung_until_idle);
    WM_ADD_TEST(s, threads_hung_until_idle);
    WM_ADD_TEST(s, events_hung_until_shutdown);
    WM_ADD_TEST(s, threads_hung_until_shutdown);
    return s;
}

WM_TEST_MAIN(serve_hang_suite)
