#include "fault.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

static const char *const names[WM_FAULT_KINDS] = {
    "reset", "half-close", "stall", "slow", "delay", "journal-limit", "alloc-fail"};

const char *wm_fault_name(enum wm_fault_kind k)
{
    return k < WM_FAULT_KINDS ? names[k] : "?";
}

int wm_fault_kind_of(const char *name, size_t n)
{
    for (int k = 0; k < WM_FAULT_KINDS; k++)
        if (strlen(names[k]) == n && memcmp(names[k], name, n) == 0)
            return k;
    return -1;
}

int wm_fault_destructive(enum wm_fault_kind k)
{
    return k != WM_FAULT_SLOW && k != WM_FAULT_DELAY;
}

int wm_fault_at_byte(enum wm_fault_kind k)
{
    return k == WM_FAULT_RESET || k == WM_FAULT_HALF_CLOSE || k == WM_FAULT_STALL;
}

int wm_fault_ends_side(enum wm_fault_kind k)
{
    return wm_fault_at_byte(k) || k == WM_FAULT_JOURNAL;
}

/* Splits s into at most 4 space-separated words. */
static size_t words(const char *s, size_t n, const char *w[4], size_t len[4])
{
    size_t k = 0, i = 0;
    while (i < n && k < 4) {
        size_t start = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i == start)
            return 5; /* an empty word: a double or an edge space */
        w[k] = s + start, len[k++] = i - start;
        if (i < n && ++i == n)
            return 5;
    }
    return i < n ? 5 : k;
}

/* "C1", "S12": side and connection. */
static int side_conn(const char *s, size_t n, struct wm_fault *f)
{
    uint64_t c;
    if (n < 2 || (s[0] != 'C' && s[0] != 'S') || wm_uint64_parse(s + 1, n - 1, &c) < 0 || c == 0 ||
        c > UINT32_MAX)
        return -1;
    f->side = s[0];
    f->conn = (uint32_t)c;
    return 0;
}

int wm_fault_parse(const char *s, size_t n, struct wm_fault *f, struct wm_err *err)
{
    const char *w[4];
    size_t len[4];
    size_t k = words(s, n, w, len);
    /* abort: a reset whose peer reads a reset, a variant of the kind, not a kind
     * of its own (explore's swarm draws kinds; abort comes from its reset probe) */
    int abortive = k >= 1 && len[0] == 5 && memcmp(w[0], "abort", 5) == 0;
    int kind = abortive ? WM_FAULT_RESET : k >= 1 && k <= 4 ? wm_fault_kind_of(w[0], len[0]) : -1;
    uint64_t c;
    *f = (struct wm_fault){.kind = (enum wm_fault_kind)(kind < 0 ? 0 : kind), .abortive = abortive};
    int ok = 0;
    if (kind >= 0 && wm_fault_at_byte((enum wm_fault_kind)kind))
        ok = k == 4 && side_conn(w[1], len[1], f) == 0 && len[2] == 2 &&
             memcmp(w[2], "at", 2) == 0 && wm_uint64_parse(w[3], len[3], &f->arg) == 0;
    else if (kind == WM_FAULT_SLOW)
        ok = k == 2 && side_conn(w[1], len[1], f) == 0;
    else if (kind == WM_FAULT_DELAY)
        ok = k == 4 && wm_uint64_parse(w[1], len[1], &c) == 0 && c > 0 && c <= UINT32_MAX &&
             len[2] == 2 && memcmp(w[2], "by", 2) == 0 &&
             wm_uint64_parse(w[3], len[3], &f->arg) == 0 && (f->conn = (uint32_t)c, 1);
    else if (kind == WM_FAULT_JOURNAL)
        ok = k == 2 && wm_uint64_parse(w[1], len[1], &f->arg) == 0 && f->arg > 0;
    else if (kind == WM_FAULT_ALLOC)
        ok = k == 3 && len[1] == 2 && memcmp(w[1], "at", 2) == 0 &&
             wm_uint64_parse(w[2], len[2], &f->arg) == 0 && f->arg > 0;
    if (!ok) {
        struct wm_quoted q;
        wm_err_set(err, "bad fault %s: want reset|abort|half-close|stall C<n>|S<n> at BYTE, "
                   "slow C<n>|S<n>, delay <n> by STEPS, journal-limit BYTES or alloc-fail at N",
                   wm_quote(&q, s, n));
        return -1;
    }
    return 0;
}

void wm_fault_format(const struct wm_fault *f, char *buf, size_t size)
{
    if (wm_fault_at_byte(f->kind))
        snprintf(buf, size, "%s %c%" PRIu32 " at %" PRIu64, f->abortive ? "abort" : names[f->kind],
                 f->side, f->conn, f->arg);
    else if (f->kind == WM_FAULT_SLOW)
        snprintf(buf, size, "slow %c%" PRIu32, f->side, f->conn);
    else if (f->kind == WM_FAULT_DELAY)
        snprintf(buf, size, "delay %" PRIu32 " by %" PRIu64, f->conn, f->arg);
    else if (f->kind == WM_FAULT_ALLOC)
        snprintf(buf, size, "alloc-fail at %" PRIu64, f->arg);
    else
        snprintf(buf, size, "journal-limit %" PRIu64, f->arg);
}
