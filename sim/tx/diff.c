#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Myers trace keeps d+1 int32_t per step d: ~D*D/2 entries. 8 Mi
 * entries (32 MiB) covers D ~ 4000; past that we fall back like max_edit. */
#define TRACE_MAX_ENTRIES ((size_t)8 << 20)

/* a[a .. a+na) is replaced by b[b .. b+nb); lines between changes are equal. */
struct change {
    size_t a, b, na, nb;
};

/* The differing middle: a[off .. off+n) against b[off .. off+m). */
struct mid {
    const struct wm_diff_lines *a, *b;
    size_t off;
    ptrdiff_t n, m;
};

static int line_eq(const struct wm_diff_lines *a, size_t i, const struct wm_diff_lines *b,
                   size_t j)
{
    /* memcmp on a NULL pointer is undefined even for length 0. */
    return a->len[i] == b->len[j] &&
           (a->len[i] == 0 || memcmp(a->text[i], b->text[j], a->len[i]) == 0);
}

static ptrdiff_t slide(const struct mid *s, ptrdiff_t x, ptrdiff_t y)
{
    while (x < s->n && y < s->m && line_eq(s->a, s->off + (size_t)x, s->b, s->off + (size_t)y)) {
        x++;
        y++;
    }
    return x;
}

/* x reached on diagonal k at step d (d >= 1) before sliding, from the step
 * d-1 row `prev`, or -1 if unreachable. Moves never leave the grid, so no
 * path ever "deletes" a line past the end. Ties go down (insertion). */
static ptrdiff_t step_x(const struct mid *s, const int32_t *prev, ptrdiff_t d, ptrdiff_t k,
                        int *down)
{
    ptrdiff_t i = (k + d) / 2, xd = -1, xr = -1;
    if (k < d && prev[i] >= 0 && prev[i] - (k + 1) < s->m)
        xd = prev[i]; /* from diagonal k+1, one line of b inserted */
    if (k > -d && prev[i - 1] >= 0 && prev[i - 1] < s->n)
        xr = prev[i - 1] + 1; /* from diagonal k-1, one line of a deleted */
    *down = xd >= xr;
    return *down ? xd : xr;
}

/* Forward Myers search. Row d (at offset d(d+1)/2) holds the furthest x on
 * diagonals -d, -d+2, .., d (-1 = unreachable) so the path can be replayed
 * backwards. Returns the edit distance, -1 past the limit, -2 on OOM. */
static ptrdiff_t myers(const struct mid *s, size_t limit, int32_t **trace)
{
    int32_t *t = NULL;
    size_t cap = 0;
    if (s->n > INT32_MAX || s->m > INT32_MAX)
        return -1;
    for (size_t du = 0; du <= limit; du++) {
        size_t base = du * (du + 1) / 2, need = base + du + 1;
        if (need > TRACE_MAX_ENTRIES)
            break;
        if (need > cap) { /* grow geometrically: realloc cost stays O(D^2) */
            size_t ncap = cap * 2 > need ? cap * 2 : need;
            ncap = ncap < TRACE_MAX_ENTRIES ? ncap : TRACE_MAX_ENTRIES;
            int32_t *nt = realloc(t, ncap * sizeof *nt);
            if (!nt) {
                free(t);
                return -2;
            }
            t = nt;
            cap = ncap;
        }
        ptrdiff_t d = (ptrdiff_t)du;
        for (ptrdiff_t k = -d; k <= d; k += 2) {
            int down;
            ptrdiff_t x = d == 0 ? 0 : step_x(s, t + base - du, d, k, &down);
            if (x >= 0)
                x = slide(s, x, x - k);
            t[base + (size_t)((k + d) / 2)] = (int32_t)x;
            if (x >= s->n && x - k >= s->m) {
                *trace = t;
                return d;
            }
        }
    }
    free(t);
    return -1;
}

/* Replays the trace from (n, m) back to (0, 0), flagging each deleted line
 * of a in ca[] and each inserted line of b in cb[] (file coordinates). */
static void backtrack(const struct mid *s, const int32_t *t, ptrdiff_t dist, char *ca, char *cb)
{
    ptrdiff_t k = s->n - s->m;
    for (ptrdiff_t d = dist; d > 0; d--) {
        const int32_t *prev = t + (size_t)(d * (d - 1) / 2);
        int down;
        step_x(s, prev, d, k, &down);
        ptrdiff_t pk = down ? k + 1 : k - 1, px = prev[(pk + d - 1) / 2];
        if (down)
            cb[s->off + (size_t)(px - pk)] = 1;
        else
            ca[s->off + (size_t)px] = 1;
        k = pk;
    }
}

/* GNU diff's shift_boundaries, so ambiguous alignments come out as `diff -u`
 * prints them: slide each run of changed lines of one file (flags ch, other
 * file's flags oc) up then down as far as equal lines allow, merging with runs
 * it meets, then back up to line up with a run in the other file. ch and oc
 * have a 0 sentinel at [-1] and past the end. */
static void shift_boundaries(const struct wm_diff_lines *l, char *ch, const char *oc)
{
    ptrdiff_t i = 0, j = 0, end = (ptrdiff_t)l->n;
    for (;;) {
        for (; i < end && !ch[i]; i++)
            while (oc[j++])
                ;
        if (i == end)
            return;
        ptrdiff_t start = i, len, corresponding;
        while (ch[++i])
            ;
        while (oc[j])
            j++;
        do {
            len = i - start;
            while (start && line_eq(l, (size_t)start - 1, l, (size_t)i - 1)) {
                ch[--start] = 1;
                ch[--i] = 0;
                while (ch[start - 1])
                    start--;
                while (oc[--j])
                    ;
            }
            corresponding = oc[j - 1] ? i : end;
            while (i != end && line_eq(l, (size_t)start, l, (size_t)i)) {
                ch[start++] = 0;
                ch[i++] = 1;
                while (ch[i])
                    i++;
                while (oc[++j])
                    corresponding = i;
            }
        } while (len != i - start);
        while (corresponding < i) {
            ch[--start] = 1;
            ch[--i] = 0;
            while (oc[--j])
                ;
        }
    }
}

/* Turns the per-line flags into runs; counts only when ch is NULL. */
static size_t collect(const char *ca, const char *cb, size_t na, size_t nb, struct change *ch)
{
    size_t i = 0, j = 0, nch = 0;
    while (i < na || j < nb) {
        if (!ca[i] && !cb[j]) {
            i++;
            j++;
            continue;
        }
        struct change c = {i, j, 0, 0};
        for (; ca[i]; i++)
            c.na++;
        for (; cb[j]; j++)
            c.nb++;
        if (ch)
            ch[nch] = c;
        nch++;
    }
    return nch;
}

/* Changes covering the middle: minimal when found within max_edit, else one
 * replace of the whole middle (still a correct diff). 0, or -1 on OOM. */
static int edit_script(const struct mid *s, size_t max_edit, struct change **ch, size_t *nch)
{
    const struct wm_diff_lines *a = s->a, *b = s->b;
    int32_t *t = NULL;
    ptrdiff_t dist = -1;
    /* One flag per line plus sentinels: O(n) bytes, unlike the trace. */
    char *flags = calloc(a->n + b->n + 4, 1);
    if (!flags)
        return -1;
    char *ca = flags + 1, *cb = flags + a->n + 3;
    if (s->n > 0 && s->m > 0) /* one-sided middles are trivially a single change */
        dist = myers(s, max_edit, &t);
    if (dist == -2) {
        free(flags);
        return -1;
    }
    if (dist > 0) {
        backtrack(s, t, dist, ca, cb);
        free(t);
    } else {
        memset(ca + s->off, 1, (size_t)s->n);
        memset(cb + s->off, 1, (size_t)s->m);
    }
    shift_boundaries(a, ca, cb);
    shift_boundaries(b, cb, ca);
    *nch = collect(ca, cb, a->n, b->n, NULL);
    *ch = malloc(*nch * sizeof **ch);
    if (*ch)
        collect(ca, cb, a->n, b->n, *ch);
    free(flags);
    return *ch ? 0 : -1;
}

/* Line printer enforcing max_output_lines; skipped lines are only counted. */
struct out {
    FILE *f;
    size_t budget, skipped, base;
};

static void put_range(struct out *o, char tag, const struct wm_diff_lines *l, size_t from,
                      size_t to)
{
    for (; from < to && o->budget > 0; from++, o->budget--) {
        fputc(tag, o->f);
        if (l->len[from])
            fwrite(l->text[from], 1, l->len[from], o->f);
        fputc('\n', o->f);
    }
    o->skipped += to - from;
}

/* GNU diff's range: "start,count", just "start" for one line, and for no
 * lines the number of the line before the range with ",0". */
static void put_range_spec(FILE *f, size_t start, size_t count)
{
    if (count == 1)
        fprintf(f, "%zu", start + 1);
    else
        fprintf(f, "%zu,%zu", count ? start + 1 : start, count);
}

static void put_hunk_header(struct out *o, size_t a0, size_t na, size_t b0, size_t nb)
{
    if (o->budget == 0) {
        o->skipped++;
        return;
    }
    o->budget--;
    fputs("@@ -", o->f);
    put_range_spec(o->f, o->base + a0, na);
    fputs(" +", o->f);
    put_range_spec(o->f, o->base + b0, nb);
    fputs(" @@\n", o->f);
}

static size_t min_sz(size_t x, size_t y) { return x < y ? x : y; }

/* Equal gaps of up to 2*context lines keep two changes in one hunk, as in
 * GNU diff (the context of both would touch or overlap). */
static int same_hunk(size_t gap, size_t context)
{
    return gap <= context || gap - context <= context; /* no overflow for huge context */
}

static void put_hunks(struct out *o, const struct wm_diff_lines *a, const struct wm_diff_lines *b,
                      const struct change *ch, size_t nch, size_t context)
{
    for (size_t i = 0, j; i < nch; i = j + 1) {
        for (j = i; j + 1 < nch && same_hunk(ch[j + 1].a - (ch[j].a + ch[j].na), context); j++)
            ;
        /* Equal lines before ch[i] / after ch[j] have the same count in a and b. */
        size_t prev_end = i ? ch[i - 1].a + ch[i - 1].na : 0;
        size_t next = j + 1 < nch ? ch[j + 1].a : a->n;
        size_t lead = min_sz(context, ch[i].a - prev_end);
        size_t trail = min_sz(context, next - (ch[j].a + ch[j].na));
        size_t a0 = ch[i].a - lead, b0 = ch[i].b - lead;
        size_t a1 = ch[j].a + ch[j].na + trail, b1 = ch[j].b + ch[j].nb + trail;
        put_hunk_header(o, a0, a1 - a0, b0, b1 - b0);
        size_t x = a0;
        for (size_t c = i; c <= j; c++) {
            put_range(o, ' ', a, x, ch[c].a);
            put_range(o, '-', a, ch[c].a, ch[c].a + ch[c].na);
            put_range(o, '+', b, ch[c].b, ch[c].b + ch[c].nb);
            x = ch[c].a + ch[c].na;
        }
        put_range(o, ' ', a, x, a1);
    }
}

int wm_diff_unified(FILE *out, const struct wm_diff_lines *a, const struct wm_diff_lines *b,
                    const char *label_a, const char *label_b, const struct wm_diff_opts *opts,
                    size_t *first_diff_a, size_t *first_diff_b)
{
    static const struct wm_diff_opts defaults = WM_DIFF_OPTS_INIT;
    const struct wm_diff_opts *op = opts ? opts : &defaults;
    size_t na = a->n, nb = b->n, pre = 0, suf = 0;

    /* Common prefix and suffix in O(n): Myers then only sees the middle. */
    while (pre < na && pre < nb && line_eq(a, pre, b, pre))
        pre++;
    while (suf < na - pre && suf < nb - pre && line_eq(a, na - 1 - suf, b, nb - 1 - suf))
        suf++;
    if (first_diff_a)
        *first_diff_a = pre;
    if (first_diff_b)
        *first_diff_b = pre;
    if (pre == na && pre == nb)
        return 0;

    struct mid s = {a, b, pre, (ptrdiff_t)(na - pre - suf), (ptrdiff_t)(nb - pre - suf)};
    struct change *ch;
    size_t nch;
    if (edit_script(&s, op->max_edit, &ch, &nch) != 0)
        return -1;

    /* Cut windows: their last changes may only be where the cut fell. */
    while (op->cut && nch > 0 &&
           (ch[nch - 1].a + ch[nch - 1].na == na || ch[nch - 1].b + ch[nch - 1].nb == nb))
        nch--;
    struct out o = {out, op->max_output_lines, 0, op->line_base};
    fprintf(out, "--- %s\n+++ %s\n", label_a, label_b);
    put_hunks(&o, a, b, ch, nch, op->context);
    if (o.skipped)
        fprintf(out, "... diff truncated (%zu more lines)\n", o.skipped);
    free(ch);
    return ferror(out) ? -1 : 1;
}
