/* Chaos peers, run for real: sessions that send lines, partial lines,
 * closes and errors at random, against each other or against warmer's own
 * server and client. Every run that finishes made a transcript a real pair
 * made, so it must replay as written: with its chaos sides scripted, and
 * with both sides scripted (docs/TRANSCRIPTS.md, "Which files a run can
 * produce"). The generator and the check are replaygen.h's. */
#include "replaygen.h"
#include "sim.h"

/* ---- chaos peers: sessions that do anything, run for real -------------------- */

/* A peer that at each event sends lines, a partial line, closes, errs or
 * waits, at random; after a partial only its end. Protocol-like lines when
 * it plays against warmer's own session, so that session answers. */
struct chaos {
    struct prng r;
    int partial;
    unsigned budget;
    int client, vocab;
};

static size_t chaos_line(struct chaos *c, char *buf)
{
    static const char *const cl[] = {"PARAMS 1 5", "NUMBER", "NUMBER", "REPORT Hot", "REPORT Cold",
                                     "REPORT Unsure", "REPORT Correct", "PARAMS 0 -1", "PARAMS 3 2"};
    static const char *const sv[] = {"3", "1", "5", "4", "2", "9", "x"};
    if (!c->vocab || pick(&c->r, 6) == 0)
        return gen_text(&c->r, buf, 0);
    const char *w = c->client ? cl[pick(&c->r, 9)] : sv[pick(&c->r, 7)];
    memcpy(buf, w, strlen(w));
    return strlen(w);
}

static void chaos_say(struct chaos *c, const struct wm_sink *out)
{
    char buf[32];
    for (unsigned n = pick(&c->r, 3); n > 0; n--)
        wm_emit(out, WM_OUT_SEND, buf, chaos_line(c, buf));
    if (pick(&c->r, 5) == 0) {
        size_t len = c->vocab ? chaos_line(c, buf) : gen_text(&c->r, buf, 1);
        if (len == 0)
            buf[len++] = '7';
        wm_emit(out, WM_OUT_PARTIAL, buf, len > 3 ? len - 1 : len);
        c->partial = 1;
    }
}

static enum wm_sess_rc chaos_end(struct chaos *c, const struct wm_sink *out)
{
    char buf[32];
    if (pick(&c->r, 4) == 0)
        wm_emit(out, WM_OUT_ERROR, buf, gen_reason(&c->r, buf));
    else
        wm_emit(out, WM_OUT_CLOSE, "", 0);
    return WM_SESS_CLOSED;
}

static enum wm_sess_rc chaos_act(struct chaos *c, const struct wm_sink *out)
{
    if (c->budget == 0)
        return chaos_end(c, out);
    c->budget--;
    unsigned k = pick(&c->r, 100);
    if (k < 20 || (c->partial && k < 60))
        return WM_SESS_OPEN; /* waits */
    if (k < 85 && !c->partial) {
        chaos_say(c, out);
        return WM_SESS_OPEN;
    }
    return chaos_end(c, out);
}

static enum wm_sess_rc chaos_start(void *self, const struct wm_sink *out)
{
    return chaos_act(self, out);
}

static enum wm_sess_rc chaos_on_line(void *self, const char *line, size_t len,
                                     const struct wm_sink *out)
{
    (void)line;
    (void)len;
    return chaos_act(self, out);
}

/* The peer closed: it may still send, then closes (implied) or errs. */
static enum wm_sess_rc chaos_on_eof(void *self, const struct wm_sink *out)
{
    struct chaos *c = self;
    if (!c->partial && pick(&c->r, 3) == 0)
        chaos_say(c, out);
    return chaos_end(c, out);
}

static enum wm_sess_rc chaos_on_bad_input(void *self, const struct wm_err *err,
                                          const struct wm_sink *out)
{
    (void)err;
    return chaos_on_eof(self, out);
}

static enum wm_sess_rc chaos_on_timeout(void *self, const struct wm_sink *out)
{
    return chaos_end(self, out);
}

/* Bytes of a line arrived: a real peer may act on time, before the rest. */
static enum wm_sess_rc chaos_on_partial(void *self, const struct wm_sink *out)
{
    struct chaos *c = self;
    return pick(&c->r, 2) ? chaos_act(c, out) : WM_SESS_OPEN;
}

static const struct wm_role chaos_role = {chaos_start,      chaos_on_line,    chaos_on_eof,
                                          chaos_on_bad_input, chaos_on_timeout, chaos_on_partial,
                                          NULL, NULL, NULL, NULL, 0, NULL};

/* Runs chaos peers (side bits: 1 the client, 2 the server) against each
 * other or against warmer's session; the transcript, or NULL when the pair
 * got stuck (both waiting: not a finished run, so not a case). */
static char *chaos_run(uint64_t seed, int sides, struct wm_cfg *cfg, size_t *len)
{
    struct prng r = {0xc4a05000ULL + seed};
    wm_cfg_init(cfg);
    cfg->seed = seed;
    cfg->chunking = pick(&r, 2);
    struct wm_game g = {1, 5, 3, 5, NULL};
    struct wm_err err;
    ck_assert(wm_cfg_add_game(cfg, &g, &err) == 0);
    /* A third of the runs cut a side as a fault does: a reset, or a
     * half-close after which it reads on (and may report what it read). A
     * session's cut is a fault of the file's plan, so that a replay with
     * the other side scripted carries it out again. */
    int cut = pick(&r, 3) == 0, cut_side = (int)pick(&r, 2);
    enum wm_fault_kind cut_kind = pick(&r, 2) ? WM_FAULT_HALF_CLOSE : WM_FAULT_RESET;
    uint64_t cut_at = pick(&r, 40);
    if (cut && !(sides & (1 << cut_side))) {
        struct wm_fault f = {.kind = cut_kind, .side = cut_side ? 'S' : 'C', .conn = 1, .arg = cut_at};
        ck_assert(wm_cfg_add_fault(cfg, &f, &err) == 0);
    }
    struct wm_conn_log *logs = wm_conn_logs_new(1, SIZE_MAX);
    struct wm_conn c;
    ck_assert(logs && wm_conn_init(&c, 0, cfg, &logs[0], NULL, NULL, &err) == 0);
    struct chaos ch[2] = {{{prng_next(&r)}, 0, 1 + pick(&r, 12), 1, sides != 3},
                          {{prng_next(&r)}, 0, 1 + pick(&r, 12), 0, sides != 3}};
    struct wm_endpoint *ep[2] = {&c.client, &c.server};
    for (int s = 0; s < 2; s++)
        if (sides & (1 << s)) {
            ep[s]->role = &chaos_role;
            ep[s]->self = &ch[s];
            ep[s]->framer.lenient = 1;
        }
    if (cut && (sides & (1 << cut_side)))
        wm_ep_set_cut(ep[cut_side], &(struct wm_fault){.kind = cut_kind, .arg = cut_at});
    struct wm_sim_opts so = {pick(&r, 2) ? WM_TR_MEMORY : WM_TR_SOCKETPAIR,
                             WM_DEFAULT_MAX_STEPS, NULL, 0, NULL};
    int rc = wm_sim_run(&c, 1, seed, cfg->chunking, &so, &err);
    wm_conn_free(&c);
    cfg->client_script = (sides & 1) != 0;
    cfg->server_script = (sides & 2) != 0;
    char *text = NULL;
    if (rc == 0)
        ck_assert((text = wm_tx_render(cfg, logs, len)) != NULL);
    else
        ck_assert_msg(strstr(err.msg, "no progress") != NULL, "chaos run %llu: %s",
                      (unsigned long long)seed, err.msg);
    wm_conn_logs_free(logs, 1);
    return text;
}

#define CHAOS_CASES 1500

/* Runs CHAOS_CASES pairs; each finished transcript is checked as its header
 * says (the chaos sides scripted), and with both sides scripted. */
static void chaos_cases(int sides, const char *name)
{
    unsigned finished = 0;
    for (uint64_t i = 0; i < CHAOS_CASES; i++) {
        struct wm_cfg cfg;
        size_t len;
        char *text = chaos_run(i, sides, &cfg, &len);
        wm_cfg_free(&cfg);
        if (!text)
            continue;
        finished++;
        char what[96];
        snprintf(what, sizeof what, "%s case %llu", name, (unsigned long long)i);
        check_replays(what, text, len, 0, WM_DRV_SIM, WM_TR_MEMORY);
        if (sides != 3) {
            snprintf(what, sizeof what, "%s case %llu, both sides scripted", name,
                     (unsigned long long)i);
            check_replays(what, text, len, 1, WM_DRV_SIM, WM_TR_MEMORY);
        }
        free(text);
    }
    /* Most pairs finish: the property is not passed by having no cases. */
    ck_assert_msg(finished > CHAOS_CASES / 2, "%s: only %u of %u runs finished", name, finished,
                  CHAOS_CASES);
}

START_TEST(chaos_pairs_replay_both_scripted)
{
    chaos_cases(3, "chaos pair");
}
END_TEST

START_TEST(chaos_client_against_server_replays)
{
    chaos_cases(1, "chaos client");
}
END_TEST

START_TEST(chaos_server_against_client_replays)
{
    chaos_cases(2, "chaos server");
}
END_TEST

static Suite *chaos_suite(void)
{
    Suite *s = suite_create("chaos");
#define ADD(fn) WM_ADD_TEST_WITH(s, fn, make_tmpdir, remove_tmpdir)
    ADD(chaos_pairs_replay_both_scripted);
    ADD(chaos_client_against_server_replays);
    ADD(chaos_server_against_client_replays);
#undef ADD
    return s;
}

WM_TEST_MAIN(chaos_suite)
