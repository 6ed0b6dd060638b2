/* Internals shared by live.c (the exchange with a live peer) and
 * live_verdict.c (what a verdict says): the mirror of what the peer sent
 * and what it was sent. */
#ifndef WM_LIVE_INT_H
#define WM_LIVE_INT_H

#include "conn.h"
#include "live.h"

/* Bytes of quoted wire text in a verdict, and the phrases built around it. */
#define QUOTE_MAX 100
#define AFTER_MAX (QUOTE_MAX + 32)
#define WANT_MAX (QUOTE_MAX + 48)

struct wm_lv_mirror {
    struct wm_framer framer; /* lenient: the peer's bytes are only recorded */
    const struct wm_journal *expect;
    size_t expect_at;  /* next expected peer record to match */
    size_t end_at;     /* index of the file's first peer end (close, error, partial), or n */
    uint64_t end_lines; /* peer lines the file puts before that end */
    int shows_close;   /* the file shows the peer's close or error (a partial's is implied
                          when the file does not: it answers ours) */
    uint64_t lines;    /* peer lines recorded so far */
    /* Our side as the peer was sent it, to time the peer's close: */
    uint64_t sent;     /* our wire items sent (lines; a partial and the close at the close) */
    size_t mid;        /* bytes sent since our last newline (a partial, if we close) */
    int waited;        /* a close window passed since our last send */
    /* The file shows the peer hang (`S! hang`): after our item that causes
     * it, the peer must send nothing and not close for a close window. */
    size_t hang_at;    /* index of the file's peer hang, or n */
    uint64_t hang_lines; /* peer lines the file puts before it */
    int hang_done;     /* the window passed: the hang is recorded, the peer left be */
    struct wm_live *lv;
};

/* The file shows the peer hanging, and that is not yet judged. */
static inline int wm_lv_hang_ahead(const struct wm_lv_mirror *m)
{
    return m->expect && m->hang_at < m->expect->n && !m->hang_done;
}

/* Our items the peer has begun to be sent, as a record's cause counts
 * them: a line or partial line counts from its first byte. */
static inline uint64_t wm_lv_sent_items(const struct wm_lv_mirror *m)
{
    return m->sent + (m->mid > 0);
}

/* The peer has been sent what makes it hang: nothing of ours goes until
 * the window shows it does. */
static inline int wm_lv_hang_caused(const struct wm_lv_mirror *m)
{
    return wm_lv_hang_ahead(m) && wm_lv_sent_items(m) >= m->expect->recs[m->hang_at].cause;
}

const char *wm_lv_peer_name(const struct wm_live *lv);
const char *wm_lv_own_name(const struct wm_live *lv);

/* The file (or model) shows the peer's end: no line may follow. */
int wm_lv_expects_end(const struct wm_lv_mirror *m);

/* The verdicts: the peer closed where the file shows it open; it sent a
 * line where the file shows its end. */
void wm_lv_closed_early(struct wm_lv_mirror *m);
/* The file shows the peer hanging after our item that it has been sent:
 * it sent `line` (len), or closed (line NULL). */
void wm_lv_no_hang(struct wm_lv_mirror *m, const char *line, size_t len);
void wm_lv_sent_for_end(struct wm_lv_mirror *m, const char *line, size_t len);

/* Nothing came for the whole timeout. 1 to go on (a script gave up waiting
 * for a line: the diff will show it), 0 when a verdict ends the run,
 * WM_LV_END when the run ends with no verdict (our side hung, and the file
 * shows the peer neither closing nor sending more), -1 err. */
#define WM_LV_END 2
int wm_lv_on_silence(struct wm_live *lv, struct wm_lv_mirror *m, struct wm_err *err);

#endif
