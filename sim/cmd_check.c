/* warmer check and warmer replay: re-run a transcript and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "live.h"

static const char check_help[] =
    "usage: warmer check [--update] [--driver sim|threads|events]\n"
    "                    [--transport socketpair|memory] FILE...\n"
    "Re-runs each transcript from its header (scripted sides play the file's\n"
    "records) and compares. A mismatch prints a unified diff, the first differing\n"
    "file:line and the command that reproduces the run. --update rewrites a file\n"
    "that differs instead; nothing else ever writes a golden.\n"
    "Exit: 0 all match (or were updated), 1 a mismatch, 2 bad usage or a bad file.\n";

static const char replay_help[] =
    "usage: warmer replay --server [--connect HOST:PORT | --driver D] [--timeout S] FILE\n"
    "       warmer replay --client [--listen HOST:PORT | --driver D] [--timeout S] FILE\n"
    "--server plays the file's C records against a fresh in-process server seeded\n"
    "from the header, or with --connect against a live server of any\n"
    "implementation (start it with the header's seed), and checks every S record.\n"
    "--client plays the S records to a fresh in-process client driven by the\n"
    "header's games, or with --listen to live clients that connect (one per\n"
    "connection, in order), and checks every C record. A live peer's error is\n"
    "seen only as its close, so the file's peer errors are compared as closes.\n"
    "Exit: 0 match, 1 mismatch (diff, file:line, reproducing command), 2 bad usage/file.\n";

/* A rendered transcript split into lines, with each line's source line. */
struct lines {
    char *buf;
    size_t size, n;
    const char **text;
    size_t *len;
};

static void lines_free(struct lines *l)
{
    free(l->buf);
    free(l->text);
    free(l->len);
}

static int render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, struct lines *l)
{
    memset(l, 0, sizeof *l);
    FILE *f = open_memstream(&l->buf, &l->size);
    if (!f)
        return -1;
    int rc = wm_tx_write(f, cfg, logs);
    if (fclose(f) != 0 || rc < 0)
        return -1;
    for (size_t i = 0; i < l->size; i++)
        l->n += l->buf[i] == '\n';
    l->text = malloc((l->n + 1) * sizeof *l->text);
    l->len = malloc((l->n + 1) * sizeof *l->len);
    if (!l->text || !l->len)
        return -1;
    size_t k = 0, start = 0;
    for (size_t i = 0; i < l->size; i++) {
        if (l->buf[i] != '\n')
            continue;
        l->text[k] = l->buf + start;
        l->len[k++] = i - start;
        start = i + 1;
    }
    return 0;
}

struct lineno_ctx {
    size_t *out, n;
};

static int collect_lineno(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct lineno_ctx *c = ctx;
    (void)side;
    (void)j;
    if (r->kind != WM_REC_LOG)
        c->out[c->n++] = r->lineno;
    return 0;
}

/* Source line of expected line idx: records map to where the file said them. */
static size_t source_line(const struct wm_transcript *t, size_t header_lines, size_t idx,
                          size_t total)
{
    size_t nrec = total - header_lines, lineno = 0;
    size_t *map = malloc((nrec + 1) * sizeof *map);
    if (!map)
        return 0;
    struct lineno_ctx c = {map, 0};
    for (uint32_t i = 0; i < t->cfg.connections; i++)
        wm_merge(&t->conns[i].client, &t->conns[i].server, collect_lineno, &c);
    if (idx >= header_lines && idx - header_lines < c.n)
        lineno = map[idx - header_lines];
    else if (idx >= header_lines && c.n > 0)
        lineno = map[c.n - 1] + 1; /* past the last record */
    free(map);
    return lineno ? lineno : 1;
}

static size_t count_header_lines(const struct wm_cfg *cfg)
{
    char *buf = NULL;
    size_t size = 0, n = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return 0;
    wm_tx_write_header(f, cfg);
    fclose(f);
    for (size_t i = 0; i < size; i++)
        n += buf[i] == '\n';
    free(buf);
    return n;
}

/* Writes beside the file, then renames: a golden is never half written. */
static int write_file(const char *path, const struct lines *l)
{
    size_t n = strlen(path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    int rc = -1;
    FILE *f = fopen(tmp, "wb");
    if (f) {
        size_t w = fwrite(l->buf, 1, l->size, f);
        if (fclose(f) == 0 && w == l->size && rename(tmp, path) == 0)
            rc = 0;
        else
            remove(tmp);
    }
    free(tmp);
    return rc;
}

enum mode { MODE_CHECK, MODE_REPLAY_SERVER, MODE_REPLAY_CLIENT };

/* Returns an exit code for one file. */
struct live_opts {
    const char *addr; /* NULL: the peer is in process */
    int timeout_ms;
};

static int one_file(const struct wm_args *a, const char *path, enum mode mode, int update,
                    const struct wm_exec_opts *opts, const struct live_opts *live,
                    const char *repro)
{
    struct wm_transcript t;
    struct wm_err err;
    if (wm_tx_parse(path, &t, opts->max_journal, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    struct wm_cfg cfg = t.cfg; /* shares games; t owns them */
    if (mode == MODE_REPLAY_SERVER)
        cfg.client_script = 1, cfg.server_script = 0;
    if (mode == MODE_REPLAY_CLIENT)
        cfg.client_script = 0, cfg.server_script = 1;
    struct wm_conn_log *logs = NULL;
    struct lines want = {0}, got = {0};
    int rc = WM_EXIT_FAIL;
    int ran = live->addr ? wm_live_replay(&t, mode == MODE_REPLAY_SERVER, live->addr,
                                          live->timeout_ms, opts->max_journal, &logs, &err)
                         : wm_execute(&cfg, &t, opts, &logs, &err);
    if (ran < 0) {
        printf("FAIL %s: %s\nreproduce: %s %s\n", path, err.msg, a->prog, repro);
        goto out;
    }
    if (render(&t.cfg, t.conns, &want) < 0 || render(&t.cfg, logs, &got) < 0) {
        printf("FAIL %s: internal error rendering the transcript\n", path);
        goto out;
    }
    struct wm_diff_lines dw = {want.text, want.len, want.n}, dg = {got.text, got.len, got.n};
    size_t first = 0;
    if (want.n == got.n && want.size == got.size && memcmp(want.buf, got.buf, want.size) == 0) {
        printf("ok %s\n", path);
        rc = WM_EXIT_OK;
        goto out;
    }
    if (update) {
        if (write_file(path, &got) < 0) {
            fprintf(stderr, "%s: %s: cannot write the update\n", a->cmd, path);
            rc = WM_EXIT_USAGE;
        } else {
            printf("updated %s\n", path);
            rc = WM_EXIT_OK;
        }
        goto out;
    }
    size_t header_lines = count_header_lines(&t.cfg);
    printf("FAIL %s\n", path);
    char label_want[4200];
    snprintf(label_want, sizeof label_want, "%s (expected)", path);
    if (wm_diff_unified(stdout, &dw, &dg, label_want, "actual", NULL, &first, NULL) < 0)
        printf("(diff unavailable: out of memory)\n");
    printf("first difference: %s:%zu\n", path, source_line(&t, header_lines, first, want.n));
    printf("reproduce: %s %s\n", a->prog, repro);
    if (!t.cfg.client_script && !t.cfg.server_script) {
        printf("the run alone: ");
        wm_print_run_command(stdout, a->prog, &t.cfg, opts);
    }
out:
    lines_free(&want);
    lines_free(&got);
    if (logs)
        wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return rc;
}

int wm_cmd_check(struct wm_args *a)
{
    struct wm_exec_opts opts;
    int update = 0, first_file = 0;
    wm_exec_opts_init(&opts);
    while (a->i < a->argc && !first_file) {
        int r;
        if (wm_arg_flag(a, "--help")) {
            fputs(check_help, stdout);
            return WM_EXIT_OK;
        }
        if (wm_arg_flag(a, "--update")) {
            update = 1;
            continue;
        }
        if ((r = wm_arg_exec(a, &opts)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (strncmp(a->argv[a->i], "--", 2) == 0)
            return wm_usage_error(a, "unknown option \"%s\"", a->argv[a->i]);
        first_file = 1;
    }
    if (a->i >= a->argc)
        return wm_usage_error(a, "no transcript files given");
    int worst = WM_EXIT_OK;
    unsigned passed = 0, failed = 0;
    for (; a->i < a->argc; a->i++) {
        const char *path = a->argv[a->i];
        if (update && strcmp(path, "-") == 0)
            return wm_usage_error(a, "--update cannot rewrite standard input");
        char repro[8400], extra[160], word[8200];
        wm_exec_opts_string(&opts, extra, sizeof extra);
        wm_shell_word(path, word, sizeof word);
        snprintf(repro, sizeof repro, "check%s %s", extra, word);
        struct live_opts in_process = {NULL, 0};
        int rc = one_file(a, path, MODE_CHECK, update, &opts, &in_process, repro);
        if (rc == WM_EXIT_OK)
            passed++;
        else
            failed++;
        if (rc > worst)
            worst = rc;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return worst;
}

int wm_cmd_replay(struct wm_args *a)
{
    struct wm_exec_opts opts;
    enum mode mode = MODE_CHECK;
    const char *path = NULL, *v;
    struct live_opts live = {NULL, WM_DEFAULT_TIMEOUT_MS};
    int listen_flag = 0;
    wm_exec_opts_init(&opts);
    while (a->i < a->argc) {
        int r;
        int is_listen = 0;
        if ((r = wm_arg_value(a, "--connect", &v)) == 0 &&
            (r = wm_arg_value(a, "--listen", &v)) != 0)
            is_listen = 1;
        if (r != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            live.addr = v;
            listen_flag = is_listen;
            continue;
        }
        if ((r = wm_arg_timeout(a, &live.timeout_ms)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (wm_arg_flag(a, "--help")) {
            fputs(replay_help, stdout);
            return WM_EXIT_OK;
        }
        if (wm_arg_flag(a, "--server")) {
            mode = MODE_REPLAY_SERVER;
            continue;
        }
        if (wm_arg_flag(a, "--client")) {
            mode = MODE_REPLAY_CLIENT;
            continue;
        }
        if ((r = wm_arg_exec(a, &opts)) != 0) {
            if (r < 0)
                return WM_EXIT_USAGE;
            continue;
        }
        if (strncmp(a->argv[a->i], "--", 2) == 0 || path)
            return wm_usage_error(a, "unexpected argument \"%s\"", a->argv[a->i]);
        path = a->argv[a->i++];
    }
    if (mode == MODE_CHECK)
        return wm_usage_error(a, "say which side to test: --server or --client");
    if (!path)
        return wm_usage_error(a, "no transcript file given");
    if (live.addr && listen_flag != (mode == MODE_REPLAY_CLIENT))
        return wm_usage_error(a, "--connect goes with --server, --listen with --client");
    char repro[8400], extra[160], word[8200];
    wm_exec_opts_string(&opts, extra, sizeof extra);
    wm_shell_word(path, word, sizeof word);
    snprintf(repro, sizeof repro, "replay %s%s%s%s %s",
             mode == MODE_REPLAY_SERVER ? "--server" : "--client",
             live.addr ? (mode == MODE_REPLAY_SERVER ? " --connect " : " --listen ") : "",
             live.addr ? live.addr : "", extra, word);
    return one_file(a, path, mode, 0, &opts, &live, repro);
}
