/* A bare epoll load loop, the yardstick for `warmer load`: the same lockstep
 * games (PARAMS, NUMBER/REPORT until Correct, PARAMS 0 -1, the next game),
 * one recv and one send per guess, and nothing else: no reply checks, no
 * latency histogram, no timeouts. Figures only.
 *   bare_load HOST:PORT CONNECTIONS SECONDS LO HI */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fdflags.h"
#include "net.h"

struct bconn {
    int fd;
    int64_t secret;
    uint64_t last; /* the previous distance; UINT64_MAX before the first guess */
    size_t inlen;
    char in[64];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bare_load HOST:PORT CONNECTIONS SECONDS LO HI\n");
        return 2;
    }
    int n = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int64_t lo = strtoll(argv[4], NULL, 10), hi = strtoll(argv[5], NULL, 10);
    char params[64];
    int plen = snprintf(params, sizeof params, "PARAMS %lld %lld\n", (long long)lo, (long long)hi);
    struct bconn *c = calloc((size_t)n, sizeof *c);
    int ep = epoll_create1(0);
    uint64_t rs = 88172645463325252u, guesses = 0;
    struct wm_err err;
    if (!c || ep < 0 || n < 1 || seconds <= 0 || lo > hi) {
        fprintf(stderr, "bare_load: bad arguments or out of memory\n");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if ((c[i].fd = wm_net_connect(argv[1], &err)) < 0 || wm_fd_flags(c[i].fd, 1) < 0) {
            fprintf(stderr, "bare_load: %s\n", err.msg);
            return 1;
        }
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = &c[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
    }
    double t0 = now(), t = t0;
    for (int i = 0; i < n; i++) {
        char out[96];
        c[i].secret = lo + (int64_t)(xorshift(&rs) % ((uint64_t)(hi - lo) + 1));
        c[i].last = UINT64_MAX;
        memcpy(out, params, (size_t)plen);
        memcpy(out + plen, "NUMBER\n", 7);
        if (send(c[i].fd, out, (size_t)plen + 7, MSG_NOSIGNAL) < 0)
            return 1;
    }
    struct epoll_event evs[256];
    while (t - t0 < seconds) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < k; i++) {
            struct bconn *b = evs[i].data.ptr;
            ssize_t r = recv(b->fd, b->in + b->inlen, sizeof b->in - b->inlen, 0);
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (r <= 0) {
                fprintf(stderr, "bare_load: the server closed or failed\n");
                return 1;
            }
            b->inlen += (size_t)r;
            if (b->in[b->inlen - 1] != '\n')
                continue;
            b->in[b->inlen - 1] = '\0';
            int64_t g = strtoll(b->in, NULL, 10);
            b->inlen = 0;
            uint64_t d = g >= b->secret ? (uint64_t)g - (uint64_t)b->secret
                                        : (uint64_t)b->secret - (uint64_t)g;
            char out[128];
            size_t len;
            guesses++;
            if (d == 0) {
                memcpy(out, "REPORT Correct\nPARAMS 0 -1\n", 27);
                memcpy(out + 27, params, (size_t)plen);
                len = 27 + (size_t)plen;
                b->secret = lo + (int64_t)(xorshift(&rs) % ((uint64_t)(hi - lo) + 1));
                b->last = UINT64_MAX;
            } else {
                const char *rep = b->last == UINT64_MAX || d == b->last ? "REPORT Unsure\n"
                                  : d < b->last                          ? "REPORT Warmer\n"
                                                                         : "REPORT Colder\n";
                memcpy(out, rep, 14);
                len = 14;
                b->last = d;
            }
            memcpy(out + len, "NUMBER\n", 7);
            if (send(b->fd, out, len + 7, MSG_NOSIGNAL) < 0)
                return 1;
        }
        t = now();
    }
    printf("bare_load: %.0f guesses/s (%llu guesses in %.3f s, %d connections)\n",
           (double)guesses / (t - t0), (unsigned long long)guesses, t - t0, n);
    return 0;
}
