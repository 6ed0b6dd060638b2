/* One connection's two endpoints and their sessions, built from a run's
 * settings; shared by every driver so that only the byte moving differs. */
#ifndef WM_CONN_H
#define WM_CONN_H

#include "cfg.h"
#include "endpoint.h"
#include "script.h"
#include "sessions.h"
#include "transcript.h"

#define WM_DEFAULT_MAX_JOURNAL (256u << 20)
/* A session's output bound: it answers one line at a time and feeding
 * pauses at WM_EP_HIGH_WATER. A script's is at least this too
 * (wm_script_out_max). */
#define WM_OUT_MAX (1u << 20)
#define WM_SCRIPT_LINE_MAX 65536

/* The line bound of a script's framer: every record text the file may hold. */
static inline size_t wm_script_line_max(size_t max_line)
{
    size_t n = max_line + WM_TX_TEXT_SLACK;
    return n > WM_SCRIPT_LINE_MAX ? n : WM_SCRIPT_LINE_MAX;
}

struct wm_conn {
    unsigned index; /* from 0; the server RNG gets seed + index */
    struct wm_endpoint client, server;
    struct wm_sess_client client_session; /* cfg->profile's sessions (sessions.h) */
    struct wm_sess_server server_session;
    struct wm_script client_script, server_script;
};

/* script: the transcript whose records drive scripted sides (cfg says
 * which); or ix: the indexed file they are read from as they play; or
 * neither. */
int wm_conn_init(struct wm_conn *c, unsigned index, const struct wm_cfg *cfg,
                 struct wm_conn_log *log, const struct wm_transcript *script,
                 const struct wm_tx_index *ix, struct wm_err *err);
void wm_conn_free(struct wm_conn *c);

/* One line naming a connection's state, for "no progress" and limit reports. */
void wm_conn_describe(const struct wm_conn *c, char *buf, size_t size);

#endif
