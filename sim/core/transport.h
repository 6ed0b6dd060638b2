/* In-process byte transports for the simulator: a real non-blocking
 * socketpair(2), or a memory pipe that makes no system calls. Both carry
 * bytes, so partial reads and writes are real. Side 0 is the client. */
#ifndef WM_TRANSPORT_H
#define WM_TRANSPORT_H

#include <stddef.h>

#include "err.h"

enum wm_transport_kind { WM_TR_SOCKETPAIR, WM_TR_MEMORY };

/* Bytes a memory pipe holds, like a socket's buffer. */
#define WM_PIPE_CAP 65536

/* Most of what is in flight is one short line: it stays in the pipe's own
 * bytes, with no allocation; more goes to buf, freed once drained. */
#define WM_PIPE_SMALL 64

struct wm_pipe {
    char *buf; /* NULL: the bytes are in small */
    size_t head, len, cap; /* in flight at [head, head + len) of cap bytes (buf's) */
    char small[WM_PIPE_SMALL];
};

struct wm_transport {
    enum wm_transport_kind kind;
    int fd[2];
    struct wm_pipe pipe[2]; /* pipe[s] carries bytes written by side s */
    int shut[2];            /* side s has closed its end */
    int wshut[2];           /* side s has closed its writing half (a half-close) */
};

int wm_tr_open(struct wm_transport *t, enum wm_transport_kind kind, struct wm_err *err);
void wm_tr_close(struct wm_transport *t);
/* >0 bytes written; 0 the pipe is full; -1 the peer has closed (discard);
 * -2 out of memory for a memory pipe. */
long wm_tr_write(struct wm_transport *t, int side, const char *p, size_t n);
/* >0 bytes read; 0 the peer closed and everything was read; -1 nothing yet. */
long wm_tr_read(struct wm_transport *t, int side, char *p, size_t n);
/* Side closes both directions: the peer then reads EOF and its writes fail. */
void wm_tr_shutdown(struct wm_transport *t, int side);
/* Side closes its writing half: the peer reads EOF, and may still write to it. */
void wm_tr_shutdown_write(struct wm_transport *t, int side);

#endif
