/* One connection's two endpoints and their sessions, built from a run's
 * settings; shared by every driver so that only the byte moving differs. */
#ifndef WM_CONN_H
#define WM_CONN_H

#include "cfg.h"
#include "client.h"
#include "endpoint.h"
#include "script.h"
#include "server.h"
#include "transcript.h"

#define WM_DEFAULT_MAX_JOURNAL (256u << 20)
#define WM_OUT_MAX (1u << 20)
#define WM_SCRIPT_LINE_MAX 65536

struct wm_conn {
    unsigned index; /* from 0; the server RNG gets seed + index */
    struct wm_endpoint client, server;
    struct wm_client client_session;
    struct wm_server server_session;
    struct wm_script client_script, server_script;
};

/* script: the transcript whose records drive scripted sides (cfg says which), or NULL. */
int wm_conn_init(struct wm_conn *c, unsigned index, const struct wm_cfg *cfg,
                 struct wm_conn_log *log, const struct wm_transcript *script, struct wm_err *err);
void wm_conn_free(struct wm_conn *c);

/* One line naming a connection's state, for "no progress" and limit reports. */
void wm_conn_describe(const struct wm_conn *c, char *buf, size_t size);

#endif
