/* A side that hangs (WM_OUT_HANG, `S! hang <why>`; docs/TRANSCRIPTS.md):
 * the record written and parsed, the endpoint that flushes and then does
 * nothing, every in-process driver writing the same bytes for a run with a
 * test role that hangs, and a scripted side that plays a hang. */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "drivers.h"
#include "sim.h"
#include "testutil.h"
#include "transcript.h"

#define HDR "# warmer transcript v1\n# seed: 1\n# game: 1:5:3:5\n"

/* ---- the record ------------------------------------------------------------ */

static void expect_written(unsigned label, char side, const char *why, const char *want)
{
    char buf[WM_TX_RECORD_MAX(64)];
    size_t n = wm_tx_format_record(buf, label, side, WM_REC_HANG, why, strlen(why));
    ck_assert_msg(n == strlen(want) && memcmp(buf, want, n) == 0,
                  "wm_tx_format_record wrote \"%.*s\", want \"%s\"", (int)n, buf, want);
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    ck_assert(f != NULL);
    wm_tx_write_record(f, label, side, WM_REC_HANG, why, strlen(why));
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(strcmp(s, want) == 0, "wm_tx_write_record wrote \"%s\", want \"%s\"", s, want);
    free(s);
}

START_TEST(hang_record_written)
{
    expect_written(0, 'S', "every value was guessed", "S! hang every value was guessed\n");
    expect_written(0, 'C', "", "C! hang\n");
    expect_written(3, 'S', "x", "S3! hang x\n");
}
END_TEST

/* Parses text; -1 with err on a malformed file. */
static int parse_text(const char *text, struct wm_transcript *t, struct wm_err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    ck_assert(f != NULL);
    int rc = wm_tx_parse_file(f, "t.txt", t, WM_DEFAULT_MAX_JOURNAL, err);
    fclose(f);
    return rc;
}

static char *render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len)
{
    char *s = NULL;
    FILE *f = open_memstream(&s, len);
    ck_assert(f != NULL);
    int rc = wm_tx_write(f, cfg, logs);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(rc == 0, "the journals' causes are inconsistent (no merge)");
    return s;
}

static const char hung_pair[] = HDR "# connections: 2\n"
                                    "C1: PARAMS 1 5\n"
                                    "C1: NUMBER\n"
                                    "S1! hang every value was guessed\n"
                                    "C1! error no answer to NUMBER\n"
                                    "C2: PARAMS 1 5\n"
                                    "S2: 3\n"
                                    "S2! close\n"
                                    "C2! hang\n";

START_TEST(hang_record_round_trip)
{
    struct wm_transcript t;
    struct wm_err err;
    ck_assert_msg(parse_text(hung_pair, &t, &err) == 0, "%s", err.msg);
    const struct wm_journal *s1 = &t.conns[0].server, *c1 = &t.conns[0].client,
                            *c2 = &t.conns[1].client;
    ck_assert_uint_eq(s1->n, 1);
    ck_assert_int_eq(s1->recs[0].kind, WM_REC_HANG);
    ck_assert_str_eq(wm_rec_text(s1, &s1->recs[0]), "every value was guessed");
    ck_assert_uint_eq(s1->recs[0].cause, 2);
    /* Not a wire item: the client's error after it counts no server item. */
    ck_assert_uint_eq(c1->recs[2].cause, 0);
    ck_assert_int_eq(c2->recs[1].kind, WM_REC_HANG);
    ck_assert_uint_eq(c2->recs[1].len, 0);
    size_t len;
    char *again = render(&t.cfg, t.conns, &len);
    ck_assert_msg(len == strlen(hung_pair) && memcmp(again, hung_pair, len) == 0,
                  "re-rendered differently:\n%s\nwant:\n%s", again, hung_pair);
    free(again);
    wm_tx_free(&t);
}
END_TEST

static void expect_reject(const char *text, const char *want)
{
    struct wm_transcript t;
    struct wm_err err;
    int rc = parse_text(text, &t, &err);
    if (rc == 0)
        wm_tx_free(&t);
    ck_assert_msg(rc < 0, "accepted:\n%s", text);
    ck_assert_msg(strstr(err.msg, want) != NULL, "error \"%s\" should say \"%s\"", err.msg, want);
}

START_TEST(hang_record_nothing_of_the_side_after)
{
    expect_reject(HDR "C: PARAMS 1 5\nS! hang x\nS: 3\n",
                  "t.txt:6: a record of the server after its hang");
    expect_reject(HDR "C! hang\nC! close\n", "t.txt:5: a record of the client after its hang");
    expect_reject(HDR "C! hangs\n", "t.txt:4: expected '! close'");
    expect_reject(HDR "C! hang \n", "t.txt:4: expected '! close'");
    struct wm_transcript t;
    struct wm_err err; /* the peer's records may follow: its timeout, its close */
    ck_assert_msg(parse_text(HDR "C: PARAMS 1 5\nS! hang x\nC: NUMBER\nC! close\n", &t, &err) == 0,
                  "%s", err.msg);
    wm_tx_free(&t);
}
END_TEST

static Suite *hang_suite(void)
{
    Suite *s = suite_create("hang");
    WM_ADD_TEST(s, hang_record_written);
    WM_ADD_TEST(s, hang_record_round_trip);
    WM_ADD_TEST(s, hang_record_nothing_of_the_side_after);
    return s;
}

WM_TEST_MAIN(hang_suite)
