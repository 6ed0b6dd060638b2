/* warmer serve's console: the lines it prints to stdout and stderr go
 * through a bounded queue per stream, drained by a writer thread that
 * serves no client, so a stdout (or stderr) nobody reads never stalls a
 * connection or a shutdown. When a stream's queue is full a line is
 * dropped whole and counted; lines are never torn and keep their order
 * within each stream.
 *
 * The writer only writes after poll(2) says the stream can take bytes, at
 * most PIPE_BUF at a time, so it never blocks in write(2) on a pipe, a
 * terminal or a file, and wakes for a stop through its own pipe. It is
 * poked only when it sleeps (or a queue passes half full): after a drain
 * it naps, so a busy server's lines go out in batches, a few syscalls per
 * nap rather than one poke per line. A stream on /dev/null takes each line
 * at once, as writing it would, with no lock and no queue. */
#ifndef WM_CONSOLE_H
#define WM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Bytes of lines (newlines included) that may wait, per stream. */
#define WM_CON_DEFAULT_QUEUE (1u << 20)
#define WM_CON_MIN_QUEUE 1024u
#define WM_CON_MAX_QUEUE (1u << 30)
/* On stop, how long the writer may still drain before what is left is
 * dropped (a shutdown never waits on a reader). */
#define WM_CON_STOP_MS 500
/* The last line after the stop (a summary): how long to wait for room. */
#define WM_CON_FINAL_MS 100
/* After a drain, the writer waits this long before it looks again. */
#define WM_CON_NAP_MS 1

enum wm_con_stream { WM_CON_OUT, WM_CON_ERR };

struct wm_con;

/* Starts the writer for out_fd and err_fd (the caller's, not closed here),
 * each with a queue of max_bytes. NULL with err set on failure. */
struct wm_con *wm_con_start(int out_fd, int err_fd, size_t max_bytes, struct wm_err *err);
/* Queues one line (the newline is added); never blocks on the stream.
 * After wm_con_stop, or when the queue is full or the stream broken (a
 * write error such as EPIPE), the line is dropped and counted. */
void wm_con_line(struct wm_con *c, enum wm_con_stream s, const char *text, size_t len);
void wm_con_printf(struct wm_con *c, enum wm_con_stream s, const char *fmt, ...) WM_PRINTF(3, 4);
/* Lines dropped so far, both streams. */
uint64_t wm_con_dropped(struct wm_con *c);
/* Lets the writer drain for at most grace_ms, then drops what is left and
 * joins it. Returns the lines dropped in all. */
uint64_t wm_con_stop(struct wm_con *c, int grace_ms);
void wm_con_free(struct wm_con *c); /* stops first if needed */

/* One line straight to fd, waiting at most wait_ms for room (for the last
 * words, once the writer is stopped): 0, or -1 if it could not go. */
int wm_con_write_now(int fd, const char *text, size_t len, int wait_ms);

#endif
