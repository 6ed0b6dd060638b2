/* Layer 2 of 7, sim/tx/: the transcript format; uses proto/ (docs/DESIGN.md, "Layers").
 *
 * A transcript file read again by connection, in bounded memory: one pass
 * (wm_tx_index_build) notes where each connection's records begin and what
 * a scripted side must know of them before it plays (the totals below);
 * then a cursor per reader (wm_txc) gives one connection's records in file
 * order, a record at a time, with pread on the one descriptor. The first
 * pass is the strict parser's, so a cursor meets only well-formed lines. */
#ifndef WM_TX_CURSOR_H
#define WM_TX_CURSOR_H

#include <stdint.h>
#include <stdio.h>

#include "transcript.h"

struct wm_tx_side_sum {
    uint64_t lines;   /* its LINE records */
    int ends;         /* a close or an error of it is shown */
    int partial_open; /* its last record is a partial line (no close after it) */
};

struct wm_tx_conn_sum {
    uint64_t off;                  /* where its first record's line begins */
    size_t lineno;                 /* that line's number */
    uint64_t nrecs;                /* its records */
    struct wm_tx_side_sum side[2]; /* [0] the client, [1] the server */
};

struct wm_tx_index {
    int fd;                     /* the file (the caller's), read with pread */
    const char *path;           /* names it in errors */
    const struct wm_cfg *cfg;   /* its settings (the caller's) */
    struct wm_tx_conn_sum *conns; /* cfg->connections of them */
    int interleaved;            /* a connection's records are not all together */
};

/* Reads the file on fd from its start once, with the strict parser (its
 * errors, max_bytes as wm_tx_parse's); cfg must be the header's as parsed.
 * 0, or -1 with err. */
int wm_tx_index_build(struct wm_tx_index *ix, int fd, const char *path, const struct wm_cfg *cfg,
                      size_t max_bytes, struct wm_err *err);
void wm_tx_index_free(struct wm_tx_index *ix);
/* The side's totals; side is 'C' or 'S'. */
const struct wm_tx_side_sum *wm_tx_index_side(const struct wm_tx_index *ix, uint32_t conn,
                                              char side);

struct wm_txc;
/* A cursor on connection conn's records (0-based); NULL if out of memory. */
struct wm_txc *wm_txc_open(const struct wm_tx_index *ix, uint32_t conn);
/* Its next record (text valid until the next call): 1, 0 after its last,
 * -1 with err (a read error, or the file changed under us). */
int wm_txc_next(struct wm_txc *c, struct wm_tx_item *it, struct wm_err *err);
void wm_txc_close(struct wm_txc *c);

/* A stream reading fd with pread from offset at (so that readers of one
 * descriptor do not move each other), or NULL. */
FILE *wm_tx_pread_open(int fd, uint64_t at);

/* One record line's fields (tx_parse.c): its connection (0-based), kind and
 * text, decoded into dec (len + 1 bytes); the text's length, or -1 with
 * what is wrong in *what. s begins with 'C' or 'S'. */
long wm_tx_record_fields(const struct wm_cfg *cfg, const char *s, size_t len, char *dec,
                         uint32_t *conn, enum wm_rec_kind *kind, const char **what);

#endif
