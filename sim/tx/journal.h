/* One side's record stream, and the canonical merge of a connection's two
 * streams (docs/TRANSCRIPTS.md, "Order inside a connection"). */
#ifndef WM_JOURNAL_H
#define WM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/* WM_REC_HANG: from here the side neither reads, writes nor closes its end
 * (a book profile's session that loops or never closes). Not a wire item:
 * its peer never sees it, so no cause counts it. */
enum wm_rec_kind { WM_REC_LINE, WM_REC_PARTIAL, WM_REC_CLOSE, WM_REC_ERROR, WM_REC_LOG,
                   WM_REC_HANG };

struct wm_rec {
    uint8_t kind; /* an enum wm_rec_kind */
    uint64_t cause; /* peer wire items this side had begun to consume */
    size_t off, len; /* text in the journal's arena */
    size_t lineno;   /* source line when parsed from a file, else 0 */
};

/* Records a side has made. A streamed run (stream.h) marks the first
 * settled_n as settled, their place in the merged order known, and may drop
 * them once written out; the bound applies to the wire records held
 * unsettled (console lines are bounded by the session's max-guesses, and
 * kept or not, they never change where a limit lands). */
struct wm_journal {
    struct wm_rec *recs;
    size_t n, cap;
    size_t settled_n; /* recs[0..settled_n) are settled */
    uint64_t wire;    /* records that crossed the wire (all but logs and hangs), dropped ones too */
    char *text;
    size_t tlen, tcap;
    size_t max_bytes; /* bound on the unsettled recs + text (--max-journal) */
    int skip_logs;    /* console lines are not kept (a written transcript shows none) */
    size_t held_logs; /* bytes of unsettled console lines: not counted by max_bytes */
    /* A journal-limit fault: a bound on every record the side ever made, so
     * it lands at the same record however the run is streamed. */
    size_t max_total;
    uint64_t total_n, total_text; /* records and text bytes made, dropped ones too */
};

_Static_assert(WM_REC_HANG <= UINT8_MAX, "wm_rec.kind holds every kind");

static inline int wm_rec_is_wire(enum wm_rec_kind k)
{
    return k != WM_REC_LOG && k != WM_REC_HANG;
}

void wm_journal_init(struct wm_journal *j, size_t max_bytes);
/* Bytes held: records and text, settled or not. */
size_t wm_journal_bytes(const struct wm_journal *j);
/* Drops the settled records (written out): what remains moves to the front. */
void wm_journal_drop_settled(struct wm_journal *j);
void wm_journal_free(struct wm_journal *j);
/* What adding a record did. Every failure is negative and leaves the
 * journal unchanged, so `< 0` asks "was it refused". */
enum wm_journal_rc {
    WM_JOURNAL_OK = 0,
    WM_JOURNAL_FULL = -1,   /* over max_bytes: the unsettled records (--max-journal) */
    WM_JOURNAL_NOMEM = -2,  /* out of memory */
    WM_JOURNAL_LIMIT = -3   /* over max_total: every record made (a journal-limit fault) */
};
enum wm_journal_rc wm_journal_add(struct wm_journal *j, enum wm_rec_kind kind, uint64_t cause,
                                  const char *text, size_t len);
/* The one record a full journal still takes: the error that ends its side
 * (len < WM_ERR_MAX, so the bound is passed by at most that much). OK or
 * NOMEM. */
enum wm_journal_rc wm_journal_add_last(struct wm_journal *j, enum wm_rec_kind kind,
                                       uint64_t cause, const char *text, size_t len);
static inline const char *wm_rec_text(const struct wm_journal *j, const struct wm_rec *r)
{
    return j->text + r->off;
}

/* Visits the merged records of one connection: side is 'C' or 'S'. */
typedef int (*wm_merge_fn)(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r);
/* 0 when every record was visited, the callback's nonzero value if it
 * stopped, or -1 if the causes are inconsistent (a bug: asserted in tests). */
int wm_merge(const struct wm_journal *client, const struct wm_journal *server, wm_merge_fn fn,
             void *ctx);

#endif
