#include "fdlimit.h"

#include <sys/resource.h>

int wm_fd_limit_raise(uint64_t want, const char *what, struct wm_err *err)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return 0; /* unknown: the run finds out for itself */
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
        wm_err_set(err, "%s needs %llu open files, and the hard limit is %llu (soft %llu): "
                   "raise it (ulimit -Hn %llu as root, or LimitNOFILE= for a service) or use "
                   "fewer connections",
                   what, (unsigned long long)want, (unsigned long long)rl.rlim_max,
                   (unsigned long long)rl.rlim_cur, (unsigned long long)want);
        return -1;
    }
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = (rlim_t)want;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
        wm_err_set(err, "%s needs %llu open files; the limit is %llu and could not be raised",
                   what, (unsigned long long)want, (unsigned long long)old);
        return -1;
    }
    return 0;
}
