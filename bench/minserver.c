/* A minimal server for the bench: one thread, epoll, no RNG and no checks.
 * It answers each NUMBER with a counter that walks the game's range from
 * LO (so a client's secret is reached and no guess repeats within a game)
 * and PARAMS and REPORT with nothing, as the protocol's server does. The
 * ceiling `warmer load` can reach against a server on this machine.
 *   minserver [HOST:PORT]   (default 127.0.0.1:0; prints "listening on HOST:PORT")
 * Runs until killed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdflags.h"
#include "net.h"

#define MAX_CONNS 65536
#define LINE_MAX_ 1024

struct conn {
    int fd;
    int64_t lo, hi, next;
    size_t inlen;
    char in[LINE_MAX_ + 1];
};

/* Decimal, as the protocol writes it; the bench trusts its client. */
static int64_t parse_int(const char **p)
{
    int neg = **p == '-';
    uint64_t v = 0;
    *p += neg;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (uint64_t)(*(*p)++ - '0');
    return neg ? (int64_t)(0 - v) : (int64_t)v;
}

static size_t fmt_int(char *out, int64_t v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k++] = '\n';
    return k;
}

/* Handles every whole line read; answers all NUMBERs with one send. 0 to
 * go on, -1 to close. */
static int serve_lines(struct conn *c)
{
    char out[4096];
    size_t outlen = 0, start = 0;
    for (size_t i = 0; i < c->inlen; i++) {
        if (c->in[i] != '\n')
            continue;
        const char *l = c->in + start;
        size_t len = i - start;
        start = i + 1;
        if (len == 0)
            return -1;
        if (len == 6 && memcmp(l, "NUMBER", 6) == 0) {
            if (outlen + 24 > sizeof out)
                return -1; /* a client this far ahead is not a lockstep client */
            outlen += fmt_int(out + outlen, c->next);
            c->next = c->next < c->hi ? c->next + 1 : c->lo;
        } else if (len > 7 && memcmp(l, "PARAMS ", 7) == 0) {
            const char *p = l + 7;
            c->lo = parse_int(&p);
            p += *p == ' ';
            c->hi = parse_int(&p);
            c->next = c->lo;
        }
    }
    memmove(c->in, c->in + start, c->inlen - start);
    c->inlen -= start;
    if (c->inlen == sizeof c->in)
        return -1;
    for (size_t off = 0; off < outlen;) {
        ssize_t w = send(c->fd, out + off, outlen - off, MSG_NOSIGNAL);
        if (w <= 0)
            return -1; /* blocking-enough for the bench: lockstep replies are small */
        off += (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct wm_err err;
    int lfd = wm_net_listen(argc > 1 ? argv[1] : "127.0.0.1:0", 1024, &err);
    int ep = epoll_create1(0);
    if (lfd < 0 || ep < 0 || wm_fd_flags(lfd, 1) < 0) {
        fprintf(stderr, "minserver: %s\n", lfd < 0 ? err.msg : strerror(errno));
        return 1;
    }
    char name[128];
    wm_net_name(lfd, 0, name, sizeof name);
    fprintf(stderr, "listening on %s\n", name);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept(lfd, NULL, NULL)) >= 0) {
                    struct conn *nc = calloc(1, sizeof *nc);
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = nc};
                    if (!nc || wm_fd_flags(fd, 1) < 0 ||
                        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) {
                        free(nc);
                        close(fd);
                        continue;
                    }
                    nc->fd = fd;
                }
                continue;
            }
            ssize_t k = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
            if (k < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (k > 0)
                c->inlen += (size_t)k;
            if (k <= 0 || serve_lines(c) < 0) {
                close(c->fd); /* also leaves the epoll set */
                free(c);
            }
        }
    }
}
