#include "rederive.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>

#include "exec.h"

enum wm_profile wm_rederive_file_profile(const struct wm_transcript *t)
{
    return t->cfg.profile_named ? t->cfg.profile : WM_PROFILE_STRICT;
}

/* The re-derived records get file lines, so a report points into the file:
 * the scripted side's k-th record the file's k-th of that side; a tested
 * side's record the line of the last scripted line it had read (the one it
 * answers), or the scripted side's first line. */
static void map_lines(struct wm_journal *scripted, const struct wm_journal *file,
                      struct wm_journal *tested)
{
    size_t last = 0;
    for (size_t i = 0; i < scripted->n; i++) {
        if (i < file->n)
            last = file->recs[i].lineno;
        scripted->recs[i].lineno = last;
    }
    for (size_t i = 0; i < tested->n; i++) {
        uint64_t cause = tested->recs[i].cause, wire = 0;
        size_t line = file->n ? file->recs[0].lineno : 0;
        for (size_t k = 0; k < scripted->n && wire < cause; k++) {
            if (wm_rec_is_wire((enum wm_rec_kind)scripted->recs[k].kind)) {
                wire++;
                line = scripted->recs[k].lineno;
            }
        }
        tested->recs[i].lineno = line;
    }
}

enum wm_rederive_result wm_rederive(struct wm_transcript *t, enum wm_profile profile,
                                    int test_server, size_t max_journal, char *note,
                                    size_t note_size, struct wm_err *err)
{
    assert(note && note_size > 0);
    note[0] = '\0';
    if (wm_rederive_file_profile(t) == profile) {
        t->cfg.profile = profile;
        return WM_REDERIVE_KEPT;
    }
    /* A client facing the file's hung server gives up on its own clock
     * (--timeout), which a run in process only models: no expectation. A
     * hang after the client's end (the asyncio server's) is no matter. */
    for (uint32_t k = 0; !test_server && k < t->cfg.connections; k++) {
        const struct wm_journal *c = &t->conns[k].client, *j = &t->conns[k].server;
        uint64_t wire = 0, end = UINT64_MAX; /* the client's end, as a count of its wire items */
        for (size_t i = 0; i < c->n && end == UINT64_MAX; i++) {
            enum wm_rec_kind kind = (enum wm_rec_kind)c->recs[i].kind;
            wire += wm_rec_is_wire(kind);
            if (kind == WM_REC_CLOSE || kind == WM_REC_ERROR)
                end = wire;
        }
        for (size_t i = 0; i < j->n; i++) {
            if (j->recs[i].kind == WM_REC_HANG && j->recs[i].cause < end) {
                wm_err_set(err, "the server hangs (line %zu), and when a live client gives up "
                           "is its own timeout's", j->recs[i].lineno);
                return WM_REDERIVE_FAILED;
            }
        }
    }
    /* The tested side is profile's session, the other plays the file's
     * lines: what replay --server or --client does in process. */
    struct wm_cfg cfg = t->cfg; /* shares games; t owns them */
    cfg.profile = profile;
    cfg.client_script = test_server;
    cfg.server_script = !test_server;
    struct wm_exec_opts opts;
    wm_exec_opts_init(&opts);
    opts.max_journal = max_journal;
    opts.skip_logs = 1;
    if (wm_exec_validate(&cfg, &opts, err) < 0)
        return WM_REDERIVE_FAILED;
    struct wm_conn_log *logs = NULL;
    if (wm_execute(&cfg, t, &opts, &logs, err) < 0)
        return WM_REDERIVE_FAILED;
    for (uint32_t k = 0; k < t->cfg.connections; k++) {
        if (test_server)
            map_lines(&logs[k].client, &t->conns[k].client, &logs[k].server);
        else
            map_lines(&logs[k].server, &t->conns[k].server, &logs[k].client);
    }
    wm_conn_logs_free(t->conns, t->cfg.connections);
    t->conns = logs;
    t->cfg.profile = profile;
    snprintf(note, note_size, "judged under %s: expectations re-derived from the file's %s lines",
             wm_profile_name(profile), test_server ? "client" : "server");
    return WM_REDERIVE_DONE;
}
