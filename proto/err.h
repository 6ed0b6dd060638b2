/* Errors are values: a fixed buffer holding one readable reason. */
#ifndef WM_ERR_H
#define WM_ERR_H

#include <stddef.h>

#define WM_ERR_MAX 512
/* Bytes of offending input quoted in a reason before it is cut with "...". */
#define WM_ERR_QUOTE 96

struct wm_err {
    char msg[WM_ERR_MAX];
};

#if defined(__GNUC__)
#define WM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define WM_PRINTF(a, b)
#endif

/* Formats the reason; "%Q" is not available, so quote input with wm_quote. */
void wm_err_set(struct wm_err *err, const char *fmt, ...) WM_PRINTF(2, 3);

/* Escaped, double-quoted, length-capped copy of input, for reasons. */
struct wm_quoted {
    char s[WM_ERR_QUOTE + 8];
};
const char *wm_quote(struct wm_quoted *q, const char *src, size_t len);

#endif
