/* What a strict server must do with one line a client sent, decided from
 * docs/PROTOCOL.md ("Wire format", "Bad input") and docs/ERRORS.md alone:
 * like the invariant checker it includes nothing from proto/, so a bug in
 * the framer or the parser cannot hide in the code that judges it. */
#ifndef WM_CLASSIFY_H
#define WM_CLASSIFY_H

#include <stddef.h>

enum wm_cls {
    WM_CLS_PARAMS,   /* PARAMS lo hi, both canonical int64: valid */
    WM_CLS_NUMBER,   /* NUMBER: valid */
    WM_CLS_REPORT,   /* REPORT Warmer|Colder|Unsure|Correct: valid */
    WM_CLS_EMPTY,    /* an empty line: the session ends quietly */
    WM_CLS_TOO_LONG, /* over max-line bytes */
    WM_CLS_BYTE,     /* a control byte or invalid UTF-8 */
    WM_CLS_SPACE,    /* a double, leading or trailing space */
    WM_CLS_UNKNOWN,  /* a first word that is no command */
    WM_CLS_ARITY,    /* a command with the wrong number of arguments */
    WM_CLS_NOT_INT,  /* a PARAMS argument that is no canonical integer */
    WM_CLS_BEYOND,   /* a canonical integer beyond signed 64 bits */
    WM_CLS_DECISION, /* REPORT with a word that is no decision */
    WM_CLS_COUNT
};

struct wm_cls_result {
    enum wm_cls cls;
    /* WM_CLS_BYTE: the first offending byte, from 1 (the streaming framer
     * may name any byte from a broken sequence's lead, first_bad, to the
     * byte that broke it, last_bad; len + 1 is the line's \n). */
    size_t first_bad, last_bad;
    /* NOT_INT, BEYOND, DECISION, UNKNOWN: the word at fault. */
    size_t word_at, word_len;
    /* Where the documents leave the order open (a bad byte just past
     * max-line, two bad PARAMS arguments): the other class accepted, or
     * WM_CLS_COUNT. */
    enum wm_cls alt;
    /* ARITY: how many arguments the command was given (words - 1). */
    size_t args;
};

/* Classifies line (n bytes, its \n not included) for a server whose
 * max-line is max_line. The order is the layers' own: length and bytes as
 * they stream in (whichever comes first), then the empty line, spaces, the
 * command, its arity, its arguments left to right. */
void wm_cls_line(const unsigned char *line, size_t n, size_t max_line, struct wm_cls_result *r);
/* 1 if an arity error's text counts r->args as docs/ERRORS.md writes it
 * ("expected 2 arguments, got N: ..."; NUMBER's "takes no arguments"
 * carries no count), 0 if it names another count. */
int wm_cls_arity_count_ok(const char *why, const struct wm_cls_result *r);
/* "byte", "space", ... for messages; valid classes are "PARAMS" etc. */
const char *wm_cls_name(enum wm_cls c);
/* 1 for the three valid commands. */
int wm_cls_valid(enum wm_cls c);
/* The class an error text of docs/ERRORS.md names (WM_CLS_COUNT: an error
 * about state, such as NUMBER before any PARAMS, which a valid line may get). */
enum wm_cls wm_cls_of_error(const char *why);
/* The transcript escape of n bytes (docs/TRANSCRIPTS.md, "Escapes"): into
 * out (size bytes, NUL-terminated, cut short when too small); its length. */
size_t wm_cls_escape(const unsigned char *s, size_t n, char *out, size_t size);

/* How an error quotes n bytes (docs/ERRORS.md): their escape, or past
 * WM_CLS_QUOTE_MAX characters the longest run of whole escapes within
 * WM_CLS_QUOTE_MAX - 3 and "...". Into out (4 * n + 4 bytes at least). */
#define WM_CLS_QUOTE_MAX 96
size_t wm_cls_quote(const unsigned char *s, size_t n, char *out, size_t size);
/* Its inverse: \\ and \xNN back to bytes into out (n bytes at least); the
 * length, or -1 when s is not a transcript's escape. */
long wm_cls_unescape(const char *s, size_t n, unsigned char *out);

#endif
