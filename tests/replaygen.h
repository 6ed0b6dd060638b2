/* Shared by the replay property suites (test_replay.c, test_chaos.c): a
 * seeded generator, and a transcript checked as `warmer check` does. All
 * static, so each suite builds cleanly under -Werror with what it uses. */
#ifndef WM_REPLAYGEN_H
#define WM_REPLAYGEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "runcmd.h"
#include "streamcmp.h"
#include "testutil.h"
#include "transcript.h"

/* ---- a seeded generator (splitmix64: no global state) ---------------------- */

struct prng {
    uint64_t s;
};

static inline uint64_t prng_next(struct prng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline unsigned pick(struct prng *r, unsigned n)
{
    return (unsigned)(prng_next(r) % n);
}

/* Line or partial text: any byte but '\n' (escapes included); a partial is
 * never empty. Returns the length, at most 24. */
static inline size_t gen_text(struct prng *r, char *buf, int partial)
{
    size_t n = pick(r, 8) == 0 ? 0 : 1 + pick(r, pick(r, 4) == 0 ? 24 : 6);
    if (partial && n == 0)
        n = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned k = pick(r, 10);
        char c = k < 7 ? (char)('a' + pick(r, 26)) : k < 8 ? ' ' : (char)pick(r, 256);
        buf[i] = c == '\n' ? 'n' : c;
    }
    return n;
}

/* An error reason: printable, kept verbatim, no trailing space. */
static inline size_t gen_reason(struct prng *r, char *buf)
{
    size_t n = 1 + pick(r, 20);
    for (size_t i = 0; i < n; i++)
        buf[i] = i > 0 && i + 1 < n && pick(r, 5) == 0 ? ' ' : (char)('a' + pick(r, 26));
    return n;
}

/* ---- running and comparing ---------------------------------------------------- */

static char tmpdir[64]; /* the suite's scratch directory */

static inline void make_tmpdir(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "replay") == 0, "mkdtemp failed");
}

static inline void remove_tmpdir(void)
{
    rc_rmtree(tmpdir);
}

/* Fails with the case, the file and the first line that differs. */
static inline void expect_same_text(const char *what, const char *want, size_t wlen, const char *got,
                             size_t glen)
{
    size_t line = rc_first_diff_line(want, wlen, got, glen);
    ck_assert_msg(line == 0, "%s: the replay differs first at line %zu\n--- the file:\n%s\n"
                  "--- the replay:\n%s", what, line, want, got);
}

/* The rendered file (want) checked as `warmer check` streams it: each
 * script reads its records from the file as it plays; with hold set, a
 * script holds its records back from that many bytes of output on. */
static inline void check_streamed(const char *what, const char *want, size_t wlen,
                                  struct wm_exec_opts o, size_t hold)
{
    char path[128];
    snprintf(path, sizeof path, "%s/case-rendered.txt", tmpdir);
    ck_assert(rc_write_file(path, want, wlen) == 0);
    struct wm_err err;
    o.script_hold = hold;
    struct wm_scmp *s = wm_scmp_open(path, o.max_journal, &err);
    ck_assert_msg(s, "%s: %s", what, err.msg);
    enum wm_scmp_status st = wm_scmp_run(s, &o, &err);
    char *diff = NULL;
    size_t dlen = 0;
    if (st == WM_SCMP_DIFFER) {
        FILE *m = open_memstream(&diff, &dlen);
        ck_assert(m);
        wm_scmp_print_diff(s, m, path, NULL);
        fclose(m);
    }
    ck_assert_msg(st == WM_SCMP_SAME, "%s: streamed (hold %zu): status %d (%s)\n%s\n--- the file:\n%s",
                  what, hold, (int)st, st == WM_SCMP_DIFFER ? "differ" : err.msg,
                  diff ? diff : "", want);
    free(diff);
    wm_scmp_close(s);
}

/* Writes text, parses it as `warmer check` does (so the parser must accept
 * it), runs it with the sides its header (or force_both) scripts, and
 * compares the rendered records with the file's; then again with scripts
 * holding their records back after a few bytes of output, and streamed
 * from the file (as check runs it), at the real mark and at a few bytes. */
static inline void check_replays(const char *what, const char *text, size_t len, int force_both,
                          enum wm_driver driver, enum wm_transport_kind transport)
{
    char path[128];
    snprintf(path, sizeof path, "%s/case.txt", tmpdir);
    ck_assert(rc_write_file(path, text, len) == 0);
    struct wm_transcript t;
    struct wm_err err;
    struct wm_exec_opts o;
    wm_exec_opts_init(&o);
    o.driver = driver;
    o.transport = transport;
    ck_assert_msg(wm_tx_parse(path, &t, o.max_journal, &err) == 0, "%s: %s\n%s", what, err.msg,
                  text);
    if (force_both) { /* the records hold what a fault did: scripts replay it */
        t.cfg.client_script = t.cfg.server_script = 1;
        t.cfg.nfaults = 0;
    }
    struct wm_conn_log *got = NULL;
    ck_assert_msg(wm_execute(&t.cfg, &t, &o, &got, &err) == 0, "%s: run failed: %s\n%s", what,
                  err.msg, text);
    size_t wlen, glen;
    char *want = wm_tx_render(&t.cfg, t.conns, &wlen), *out = wm_tx_render(&t.cfg, got, &glen);
    ck_assert(want && out);
    expect_same_text(what, want, wlen, out, glen);
    free(out);
    wm_conn_logs_free(got, t.cfg.connections);
    o.script_hold = 5;
    ck_assert_msg(wm_execute(&t.cfg, &t, &o, &got, &err) == 0, "%s: run (hold 5) failed: %s\n%s",
                  what, err.msg, text);
    ck_assert(out = wm_tx_render(&t.cfg, got, &glen));
    expect_same_text(what, want, wlen, out, glen);
    free(out);
    wm_conn_logs_free(got, t.cfg.connections);
    o.script_hold = 0;
    if (t.cfg.client_script || t.cfg.server_script) {
        check_streamed(what, want, wlen, o, 0);
        check_streamed(what, want, wlen, o, 5);
    }
    free(want);
    wm_tx_free(&t);
}


#endif
