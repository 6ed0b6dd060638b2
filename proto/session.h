/* Layer 1 of 7, proto/: the protocol, no I/O; uses nothing else (docs/DESIGN.md, "Layers").
 *
 * What a session (server, client, or a harness script) hands its driver.
 * Sessions never touch I/O: they are fed lines and emit through a sink. */
#ifndef WM_SESSION_H
#define WM_SESSION_H

#include <stddef.h>

#include "err.h"

enum wm_out_kind {
    WM_OUT_SEND,    /* a line to send; the driver appends '\n' */
    WM_OUT_PARTIAL, /* bytes to send with no newline (scripts only) */
    WM_OUT_LOG,     /* a console line, as the reference prints it */
    WM_OUT_ERROR,   /* a protocol error; the session has closed its end */
    WM_OUT_CLOSE,   /* the session closed its end without error */
    WM_OUT_CLOSE_AS_WRITTEN, /* a close a file shows after the peer's end (scripts only):
                               recorded, where a close answering the peer is implied */
    WM_OUT_HALF_CLOSE, /* a close a file shows before more of the side's records (scripts
                          only): recorded; the side sends no more and reads on */
    WM_OUT_ERROR_AS_WRITTEN, /* an error a file shows after the peer's end, on a side that
                               half-closed before (scripts only): recorded all the same */
    WM_OUT_HANG /* the session hangs (a book profile's loop that never ends, or an asyncio
                   handler that returned without closing): what it sent before still goes
                   out; from now on the side neither reads, writes nor closes its end */
};

struct wm_sink {
    void (*emit)(void *ctx, enum wm_out_kind kind, const char *text, size_t len);
    void *ctx;
};

/* Every session entry point returns one of these: CLOSED whenever the call
 * wrote the session's end (an error or a close; the driver asserts it). */
enum wm_sess_rc { WM_SESS_OPEN = 0, WM_SESS_CLOSED = 1 };

/* A session as its driver sees it: the adapter table of hiredis's async.c. */
struct wm_role {
    enum wm_sess_rc (*start)(void *self, const struct wm_sink *out);
    enum wm_sess_rc (*on_line)(void *self, const char *line, size_t len, const struct wm_sink *out);
    /* The peer closed cleanly (an unfinished line goes to on_bad_input). */
    enum wm_sess_rc (*on_eof)(void *self, const struct wm_sink *out);
    /* The framer rejected the input: report it and close. */
    enum wm_sess_rc (*on_bad_input)(void *self, const struct wm_err *err, const struct wm_sink *out);
    /* The peer went silent for longer than its driver waits (a stalled
     * peer): report what was awaited and close. */
    enum wm_sess_rc (*on_timeout)(void *self, const struct wm_sink *out);
    /* Optional (NULL: ignored). Bytes of an unfinished line arrived: a
     * harness script plays what waited for a peer's partial line. */
    enum wm_sess_rc (*on_partial)(void *self, const struct wm_sink *out);
    /* Optional (NULL: a close). The harness ends a session that can make
     * no more progress; a script whose close is implied ends quietly. */
    enum wm_sess_rc (*on_abandon)(void *self, const struct wm_sink *out);
    /* Optional (NULL: never). 1 while a harness script holds records back
     * until what it queued drains: its driver feeds it nothing meanwhile,
     * not even the end, so the records count what they would have. */
    int (*holding)(const void *self);
    /* Optional. What it queued drained below the high-water mark: it plays on. */
    enum wm_sess_rc (*on_drain)(void *self, const struct wm_sink *out);
    /* Optional (NULL: an unfinished line at the end is bad input). The peer
     * closed after the bytes of an unfinished line: the session gets them
     * (the book's readline() returns them), then handles the end itself. */
    enum wm_sess_rc (*on_tail)(void *self, const char *bytes, size_t len, const struct wm_sink *out);
    /* 1: the framer passes any byte but '\n' (frame.h's lenient), and the
     * session judges a line's bytes itself (the book profiles decode them as
     * Python does); max-line still bounds a line. */
    int raw_lines;
    /* Optional (NULL: as on_eof; a transcript writes a reset as a close).
     * The peer reset the connection, with no unfinished line (that one is
     * bad input, "connection reset by peer after ..."): report it in the
     * words of WM_RESET_TEXT and close. */
    enum wm_sess_rc (*on_reset)(void *self, const struct wm_sink *out);
};

/* The words of a peer's reset, in every report of one (docs/ERRORS.md). */
#define WM_RESET_TEXT "connection reset by peer"

static inline void wm_emit(const struct wm_sink *out, enum wm_out_kind kind, const char *text,
                           size_t len)
{
    out->emit(out->ctx, kind, text, len);
}

#endif
