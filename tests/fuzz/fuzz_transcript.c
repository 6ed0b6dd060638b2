/* libFuzzer: arbitrary bytes as a transcript file. The parser must accept or
 * reject with "path:line: ..."; an accepted file must render, and the
 * rendering must parse and render again to the same bytes (a fixed point). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes bytes to a fresh temp file; its path goes into path. */
static int put(char *path, const void *data, size_t size)
{
    strcpy(path, "/tmp/wm-fuzz-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
    return 0;
}

static char *render(const struct wm_transcript *t, size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    if (!m)
        abort();
    if (wm_tx_write(m, &t->cfg, t->conns) < 0)
        abort(); /* a parsed file's causes are always consistent */
    fclose(m);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32], again[32];
    struct wm_transcript t, t2;
    struct wm_err err;
    if (put(path, data, size) < 0)
        return 0;
    if (wm_tx_parse(path, &t, 1u << 20, &err) != 0) {
        if (strncmp(err.msg, path, strlen(path)) != 0)
            abort(); /* every rejection names the file */
        unlink(path);
        return 0;
    }
    size_t len1, len2;
    char *first = render(&t, &len1);
    if (put(again, first, len1) < 0 || wm_tx_parse(again, &t2, 1u << 20, &err) != 0)
        abort(); /* what warmer writes, warmer reads */
    char *second = render(&t2, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0)
        abort();
    free(first);
    free(second);
    wm_tx_free(&t);
    wm_tx_free(&t2);
    unlink(path);
    unlink(again);
    return 0;
}
