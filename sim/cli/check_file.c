/* One transcript compared: streamed when it can be (streamcmp.h), else
 * whole (compare.h), and its report; shared by check and replay. */
#include "check_file.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "rederive.h"
#include "streamcmp.h"
#include "update.h"

/* A formatted string in memory; -1 if out of memory. */
static int asprintf_dup(char **out, const char *fmt, ...) WM_PRINTF(2, 3);
static int asprintf_dup(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *out = n < 0 ? NULL : malloc((size_t)n + 1);
    if (!*out)
        return -1;
    va_start(ap, fmt);
    vsnprintf(*out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return 0;
}

/* What a run may hold beyond the checked file's own records before it is
 * known not to match: room for the error records a mismatch ends with. */
#define CHECK_SLACK (1u << 20)

/* A file that does not parse: a result like any other (stdout, every
 * report), and a diagnostic. */
static int report_malformed(const struct wm_args *a, const char *path, const struct wm_err *err,
                            FILE *out, struct wm_case_result *res)
{
    fprintf(stderr, "%s: %s\n", a->cmd, err->msg);
    fprintf(out, "FAIL %s: malformed: %s\n", path, err->msg);
    res->status = WM_CASE_MALFORMED;
    res->message = strdup(err->msg);
    free(res->reproduce);
    res->reproduce = NULL;
    return WM_EXIT_USAGE;
}

/* What cannot run here at all (a fault plan under another driver, an
 * open-file limit too low) is said before running, as a bad file is. */
static int report_unrunnable(const struct wm_args *a, const char *path, const struct wm_err *err,
                             FILE *out, struct wm_case_result *res)
{
    char line[WM_ERR_MAX + 4300];
    snprintf(line, sizeof line, "%s: %s", path, err->msg);
    fprintf(stderr, "%s: %s\n", a->cmd, line);
    fprintf(out, "FAIL %s\n", line);
    res->status = WM_CASE_MALFORMED;
    res->message = strdup(line);
    return WM_EXIT_USAGE;
}

/* The run itself failed (not a mismatch). */
static void report_run_error(const struct wm_args *a, const char *path, const struct wm_err *err,
                             const char *repro, FILE *out, struct wm_case_result *res)
{
    char line[WM_ERR_MAX + 4300];
    snprintf(line, sizeof line, "%s: %s", path, err->msg);
    fprintf(out, "FAIL %s\nreproduce: %s %s\n", line, a->prog, repro);
    res->message = strdup(line);
}

/* --update's verdict (updated is wm_update_file's result); an exit code. */
static int report_update(const struct wm_args *a, const char *path, int updated,
                         const struct wm_err *err, FILE *out, struct wm_case_result *res)
{
    if (updated < 0) {
        fprintf(stderr, "%s: cannot update: %s\n", a->cmd, err->msg);
        fprintf(out, "FAIL %s: cannot update: %s\n", path, err->msg);
        res->message = strdup(err->msg);
        return WM_EXIT_USAGE;
    }
    fprintf(out, "updated %s\n", path);
    res->status = WM_CASE_UPDATED;
    return WM_EXIT_OK;
}

/* --update --dry-run's verdict, after the diff it would apply: a failing
 * case, since the file differs, and nothing written. */
static int report_dry_run(const char *path, FILE *out, struct wm_case_result *res)
{
    char line[4300];
    fprintf(out, "would update %s\n", path);
    snprintf(line, sizeof line, "%s: the records differ from the file (--dry-run: not updated)",
             path);
    res->message = strdup(line);
    return WM_EXIT_FAIL;
}

/* The lines after a mismatch's diff and first difference. */
static void report_tail(const struct wm_args *a, const struct wm_cfg *cfg, int same,
                        const struct wm_exec_opts *opts, const char *repro, FILE *out)
{
    fprintf(out, "reproduce: %s %s\n", a->prog, repro);
    /* `warmer run` without --game plays the book: no line for a file of no games. */
    if (!same && !cfg->client_script && !cfg->server_script && cfg->ngames > 0) {
        fprintf(out, "the run alone: ");
        wm_print_run_command(out, a->prog, cfg, opts);
    }
}

/* check of a file, streamed (streamcmp.h) in bounded memory, with the
 * report one_whole would print: an exit code. */
static int stream_file(const struct wm_args *a, const char *path, struct wm_scmp *s, int update,
                       const struct wm_exec_opts *opts, const char *repro, FILE *out,
                       struct wm_case_result *res)
{
    struct wm_err err, bad;
    const struct wm_cfg *cfg = wm_scmp_cfg(s);
    int rc = WM_EXIT_FAIL;
    if (wm_exec_validate(cfg, opts, &err) < 0)
        return wm_scmp_drain(s, &bad) < 0 ? report_malformed(a, path, &bad, out, res)
                                          : report_unrunnable(a, path, &err, out, res);
    switch (wm_scmp_run(s, opts, &err)) {
    case WM_SCMP_WHOLE: /* never returned */
        assert(0);
        break;
    case WM_SCMP_MALFORMED:
        rc = report_malformed(a, path, &err, out, res);
        break;
    case WM_SCMP_RUN_ERROR:
        report_run_error(a, path, &err, repro, out, res);
        rc = WM_EXIT_FAIL;
        break;
    case WM_SCMP_SAME:
        fprintf(out, "ok %s\n", path);
        res->status = WM_CASE_OK;
        rc = WM_EXIT_OK;
        break;
    case WM_SCMP_DIFFER: {
        if (update) { /* the diff it applies, then the file rewritten */
            wm_scmp_print_diff(s, out, path, NULL);
            if (update == WM_CHECK_DRY_RUN) {
                rc = report_dry_run(path, out, res);
                break;
            }
            rc = report_update(a, path, wm_scmp_update(s, path, opts, &err), &err, out, res);
            break;
        }
        char line[4300];
        snprintf(line, sizeof line, "%s: the records differ from the file", path);
        fprintf(out, "FAIL %s\n", path);
        res->message = strdup(line);
        res->first_line = wm_scmp_print_diff(s, out, path, res);
        fprintf(out, "first difference: %s:%zu\n", path, res->first_line);
        report_tail(a, cfg, 0, opts, repro, out);
        rc = WM_EXIT_FAIL;
        break;
    }
    }
    return rc;
}

static int one_whole(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                     enum wm_profile profile, int update, const struct wm_exec_opts *opts,
                     const struct wm_check_live *live, const char *repro, FILE *out,
                     struct wm_case_result *res);

int wm_check_file(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                  enum wm_profile profile, int update,
                  const struct wm_exec_opts *opts, const struct wm_check_live *live,
                  const char *repro, FILE *out, struct wm_case_result *res)
{
    struct wm_err err;
    res->status = WM_CASE_FAILED;
    if (asprintf_dup(&res->reproduce, "%s %s", a->prog, repro) < 0)
        res->reproduce = NULL;
    if (mode == WM_CHECK_FILE && !live->addr) {
        struct wm_scmp *s = wm_scmp_open_as(path, profile, opts->max_journal, &err);
        if (!s)
            return report_malformed(a, path, &err, out, res);
        int rc = stream_file(a, path, s, update, opts, repro, out, res);
        wm_scmp_close(s);
        return rc;
    }
    return one_whole(a, path, mode, profile, update, opts, live, repro, out, res);
}

/* One file compared whole (compare.h): replay's modes and a live peer. */
static int one_whole(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                     enum wm_profile profile, int update, const struct wm_exec_opts *opts,
                     const struct wm_check_live *live, const char *repro, FILE *out,
                     struct wm_case_result *res)
{
    struct wm_transcript t;
    struct wm_err err;
    char line[WM_ERR_MAX + 4300];
    char note[160] = "";
    if (wm_tx_parse_as(path, profile, &t, opts->max_journal, &err) < 0)
        return report_malformed(a, path, &err, out, res);
    /* A live peer is held to what profile's own side does with the file's
     * lines from the other side (rederive.h). */
    if (live->addr && wm_rederive(&t, profile, mode == WM_CHECK_REPLAY_SERVER, opts->max_journal,
                                  note, sizeof note, &err) == WM_REDERIVE_FAILED) {
        struct wm_err why;
        wm_err_set(&why, "its records are %s's and its %s lines cannot be replayed under "
                 "%s: %s", wm_profile_name(wm_rederive_file_profile(&t)),
                 mode == WM_CHECK_REPLAY_SERVER ? "client" : "server", wm_profile_name(profile),
                 err.msg);
        wm_tx_free(&t);
        return report_unrunnable(a, path, &why, out, res);
    }
    struct wm_cfg cfg = t.cfg; /* shares games; t owns them */
    if (mode == WM_CHECK_REPLAY_SERVER)
        cfg.client_script = 1, cfg.server_script = 0;
    if (mode == WM_CHECK_REPLAY_CLIENT)
        cfg.client_script = 0, cfg.server_script = 1;
    /* What cannot run here at all (a fault plan under another driver, an
     * open-file limit too low) is said before running, as a bad file is. */
    if (!live->addr && wm_exec_validate(&cfg, opts, &err) < 0) {
        wm_tx_free(&t);
        return report_unrunnable(a, path, &err, out, res);
    }
    /* Compared as a transcript: console lines are not kept, and a run that
     * makes more records than the file holds cannot match, so it is stopped
     * there (bounded memory for a header that asks for a huge run). */
    struct wm_exec_opts run_opts = *opts;
    size_t file_bytes = 0;
    for (uint32_t k = 0; k < t.cfg.connections; k++)
        file_bytes += wm_journal_bytes(&t.conns[k].client) + wm_journal_bytes(&t.conns[k].server);
    run_opts.skip_logs = 1;
    if (file_bytes + CHECK_SLACK < run_opts.max_run_memory)
        run_opts.max_run_memory = file_bytes + CHECK_SLACK;
    struct wm_conn_log *logs = NULL;
    struct wm_rendered want = {0}, got = {0};
    struct wm_live_verdict verdict = {.fault = WM_LIVE_OK};
    int rc = WM_EXIT_FAIL, ran;
    if (live->addr) {
        struct wm_live_replay_opts lo = {.remote_server = mode == WM_CHECK_REPLAY_SERVER,
                                         .addr = live->addr, .listen_fd = -1,
                                         .timeout_ms = live->timeout_ms,
                                         .close_window_ms = live->close_window_ms,
                                         .max_journal = opts->max_journal};
        ran = wm_live_replay(&t, &lo, &logs, &verdict, &err);
    } else {
        ran = wm_execute(&cfg, &t, &run_opts, &logs, &err);
    }
    if (ran < 0) {
        report_run_error(a, path, &err, repro, out, res);
        goto out;
    }
    if (wm_render(&t.cfg, t.conns, &want) < 0 || wm_render(&t.cfg, logs, &got) < 0) {
        snprintf(line, sizeof line, "%s: internal error rendering the transcript", path);
        fprintf(out, "FAIL %s\n", line);
        res->message = strdup(line);
        goto out;
    }
    int same = wm_rendered_equal(&want, &got);
    if (same && verdict.fault == WM_LIVE_OK) {
        fprintf(out, "ok %s\n", path);
        res->status = WM_CASE_OK;
        rc = WM_EXIT_OK;
        goto out;
    }
    if (update) { /* the diff it applies, then the file rewritten */
        wm_print_diff(out, path, &t, &want, &got, NULL);
        if (update == WM_CHECK_DRY_RUN) {
            rc = report_dry_run(path, out, res);
            goto out;
        }
        size_t header = got.n - wm_rendered_records(&t, &got);
        rc = report_update(a, path, wm_update_file(path, &got, header, &err), &err, out, res);
        goto out;
    }
    if (verdict.fault != WM_LIVE_OK)
        wm_verdict_format(line, sizeof line, path, &t, &verdict, &want, &got);
    else if (verdict.reset_conn) /* recorded as a close: named here */
        snprintf(line, sizeof line, "%s: connection %u: " WM_RESET_TEXT, path,
                 verdict.reset_conn);
    else
        snprintf(line, sizeof line, "%s: the records differ from the file", path);
    fprintf(out, "FAIL %s\n", verdict.fault != WM_LIVE_OK || verdict.reset_conn ? line : path);
    if (note[0])
        fprintf(out, "%s\n", note);
    res->message = strdup(line);
    if (!same) {
        res->first_line = wm_print_diff(out, path, &t, &want, &got, res);
        fprintf(out, "first difference: %s:%zu\n", path, res->first_line);
    }
    report_tail(a, &t.cfg, same, opts, repro, out);
out:
    wm_rendered_free(&want);
    wm_rendered_free(&got);
    if (logs)
        wm_conn_logs_free(logs, t.cfg.connections);
    wm_tx_free(&t);
    return rc;
}

