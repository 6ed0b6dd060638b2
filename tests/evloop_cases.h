/* The event loop's cases (sim/core/drivers/evloop.c), run on its native backend by
 * test_drivers.c and on poll(2) by test_evloop_poll.c. The includer
 * defines WM_EL_EXPECT, the backend it must be running. */
#ifndef WM_EVLOOP_CASES_H
#define WM_EVLOOP_CASES_H

#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "testutil.h"

START_TEST(test_evloop_backend)
{
    ck_assert_str_eq(wm_el_backend(), WM_EL_EXPECT);
}
END_TEST

struct probe {
    int calls, last_ready;
    int del_fd;   /* removed by the callback when >= 0 */
    struct wm_evloop *el;
    char buf[16];
};

static void probe_cb(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct probe *p = ud;
    p->calls++;
    p->last_ready = ready;
    if (ready & WM_EL_READ) {
        ssize_t r = read(fd, p->buf, sizeof p->buf);
        if (r <= 0)
            wm_el_del(el, fd);
    }
    if (ready & WM_EL_WRITE)
        wm_el_set(el, fd, 0);
    if (p->del_fd >= 0) {
        wm_el_del(el, p->del_fd);
        p->del_fd = -1;
    }
}

START_TEST(test_evloop_register_and_limits)
{
    struct wm_evloop *el = wm_el_new(2, 0);
    ck_assert(el != NULL);
    ck_assert(wm_el_new(0, 0) == NULL);
    int a[2], b[2];
    ck_assert(pipe(a) == 0 && pipe(b) == 0);
    struct probe p = {.del_fd = -1};
    ck_assert_int_eq(wm_el_add(el, a[0], WM_EL_READ, probe_cb, &p), 0);
    ck_assert_int_eq(wm_el_add(el, a[0], WM_EL_READ, probe_cb, &p), -1); /* twice */
    ck_assert_int_eq(wm_el_add(el, -1, WM_EL_READ, probe_cb, &p), -1);
    ck_assert_int_eq(wm_el_add(el, b[1], 0, probe_cb, &p), 0);
    ck_assert_int_eq(wm_el_add(el, b[0], WM_EL_READ, probe_cb, &p), -1); /* full */
    ck_assert_uint_eq(wm_el_wanted(el), 1);
    ck_assert_int_eq(wm_el_set(el, 12345, WM_EL_READ), -1);
    ck_assert_int_eq(wm_el_del(el, 12345), -1);
    /* nothing to read: a poll with a timeout returns 0 */
    ck_assert_int_eq(wm_el_once(el, 0), 0);
    ck_assert_int_eq(wm_el_run(el, 10, 0), WM_EL_TIMEOUT);
    ck_assert_int_eq(p.calls, 0);
    /* a write end with write interest is ready at once; the callback silences it */
    ck_assert_int_eq(wm_el_set(el, b[1], WM_EL_WRITE), 0);
    ck_assert_uint_eq(wm_el_wanted(el), 2);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(p.calls, 1);
    ck_assert_int_eq(p.last_ready, WM_EL_WRITE);
    ck_assert_uint_eq(wm_el_wanted(el), 1);
    /* bytes, then the end: read until the callback removes the fd */
    ck_assert(write(a[1], "hi", 2) == 2);
    close(a[1]);
    ck_assert_int_eq(wm_el_run(el, 1000, 100), WM_EL_IDLE);
    ck_assert_int_eq(p.calls, 3);
    ck_assert_int_eq(memcmp(p.buf, "hi", 2), 0);
    ck_assert_uint_eq(wm_el_wanted(el), 0);
    /* a freed slot is reused */
    ck_assert_int_eq(wm_el_add(el, b[0], WM_EL_READ, probe_cb, &p), 0);
    ck_assert_int_eq(wm_el_del(el, b[0]), 0);
    ck_assert_int_eq(wm_el_del(el, b[1]), 0);
    wm_el_free(el);
    close(a[0]);
    close(b[0]);
    close(b[1]);
}
END_TEST

START_TEST(test_evloop_callback_removes_another_ready_fd)
{
    struct wm_evloop *el = wm_el_new(4, 0);
    int a[2], b[2];
    ck_assert(pipe(a) == 0 && pipe(b) == 0);
    ck_assert(write(a[1], "x", 1) == 1 && write(b[1], "y", 1) == 1);
    struct probe pa = {.del_fd = b[0]}, pb = {.del_fd = -1};
    ck_assert_int_eq(wm_el_add(el, a[0], WM_EL_READ, probe_cb, &pa), 0);
    ck_assert_int_eq(wm_el_add(el, b[0], WM_EL_READ, probe_cb, &pb), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 2); /* both were ready ... */
    ck_assert_int_eq(pa.calls, 1);
    ck_assert_int_eq(pb.calls, 0); /* ... but b was removed before its turn */
    ck_assert_uint_eq(wm_el_wanted(el), 1);
    wm_el_free(el);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}
END_TEST

static void stop_cb(struct wm_evloop *el, int fd, int ready, void *ud)
{
    (void)fd;
    (void)ready;
    (*(int *)ud)++;
    wm_el_stop(el);
}

START_TEST(test_evloop_stop)
{
    struct wm_evloop *el = wm_el_new(1, 0);
    int a[2];
    ck_assert(pipe(a) == 0);
    int calls = 0;
    ck_assert(write(a[1], "z", 1) == 1);
    ck_assert_int_eq(wm_el_add(el, a[0], WM_EL_READ, stop_cb, &calls), 0);
    ck_assert_int_eq(wm_el_run(el, -1, 0), WM_EL_STOPPED);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(wm_el_run(el, -1, 0), WM_EL_STOPPED); /* it stays stopped */
    ck_assert_int_eq(calls, 1);
    wm_el_free(el);
    close(a[0]);
    close(a[1]);
}
END_TEST

static void keep_cb(struct wm_evloop *el, int fd, int ready, void *ud)
{
    (void)el;
    (void)fd;
    (void)ready;
    (*(int *)ud)++;
}

/* Level-triggered: a callback that leaves the fd ready is called each round. */
START_TEST(test_evloop_round_limit)
{
    struct wm_evloop *el = wm_el_new(1, 0);
    int a[2];
    ck_assert(pipe(a) == 0);
    int calls = 0;
    ck_assert_int_eq(wm_el_add(el, a[1], WM_EL_WRITE, keep_cb, &calls), 0);
    ck_assert_int_eq(wm_el_run(el, 1000, 5), WM_EL_LIMIT);
    ck_assert_int_eq(calls, 5);
    wm_el_free(el);
    close(a[0]);
    close(a[1]);
}
END_TEST


struct reuse {
    struct probe *pc;
    int old_fd, c[2], new_fd;
};

/* Removes and closes old_fd, then makes a pipe (the lowest free number:
 * old_fd's) with a byte waiting and registers it in the freed slot. */
static void reuse_cb(struct wm_evloop *el, int fd, int ready, void *ud)
{
    struct reuse *r = ud;
    (void)ready;
    char b;
    ck_assert(read(fd, &b, 1) == 1);
    wm_el_del(el, r->old_fd);
    close(r->old_fd);
    ck_assert(pipe(r->c) == 0);
    ck_assert(write(r->c[1], "z", 1) == 1);
    r->new_fd = r->c[0];
    ck_assert_int_eq(wm_el_add(el, r->c[0], WM_EL_READ, probe_cb, r->pc), 0);
}

/* A callback removes a ready fd and registers a new one in its slot, with
 * its number: the event gathered for the old fd must not reach the new
 * one, which waits for the next round. */
START_TEST(test_evloop_stale_event_skips_a_reused_slot)
{
    struct wm_evloop *el = wm_el_new(2, 0);
    int a[2], b[2];
    ck_assert(pipe(a) == 0 && pipe(b) == 0);
    ck_assert(write(a[1], "x", 1) == 1 && write(b[1], "y", 1) == 1);
    struct probe pb = {.del_fd = -1}, pc = {.del_fd = -1};
    struct reuse r = {.pc = &pc, .old_fd = b[0]};
    /* b first, so that a's callback runs before b's event is delivered */
    ck_assert_int_eq(wm_el_add(el, a[0], WM_EL_READ, reuse_cb, &r), 0);
    ck_assert_int_eq(wm_el_add(el, b[0], WM_EL_READ, probe_cb, &pb), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 2);
    ck_assert_int_eq(r.new_fd, b[0]); /* the number was reused */
    ck_assert_int_eq(pb.calls, 0);
    ck_assert_int_eq(pc.calls, 0); /* not this round */
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(pc.calls, 1);
    ck_assert_int_eq(memcmp(pc.buf, "z", 1), 0);
    wm_el_free(el);
    close(a[0]);
    close(a[1]);
    close(b[1]);
    close(r.c[0]);
    close(r.c[1]);
}
END_TEST

/* An fd without interest never wakes the loop, not even for a hang-up
 * (which epoll reports unasked); with interest, the hang-up is readable. */
START_TEST(test_evloop_silent_fd_stays_silent)
{
    struct wm_evloop *el = wm_el_new(2, 0);
    int a[2], b[2];
    ck_assert(pipe(a) == 0 && pipe(b) == 0);
    struct probe pa = {.del_fd = -1}, pb = {.del_fd = -1};
    ck_assert_int_eq(wm_el_add(el, a[0], 0, probe_cb, &pa), 0);
    ck_assert_int_eq(wm_el_add(el, b[0], WM_EL_READ, probe_cb, &pb), 0);
    close(a[1]); /* a hang-up on a[0] */
    ck_assert_int_eq(wm_el_once(el, 50), 0);
    ck_assert_int_eq(pa.calls + pb.calls, 0);
    ck_assert_int_eq(wm_el_set(el, a[0], WM_EL_READ), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(pa.calls, 1);
    ck_assert_int_eq(pa.last_ready, WM_EL_READ);
    ck_assert_uint_eq(wm_el_wanted(el), 1); /* the probe read the end and removed a[0] */
    wm_el_free(el);
    close(a[0]);
    close(b[0]);
    close(b[1]);
}
END_TEST

/* Interest moves between reading and writing; setting the same one again
 * changes nothing. */
START_TEST(test_evloop_interest_changes)
{
    struct wm_evloop *el = wm_el_new(1, 0);
    int a[2];
    ck_assert(pipe(a) == 0);
    int calls = 0;
    ck_assert_int_eq(wm_el_add(el, a[1], WM_EL_WRITE, keep_cb, &calls), 0);
    ck_assert_int_eq(wm_el_set(el, a[1], WM_EL_WRITE), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(wm_el_set(el, a[1], WM_EL_READ), 0); /* a write end is never readable */
    ck_assert_int_eq(wm_el_once(el, 50), 0);
    ck_assert_int_eq(wm_el_set(el, a[1], WM_EL_READ | WM_EL_WRITE), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(calls, 2);
    ck_assert_uint_eq(wm_el_wanted(el), 1);
    ck_assert_int_eq(wm_el_set(el, a[1], 0), 0);
    ck_assert_uint_eq(wm_el_wanted(el), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 0); /* nothing wanted: no wait at all */
    wm_el_free(el);
    close(a[0]);
    close(a[1]);
}
END_TEST


/* ---- timers and the signal source ---- */

struct tlog;
struct tev {
    struct tlog *log;
    int id;
};

struct tlog {
    struct tev again; /* the timer a callback arms */
    int order[16];
    int n;
    struct wm_evloop *el;
    int rearm; /* arms one more 0 ms timer from the callback, once */
    int signos[4], nsig, stop_at;
};

static void tlog_fire(struct wm_evloop *el, void *ud)
{
    struct tev *t = ud;
    ck_assert_int_lt(t->log->n, 16);
    t->log->order[t->log->n++] = t->id;
    if (t->log->rearm) {
        t->log->rearm = 0;
        t->log->again = (struct tev){t->log, 99};
        ck_assert(wm_el_timer_add(el, 0, tlog_fire, &t->log->again) != 0);
    }
}

/* Earliest first; equal deadlines in the order they were armed; the loop
 * is idle only once every timer fired, and no sooner than the last one. */
START_TEST(test_evloop_timer_order)
{
    struct wm_evloop *el = wm_el_new(1, 8);
    struct tlog log = {.el = el};
    struct tev ev[6];
    const int64_t ms[6] = {30, 10, 20, 10, 0, 10};
    int64_t t0 = wm_el_now(el);
    for (int i = 0; i < 6; i++) {
        ev[i] = (struct tev){&log, i};
        ck_assert(wm_el_timer_add(el, ms[i], tlog_fire, &ev[i]) != 0);
    }
    ck_assert_uint_eq(wm_el_timers(el), 6);
    ck_assert_int_eq(wm_el_run(el, 1000, 100), WM_EL_IDLE);
    const int want[6] = {4, 1, 3, 5, 2, 0};
    ck_assert_int_eq(log.n, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_msg(log.order[i] == want[i], "fired #%d was timer %d, expected %d", i,
                      log.order[i], want[i]);
    ck_assert_int_ge(wm_el_now(el) - t0, 30);
    ck_assert_uint_eq(wm_el_timers(el), 0);
    wm_el_free(el);
}
END_TEST

/* A moved timer goes behind; a fired, disarmed or made-up handle is
 * refused; past max_timers nothing is armed, and a freed one is reused. */
START_TEST(test_evloop_timer_set_del_and_limit)
{
    struct wm_evloop *el = wm_el_new(1, 2);
    struct tlog log = {.el = el};
    struct tev a = {&log, 1}, b = {&log, 2};
    wm_el_timer ta = wm_el_timer_add(el, 5, tlog_fire, &a);
    wm_el_timer tb = wm_el_timer_add(el, 10, tlog_fire, &b);
    ck_assert(ta != 0 && tb != 0 && ta != tb);
    ck_assert(wm_el_timer_add(el, 1, tlog_fire, &a) == 0); /* full */
    ck_assert_int_eq(wm_el_timer_set(el, ta, 20), 0);
    ck_assert_int_eq(wm_el_timer_set(el, 0, 1), -1);
    ck_assert_int_eq(wm_el_timer_del(el, 12345), -1);
    ck_assert_int_eq(wm_el_run(el, -1, 100), WM_EL_IDLE);
    ck_assert_int_eq(log.n, 2);
    ck_assert_int_eq(log.order[0], 2);
    ck_assert_int_eq(log.order[1], 1);
    ck_assert_int_eq(wm_el_timer_del(el, ta), -1); /* fired */
    wm_el_timer tc = wm_el_timer_add(el, 1000, tlog_fire, &a);
    ck_assert(tc != 0 && tc != ta && tc != tb); /* a reused slot, a new handle */
    ck_assert_int_eq(wm_el_timer_del(el, tc), 0);
    ck_assert_int_eq(wm_el_timer_del(el, tc), -1);
    ck_assert_uint_eq(wm_el_timers(el), 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 0); /* nothing armed: no wait */
    ck_assert_int_eq(log.n, 2);
    wm_el_free(el);
}
END_TEST

/* A timer armed by a timer waits for the next round, even at 0 ms; a poll
 * cut short by a timer is no timeout. */
START_TEST(test_evloop_timer_armed_in_a_round_waits)
{
    struct wm_evloop *el = wm_el_new(1, 4);
    struct tlog log = {.el = el, .rearm = 1};
    struct tev a = {&log, 1};
    int p[2];
    ck_assert(pipe(p) == 0);
    struct probe pr = {.del_fd = -1};
    ck_assert_int_eq(wm_el_add(el, p[0], WM_EL_READ, probe_cb, &pr), 0); /* never ready */
    ck_assert(wm_el_timer_add(el, 0, tlog_fire, &a) != 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(log.n, 1);
    ck_assert_uint_eq(wm_el_timers(el), 1);
    ck_assert_int_eq(wm_el_once(el, 1000), 1);
    ck_assert_int_eq(log.n, 2);
    ck_assert_int_eq(log.order[1], 99);
    ck_assert(wm_el_timer_add(el, 20, tlog_fire, &a) != 0);
    ck_assert_int_eq(wm_el_run(el, 200, 100), WM_EL_TIMEOUT); /* the timer, then 200 ms */
    ck_assert_int_eq(log.n, 3);
    ck_assert_int_eq(pr.calls, 0);
    wm_el_free(el);
    close(p[0]);
    close(p[1]);
}
END_TEST

static void tlog_signal(struct wm_evloop *el, int signo, void *ud)
{
    struct tlog *log = ud;
    ck_assert_int_lt(log->nsig, 4);
    log->signos[log->nsig++] = signo;
    if (log->nsig == log->stop_at)
        wm_el_stop(el);
}

/* Each byte of the self-pipe is one signal, in order; a round stopped by
 * a signal fires no timer, however due. */
START_TEST(test_evloop_signal_source)
{
    struct wm_evloop *el = wm_el_new(1, 1);
    struct tlog log = {.el = el, .stop_at = 2};
    struct tev a = {&log, 1};
    int p[2];
    ck_assert(pipe(p) == 0);
    ck_assert_int_eq(wm_el_signal(el, p[0], tlog_signal, &log), 0);
    ck_assert_uint_eq(wm_el_wanted(el), 1);
    ck_assert(write(p[1], "\x02\x0f", 2) == 2);
    ck_assert(wm_el_timer_add(el, 0, tlog_fire, &a) != 0);
    ck_assert_int_eq(wm_el_once(el, 1000), 2); /* one signal, then the timer */
    ck_assert_int_eq(log.n, 1);
    ck_assert(wm_el_timer_add(el, 0, tlog_fire, &a) != 0);
    ck_assert_int_eq(wm_el_run(el, 1000, 100), WM_EL_STOPPED);
    ck_assert_int_eq(log.nsig, 2);
    ck_assert_int_eq(log.signos[0], 2);
    ck_assert_int_eq(log.signos[1], 15);
    ck_assert_int_eq(log.n, 1); /* stopped: the second timer did not fire */
    ck_assert_uint_eq(wm_el_timers(el), 1);
    wm_el_free(el);
    close(p[0]);
    close(p[1]);
}
END_TEST

static void wm_evloop_cases(Suite *s)
{
    WM_ADD_TEST(s, test_evloop_backend);
    WM_ADD_TEST(s, test_evloop_register_and_limits);
    WM_ADD_TEST(s, test_evloop_callback_removes_another_ready_fd);
    WM_ADD_TEST(s, test_evloop_stop);
    WM_ADD_TEST(s, test_evloop_round_limit);
    WM_ADD_TEST(s, test_evloop_stale_event_skips_a_reused_slot);
    WM_ADD_TEST(s, test_evloop_silent_fd_stays_silent);
    WM_ADD_TEST(s, test_evloop_interest_changes);
    WM_ADD_TEST(s, test_evloop_timer_order);
    WM_ADD_TEST(s, test_evloop_timer_set_del_and_limit);
    WM_ADD_TEST(s, test_evloop_timer_armed_in_a_round_waits);
    WM_ADD_TEST(s, test_evloop_signal_source);
}

#endif
