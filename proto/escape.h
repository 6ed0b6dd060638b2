/* Byte escaping shared by error texts and transcripts: output is printable ASCII. */
#ifndef WM_ESCAPE_H
#define WM_ESCAPE_H

#include <stddef.h>

/* Writes the escaped form of src into dst (NUL-terminated, always).
 * Printable ASCII stands for itself except '\\' -> "\\\\"; other bytes are
 * "\\xNN"; a trailing run of spaces is escaped too. At most dst_size - 1
 * bytes are written; if src does not fit, the output ends with "..." and
 * escapes are never cut in half. Returns the number of bytes written. */
size_t wm_escape(char *dst, size_t dst_size, const char *src, size_t len);

/* Escapes one byte into out (1, 2 or 4 bytes, returned); force_hex gives
 * "\\xNN" even for printable bytes (used for trailing spaces). */
size_t wm_escape_byte(char out[4], unsigned char c, int force_hex);
/* Offset where src's trailing run of spaces begins (len if none). */
size_t wm_escape_tail(const char *src, size_t len);

/* Bytes wm_escape needs for src without truncation (excluding the NUL). */
size_t wm_escaped_len(const char *src, size_t len);

/* Reverses wm_escape in place semantics: decodes src into dst (dst_size >=
 * len suffices). Returns the decoded length, or -1 with *bad_at set to the
 * offset of the first malformed escape or non-printable byte. */
long wm_unescape(char *dst, const char *src, size_t len, size_t *bad_at);

#endif
