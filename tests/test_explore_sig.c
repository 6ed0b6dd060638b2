/* sim/explore/engine/explore_sig.c: a finding's signature is its kind and the class
 * of the line it names, with none of the run's values; the table groups
 * runs by it and holds at most max signatures; the shrinker keeps it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explore_sig.h"
#include "testutil.h"

static const char tx[] = "# warmer transcript v1\n"
                         "# seed: 4\n"
                         "C12: PARAMS 1 5\n"
                         "C12: NUMBER\n"
                         "S12: -3\n"
                         "C12: REPORT Unsure\n"
                         "S12! error guess out of range\n"
                         "C12! close\n"
                         "odd line\n";

/* The signature of a violation of kind at line n of tx. */
static void sig_at(const char *kind, size_t n, char *buf)
{
    struct wm_outcome o = {.failed = 1, .text = (char *)tx, .len = sizeof tx - 1};
    o.v.kind = kind;
    o.v.lineno = n;
    wm_xsig_of(&o, buf, WM_XSIG_MAX);
}

START_TEST(signature_is_kind_and_line_class)
{
    static const struct {
        size_t line;
        const char *want;
    } t[] = {{1, "k@header"},   {3, "k@C:PARAMS"}, {4, "k@C:NUMBER"},    {5, "k@S:N"},
             {6, "k@C:REPORT"}, {7, "k@S!error"},  {8, "k@C!close"},     {9, "k@other"},
             {0, "k@run"},      {99, "k@run"}};
    char got[WM_XSIG_MAX];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sig_at("k", t[i].line, got);
        ck_assert_msg(strcmp(got, t[i].want) == 0, "line %zu: signature %s, want %s", t[i].line,
                      got, t[i].want);
    }
    struct wm_outcome o = {.failed = 1, .v = {.kind = "hang", .lineno = 3}}; /* no text */
    wm_xsig_of(&o, got, sizeof got);
    ck_assert_str_eq(got, "hang@run");
}
END_TEST

START_TEST(table_groups_and_bounds)
{
    struct wm_xsig_table t;
    int fresh;
    ck_assert_int_eq(wm_xsig_init(&t, 2), 0);
    struct wm_xsig_finding *a = wm_xsig_add(&t, "decision@C:REPORT", 7, &fresh);
    ck_assert(a && fresh);
    ck_assert(wm_xsig_add(&t, "decision@C:REPORT", 9, &fresh) == a && !fresh);
    struct wm_xsig_finding *b = wm_xsig_add(&t, "summary@C!close", 11, &fresh);
    ck_assert(b && b != a && fresh);
    ck_assert(wm_xsig_add(&t, "hang@run", 12, &fresh) == NULL && !fresh); /* past max */
    ck_assert(wm_xsig_add(&t, "summary@C!close", 13, &fresh) == b && !fresh);
    ck_assert_uint_eq(a->first_run, 7);
    ck_assert_uint_eq(a->runs, 2);
    ck_assert_uint_eq(b->first_run, 11);
    ck_assert_uint_eq(b->runs, 2);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_uint_eq(t.past_max, 1);
    ck_assert_uint_eq(wm_xsig_runs(&t), 5);
    wm_xsig_free(&t);
}
END_TEST

/* A runner whose bug shows at a REPORT with 2 or more connections, and at a
 * server line with 1: the same kind, another place. */
static int two_places(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    (void)ctx;
    memset(o, 0, sizeof *o);
    o->failed = 1;
    o->v.kind = "decision";
    o->v.lineno = 1;
    o->text = strdup(s->connections >= 2 ? "C1: REPORT Colder\n" : "S1: 4\n");
    o->len = o->text ? strlen(o->text) : 0;
    return o->text ? 0 : -1;
}

START_TEST(shrink_keeps_the_signature)
{
    struct wm_scn_bias bias = {.driver = -1, .faults = WM_SCN_ALL_FAULTS};
    struct wm_scn s;
    uint64_t run = 0;
    do /* a scenario of 3 or more connections */
        wm_scn_draw(&s, 1, run++, &bias);
    while (s.connections < 3 && run < 1000);
    ck_assert_uint_ge(s.connections, 3);
    struct wm_outcome o;
    ck_assert_int_eq(two_places(NULL, &s, &o), 0);
    unsigned spent = wm_explore_shrink(&s, &o, two_places, NULL);
    char sig[WM_XSIG_MAX];
    wm_xsig_of(&o, sig, sizeof sig);
    ck_assert_msg(s.connections == 2 && strcmp(sig, "decision@C:REPORT") == 0,
                  "shrunk in %u runs to %u connections, %s: want 2, decision@C:REPORT", spent,
                  s.connections, sig);
    wm_outcome_free(&o);
}
END_TEST

/* Call i of a flaky runner: the bug at a REPORT, then another place, then
 * no failure, in turn. */
static int flaky(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    unsigned *calls = ctx;
    (void)s;
    memset(o, 0, sizeof *o);
    unsigned i = (*calls)++ % 3;
    if (i == 2)
        return 0;
    o->failed = 1;
    o->v.kind = "decision";
    o->v.lineno = 1;
    o->text = strdup(i == 0 ? "C1: REPORT Colder\n" : "S1: 4\n");
    o->len = o->text ? strlen(o->text) : 0;
    return o->text ? 0 : -1;
}

START_TEST(rerun_counts_the_signature_only)
{
    struct wm_scn_bias bias = {.driver = -1, .faults = WM_SCN_ALL_FAULTS};
    struct wm_scn s;
    unsigned calls = 0, ran;
    wm_scn_draw(&s, 1, 0, &bias);
    unsigned failed = wm_explore_rerun(&s, "decision@C:REPORT", 7, flaky, &calls, &ran);
    ck_assert_msg(failed == 3 && ran == 7 && calls == 7,
                  "failed %u of %u re-runs (%u calls), want 3 of 7", failed, ran, calls);
}
END_TEST

static Suite *explore_sig_suite(void)
{
    Suite *s = suite_create("explore_sig");
    WM_ADD_TEST(s, signature_is_kind_and_line_class);
    WM_ADD_TEST(s, table_groups_and_bounds);
    WM_ADD_TEST(s, shrink_keeps_the_signature);
    WM_ADD_TEST(s, rerun_counts_the_signature_only);
    return s;
}

WM_TEST_MAIN(explore_sig_suite)
