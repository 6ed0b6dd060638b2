#include "tmpfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdflags.h"

const char *wm_tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

int wm_tmp_fd(const char *name, struct wm_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/warmer-%s-XXXXXX", wm_tmp_dir(), name);
    if (n < 0 || (size_t)n >= sizeof path) {
        wm_err_set(err, "cannot create a temporary file in %s: the path is too long",
                   wm_tmp_dir());
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        wm_err_set(err, "cannot create a temporary file in %s: %s", wm_tmp_dir(),
                   strerror(errno));
        return -1;
    }
    unlink(path);
    (void)wm_fd_cloexec(fd); /* best effort, as before: the file works without it */
    return fd;
}

int wm_tmp_check(struct wm_err *err)
{
    int fd = wm_tmp_fd("check", err);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}
