/* proto/bigset.c: the arena keeps values and tags in order; the set holds
 * each value once across growth and clearing; both say which bound refused. */
#include <stdio.h>
#include <string.h>

#include "bigset.h"
#include "testutil.h"

/* A value of `words` 32-bit words built from i (distinct for distinct i). */
static void value(struct wm_big *v, unsigned i, unsigned words, int neg)
{
    memset(v, 0, sizeof *v);
    for (unsigned k = 0; k < words; k++)
        v->w[k] = k == 0 ? i : 0x9e3779b9u * (k + 1);
    v->n = words;
    v->neg = neg;
    while (v->n && !v->w[v->n - 1])
        v->n--;
    if (!v->n)
        v->neg = 0;
}

START_TEST(arena_keeps_order_and_tags)
{
    struct wm_bigarena a;
    wm_bigarena_init(&a, 1000, 1 << 20);
    struct wm_big v, got;
    for (unsigned i = 0; i < 1000; i++) {
        value(&v, i, 1 + i % 5, (int)(i & 1));
        ck_assert_int_eq(wm_bigarena_add(&a, &v, i % 4), 0);
    }
    value(&v, 7, 1, 0);
    ck_assert_int_eq(wm_bigarena_add(&a, &v, 0), WM_BIGSET_FULL);
    size_t pos = 0;
    unsigned tag, i = 0;
    while (wm_bigarena_next(&a, &pos, &got, &tag)) {
        value(&v, i, 1 + i % 5, (int)(i & 1));
        ck_assert_msg(wm_big_cmp(&got, &v) == 0 && tag == i % 4, "value %u differs", i);
        i++;
    }
    ck_assert_uint_eq(i, 1000);
    wm_bigarena_clear(&a);
    pos = 0;
    ck_assert_int_eq(wm_bigarena_next(&a, &pos, &got, &tag), 0);
    wm_bigarena_free(&a);
}
END_TEST

START_TEST(set_holds_each_value_once)
{
    struct wm_bigset s;
    wm_bigset_init(&s, 20000, 1 << 24);
    struct wm_big v;
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 10000; i++) {
            value(&v, i, 3, 0);
            ck_assert_int_eq(wm_bigset_add(&s, &v), 1);
        }
        for (unsigned i = 0; i < 10000; i++) {
            value(&v, i, 3, 0);
            ck_assert_msg(wm_bigset_add(&s, &v) == 0, "value %u not held", i);
            value(&v, i, 3, 1); /* its negation is another value */
            ck_assert_int_eq(wm_bigset_add(&s, &v), 1);
        }
        ck_assert_uint_eq(wm_bigset_count(&s), 20000);
        value(&v, 123456, 2, 0);
        ck_assert_int_eq(wm_bigset_add(&s, &v), WM_BIGSET_FULL);
        wm_bigset_clear(&s);
        ck_assert_uint_eq(wm_bigset_count(&s), 0);
    }
    wm_bigset_free(&s);
}
END_TEST

START_TEST(bytes_bound_refuses)
{
    struct wm_bigset s;
    wm_bigset_init(&s, 1000000, 4096);
    struct wm_big v;
    unsigned i = 0;
    int rc;
    while ((rc = wm_bigset_add(&s, (value(&v, i, 4, 0), &v))) == 1)
        i++;
    ck_assert_int_eq(rc, WM_BIGSET_BYTES);
    ck_assert_msg(i > 50 && (5 * 4 * i + 4 * s.cap) <= 4096, "%u values, %zu slots", i, s.cap);
    for (unsigned k = 0; k < i; k++) /* what it took is still held, and says so */
        ck_assert_int_eq(wm_bigset_add(&s, (value(&v, k, 4, 0), &v)), 0);
    wm_bigset_free(&s);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bigset");
    WM_ADD_TEST(s, arena_keeps_order_and_tags);
    WM_ADD_TEST(s, set_holds_each_value_once);
    WM_ADD_TEST(s, bytes_bound_refuses);
    return s;
}

WM_TEST_MAIN(make_suite)
