#include "transcript.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "escape.h"
#include "msg.h"



struct wm_conn_log *wm_conn_logs_new(uint32_t n, size_t max_bytes)
{
    struct wm_conn_log *logs = wm_calloc(n, sizeof *logs);
    for (uint32_t i = 0; logs && i < n; i++) {
        wm_journal_init(&logs[i].client, max_bytes);
        wm_journal_init(&logs[i].server, max_bytes);
    }
    return logs;
}

void wm_conn_logs_free(struct wm_conn_log *logs, uint32_t n)
{
    for (uint32_t i = 0; logs && i < n; i++) {
        wm_journal_free(&logs[i].client);
        wm_journal_free(&logs[i].server);
    }
    wm_free(logs);
}

void wm_tx_free(struct wm_transcript *t)
{
    wm_conn_logs_free(t->conns, t->cfg.connections);
    t->conns = NULL;
    wm_cfg_free(&t->cfg);
}

/* ---- writer ---- */

void wm_tx_write_header(FILE *out, const struct wm_cfg *cfg)
{
    fprintf(out, WM_TX_MAGIC "\n# seed: %llu\n", (unsigned long long)cfg->seed);
    if (cfg->profile != WM_PROFILE_STRICT) /* strict, the default, is never written */
        fprintf(out, "# profile: %s\n", wm_profile_name(cfg->profile));
    for (size_t i = 0; i < cfg->ngames; i++) {
        fputs("# game: ", out);
        wm_game_print(out, &cfg->games[i]);
        fputc('\n', out);
    }
    if (cfg->connections != 1)
        fprintf(out, "# connections: %u\n", cfg->connections);
    if (cfg->max_line != WM_LINE_MAX_DEFAULT)
        fprintf(out, "# max-line: %zu\n", cfg->max_line);
    if (cfg->max_guesses != WM_DEFAULT_MAX_GUESSES)
        fprintf(out, "# max-guesses: %zu\n", cfg->max_guesses);
    if (cfg->client_script)
        fputs("# client: script\n", out);
    if (cfg->server_script)
        fputs("# server: script\n", out);
    if (cfg->chunking)
        fputs("# chunking: on\n", out);
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        char f[96];
        wm_fault_format(&cfg->faults[i], f, sizeof f);
        fprintf(out, "# fault: %s\n", f);
    }
}

static int plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '\\';
}

static char *put_escaped(char *p, const char *text, size_t len)
{
    size_t tail = wm_escape_tail(text, len), i = 0;
    for (;;) {
        while (i < tail && plain((unsigned char)text[i])) /* the common case: copied as is */
            *p++ = text[i++];
        if (i == len)
            return p;
        p += wm_escape_byte(p, (unsigned char)text[i], i >= tail);
        i++;
    }
}

/* Without stdio: this is the hot path of a long run, and of check. */
size_t wm_tx_format_record(char *buf, unsigned label, char side, enum wm_rec_kind kind,
                           const char *text, size_t len)
{
    char *p = buf;
    *p++ = side;
    if (label)
        p += wm_fmt_int(p, (int64_t)label); /* its NUL is overwritten next */
    switch (kind) {
    case WM_REC_LINE:
        *p++ = ':';
        if (len) {
            *p++ = ' ';
            p = put_escaped(p, text, len);
        }
        break;
    case WM_REC_PARTIAL:
        memcpy(p, "! partial ", 10);
        p = put_escaped(p + 10, text, len);
        break;
    case WM_REC_CLOSE:
        memcpy(p, "! close", 7);
        p += 7;
        break;
    case WM_REC_ERROR: /* reasons are printable ASCII by construction (wm_quote) */
        memcpy(p, "! error ", 8);
        memcpy(p + 8, text, len);
        p += 8 + len;
        break;
    case WM_REC_HANG: /* its reason, when it has one, is kept as an error's is */
        memcpy(p, "! hang", 6);
        p += 6;
        if (len) {
            *p++ = ' ';
            memcpy(p, text, len);
            p += len;
        }
        break;
    case WM_REC_LOG:
        break;
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* WM_TX_RECORD_MAX's fixed part holds a side, an unsigned label, the
 * longest marker and the newline; its part per byte, one escaped byte. */
_Static_assert(WM_TX_RECORD_MAX(0) >= 1 + sizeof "4294967295" - 1 + sizeof "! partial " - 1 + 1,
               "a record's fixed part fits WM_TX_RECORD_MAX(0)");
_Static_assert(WM_TX_RECORD_MAX(1) - WM_TX_RECORD_MAX(0) >= sizeof "\\xff" - 1,
               "an escaped byte fits WM_TX_RECORD_MAX's part per byte");

static void write_escaped(FILE *out, const char *text, size_t len)
{
    size_t tail = wm_escape_tail(text, len);
    char buf[4];
    for (size_t i = 0; i < len; i++) {
        size_t n = wm_escape_byte(buf, (unsigned char)text[i], i >= tail);
        fwrite(buf, 1, n, out);
    }
}

/* The same as wm_tx_format_record, through stdio (no buffer to size). */
void wm_tx_write_record(FILE *out, unsigned label, char side, enum wm_rec_kind kind,
                        const char *text, size_t len)
{
    if (label)
        fprintf(out, "%c%u", side, label);
    else
        fputc(side, out);
    switch (kind) {
    case WM_REC_LINE:
        fputc(':', out);
        if (len) {
            fputc(' ', out);
            write_escaped(out, text, len);
        }
        break;
    case WM_REC_PARTIAL:
        fputs("! partial ", out);
        write_escaped(out, text, len);
        break;
    case WM_REC_CLOSE:
        fputs("! close", out);
        break;
    case WM_REC_ERROR: /* reasons are printable ASCII by construction (wm_quote) */
        fputs("! error ", out);
        fwrite(text, 1, len, out);
        break;
    case WM_REC_HANG:
        fputs("! hang", out);
        if (len) {
            fputc(' ', out);
            fwrite(text, 1, len, out);
        }
        break;
    case WM_REC_LOG:
        break;
    }
    fputc('\n', out);
}

struct write_ctx {
    FILE *out;
    unsigned label;
    int book;
};

static int write_one(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct write_ctx *w = ctx;
    const char *text = wm_rec_text(j, r);
    if (w->book) {
        if (r->kind == WM_REC_LOG) {
            fwrite(text, 1, r->len, w->out);
            fputc('\n', w->out);
        }
    } else if (r->kind != WM_REC_LOG) {
        wm_tx_write_record(w->out, w->label, side, (enum wm_rec_kind)r->kind, text, r->len);
    }
    return 0;
}

static int write_all(FILE *out, const struct wm_cfg *cfg, const struct wm_conn_log *logs, int book)
{
    for (uint32_t i = 0; i < cfg->connections; i++) {
        struct write_ctx w = {out, cfg->connections > 1 ? i + 1 : 0, book};
        if (wm_merge(&logs[i].client, &logs[i].server, write_one, &w) != 0)
            return -1;
    }
    return 0;
}

int wm_tx_write(FILE *out, const struct wm_cfg *cfg, const struct wm_conn_log *logs)
{
    wm_tx_write_header(out, cfg);
    return write_all(out, cfg, logs, 0);
}

int wm_tx_write_book(FILE *out, const struct wm_cfg *cfg, const struct wm_conn_log *logs)
{
    return write_all(out, cfg, logs, 1);
}

char *wm_tx_render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    int rc = wm_tx_write(f, cfg, logs);
    if (fclose(f) != 0 || rc < 0) {
        free(text);
        return NULL;
    }
    return text;
}
