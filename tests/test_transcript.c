/* sim/tx/transcript.c and sim/tx/tx_parse.c (docs/TRANSCRIPTS.md): the writer's
 * escapes, parse -> render is the identity on every fixture, and the strict
 * parser rejects malformed files with "path:line: what was expected" (also
 * through `warmer check`, which must exit 2). */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "runcmd.h"
#include "testutil.h"
#include "transcript.h"

/* Unchecked fixtures run in Check's parent process: the directory goes away
 * even when a forked test fails. */
static char tmpdir[64];

static void setup(void)
{
    ck_assert_msg(rc_mkdtemp(tmpdir, "tx") == 0, "mkdtemp failed");
}

static void teardown(void)
{
    rc_rmtree(tmpdir);
}

/* One record through wm_tx_write_record, as a string (caller frees). */
static char *rec(unsigned label, char side, enum wm_rec_kind kind, const char *text, size_t len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert(f != NULL);
    wm_tx_write_record(f, label, side, kind, text, len);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

static void expect_rec(unsigned label, char side, enum wm_rec_kind kind, const char *text,
                       size_t len, const char *want)
{
    char *got = rec(label, side, kind, text, len);
    ck_assert_msg(strcmp(got, want) == 0, "record %c/%u kind %d: wrote \"%s\", want \"%s\"", side,
                  label, (int)kind, got, want);
    free(got);
}

/* The transcript rendered by wm_tx_write (caller frees). */
static char *render(const struct wm_transcript *t, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert(f != NULL);
    int rc = wm_tx_write(f, &t->cfg, t->conns);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(rc == 0, "wm_tx_write failed (inconsistent causes)");
    return buf;
}

static void put_file(const char *name, const char *content, size_t len, char *path)
{
    snprintf(path, 128, "%s/%s", tmpdir, name);
    ck_assert_msg(rc_write_file(path, content, len) == 0, "cannot write %s", path);
}

/* Parses content (written to tmpdir/name); fails the test on error. */
static void parse_ok(const char *name, const char *content, struct wm_transcript *t)
{
    char path[128];
    struct wm_err err;
    put_file(name, content, strlen(content), path);
    ck_assert_msg(wm_tx_parse(path, t, WM_DEFAULT_MAX_JOURNAL, &err) == 0,
                  "parse of %s failed: %s", name, err.msg);
}

/* Content must be rejected at `line` with fragment in the message, by the
 * library and by `warmer check` (exit 2, message on stderr, no "ok"). */
static void expect_reject_n(const char *name, const char *content, size_t len, size_t line,
                            const char *fragment)
{
    char path[128], prefix[200];
    struct wm_transcript t;
    struct wm_err err;
    put_file(name, content, len, path);
    if (line)
        snprintf(prefix, sizeof prefix, "%s:%zu: ", path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", path);
    int rc = wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err);
    if (rc == 0)
        wm_tx_free(&t);
    ck_assert_msg(rc < 0, "%s: parser accepted a malformed file", name);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0,
                  "%s: message should start with \"%s\", got \"%s\"", name, prefix, err.msg);
    ck_assert_msg(strstr(err.msg, fragment) != NULL,
                  "%s: message should say \"%s\", got \"%s\"", name, fragment, err.msg);
    struct rc_result r;
    rc_warmer_run(&r, "check", path, (char *)NULL);
    int ok = r.status == 2 && strstr(r.err, prefix) && strstr(r.err, fragment) &&
             !strstr(r.out, "ok ");
    ck_assert_msg(ok, "%s: `warmer check %s` should exit 2 naming \"%s\" and \"%s\" on stderr; %s",
                  name, path, prefix, fragment, rc_describe(&r));
    rc_free(&r);
}

static void expect_reject(const char *name, const char *content, size_t line, const char *frag)
{
    expect_reject_n(name, content, strlen(content), line, frag);
}

#define MAGIC "# warmer transcript v1\n"
#define HDR MAGIC "# seed: 1\n# game: 1:5:3:5\n"

/* ---- writer ----------------------------------------------------------------- */

START_TEST(writer_escapes_nonprintable)
{
    expect_rec(0, 'C', WM_REC_LINE, "A\x01\x7f\x80\xff\tB", 7, "C: A\\x01\\x7f\\x80\\xff\\x09B\n");
    expect_rec(0, 'S', WM_REC_LINE, "NUM\0BER", 7, "S: NUM\\x00BER\n");
    expect_rec(0, 'C', WM_REC_LINE, "PARAMS 1 5\r", 11, "C: PARAMS 1 5\\x0d\n");
    expect_rec(0, 'C', WM_REC_LINE, "~ !", 3, "C: ~ !\n");
}
END_TEST

START_TEST(writer_escapes_backslash)
{
    expect_rec(0, 'C', WM_REC_LINE, "a\\b", 3, "C: a\\\\b\n");
    expect_rec(0, 'C', WM_REC_LINE, "\\x41", 4, "C: \\\\x41\n");
    expect_rec(0, 'S', WM_REC_PARTIAL, "\\", 1, "S! partial \\\\\n");
}
END_TEST

START_TEST(writer_escapes_trailing_spaces)
{
    expect_rec(0, 'C', WM_REC_LINE, "NUMBER  ", 8, "C: NUMBER\\x20\\x20\n");
    expect_rec(0, 'C', WM_REC_LINE, "   ", 3, "C: \\x20\\x20\\x20\n");
    expect_rec(0, 'C', WM_REC_LINE, " NUMBER", 7, "C:  NUMBER\n"); /* leading: literal */
    expect_rec(0, 'C', WM_REC_LINE, "PARAMS 1  5", 11, "C: PARAMS 1  5\n");
    expect_rec(0, 'C', WM_REC_PARTIAL, "NU ", 3, "C! partial NU\\x20\n");
}
END_TEST

START_TEST(writer_empty_line)
{
    expect_rec(0, 'C', WM_REC_LINE, "", 0, "C:\n");
    expect_rec(0, 'S', WM_REC_LINE, "", 0, "S:\n");
    expect_rec(3, 'C', WM_REC_LINE, "", 0, "C3:\n");
}
END_TEST

START_TEST(writer_events_and_labels)
{
    expect_rec(0, 'C', WM_REC_PARTIAL, "NUMB", 4, "C! partial NUMB\n");
    expect_rec(0, 'S', WM_REC_CLOSE, "", 0, "S! close\n");
    expect_rec(2, 'S', WM_REC_CLOSE, "", 0, "S2! close\n");
    expect_rec(0, 'C', WM_REC_ERROR, "server went away", 16, "C! error server went away\n");
    expect_rec(12, 'S', WM_REC_LINE, "17", 2, "S12: 17\n");
    expect_rec(65536, 'C', WM_REC_LINE, "NUMBER", 6, "C65536: NUMBER\n");
}
END_TEST

/* Every byte value, in the middle and at the end of a line, survives write -> parse. */
START_TEST(writer_parser_roundtrip_every_byte)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert(f != NULL);
    /* A partial is a side's last bytes, so each byte value gets a connection. */
    fputs(HDR "# connections: 256\n# client: script\n", f);
    for (int c = 0; c < 256; c++) {
        char line[3] = {'a', (char)c, (char)c};
        wm_tx_write_record(f, (unsigned)c + 1, 'C', WM_REC_LINE, line, 3);
        wm_tx_write_record(f, (unsigned)c + 1, 'C', WM_REC_PARTIAL, line + 1, 1);
    }
    ck_assert_int_eq(fclose(f), 0);
    char path[128];
    put_file("bytes.txt", buf, size, path);
    for (size_t i = 0; i < size; i++)
        ck_assert_msg(buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] <= 0x7e),
                      "writer produced non-ASCII byte 0x%02x at offset %zu", (unsigned char)buf[i], i);
    struct wm_transcript t;
    struct wm_err err;
    ck_assert_msg(wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err) == 0, "%s", err.msg);
    for (int c = 0; c < 256; c++) {
        const struct wm_journal *j = &t.conns[c].client;
        ck_assert_uint_eq(j->n, 2);
        const struct wm_rec *l = &j->recs[0], *p = &j->recs[1];
        char want[3] = {'a', (char)c, (char)c};
        ck_assert_msg(l->kind == WM_REC_LINE && l->len == 3 && memcmp(wm_rec_text(j, l), want, 3) == 0,
                      "byte 0x%02x: line did not come back", c);
        ck_assert_msg(p->kind == WM_REC_PARTIAL && p->len == 1 &&
                          (unsigned char)wm_rec_text(j, p)[0] == c,
                      "byte 0x%02x: partial did not come back", c);
    }
    size_t rlen;
    char *again = render(&t, &rlen);
    ck_assert_msg(rlen == size && memcmp(again, buf, size) == 0, "re-render differs at line %zu",
                  rc_first_diff_line(buf, size, again, rlen));
    free(again);
    wm_tx_free(&t);
    free(buf);
}
END_TEST

/* ---- round trip on every fixture ---------------------------------------------- */

static void roundtrip_dir(const char *dir, size_t at_least)
{
    struct rc_names names;
    ck_assert_msg(rc_list_dir(dir, ".txt", &names) == 0, "cannot open %s", dir);
    ck_assert_msg(names.n >= at_least, "%s holds %zu transcripts, expected at least %zu", dir,
                  names.n, at_least);
    for (size_t i = 0; i < names.n; i++) {
        char path[512];
        size_t flen, rlen;
        snprintf(path, sizeof path, "%s/%s", dir, names.v[i]);
        char *file = rc_read_file(path, &flen);
        ck_assert_msg(file != NULL, "cannot read %s", path);
        struct wm_transcript t;
        struct wm_err err;
        ck_assert_msg(wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err) == 0, "%s", err.msg);
        char *out = render(&t, &rlen);
        ck_assert_msg(rlen == flen && memcmp(out, file, flen) == 0,
                      "%s: parse -> render differs first at line %zu (%zu bytes in, %zu out)",
                      path, rc_first_diff_line(file, flen, out, rlen), flen, rlen);
        free(out);
        free(file);
        wm_tx_free(&t);
    }
    rc_names_free(&names);
}

START_TEST(roundtrip_golden_fixtures)
{
    roundtrip_dir("fixtures/golden", 35);
}
END_TEST

START_TEST(roundtrip_bad_fixtures)
{
    roundtrip_dir("fixtures/bad", 30);
}
END_TEST

/* ---- numbered and unnumbered letters ------------------------------------------- */

START_TEST(numbered_letters_pick_connections)
{
    struct wm_transcript t;
    parse_ok("num.txt",
             MAGIC "# seed: 1\n# game: 1:5:3:5\n# connections: 12\n"
                   "C: PARAMS 1 5\nC1: NUMBER\nS: 4\nC2: NUMBER\nS2: 3\nC10: NUMBER\nS10! close\n"
                   "C12:\n",
             &t);
    ck_assert_uint_eq(t.cfg.connections, 12);
    ck_assert_msg(t.conns[0].client.n == 2 && t.conns[0].server.n == 1,
                  "C: and C1: must both be connection 1 (client %zu, server %zu records)",
                  t.conns[0].client.n, t.conns[0].server.n);
    ck_assert_uint_eq(t.conns[1].client.n, 1);
    ck_assert_uint_eq(t.conns[1].server.n, 1);
    ck_assert_uint_eq(t.conns[9].client.n, 1);
    ck_assert_uint_eq(t.conns[9].server.recs[0].kind, WM_REC_CLOSE);
    ck_assert_uint_eq(t.conns[11].client.recs[0].len, 0);
    size_t len;
    char *out = render(&t, &len);
    const char *want_body = "C1: PARAMS 1 5\nC1: NUMBER\nS1: 4\nC2: NUMBER\nS2: 3\nC10: NUMBER\n"
                            "S10! close\nC12:\n";
    ck_assert_msg(strstr(out, want_body) != NULL, "several connections render numbered:\n%s", out);
    free(out);
    wm_tx_free(&t);
}
END_TEST

START_TEST(single_connection_renders_unnumbered)
{
    struct wm_transcript t;
    parse_ok("one.txt", HDR "C1: PARAMS 1 5\nC: NUMBER\nS1: 4\nC1! close\n", &t);
    size_t len;
    char *out = render(&t, &len);
    ck_assert_str_eq(out, HDR "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC! close\n");
    free(out);
    wm_tx_free(&t);
}
END_TEST

/* ---- comments and blank lines ---------------------------------------------------- */

START_TEST(comments_and_blank_lines)
{
    struct wm_transcript t;
    parse_ok("comments.txt",
             MAGIC "# seed: 7\n# a plain comment in the header\n#\n#no-space comment\n\n"
                   "# game: 1:5:3:5\n\nC: PARAMS 1 5\n# a comment\n# colour: after the header\n\n"
                   "C: NUMBER\n",
             &t);
    ck_assert_msg(t.cfg.seed == 7, "seed is %llu", (unsigned long long)t.cfg.seed);
    ck_assert_uint_eq(t.cfg.ngames, 1);
    ck_assert_uint_eq(t.conns[0].client.n, 2);
    ck_assert_uint_eq(t.conns[0].client.recs[1].lineno, 13);
    wm_tx_free(&t);
}
END_TEST

/* docs/TRANSCRIPTS.md: a single-valued key given twice, or a header key
 * after the first record, is a malformed file, never "the last one wins". */
START_TEST(reject_repeated_or_late_header_keys)
{
    expect_reject("seed-twice.txt", MAGIC "# seed: 1234\n# game: 1:5:3:5\n# seed: 7\n", 4,
                  "'seed' given twice (first on line 2)");
    expect_reject("connections-twice.txt",
                  HDR "# connections: 2\n# connections: 3\n", 5,
                  "'connections' given twice (first on line 4)");
    expect_reject("late-key.txt", HDR "C: PARAMS 1 5\n# max-line: 3\n", 5,
                  "a header line after the first record");
}
END_TEST

/* Bytes after a side's partial line would complete it, in an order no run can
 * reproduce (`check --update` of such a file would not settle): rejected. */
START_TEST(reject_record_after_partial)
{
    expect_reject("after-partial.txt",
                  HDR "# client: script\nC: PARAMS 1 5\nC! partial NUMB\nC: ER\n", 7,
                  "a record after the client's partial line");
    struct wm_transcript t;
    parse_ok("partial-then-close.txt",
             HDR "# client: script\nC: PARAMS 1 5\nC! partial NUMB\nC! close\nS! error x\n", &t);
    wm_tx_free(&t);
}
END_TEST

START_TEST(header_keys_any_order)
{
    struct wm_transcript t;
    parse_ok("order.txt",
             MAGIC "# chunking: on\n# game: 2:3:3:1\n# max-line: 40\n# seed: 5\n# connections: 2\n"
                   "# game: 1:1:1:1\n# max-guesses: 9\n# server: script\n# client: script\n",
             &t);
    ck_assert(t.cfg.chunking && t.cfg.client_script && t.cfg.server_script);
    ck_assert_uint_eq(t.cfg.seed, 5);
    ck_assert_uint_eq(t.cfg.connections, 2);
    ck_assert_uint_eq(t.cfg.max_line, 40);
    ck_assert_uint_eq(t.cfg.max_guesses, 9);
    ck_assert_msg(t.cfg.ngames == 2 && t.cfg.games[0].lo == 2 && t.cfg.games[1].lo == 1,
                  "game lines must keep their order");
    size_t len;
    char *out = render(&t, &len);
    ck_assert_str_eq(out, MAGIC "# seed: 5\n# game: 2:3:3:1\n# game: 1:1:1:1\n# connections: 2\n"
                             "# max-line: 40\n# max-guesses: 9\n# client: script\n"
                             "# server: script\n# chunking: on\n");
    free(out);
    wm_tx_free(&t);
}
END_TEST

/* "# profile:" read in any order: a game beyond int64 before it is taken
 * once the whole header says book; written after the seed, the games as
 * given. */
START_TEST(header_profile_book_roundtrip)
{
    struct wm_transcript t;
    parse_ok("profile.txt",
             MAGIC "# game: -1:18446744073709551616:-99999999999999999999:4\n# game: 1:5:3:5\n"
                   "# profile: book\n# seed: 5\n",
             &t);
    ck_assert_int_eq(t.cfg.profile, WM_PROFILE_BOOK);
    ck_assert_msg(t.cfg.games[0].big &&
                      strcmp(t.cfg.games[0].big, "-1:18446744073709551616:-99999999999999999999") == 0,
                  "the game beyond int64 is kept as its text, got %s",
                  t.cfg.games[0].big ? t.cfg.games[0].big : "NULL");
    ck_assert_uint_eq(t.cfg.games[0].count, 4);
    ck_assert_msg(!t.cfg.games[1].big && t.cfg.games[1].hi == 5, "an int64 game stays one");
    size_t len;
    char *out = render(&t, &len);
    ck_assert_str_eq(out, MAGIC "# seed: 5\n# profile: book\n"
                                "# game: -1:18446744073709551616:-99999999999999999999:4\n"
                                "# game: 1:5:3:5\n");
    free(out);
    wm_tx_free(&t);
    parse_ok("asyncio.txt", MAGIC "# seed: 5\n# profile: book-asyncio\n", &t);
    ck_assert_int_eq(t.cfg.profile, WM_PROFILE_BOOK_ASYNCIO);
    out = render(&t, &len);
    ck_assert_str_eq(out, MAGIC "# seed: 5\n# profile: book-asyncio\n");
    free(out);
    wm_tx_free(&t);
    parse_ok("strict.txt", MAGIC "# seed: 5\n# profile: strict\n", &t);
    ck_assert_int_eq(t.cfg.profile, WM_PROFILE_STRICT);
    out = render(&t, &len);
    ck_assert_str_eq(out, MAGIC "# seed: 5\n"); /* strict, the default, is not written */
    free(out);
    wm_tx_free(&t);
}
END_TEST

/* ---- the parser rejects ------------------------------------------------------------- */

START_TEST(reject_missing_magic)
{
    expect_reject("nomagic.txt", "# seed: 1\n# game: 1:5:3:5\n", 1, "expected the first line");
    expect_reject("wrongmagic.txt", "# warmer transcript v2\n# seed: 1\n", 1,
                  "expected the first line");
    expect_reject("blankfirst.txt", "\n" HDR, 1, "expected the first line");
    expect_reject("empty.txt", "", 1, "expected the first line");
}
END_TEST

START_TEST(reject_unknown_header_key)
{
    expect_reject("key.txt", HDR "# colour: red\nC: NUMBER\n", 4, "unknown header key");
    expect_reject("note.txt", MAGIC "# note: hello\n# seed: 1\n", 2, "unknown header key");
    expect_reject("val.txt", HDR "# client: scripted\n", 4, "unknown header key");
    expect_reject("chunk.txt", HDR "# chunking: yes\n", 4, "unknown header key");
}
END_TEST

/* A comment written "# Note: ..." in the header is an unknown key: the
 * error says how to write a comment (docs/TRANSCRIPTS.md, "Header"), with
 * the line's own word, and the forms it names are comments. */
START_TEST(header_comment_with_a_colon_says_how)
{
    expect_reject("Note.txt", MAGIC "# seed: 1\n# Note: why this file\n", 3,
                  "unknown header key 'Note'; a header comment must not start with a word and a "
                  "colon: write '# Note - ...' or '#: ...' (docs/TRANSCRIPTS.md, Header)");
    expect_reject("nospace.txt", MAGIC "# seed: 1\n#Todo: more games\n", 3,
                  "expected a header line '# key: value'; a header comment must not start with a "
                  "word and a colon: write '# Todo - ...' or '#: ...'");
    struct wm_transcript t;
    parse_ok("comment-forms.txt",
             MAGIC "# seed: 1\n# Note - why this file: the book\n#: Note: why, again\n"
                   "# game: 1:5:3:5\nC: PARAMS 1 5\n",
             &t);
    ck_assert_uint_eq(t.cfg.ngames, 1);
    wm_tx_free(&t);
}
END_TEST

/* docs/TRANSCRIPTS.md: "Unknown keys are an error ... so a typo never silently
 * changes a run". A misspelt key must not pass as a comment. */
START_TEST(reject_header_key_typos)
{
    expect_reject("underscore.txt", HDR "# max_line: 16\nC: NUMBER\n", 4, "header");
    expect_reject("nospace.txt", HDR "# max-line:16\nC: NUMBER\n", 4, "header");
    expect_reject("capital.txt", HDR "# Connections: 2\nC: NUMBER\n", 4, "header");
}
END_TEST

START_TEST(reject_bad_seed)
{
    expect_reject("neg.txt", MAGIC "# seed: -1\n", 2, "unsigned decimal");
    expect_reject("big.txt", MAGIC "# seed: 18446744073709551616\n", 2, "unsigned decimal");
    expect_reject("word.txt", MAGIC "# seed: twelve\n", 2, "unsigned decimal");
    expect_reject("zero.txt", MAGIC "# seed: 012\n", 2, "unsigned decimal");
    expect_reject("empty.txt", MAGIC "# seed: \n", 2, "unsigned decimal");
    expect_reject("overflow.txt", MAGIC "# seed: 18446744073709551615\n# connections: 2\nC: X\n", 4,
                  "passes 2^64 - 1");
}
END_TEST

START_TEST(reject_bad_game)
{
    expect_reject("three.txt", MAGIC "# seed: 1\n# game: 1:5:3\n", 3, "bad game \"1:5:3\"");
    expect_reject("word.txt", MAGIC "# seed: 1\n# game: 1:5:x:5\n", 3, "bad game \"1:5:x:5\"");
    /* beyond int64: strict's limit, named with what takes it */
    expect_reject("big.txt", MAGIC "# seed: 1\n# game: 1:9223372036854775808:3:5\n", 3,
                  "game 1:9223372036854775808:3:5 is beyond int64 "
                  "(-9223372036854775808..9223372036854775807), the strict profile's limit "
                  "(--profile book, or '# profile: book' in a file, takes it)");
    /* not canonical decimal: no profile takes it */
    expect_reject("big-plus.txt", MAGIC "# seed: 1\n# profile: book\n"
                  "# game: 1:+9223372036854775808:3:5\n", 4,
                  "bad game \"1:+9223372036854775808:3:5\"");
    expect_reject("profile-bad.txt", MAGIC "# seed: 1\n# profile: loose\n", 3,
                  "profile wants strict, book, book-asyncio, got \"loose\"");
    expect_reject("profile-twice.txt", MAGIC "# seed: 1\n# profile: book\n# profile: book\n", 4,
                  "'profile' given twice (first on line 3)");
    expect_reject("negcount.txt", MAGIC "# seed: 1\n# game: 1:5:3:-1\n", 3, "bad game \"1:5:3:-1\"");
}
END_TEST

START_TEST(reject_bad_limits)
{
    expect_reject("conn0.txt", HDR "# connections: 0\n", 4, "connections must be");
    expect_reject("conn-big.txt", HDR "# connections: 65537\n", 4, "connections must be");
    expect_reject("line0.txt", HDR "# max-line: 0\n", 4, "max-line must be");
    expect_reject("guess0.txt", HDR "# max-guesses: 0\n", 4, "max-guesses must be");
}
END_TEST

START_TEST(reject_connection_beyond_header)
{
    expect_reject("c2.txt", HDR "C: PARAMS 1 5\nC2: NUMBER\n", 5, "beyond the header's connections");
    expect_reject("s3.txt", HDR "# connections: 2\nC1: NUMBER\nS3: 4\n", 6,
                  "beyond the header's connections");
    expect_reject("huge.txt", HDR "C99999999999999999999: NUMBER\n", 4,
                  "beyond the header's connections");
}
END_TEST

START_TEST(reject_bad_record_prefix)
{
    expect_reject("c0.txt", HDR "C0: NUMBER\n", 4, "expected a record like");
    expect_reject("c01.txt", HDR "C01: NUMBER\n", 4, "expected a record like");
    expect_reject("c1x.txt", HDR "C1x: NUMBER\n", 4, "expected a record like");
    expect_reject("x.txt", HDR "X: NUMBER\n", 4, "expected a record starting with C or S");
    expect_reject("lower.txt", HDR "c: NUMBER\n", 4, "expected a record starting with C or S");
    expect_reject("bare.txt", HDR "C\n", 4, "expected a record like");
}
END_TEST

START_TEST(reject_missing_space_after_colon)
{
    expect_reject("nospace.txt", HDR "C: PARAMS 1 5\nC:NUMBER\n", 5, "expected a space after ':'");
    expect_reject("nospace2.txt", HDR "S2:4\n", 4, "beyond"); /* the number is checked first */
    expect_reject("nospace3.txt", HDR "# connections: 2\nS2:4\n", 5, "expected a space after ':'");
}
END_TEST

START_TEST(reject_bad_escape)
{
    expect_reject("q.txt", HDR "C: \\q\n", 4, "bad escape");
    expect_reject("x4.txt", HDR "C: PARAMS 1 5\nC: \\x4\n", 5, "bad escape");
    expect_reject("xzz.txt", HDR "C: \\xZZ\n", 4, "bad escape");
    expect_reject("upper.txt", HDR "C: \\xFF\n", 4, "bad escape");
    expect_reject("trailing.txt", HDR "C: abc\\\n", 4, "bad escape");
    expect_reject("partial.txt", HDR "C! partial \\x\n", 4, "bad escape");
    expect_reject("error.txt", HDR "S! error bad \\q reason\n", 4, "bad escape");
}
END_TEST

START_TEST(reject_nonprintable_byte)
{
    expect_reject("tab.txt", HDR "C: PARAMS\t1 5\n", 4, "non-printable");
    expect_reject("cr.txt", HDR "C: NUMBER\r\n", 4, "non-printable");
    expect_reject("high.txt", HDR "C: NUMBER\n" "S: \xc3\xa9\n", 5, "non-printable");
    expect_reject_n("nul.txt", HDR "C: NUM\0BER\n", sizeof(HDR "C: NUM\0BER\n") - 1, 4,
                    "non-printable");
    expect_reject("crseed.txt", MAGIC "# seed: 1\r\n", 2, "unsigned decimal");
}
END_TEST

START_TEST(reject_unknown_event)
{
    expect_reject("shout.txt", HDR "C! shout\n", 4, "expected '! close'");
    expect_reject("closed.txt", HDR "S! closed\n", 4, "expected '! close'");
    expect_reject("nospace.txt", HDR "C!close\n", 4, "expected '! close'");
    expect_reject("emptyerr.txt", HDR "C! error\n", 4, "expected '! close'");
    expect_reject("emptypart.txt", HDR "C! partial \n", 4, "expected '! close'");
}
END_TEST

START_TEST(reject_no_seed)
{
    expect_reject("noseed.txt", MAGIC "# game: 1:5:3:5\nC: PARAMS 1 5\n", 3, "no '# seed: N'");
    expect_reject("noseed-norec.txt", MAGIC "# game: 1:5:3:5\n", 2, "no '# seed: N'");
    expect_reject("seed-late.txt", MAGIC "# game: 1:5:3:5\nC: PARAMS 1 5\n# seed: 1\n", 3,
                  "no '# seed: N'");
}
END_TEST

/* max-line 16: a record's text may be 16 + 64 = 80 bytes, and a line
 * 4 x (16 + 64) + 512 + 64 = 896 bytes (escapes and error reasons fit). */
static void escaped_record(char *buf, size_t cap, const char *header, int nbytes)
{
    size_t n = (size_t)snprintf(buf, cap, "%s%sC: ", HDR, header);
    for (int i = 0; i < nbytes; i++)
        n += (size_t)snprintf(buf + n, cap - n, "\\x01");
    snprintf(buf + n, cap - n, "\n");
}

START_TEST(line_length_limit)
{
    char content[512], longer[512], *big = malloc(8192);
    ck_assert(big != NULL);
    int n = snprintf(content, sizeof content, HDR "# max-line: 16\nC: X\nC: %080d\n", 0);
    ck_assert_int_lt(n, (int)sizeof content);
    struct wm_transcript t;
    parse_ok("limit.txt", content, &t);
    ck_assert_uint_eq(t.conns[0].client.recs[1].len, 80);
    wm_tx_free(&t);
    snprintf(longer, sizeof longer, HDR "# max-line: 16\nC: X\nC: %081d\n", 0);
    expect_reject("toolong.txt", longer, 6, "record text longer than max-line + 64 bytes");
    escaped_record(big, 8192, "# max-line: 16\n", 224); /* 3 + 896 bytes */
    expect_reject("escaped-toolong.txt", big, 5, "line longer than 896 bytes");
    /* Header lines are bounded too (4 x (1024 + 64) + 512 + 64 = 4928 bytes). */
    n = snprintf(big, 8192, HDR "# %05000d\n", 0);
    ck_assert_int_eq(n, (int)strlen(HDR) + 5003);
    expect_reject("hdrlong.txt", big, 4, "line longer than 4928 bytes");
    free(big);
}
END_TEST

/* The first record line obeys the record limit, not a header-only one: a
 * max-line of fully escaped bytes is valid there, and a too-long first
 * record is rejected like any other. */
START_TEST(first_record_uses_record_limit)
{
    size_t cap = strlen(HDR) + 8 + 4 * 1024 + 64;
    char *buf = malloc(cap);
    ck_assert(buf != NULL);
    escaped_record(buf, cap, "", 1024);
    ck_assert_uint_eq(strlen(buf), strlen(HDR) + 3 + 4096 + 1);
    struct wm_transcript t;
    parse_ok("escaped-max-line.txt", buf, &t);
    ck_assert_uint_eq(t.conns[0].client.recs[0].len, 1024);
    wm_tx_free(&t);
    free(buf);
    char longer[512];
    snprintf(longer, sizeof longer, HDR "# max-line: 16\nC: %081d\n", 0);
    expect_reject("first-toolong.txt", longer, 5, "record text longer than max-line + 64 bytes");
}
END_TEST

START_TEST(reject_nonexistent_file)
{
    char path[128];
    snprintf(path, sizeof path, "%s/no-such-file.txt", tmpdir);
    struct wm_transcript t;
    struct wm_err err;
    ck_assert_int_eq(wm_tx_parse(path, &t, WM_DEFAULT_MAX_JOURNAL, &err), -1);
    char want[200];
    snprintf(want, sizeof want, "%s: cannot open", path);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got \"%s\"", err.msg);
    struct rc_result r;
    rc_warmer_run(&r, "check", path, (char *)NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, want), "warmer check: %s", rc_describe(&r));
    rc_free(&r);
}
END_TEST

static Suite *transcript_suite(void)
{
    Suite *s = suite_create("transcript");
#define ADD(fn) WM_ADD_TEST_WITH(s, fn, setup, teardown)
    ADD(writer_escapes_nonprintable);
    ADD(writer_escapes_backslash);
    ADD(writer_escapes_trailing_spaces);
    ADD(writer_empty_line);
    ADD(writer_events_and_labels);
    ADD(writer_parser_roundtrip_every_byte);
    ADD(header_profile_book_roundtrip);
    ADD(roundtrip_golden_fixtures);
    ADD(roundtrip_bad_fixtures);
    ADD(numbered_letters_pick_connections);
    ADD(single_connection_renders_unnumbered);
    ADD(comments_and_blank_lines);
    ADD(header_keys_any_order);
    ADD(reject_missing_magic);
    ADD(reject_unknown_header_key);
    ADD(reject_header_key_typos);
    ADD(header_comment_with_a_colon_says_how);
    ADD(reject_bad_seed);
    ADD(reject_bad_game);
    ADD(reject_bad_limits);
    ADD(reject_connection_beyond_header);
    ADD(reject_bad_record_prefix);
    ADD(reject_missing_space_after_colon);
    ADD(reject_bad_escape);
    ADD(reject_nonprintable_byte);
    ADD(reject_unknown_event);
    ADD(reject_no_seed);
    ADD(reject_repeated_or_late_header_keys);
    ADD(reject_record_after_partial);
    ADD(line_length_limit);
    ADD(first_record_uses_record_limit);
    ADD(reject_nonexistent_file);
#undef ADD
    return s;
}

WM_TEST_MAIN(transcript_suite)
