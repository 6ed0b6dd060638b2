/* libFuzzer: arbitrary bytes as a transcript file. The parser must accept or
 * reject with "path:line: ..."; an accepted file must render and re-parse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/wm-fuzz-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
    struct wm_transcript t;
    struct wm_err err;
    if (wm_tx_parse(path, &t, 1u << 20, &err) == 0) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m) {
            wm_tx_write(m, &t.cfg, t.conns);
            fclose(m);
        }
        free(buf);
        wm_tx_free(&t);
    } else if (strncmp(err.msg, path, strlen(path)) != 0) {
        abort(); /* every rejection names the file */
    }
    unlink(path);
    return 0;
}
