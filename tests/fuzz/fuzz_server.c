/* libFuzzer: arbitrary bytes from a client, in arbitrary splits, into a
 * server endpoint. Whatever arrives, the server must answer, report an error
 * or close; never crash, overrun or leak (ASan/UBSan/LSan watch). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "endpoint.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wm_journal j;
    struct wm_server s;
    struct wm_endpoint ep;
    if (size < 1)
        return 0;
    size_t split = data[0] % 17 + 1; /* the first byte picks the chunk size */
    wm_journal_init(&j, 1u << 20);
    wm_server_init(&s, 1234, 4096);
    if (wm_ep_init(&ep, 'S', &wm_server_role, &s, &j, 64, 1u << 20) == 0) {
        wm_ep_start(&ep);
        for (size_t off = 1; off < size && !ep.closed; off += split) {
            size_t n = size - off < split ? size - off : split;
            wm_ep_feed(&ep, (const char *)data + off, n);
            wm_ep_consumed(&ep, wm_ep_pending(&ep));
        }
        wm_ep_eof(&ep);
    }
    wm_ep_free(&ep);
    wm_server_free(&s);
    wm_journal_free(&j);
    return 0;
}
