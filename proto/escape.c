#include "escape.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

size_t wm_escape_tail(const char *src, size_t len)
{
    size_t i = len;
    while (i > 0 && src[i - 1] == ' ')
        i--;
    return i;
}

size_t wm_escape_byte(char out[4], unsigned char c, int force_hex)
{
    if (!force_hex && c >= 0x20 && c <= 0x7e && c != '\\') {
        out[0] = (char)c;
        return 1;
    }
    if (!force_hex && c == '\\') {
        out[0] = '\\';
        out[1] = '\\';
        return 2;
    }
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hexdigits[c >> 4];
    out[3] = hexdigits[c & 0xf];
    return 4;
}

size_t wm_escaped_len(const char *src, size_t len)
{
    size_t tail = wm_escape_tail(src, len), n = 0;
    char tmp[4];
    for (size_t i = 0; i < len; i++)
        n += wm_escape_byte(tmp, (unsigned char)src[i], i >= tail);
    return n;
}

size_t wm_escape(char *dst, size_t dst_size, const char *src, size_t len)
{
    if (dst_size == 0)
        return 0;
    size_t tail = wm_escape_tail(src, len), n = 0;
    size_t room = dst_size - 1;
    size_t need = wm_escaped_len(src, len);
    size_t limit = need <= room ? room : (room >= 3 ? room - 3 : 0);
    char tmp[4];
    for (size_t i = 0; i < len; i++) {
        size_t k = wm_escape_byte(tmp, (unsigned char)src[i], i >= tail);
        if (n + k > limit)
            break;
        memcpy(dst + n, tmp, k);
        n += k;
    }
    if (need > room) {
        size_t dots = room - n < 3 ? room - n : 3;
        memcpy(dst + n, "...", dots);
        n += dots;
    }
    dst[n] = '\0';
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

long wm_unescape(char *dst, const char *src, size_t len, size_t *bad_at)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c < 0x20 || c > 0x7e) {
            *bad_at = i;
            return -1;
        }
        if (c != '\\') {
            dst[n++] = (char)c;
            continue;
        }
        if (i + 1 < len && src[i + 1] == '\\') {
            dst[n++] = '\\';
            i++;
            continue;
        }
        if (i + 3 < len && src[i + 1] == 'x') {
            int a = hexval(src[i + 2]), b = hexval(src[i + 3]);
            if (a >= 0 && b >= 0) {
                dst[n++] = (char)(a << 4 | b);
                i += 3;
                continue;
            }
        }
        *bad_at = i;
        return -1;
    }
    return (long)n;
}
