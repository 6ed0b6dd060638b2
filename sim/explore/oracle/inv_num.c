#include "inv_num.h"

#include <assert.h>
#include <string.h>

int inv_num_ok(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '-';
    if (i == n || n - i > INV_NUM_DIGITS || (s[i] == '0' && (n - i > 1 || i == 1)))
        return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Magnitudes (digits, no leading zeros): -1, 0, 1. */
static int mag_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return an < bn ? -1 : 1;
    int c = memcmp(a, b, an);
    return (c > 0) - (c < 0);
}

int inv_num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int na = an > 0 && a[0] == '-', nb = bn > 0 && b[0] == '-';
    if (na != nb)
        return na ? -1 : 1;
    int m = mag_cmp(a + na, an - (size_t)na, b + nb, bn - (size_t)nb);
    return na ? -m : m;
}

/* out = a + b or a - b (a >= b) of magnitudes, written backwards then turned. */
static size_t mag_op(const char *a, size_t an, const char *b, size_t bn, int sub, char *out)
{
    size_t k = 0;
    int carry = 0;
    for (size_t i = 0; i < an || i < bn || carry; i++) {
        int da = i < an ? a[an - 1 - i] - '0' : 0, db = i < bn ? b[bn - 1 - i] - '0' : 0;
        int d = sub ? da - db - carry : da + db + carry;
        carry = sub ? d < 0 : d > 9;
        d = sub ? (d < 0 ? d + 10 : d) : (d > 9 ? d - 10 : d);
        assert(k < INV_NUM_TEXT - 1);
        out[k++] = (char)('0' + d);
    }
    while (k > 1 && out[k - 1] == '0')
        k--;
    for (size_t i = 0; i < k / 2; i++) {
        char t = out[i];
        out[i] = out[k - 1 - i];
        out[k - 1 - i] = t;
    }
    out[k] = '\0';
    return k;
}

size_t inv_num_dist(const char *a, size_t an, const char *b, size_t bn, char *out)
{
    int na = an > 0 && a[0] == '-', nb = bn > 0 && b[0] == '-';
    a += na, an -= (size_t)na, b += nb, bn -= (size_t)nb;
    if (na != nb) /* opposite signs: the magnitudes add */
        return mag_op(a, an, b, bn, 0, out);
    return mag_cmp(a, an, b, bn) >= 0 ? mag_op(a, an, b, bn, 1, out)
                                      : mag_op(b, bn, a, an, 1, out);
}

uint64_t inv_num_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h;
}
