#include "explore_console.h"

#include <stdlib.h>

struct line_ctx {
    FILE *out;
    unsigned conn;
};

static int write_log(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct line_ctx *w = ctx;
    if (r->kind == WM_REC_LOG) {
        fprintf(w->out, "%c%u ", side, w->conn);
        fwrite(wm_rec_text(j, r), 1, r->len, w->out);
        fputc('\n', w->out);
    }
    return 0;
}

char *wm_explore_console(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    int rc = 0;
    for (uint32_t i = 0; i < cfg->connections && rc == 0; i++) {
        struct line_ctx w = {f, i + 1};
        rc = wm_merge(&logs[i].client, &logs[i].server, write_log, &w);
    }
    if (fclose(f) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}
