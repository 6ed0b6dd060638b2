/* The open-file limit (fdlimit.h). */
#include "fdlimit.h"

#include <sys/resource.h>

unsigned wm_fd_limit_now(unsigned cap)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > cap)
        return cap;
    return (unsigned)rl.rlim_cur;
}

enum wm_fd_raise wm_fd_raise(uint64_t want, int partial, struct wm_fd_limits *got)
{
    struct rlimit rl;
    *got = (struct wm_fd_limits){UINT64_MAX, UINT64_MAX};
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return WM_FD_RAISED; /* unknown: the run finds out for itself */
    got->cur = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    got->max = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_max;
    if (got->cur >= want)
        return WM_FD_RAISED;
    int hard_low = got->max < want;
    if (hard_low && !partial)
        return WM_FD_HARD_LOW;
    rl.rlim_cur = (rlim_t)(hard_low ? got->max : want);
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        return WM_FD_SET_FAILED;
    got->cur = (uint64_t)rl.rlim_cur;
    return hard_low ? WM_FD_HARD_LOW : WM_FD_RAISED;
}

int wm_fd_limit_raise(uint64_t want, const char *what, struct wm_err *err)
{
    struct wm_fd_limits l;
    switch (wm_fd_raise(want, 0, &l)) {
    case WM_FD_RAISED:
        return 0;
    case WM_FD_HARD_LOW:
        wm_err_set(err, "%s needs %llu open files, and the hard limit is %llu (soft %llu): "
                   "raise it (ulimit -Hn %llu as root, or LimitNOFILE= for a service) or use "
                   "fewer connections",
                   what, (unsigned long long)want, (unsigned long long)l.max,
                   (unsigned long long)l.cur, (unsigned long long)want);
        return -1;
    case WM_FD_SET_FAILED:
        break;
    }
    wm_err_set(err, "%s needs %llu open files; the limit is %llu and could not be raised",
               what, (unsigned long long)want, (unsigned long long)l.cur);
    return -1;
}
