/* sim/core/transport.c's memory pipes: bytes come out as they went in, in
 * order, across the pipe's own small bytes and its heap buffer; a full pipe
 * takes nothing; a drained one holds no memory; closes as a socket's. */
#include <string.h>

#include "testutil.h"
#include "transport.h"

/* Byte i of the stream written so far, so any mix-up shows. */
static char nth(size_t i)
{
    return (char)('a' + (i * 7 + i / 26) % 26);
}

struct stream {
    size_t written, read;
};

static long write_some(struct wm_transport *t, struct stream *st, size_t n)
{
    char buf[WM_PIPE_CAP + 1];
    ck_assert_uint_le(n, sizeof buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = nth(st->written + i);
    long w = wm_tr_write(t, 0, buf, n);
    if (w > 0)
        st->written += (size_t)w;
    return w;
}

static long read_some(struct wm_transport *t, struct stream *st, size_t n)
{
    char buf[WM_PIPE_CAP + 1];
    ck_assert_uint_le(n, sizeof buf);
    long r = wm_tr_read(t, 1, buf, n);
    for (long i = 0; i < r; i++)
        ck_assert_msg(buf[i] == nth(st->read + (size_t)i),
                      "byte %zu of the stream: got 0x%02x, want 0x%02x ('%c')", st->read + (size_t)i,
                      (unsigned char)buf[i], (unsigned char)nth(st->read + (size_t)i),
                      nth(st->read + (size_t)i));
    if (r > 0)
        st->read += (size_t)r;
    return r;
}

START_TEST(memory_pipe_keeps_order_across_small_and_heap)
{
    struct wm_transport t;
    struct wm_err err;
    ck_assert_int_eq(wm_tr_open(&t, WM_TR_MEMORY, &err), 0);
    struct stream st = {0, 0};
    /* Sizes chosen to stay in the small bytes, to fill them exactly, to
     * cross into the heap with bytes still in the small ones, and to wrap
     * a partly read buffer (head > 0) before growing. */
    static const size_t writes[] = {7, 14, 43, 1, 30, 64, 65, 200, 3, 1000, 5000, 64};
    static const size_t reads[] = {3, 20, 0, 50, 1, 64, 100, 9, 4000, 1, 2000};
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        ck_assert_int_eq(write_some(&t, &st, writes[i]), (long)writes[i]);
        if (i < sizeof reads / sizeof reads[0] && reads[i])
            ck_assert_int_gt(read_some(&t, &st, reads[i]), 0);
        ck_assert_uint_eq(t.pipe[0].len, st.written - st.read);
    }
    while (st.read < st.written)
        ck_assert_int_gt(read_some(&t, &st, 333), 0);
    ck_assert_msg(t.pipe[0].buf == NULL && t.pipe[0].cap == 0, "a drained pipe keeps a buffer");
    ck_assert_int_eq(read_some(&t, &st, 10), -1); /* nothing yet, the writer still open */
    wm_tr_close(&t);
}
END_TEST

START_TEST(memory_pipe_full_takes_nothing_then_drains)
{
    struct wm_transport t;
    struct wm_err err;
    ck_assert_int_eq(wm_tr_open(&t, WM_TR_MEMORY, &err), 0);
    struct stream st = {0, 0};
    ck_assert_int_eq(write_some(&t, &st, 10), 10);
    ck_assert_int_eq(write_some(&t, &st, WM_PIPE_CAP), WM_PIPE_CAP - 10); /* up to the cap */
    ck_assert_int_eq(write_some(&t, &st, 1), 0);                          /* full */
    ck_assert_int_eq(read_some(&t, &st, 5), 5);
    ck_assert_int_eq(write_some(&t, &st, 100), 5);
    while (st.read < st.written)
        ck_assert_int_gt(read_some(&t, &st, 4096), 0);
    ck_assert_ptr_null(t.pipe[0].buf);
    /* Small again: the next line needs no allocation. */
    ck_assert_int_eq(write_some(&t, &st, 20), 20);
    ck_assert_ptr_null(t.pipe[0].buf);
    ck_assert_int_eq(read_some(&t, &st, 20), 20);
    wm_tr_close(&t);
}
END_TEST

START_TEST(memory_pipe_close_and_half_close)
{
    struct wm_transport t;
    struct wm_err err;
    ck_assert_int_eq(wm_tr_open(&t, WM_TR_MEMORY, &err), 0);
    struct stream st = {0, 0};
    ck_assert_int_eq(write_some(&t, &st, 12), 12);
    wm_tr_shutdown_write(&t, 0);
    ck_assert_int_eq(write_some(&t, &st, 1), -1);  /* the writer's half is closed */
    ck_assert_int_eq(read_some(&t, &st, 100), 12); /* what was written still arrives */
    ck_assert_int_eq(read_some(&t, &st, 100), 0);  /* then the end of the stream */
    wm_tr_close(&t);

    ck_assert_int_eq(wm_tr_open(&t, WM_TR_MEMORY, &err), 0);
    st = (struct stream){0, 0};
    ck_assert_int_eq(write_some(&t, &st, 300), 300); /* on the heap */
    wm_tr_shutdown(&t, 1);                          /* the reader goes: in flight is dropped */
    ck_assert_uint_eq(t.pipe[0].len, 0);
    ck_assert_int_eq(write_some(&t, &st, 1), -1);
    wm_tr_close(&t); /* and its buffer is freed (memcheck) */
}
END_TEST

static Suite *transport_suite(void)
{
    Suite *s = suite_create("transport");
    WM_ADD_TEST(s, memory_pipe_keeps_order_across_small_and_heap);
    WM_ADD_TEST(s, memory_pipe_full_takes_nothing_then_drains);
    WM_ADD_TEST(s, memory_pipe_close_and_half_close);
    return s;
}

WM_TEST_MAIN(transport_suite)
