/* libFuzzer: arbitrary bytes from a client into a server endpoint, fed in
 * arbitrary splits and again all at once. Whatever arrives, the server must
 * answer, report an error or close, never crash, overrun or leak (ASan, UBSan,
 * LSan watch), and the split must not change a single record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds data in chunks of split bytes (0: all at once), then EOF. */
static void play(struct wm_journal *j, const uint8_t *data, size_t size, size_t split)
{
    struct wm_server s;
    struct wm_endpoint ep;
    wm_journal_init(j, 1u << 20);
    wm_server_init(&s, 1234, 4096);
    if (wm_ep_init(&ep, 'S', &wm_server_role, &s, j, 64, 1u << 20) != 0)
        abort();
    if (split == 0)
        split = size ? size : 1;
    wm_ep_start(&ep);
    for (size_t off = 0; off < size && !wm_ep_closed(&ep);) {
        size_t n = size - off < split ? size - off : split;
        off += wm_ep_feed(&ep, (const char *)data + off, n);
        wm_ep_consumed(&ep, wm_ep_pending(&ep)); /* the peer reads everything */
    }
    wm_ep_eof(&ep);
    wm_ep_free(&ep);
    wm_server_free(&s);
}

static int same(const struct wm_journal *a, const struct wm_journal *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct wm_rec *x = &a->recs[i], *y = &b->recs[i];
        if (x->kind != y->kind || x->cause != y->cause || x->len != y->len ||
            memcmp(wm_rec_text(a, x), wm_rec_text(b, y), x->len) != 0)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct wm_journal split, whole;
    play(&split, data + 1, size - 1, data[0] % 17 + 1); /* the first byte picks the split */
    play(&whole, data + 1, size - 1, 0);
    if (!same(&split, &whole))
        abort();
    wm_journal_free(&split);
    wm_journal_free(&whole);
    return 0;
}
