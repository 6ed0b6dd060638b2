/* Profiles: which behaviour a run expects of each side (docs/PROTOCOL.md, "Profiles").
 *
 * strict is the port's contract (the default); book is the book's threaded
 * server and client as they behave on the wire, inputs they mishandle
 * included; book-asyncio is book plus the asyncio server's close behaviour on
 * CPython 3.8-3.12 (its end stays open once its handler returns). */
#ifndef WM_PROFILE_H
#define WM_PROFILE_H

#include <stddef.h>

enum wm_profile { WM_PROFILE_STRICT = 0, WM_PROFILE_BOOK, WM_PROFILE_BOOK_ASYNCIO };

#define WM_PROFILE_NAMES "strict, book or book-asyncio"

/* 0 with *out set, or -1: not a profile name (exact, lower case). */
int wm_profile_parse(const char *s, size_t len, enum wm_profile *out);
const char *wm_profile_name(enum wm_profile p);

/* 1 for the profiles that behave as the book's code (any integer size,
 * Python's int(), exceptions that end the connection). */
static inline int wm_profile_is_book(enum wm_profile p)
{
    return p != WM_PROFILE_STRICT;
}

#endif
