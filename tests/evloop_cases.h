/* The event loop's cases (sim/core/evloop.c), run on its native backend by
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
    struct wm_evloop *el = wm_el_new(2);
    ck_assert(el != NULL);
    ck_assert(wm_el_new(0) == NULL);
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
    struct wm_evloop *el = wm_el_new(4);
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
    struct wm_evloop *el = wm_el_new(1);
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
    struct wm_evloop *el = wm_el_new(1);
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
    struct wm_evloop *el = wm_el_new(2);
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
    struct wm_evloop *el = wm_el_new(2);
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
    struct wm_evloop *el = wm_el_new(1);
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
}

#endif
