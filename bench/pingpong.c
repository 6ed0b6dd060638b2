/* The raw line ping-pong of this machine: one thread, a socketpair, blocking
 * read and write, a client side writing "NUMBER\n" and a server side
 * answering a number line, alternating. What no server and no load
 * generator in one process per side can beat; figures only.
 *   pingpong [SECONDS]   (default 1) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads up to and including one '\n' (the peer sends one line at a time). */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n == 0 || buf[n - 1] != '\n') {
        ssize_t k = read(fd, buf + n, size - n);
        if (k <= 0 || (n += (size_t)k) == size)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    int sv[2];
    char buf[64];
    if (seconds <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        fprintf(stderr, "usage: pingpong [SECONDS > 0] (or socketpair failed)\n");
        return 2;
    }
    unsigned long long lines = 0;
    double t0 = now(), t = t0;
    while (t - t0 < seconds) {
        for (int k = 0; k < 1024; k++) { /* the clock every 1024 round trips */
            if (write(sv[0], "NUMBER\n", 7) != 7 || read_line(sv[1], buf, sizeof buf) < 0 ||
                write(sv[1], "42\n", 3) != 3 || read_line(sv[0], buf, sizeof buf) < 0) {
                perror("pingpong");
                return 1;
            }
        }
        lines += 1024;
        t = now();
    }
    printf("pingpong: %.0f lines/s (a NUMBER line and its answer, %llu in %.3f s, one thread, "
           "a socketpair)\n", (double)lines / (t - t0), lines, t - t0);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
