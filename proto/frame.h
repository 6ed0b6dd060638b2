/* Line framer: bytes in any split, complete '\n'-terminated lines out.
 * Never buffers more than max_line bytes; rejects control bytes and invalid
 * UTF-8 at the first offending byte, so the same bytes give the same lines
 * and the same error however they are split. */
#ifndef WM_FRAME_H
#define WM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define WM_LINE_MAX_DEFAULT 1024

enum wm_frame_rc {
    WM_FRAME_LINE = 1,  /* a complete line is in *line / *len */
    WM_FRAME_MORE = 0,  /* all input consumed, no complete line yet */
    WM_FRAME_ERROR = -1 /* err is set; the framer stays failed */
};

struct wm_framer {
    char *buf;        /* grows by doubling, never past max_line bytes */
    size_t cap;
    size_t max_line;  /* content bytes allowed per line, '\n' excluded */
    size_t len;       /* bytes of the current, unfinished line */
    size_t pending;   /* bytes of it consumed, a rejected byte included */
    size_t lines;     /* complete lines yielded so far */
    uint8_t utf8_need; /* continuation bytes still expected */
    uint8_t utf8_lo, utf8_hi; /* allowed range of the next continuation byte */
    int lenient;      /* accept any byte but '\n' (harness scripts judge nothing) */
    int failed;
    int line_ready;   /* last call returned a line still held in buf */
};

int wm_framer_init(struct wm_framer *f, size_t max_line); /* 0, or -1 on ENOMEM */
/* A line that cannot get memory is an error like any other (err says so). */
void wm_framer_free(struct wm_framer *f);

/* Consumes bytes from p[0..n) up to and including the first complete line,
 * or all of them. *used gets the count consumed. On WM_FRAME_LINE, *line and
 * *len (newline excluded) stay valid until the next call. */
enum wm_frame_rc wm_framer_push(struct wm_framer *f, const char *p, size_t n, size_t *used,
                                const char **line, size_t *len, struct wm_err *err);

/* End of stream: WM_FRAME_ERROR if an unfinished line is buffered. */
enum wm_frame_rc wm_framer_eof(struct wm_framer *f, struct wm_err *err);

/* 1 once any byte of an unfinished line was consumed (even a rejected one). */
int wm_framer_mid_line(const struct wm_framer *f);

#endif
