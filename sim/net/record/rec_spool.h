/* A recording's records, written to disk as they settle: warmer record
 * holds only what is unsettled (docs/DESIGN.md, "Recording"). Each
 * connection's records are merged as they come (the rule of stream.c, with
 * the proxy's own bound on what a server record still to come can count),
 * rendered as transcript lines and appended to one unlinked temporary file
 * ($TMPDIR, else /tmp) in pieces of 8 KiB; the settled records leave the
 * journals. The file's body (every connection's records, numbered when
 * there are several) is copied out at the end, once the header is known. */
#ifndef WM_REC_SPOOL_H
#define WM_REC_SPOOL_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "transcript.h"

struct wm_rsp;

struct wm_rsp *wm_rsp_new(void); /* NULL if out of memory */
void wm_rsp_free(struct wm_rsp *sp);

/* Settles what it can of connection conn (0-based; connections come in
 * order) from log: server_floor is a bound below the causes of the server
 * records still to come (UINT64_MAX once it makes no more); the last
 * unsure[0] client and unsure[1] server records may still have their cause
 * raised (wm_rc_unsure), so nothing from them on settles. Settled records
 * go to the spool and leave log. 0, or -1 with err (the spool cannot be
 * written, out of memory, or at the end (UINT64_MAX) records left in an
 * order no merge gives: a bug). */
int wm_rsp_settle(struct wm_rsp *sp, uint32_t conn, struct wm_conn_log *log,
                  uint64_t server_floor, const size_t unsure[2], struct wm_err *err);
/* Connections settled into it (the highest conn + 1). */
uint32_t wm_rsp_conns(const struct wm_rsp *sp);
/* Writes every connection's records in order, as a file of wm_rsp_conns
 * connections numbers them. 0, or -1 with err. */
int wm_rsp_write(const struct wm_rsp *sp, FILE *out, struct wm_err *err);

#endif
