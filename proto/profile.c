#include "profile.h"

#include <string.h>

static const char *const names[] = {"strict", "book", "book-asyncio"};

int wm_profile_parse(const char *s, size_t len, enum wm_profile *out)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = (enum wm_profile)i;
            return 0;
        }
    }
    return -1;
}

const char *wm_profile_name(enum wm_profile p)
{
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}
