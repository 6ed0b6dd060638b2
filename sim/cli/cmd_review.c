/* warmer review: each failing transcript's diff, then accept (rewritten as
 * check --update rewrites it: the same wm_check_file, so update.c is the
 * one write path), skip or quit, the answers read from stdin a line at a
 * time, terminal or not. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_file.h"
#include "cli.h"
#include "files.h"
#include "suite.h"

static const char review_help[] =
    "usage: warmer review [-k PATTERN]... [--last-failed] [--cache-dir DIR]\n"
    "                     [--driver sim|threads|events] [--transport socketpair|memory]\n"
    "                     [--max-steps N] [--max-journal BYTES] [--profile P] FILE|DIR...\n"
    "Checks each transcript as warmer check does, one after another; for each\n"
    "whose records differ it prints check's report (the diff, the first\n"
    "difference, the reproduce lines), then asks \"accept, skip or quit?\" and\n"
    "reads one line from standard input, a terminal or not:\n"
    "  a, accept   rewrite the file as check --update does, and say \"updated FILE\"\n"
    "  s, skip     leave it as it is\n"
    "  q, quit     leave it and every file after it (the end of input quits too)\n"
    "Anything else asks again. So `printf 'a\\ns\\nq\\n' | warmer review DIR` is a\n"
    "script. A file that matches prints \"ok FILE\"; one that is malformed or\n"
    "could not run is reported and not asked about. Last, the summary:\n"
    "\"N passed, N accepted, N skipped, N failed\" (then \", N not reviewed\" after\n"
    "quit). -k, --last-failed and --cache-dir select as for warmer check (from\n"
    "check's cache, which review does not write); the other options are check's\n"
    "(--profile: of files whose header names none).\n"
    "Exit: 0 no file is left differing (each was accepted, or matched), 1 one is\n"
    "(skipped, not reviewed, or its run failed), 2 bad usage, a malformed file\n"
    "or an update that could not be written (2 wins).\n";

#define ANSWER_MAX 256 /* bytes of an answer line looked at; the rest is dropped */

enum answer { ANSWER_ACCEPT, ANSWER_SKIP, ANSWER_QUIT };

/* One line of stdin (its blanks trimmed, lowercased) into buf; 0 at the end. */
static int read_line(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin))
        return 0;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n') { /* too long: drop the rest of the line */
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n')
            ;
    }
    while (n && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    size_t lead = strspn(buf, " \t");
    memmove(buf, buf + lead, n - lead + 1);
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return 1;
}

/* Asks until an answer is given; the end of input is quit. */
static enum answer ask(void)
{
    char line[ANSWER_MAX];
    for (;;) {
        fputs("accept, skip or quit? [a/s/q] ", stdout);
        fflush(stdout);
        if (!read_line(line, sizeof line)) {
            fputs("(end of input: quit)\n", stdout);
            return ANSWER_QUIT;
        }
        if (!isatty(0)) /* the answer in the log, as a terminal would echo it */
            printf("%s\n", line);
        if (strcmp(line, "a") == 0 || strcmp(line, "accept") == 0)
            return ANSWER_ACCEPT;
        if (strcmp(line, "s") == 0 || strcmp(line, "skip") == 0)
            return ANSWER_SKIP;
        if (strcmp(line, "q") == 0 || strcmp(line, "quit") == 0)
            return ANSWER_QUIT;
        fputs("answer a (accept), s (skip) or q (quit)\n", stdout);
    }
}

struct review {
    const struct wm_args *a;
    struct wm_exec_opts opts;
    enum wm_profile profile; /* --profile: of files whose header names none */
    unsigned passed, accepted, skipped, failed, unreviewed;
    int worst;
};

/* check of one file into memory: its result and exit code. */
static int check_one(struct review *r, const char *path, int update, struct wm_case_result *res)
{
    char repro[8400], extra[160], word[8200];
    wm_exec_opts_string(&r->opts, extra, sizeof extra);
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "check%s%s%s %s", r->profile ? " --profile " : "",
             r->profile ? wm_profile_name(r->profile) : "", extra, word);
    struct wm_check_live in_process = {NULL, 0, 0};
    FILE *out = open_memstream(&res->text, &res->len);
    if (!out) {
        fprintf(stderr, "%s: out of memory\n", r->a->cmd);
        return WM_EXIT_FAIL;
    }
    int rc = wm_check_file(r->a, path, WM_CHECK_FILE, r->profile, update, &r->opts, &in_process,
                           repro, out, res);
    fclose(out);
    return rc;
}

static void worse(struct review *r, int rc)
{
    if (rc > r->worst)
        r->worst = rc;
}

/* One file: 0 to go on, 1 after quit. */
static int review_one(struct review *r, const char *path)
{
    struct wm_case_result res = {0};
    int rc = check_one(r, path, 0, &res);
    if (res.text)
        fwrite(res.text, 1, res.len, stdout);
    int differs = res.status == WM_CASE_FAILED && res.diff_len > 0;
    enum wm_case_status status = res.status;
    wm_case_result_free(&res);
    if (status == WM_CASE_OK) {
        r->passed++;
        return 0;
    }
    if (!differs) { /* malformed, or the run failed: nothing to accept */
        r->failed++;
        worse(r, rc);
        return 0;
    }
    switch (ask()) {
    case ANSWER_QUIT:
        r->unreviewed++;
        worse(r, WM_EXIT_FAIL);
        return 1;
    case ANSWER_SKIP:
        r->skipped++;
        worse(r, WM_EXIT_FAIL);
        return 0;
    case ANSWER_ACCEPT:
        break;
    }
    rc = check_one(r, path, 1, &res);
    if (res.status == WM_CASE_UPDATED) {
        printf("updated %s\n", path);
        r->accepted++;
    } else { /* the update's own report says why */
        if (res.text)
            fwrite(res.text, 1, res.len, stdout);
        res.status == WM_CASE_OK ? r->passed++ : r->failed++;
        worse(r, rc);
    }
    wm_case_result_free(&res);
    return 0;
}

static const struct wm_opt review_opts[] = {WM_OPTS_SELECT, WM_OPTS_EXEC, WM_OPTS_PROFILE,
                                             {NULL, 0, 0}};

struct review_args {
    struct wm_run_args run;
    struct wm_select sel;
    enum wm_profile *profile;
};

static int review_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    struct review_args *ra = ctx;
    if (WM_OPT_IS_SELECT(o->id))
        return wm_opt_select(a, &ra->sel, o);
    if (o->id == WM_OPT_PROFILE)
        return wm_opt_profile(a, o, ra->profile);
    return wm_opt_run(a, &ra->run, o);
}

int wm_cmd_review(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {review_help, review_opts, -1};
    struct review r = {.a = a};
    struct review_args ra = {.profile = &r.profile};
    struct wm_files files;
    int rc;
    wm_exec_opts_init(&r.opts);
    ra.run.exec = &r.opts;
    if ((rc = wm_opts_parse(a, &spec, review_opt, &ra)) != WM_OPTS_GO_ON)
        return rc;
    if (wm_run_args_check(a, &ra.run) < 0)
        return WM_EXIT_USAGE;
    if (a->nops == 0)
        return wm_usage_error(a, "no transcript files given");
    for (int k = 0; k < a->nops; k++)
        if (strcmp(a->ops[k], "-") == 0)
            return wm_usage_error(a, "review reads its answers from standard input: it cannot "
                                  "review \"-\"");
    /* check's selection, from check's cache; no suite ends here, so the
     * cache is never written */
    struct wm_suite_opts so = WM_SUITE_OPTS_INIT;
    so.sel = ra.sel;
    if ((rc = wm_suite_files(a, &files, &so, "check", 0)) != 0)
        return rc;
    size_t k = 0;
    while (k < files.n && review_one(&r, files.paths[k++]) == 0)
        ;
    r.unreviewed += (unsigned)(files.n - k);
    printf("%u passed, %u accepted, %u skipped, %u failed", r.passed, r.accepted, r.skipped,
           r.failed);
    if (r.unreviewed)
        printf(", %u not reviewed", r.unreviewed);
    if (so.deselected)
        printf(", %zu deselected", so.deselected);
    printf("\n");
    wm_files_free(&files);
    return r.worst;
}
