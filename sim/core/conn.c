#include "conn.h"

#include <stdio.h>
#include <string.h>

int wm_conn_init(struct wm_conn *c, unsigned index, const struct wm_cfg *cfg,
                 struct wm_conn_log *log, const struct wm_transcript *script,
                 const struct wm_tx_index *ix, struct wm_err *err)
{
    memset(c, 0, sizeof *c);
    c->index = index;
    if (wm_sess_client_init(&c->client_session, cfg->profile, cfg->games, cfg->ngames,
                            cfg->max_guesses) < 0 ||
        wm_sess_server_init(&c->server_session, cfg->profile, cfg->seed + index,
                            cfg->max_guesses, NULL) < 0) {
        wm_conn_free(c);
        wm_err_set(err, "out of memory for connection %u", index + 1);
        return -1;
    }
    const struct wm_role *crole = c->client_session.role, *srole = c->server_session.role;
    void *cself = c->client_session.self, *sself = c->server_session.self;
    if (cfg->client_script) {
        crole = &wm_script_role;
        cself = &c->client_script;
    }
    if (cfg->server_script) {
        srole = &wm_script_role;
        sself = &c->server_script;
    }
    /* A script only counts lines, so it reads whatever its peer sends (a
     * record's text may be max-line + WM_TX_TEXT_SLACK bytes); it holds its
     * records back at the high-water mark, so its output holds one more. */
    size_t script_line = wm_script_line_max(cfg->max_line);
    const struct wm_conn_log *want = script ? &script->conns[index] : NULL;
    size_t cout = cfg->client_script ? wm_script_out_max(script_line, WM_OUT_MAX) : WM_OUT_MAX;
    size_t sout = cfg->server_script ? wm_script_out_max(script_line, WM_OUT_MAX) : WM_OUT_MAX;
    if (wm_ep_init(&c->client, 'C', crole, cself, &log->client,
                   cfg->client_script ? script_line : cfg->max_line, cout) < 0 ||
        wm_ep_init(&c->server, 'S', srole, sself, &log->server,
                   cfg->server_script ? script_line : cfg->max_line, sout) < 0) {
        wm_conn_free(c);
        wm_err_set(err, "out of memory for connection %u", index + 1);
        return -1;
    }
    if (cfg->client_script) /* a role's raw_lines made it lenient already */
        c->client.framer.lenient = 1;
    if (cfg->server_script)
        c->server.framer.lenient = 1;
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        const struct wm_fault *f = &cfg->faults[i];
        if (wm_fault_at_byte(f->kind) && f->conn == index + 1)
            wm_ep_set_cut(f->side == 'C' ? &c->client : &c->server, f);
    }
    int both = cfg->client_script && cfg->server_script;
    if (want) {
        wm_script_init(&c->client_script, &want->client, &want->server, &c->client, both);
        wm_script_init(&c->server_script, &want->server, &want->client, &c->server, both);
    } else if (ix && ((cfg->client_script &&
                       wm_script_init_cursor(&c->client_script, ix, index, 'C', &c->client,
                                             both) < 0) ||
                      (cfg->server_script &&
                       wm_script_init_cursor(&c->server_script, ix, index, 'S', &c->server,
                                             both) < 0))) {
        wm_conn_free(c);
        wm_err_set(err, "out of memory for connection %u", index + 1);
        return -1;
    }
    return 0;
}

void wm_conn_free(struct wm_conn *c)
{
    wm_ep_free(&c->client);
    wm_ep_free(&c->server);
    wm_sess_client_free(&c->client_session);
    wm_sess_server_free(&c->server_session);
    wm_script_free(&c->client_script);
    wm_script_free(&c->server_script);
}

static const char *ep_state(const struct wm_endpoint *ep)
{
    if (wm_ep_faulted(ep))
        return wm_ep_fault_msg(ep);
    if (wm_ep_closed(ep))
        return wm_ep_pending(ep) ? "closed, bytes unsent" : "closed";
    if (wm_ep_hung(ep))
        return "hung";
    if (wm_ep_pending(ep))
        return "open, bytes waiting to be written";
    return wm_framer_mid_line(&ep->framer) ? "open, mid-line, awaiting bytes"
                                           : "open, awaiting a line";
}

void wm_conn_describe(const struct wm_conn *c, char *buf, size_t size)
{
    snprintf(buf, size, "connection %u: client %s after %llu lines in; server %s after %llu lines in",
             c->index + 1, ep_state(&c->client), (unsigned long long)c->client.framer.lines,
             ep_state(&c->server), (unsigned long long)c->server.framer.lines);
}
