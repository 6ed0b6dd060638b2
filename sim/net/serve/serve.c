/* What the two warmer serve drivers share (serve.h). */
#include "serve.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

static void vlog(struct wm_con *con, const char *prefix, const char *fmt, va_list ap)
{
    char line[WM_ERR_MAX + 256];
    vsnprintf(line, sizeof line, fmt, ap);
    wm_con_printf(con, WM_CON_ERR, "%s%s", prefix, line);
}

void wm_serve_log(struct wm_con *con, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(con, "", fmt, ap);
    va_end(ap);
}

size_t wm_serve_default_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return (size_t)WM_SERVE_FALLBACK_MEMORY;
    uint64_t bytes = (uint64_t)pages * (uint64_t)size / WM_SERVE_MEMORY_SHARE;
    return bytes > SIZE_MAX ? SIZE_MAX : bytes < WM_SERVE_MIN_MEMORY ? WM_SERVE_MIN_MEMORY
                                                                      : (size_t)bytes;
}

void wm_sconn_fail(struct wm_sconn *c, const char *fmt, ...)
{
    char prefix[160];
    va_list ap;
    snprintf(prefix, sizeof prefix, "connection %llu (%s): ", (unsigned long long)c->num, c->addr);
    va_start(ap, fmt);
    vlog(c->con, prefix, fmt, ap);
    va_end(ap);
    c->error = 1;
}

/* The endpoint's records: the reference's console lines to stdout, errors
 * to stderr naming the connection; lines and closes are not shown. */
static void observe(void *ctx, const struct wm_endpoint *ep, enum wm_rec_kind kind,
                    const char *text, size_t len)
{
    struct wm_sconn *c = ctx;
    (void)ep;
    if (len > INT32_MAX)
        len = INT32_MAX;
    if (kind == WM_REC_LOG)
        wm_con_line(c->con, WM_CON_OUT, text, len);
    else if (kind == WM_REC_ERROR)
        wm_sconn_fail(c, "%.*s", (int)len, text);
    else if (kind == WM_REC_HANG) /* kept open until --idle-timeout or the shutdown */
        wm_serve_log(c->con, "connection %llu (%s) hangs: %.*s", (unsigned long long)c->num,
                     c->addr, (int)len, text);
}

int wm_sconn_init(struct wm_sconn *c, const struct wm_serve_opts *o, uint64_t k, int fd,
                  const char *addr)
{
    c->num = k + 1;
    c->con = o->con;
    snprintf(c->addr, sizeof c->addr, "%s", addr);
    wm_sockep_init(&c->io, fd, &c->ep);
    c->error = c->idle = c->cut = c->ack_owed = 0;
    if (wm_sess_server_init(&c->session, o->profile, o->seed + k, o->max_guesses, o->budget) < 0)
        return -1;
    if (wm_ep_init(&c->ep, 'S', c->session.role, c->session.self, NULL, o->max_line,
                   WM_SERVE_OUT_MAX) < 0) {
        wm_ep_free(&c->ep);
        wm_sess_server_free(&c->session);
        return -1;
    }
    c->ep.observe = observe;
    c->ep.observe_ctx = c;
    if (o->wrap_role)
        o->wrap_role(o->wrap_ctx, &c->ep);
    wm_ep_start(&c->ep);
    return 0;
}

void wm_sconn_free(struct wm_sconn *c)
{
    wm_ep_free(&c->ep);
    wm_sess_server_free(&c->session);
}

int wm_sconn_check_fault(struct wm_sconn *c)
{
    if (!wm_ep_faulted(&c->ep))
        return 0;
    wm_sconn_fail(c, "%s", wm_ep_fault_msg(&c->ep));
    return 1;
}

void wm_serve_count(struct wm_serve_stats *st, const struct wm_sconn *c)
{
    st->errors += (uint64_t)(c->error != 0);
    st->idle += (uint64_t)(c->idle != 0);
    st->cut += (uint64_t)(c->cut != 0);
}

enum wm_io wm_sconn_recv(struct wm_sconn *c)
{
    enum wm_io r = wm_sockep_recv(&c->io, 0);
    if (r == WM_IO_DATA)
        c->ack_owed = 1;
    return r;
}

enum wm_io wm_sconn_flush(struct wm_sconn *c)
{
    uint64_t before = c->io.sent;
    int e;
    enum wm_io r = wm_sockep_flush(&c->io);
    e = errno;
    if (c->io.sent != before)
        c->ack_owed = 0;
    errno = e;
    return r;
}

void wm_sconn_ack(struct wm_sconn *c)
{
    if (c->ack_owed)
        wm_net_ack_now(c->io.fd);
    c->ack_owed = 0;
}

int wm_serve_admit(const struct wm_serve_opts *o, struct wm_serve_stats *st, unsigned open,
                   const char *addr)
{
    if (open >= o->max_conns) {
        wm_serve_log(o->con, "refused connection from %s: %u connections open "
                     "(--max-connections %u)", addr, open, o->max_conns);
        st->refused++;
        return 0;
    }
    if (st->served > UINT64_MAX - o->seed) {
        wm_serve_log(o->con, "refused connection from %s: its seed would pass 2^64 - 1 "
                     "(--seed %llu, %llu connections served)", addr,
                     (unsigned long long)o->seed, (unsigned long long)st->served);
        st->refused++;
        return 0;
    }
    return 1;
}

int wm_serve_spare_fd(void)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void wm_serve_shed(const struct wm_serve_opts *o, int lfd, int *spare, struct wm_serve_stats *st)
{
    int e = errno;
    if (*spare >= 0) {
        close(*spare);
        *spare = -1;
    }
    int fd = accept(lfd, NULL, NULL);
    if (fd >= 0) {
        char addr[80];
        wm_net_name(fd, 1, addr, sizeof addr);
        close(fd);
        wm_serve_log(o->con, "refused connection from %s: %s (raise ulimit -n)", addr,
                     strerror(e));
        st->refused++;
    }
    *spare = wm_serve_spare_fd();
}
