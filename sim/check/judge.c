/* The case judge (judge.h): one verdict, one set of words, one reproduce
 * line for every command that compares a run with a file. */
#include "judge.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

int wm_judge_compare(struct wm_judge *j, const char *path, const struct wm_transcript *t,
                     const struct wm_conn_log *logs)
{
    assert(path && t);
    *j = (struct wm_judge){.path = path, .t = t};
    if (!logs)
        return 0;
    j->rendered = wm_render(&t->cfg, t->conns, &j->want) == 0 &&
                  wm_render(&t->cfg, logs, &j->got) == 0;
    j->same = j->rendered && wm_rendered_equal(&j->want, &j->got);
    return j->rendered ? 0 : -1;
}

void wm_judge_free(struct wm_judge *j)
{
    wm_rendered_free(&j->want);
    wm_rendered_free(&j->got);
}

void wm_judge_differ_reason(char *buf, size_t size, const char *path, const char *whose)
{
    if (whose)
        snprintf(buf, size, "%s: the %s's records differ from the file", path, whose);
    else
        snprintf(buf, size, "%s: the records differ from the file", path);
}

enum wm_judge_verdict wm_judge_verdict(const struct wm_judge *j, const struct wm_live_verdict *v,
                                       const char *whose, char *buf, size_t size)
{
    int fault = v && v->fault != WM_LIVE_OK;
    if (!fault && j->same)
        return WM_JUDGE_PASSED;
    if (fault) {
        wm_verdict_format(buf, size, j->path, j->t, v, &j->want, &j->got);
        return WM_JUDGE_PEER;
    }
    if (v && v->reset_conn) { /* recorded as a close: named here */
        snprintf(buf, size, "%s: connection %u: " WM_RESET_TEXT, j->path, v->reset_conn);
        return WM_JUDGE_PEER;
    }
    wm_judge_differ_reason(buf, size, j->path, whose);
    return WM_JUDGE_DIFFER;
}

void wm_judge_print_ok(FILE *out, const char *path, struct wm_case_result *res)
{
    fprintf(out, "ok %s\n", path);
    res->status = WM_CASE_OK;
}

void wm_judge_print_malformed(FILE *out, const char *path, const char *why,
                              struct wm_case_result *res)
{
    fprintf(out, "FAIL %s: malformed: %s\n", path, why);
    res->status = WM_CASE_MALFORMED;
    free(res->message);
    res->message = strdup(why);
}

void wm_judge_first_difference(FILE *out, const char *path, size_t line)
{
    fprintf(out, "first difference: %s:%zu\n", path, line);
}

void wm_judge_diff(const struct wm_judge *j, FILE *out, struct wm_case_result *res)
{
    assert(j->rendered && !j->same);
    res->first_line = wm_print_diff(out, j->path, j->t, &j->want, &j->got, res);
    wm_judge_first_difference(out, j->path, res->first_line);
}

int wm_judge_reproduce_set(struct wm_case_result *res, const char *prog, const char *command)
{
    size_t size = strlen(prog) + strlen(command) + 2;
    free(res->reproduce);
    if (!(res->reproduce = malloc(size)))
        return -1;
    snprintf(res->reproduce, size, "%s %s", prog, command);
    return 0;
}

void wm_judge_reproduce_print(FILE *out, const struct wm_case_result *res)
{
    if (res->reproduce)
        fprintf(out, "reproduce: %s\n", res->reproduce);
}
