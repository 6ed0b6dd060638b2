/* Parsing and formatting of protocol lines, strict per PROTOCOL.md. */
#ifndef WM_MSG_H
#define WM_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum wm_decision { WM_WARMER, WM_COLDER, WM_UNSURE, WM_CORRECT };

enum wm_msg_type { WM_MSG_EMPTY, WM_MSG_PARAMS, WM_MSG_NUMBER, WM_MSG_REPORT };

struct wm_msg {
    enum wm_msg_type type;
    int64_t lo, hi;            /* PARAMS */
    enum wm_decision decision; /* REPORT */
};

/* Room for the longest formatted message, "PARAMS " + two 20-byte int64 +
 * a space (48 bytes), plus the NUL, with margin. */
#define WM_MSG_MAX 64

const char *wm_decision_name(enum wm_decision d);

/* 0 on success; -1 with err naming the input. */
int wm_msg_parse(const char *line, size_t len, struct wm_msg *out, struct wm_err *err);

/* Canonical decimal only: -?(0|[1-9][0-9]*), no "-0", within int64. */
int wm_int64_parse(const char *s, size_t len, int64_t *out);
/* Returns -1 (not canonical decimal) or -2 (beyond the type) on failure. */
int wm_uint64_parse(const char *s, size_t len, uint64_t *out);

/* Format into buf (WM_MSG_MAX bytes); return the length, no newline. */
size_t wm_fmt_params(char *buf, int64_t lo, int64_t hi);
size_t wm_fmt_number(char *buf);
size_t wm_fmt_report(char *buf, enum wm_decision d);
size_t wm_fmt_int(char *buf, int64_t v);
/* A console line "<who><v> is <Decision>" ("Server: 4 is Unsure"); buf
 * holds WM_MSG_MAX + 32 bytes. */
size_t wm_fmt_judged(char *buf, const char *who, int64_t v, enum wm_decision d);

#endif
