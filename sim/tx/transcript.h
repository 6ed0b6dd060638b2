/* Layer 2 of 7, sim/tx/: the transcript format; uses proto/ (docs/DESIGN.md, "Layers").
 *
 * Transcript files (docs/TRANSCRIPTS.md): strict parser and canonical writer. */
#ifndef WM_TRANSCRIPT_H
#define WM_TRANSCRIPT_H

#include <stdio.h>

#include "cfg.h"
#include "err.h"
#include "journal.h"

/* A connection's two record streams; parsed ones carry wait counts as causes. */
#define WM_TX_MAGIC "# warmer transcript v1"
/* Bytes a record's text may run past max-line (see tx_parse.c). */
#define WM_TX_TEXT_SLACK 64

struct wm_conn_log {
    struct wm_journal client, server;
};

struct wm_transcript {
    struct wm_cfg cfg;
    struct wm_conn_log *conns; /* cfg.connections of them */
};

/* Reads path ("-" for stdin). -1 with err "path:line: what was expected". */
int wm_tx_parse(const char *path, struct wm_transcript *t, size_t max_bytes, struct wm_err *err);
/* The same, with cfg.profile dflt unless the header names one ("# profile:"
 * wins): check, replay and interop's --profile. */
int wm_tx_parse_as(const char *path, enum wm_profile dflt, struct wm_transcript *t,
                   size_t max_bytes, struct wm_err *err);
/* The same from an open stream, named path in errors (not closed). */
int wm_tx_parse_file(FILE *f, const char *path, struct wm_transcript *t, size_t max_bytes,
                     struct wm_err *err);
/* Opens path to be read as a transcript: stdin for "-"; a FIFO is read as
 * a stream (opening it waits for its writer, as cat does). NULL with errno. */
FILE *wm_tx_open(const char *path);
void wm_tx_free(struct wm_transcript *t);

/* A file read a record at a time, nothing kept (check compares a file this
 * way as its run goes): the same rules and errors as wm_tx_parse. */
struct wm_tx_reader;
struct wm_tx_item {
    uint32_t conn; /* 0-based */
    char side;     /* 'C' or 'S' */
    enum wm_rec_kind kind;
    const char *text; /* len bytes, valid until the next call */
    size_t len, lineno;
    uint64_t offset; /* where its line begins in the file */
};
/* Reads f's header (f stays the caller's; path names it in errors): NULL
 * with err if the header is malformed. */
struct wm_tx_reader *wm_txr_open(FILE *f, const char *path, size_t max_bytes, struct wm_err *err);
/* The same with cfg.profile dflt unless the header names one. */
struct wm_tx_reader *wm_txr_open_as(FILE *f, const char *path, enum wm_profile dflt,
                                    size_t max_bytes, struct wm_err *err);
const struct wm_cfg *wm_txr_cfg(const struct wm_tx_reader *r);
/* The next record: 1, 0 at the end of the file, -1 with err (malformed). */
int wm_txr_next(struct wm_tx_reader *r, struct wm_tx_item *it, struct wm_err *err);
void wm_txr_close(struct wm_tx_reader *r);

/* Allocates cfg->connections empty logs. */
struct wm_conn_log *wm_conn_logs_new(uint32_t n, size_t max_bytes);
void wm_conn_logs_free(struct wm_conn_log *logs, uint32_t n);

void wm_tx_write_header(FILE *out, const struct wm_cfg *cfg);
/* One record as a transcript line; label 0 writes the unnumbered "C:" form. */
void wm_tx_write_record(FILE *out, unsigned label, char side, enum wm_rec_kind kind,
                        const char *text, size_t len);
/* The same into buf, which has room for WM_TX_RECORD_MAX(len) bytes:
 * returns the bytes written, '\n' included (no NUL). */
#define WM_TX_RECORD_MAX(len) (32 + 4 * (size_t)(len))
size_t wm_tx_format_record(char *buf, unsigned label, char side, enum wm_rec_kind kind,
                           const char *text, size_t len);
/* Header and every connection's merged records. -1 if a merge failed. */
int wm_tx_write(FILE *out, const struct wm_cfg *cfg, const struct wm_conn_log *logs);
/* The same into memory: the text (malloc'd, NUL-terminated) and its length,
 * or NULL if out of memory or a merge failed. */
char *wm_tx_render(const struct wm_cfg *cfg, const struct wm_conn_log *logs, size_t *len);
/* The reference's console output: each connection's logs in merged order. */
int wm_tx_write_book(FILE *out, const struct wm_cfg *cfg, const struct wm_conn_log *logs);

#endif
