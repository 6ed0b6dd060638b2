/* What the book's server (a book profile) does with one line a client
 * sent, decided from the book's code (tests/book_ref.py: `line[:-1]`,
 * `.decode()`, `split(' ')`, `int()`, its exceptions) and docs/PROTOCOL.md
 * ("Profiles"), not from proto/: like classify.h it includes nothing from
 * there, so a slip in proto/pyint.c or book_server.c cannot hide in the
 * code that judges it. Python's own rules it follows are CPython 3.11's:
 * the UTF-8 decoder's error ranges, int()'s whitespace, sign, underscores
 * and Unicode digits, repr(). */
#ifndef WM_CLASSIFY_BOOK_H
#define WM_CLASSIFY_BOOK_H

#include <stddef.h>

enum wm_clsb {
    WM_CLSB_TOO_LONG, /* over max-line: the harness's bound (the book has none) */
    WM_CLSB_ERROR,    /* a Python exception, its text in text */
    WM_CLSB_EMPTY,    /* the empty command: the handler returns */
    WM_CLSB_PARAMS,   /* accepted: lo and hi (canonical decimal) */
    WM_CLSB_NUMBER,   /* answered as the state says (parts[0] alone is read) */
    WM_CLSB_REPORT,   /* a guess judged with any word (text): needs a guess */
    WM_CLSB_COUNT
};

struct wm_clsb_result {
    enum wm_clsb cls;
    /* ERROR: text holds only what can be derived, the start of the text
     * (a code point the classifier's tables do not know, or int()'s digit
     * limit): a text that begins with it is accepted. */
    int uncertain;
    char *text; /* ERROR: "Name: message" as UTF-8; REPORT: the word (owned) */
    size_t len;
    char *lo, *hi; /* PARAMS: int() of each (owned, NUL-terminated) */
};

/* Classifies line (n bytes, its \n not included) for a book server whose
 * max-line is max_line: 0, or -1 out of memory. Free with wm_clsb_free. */
int wm_clsb_line(const unsigned char *line, size_t n, size_t max_line, struct wm_clsb_result *r);
void wm_clsb_free(struct wm_clsb_result *r);
const char *wm_clsb_name(enum wm_clsb c);

/* Python's int(s) (base 10) of UTF-8 s (n bytes, valid UTF-8): 1 with its
 * canonical decimal in out (n + 2 bytes at least), 0 for a ValueError, -1
 * when the tables cannot tell (a code point they do not know, more than
 * 4300 digits). */
int wm_clsb_int(const unsigned char *s, size_t n, char *out);
/* repr(s) of UTF-8 s, its first 200 characters (int()'s %.200R), as UTF-8
 * into out (10 * n + 3 bytes at least): its length, or -1 when a code
 * point's printability is not in the tables. */
long wm_clsb_repr(const unsigned char *s, size_t n, char *out);
/* CPython's UTF-8 decoding of n bytes: 0 when valid, else 1 with its
 * UnicodeDecodeError message ("'utf-8' codec can't decode ...") in out. */
int wm_clsb_decode(const unsigned char *s, size_t n, char *out, size_t size);

/* An exception's text as the book's session writes it in an error record
 * (docs/ERRORS.md, "The book profiles"): the transcript escape of its bytes,
 * cut to the longest prefix of whole escapes that fits under
 * WM_CLSB_RECORD_MAX bytes with "..." after it. Into out (size bytes). */
#define WM_CLSB_RECORD_MAX 512
size_t wm_clsb_record_text(const char *text, size_t n, char *out, size_t size);

#endif
