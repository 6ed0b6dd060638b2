/* accept4 (Linux): an accepted socket is close-on-exec from birth. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "fdflags.h"
#include "msg.h"
#include "rng.h"

/* The one place a port is read: plain decimal (digits only, no sign, space
 * or leading zero) in 1..65535, or 0 too when listening, where it picks a
 * free port. getaddrinfo would take "65537" and wrap it to 1. */
static int split(const char *hostport, int listen, char *host, size_t hsize, const char **port,
                 struct wm_err *err)
{
    const char *colon = strrchr(hostport, ':');
    const char *h = hostport;
    size_t hlen = colon ? (size_t)(colon - hostport) : 0;
    if (!colon || colon[1] == '\0') {
        wm_err_set(err, "address \"%s\" wants HOST:PORT", hostport);
        return -1;
    }
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') { /* [v6]:port */
        h++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= hsize) {
        wm_err_set(err, "address \"%s\" has no usable host", hostport);
        return -1;
    }
    uint64_t n;
    const char *p = colon + 1;
    if (wm_uint64_parse(p, strlen(p), &n) < 0 || n > 65535 || (n == 0 && !listen)) {
        wm_err_set(err, "address \"%s\": the port must be %s, got \"%s\"", hostport,
                   listen ? "0..65535 (0 picks a free port)" : "1..65535", p);
        return -1;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = p;
    return 0;
}

int wm_net_parse(const char *hostport, int listen, struct wm_err *err)
{
    char host[256];
    const char *port;
    return split(hostport, listen, host, sizeof host, &port, err);
}

static struct addrinfo *resolve(const char *hostport, int passive, struct wm_err *err)
{
    char host[256];
    const char *port;
    if (split(hostport, passive, host, sizeof host, &port, err) < 0)
        return NULL;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = (passive ? AI_PASSIVE : 0) | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        wm_err_set(err, "address \"%s\": %s", hostport, gai_strerror(rc));
        return NULL;
    }
    return res;
}

int wm_net_check(const char *hostport, int listen, struct wm_err *err)
{
    struct addrinfo *res = resolve(hostport, listen, err);
    if (!res)
        return -1;
    freeaddrinfo(res);
    return 0;
}

/* A socket must be close-on-exec from the moment it exists: interop starts
 * peers (posix_spawn) from several threads at once, and a socket another
 * thread had opened but not yet marked would live on in that peer for as
 * long as it runs (a connected one would keep its peer from seeing our
 * close). Where SOCK_CLOEXEC is missing, wm_fd_flags still marks it,
 * a moment later. */
#ifdef SOCK_CLOEXEC
#define CLOEXEC_TYPE SOCK_CLOEXEC
#else
#define CLOEXEC_TYPE 0
#endif

int wm_net_socket(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | CLOEXEC_TYPE, ai->ai_protocol);
    if (fd >= 0 && wm_fd_flags(fd, 1) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int wm_net_accept(int lfd)
{
#if defined(__linux__)
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
#else
    int fd = accept(lfd, NULL, NULL);
    if (fd >= 0)
        (void)wm_fd_flags(fd, 0);
#endif
    if (fd >= 0)
        wm_net_tune(fd);
    return fd;
}

/* A client that leaves Nagle on and writes REPORT and NUMBER as two sends
 * (the book's own) holds the second until the first is acknowledged; a
 * Linux receiver that has just replied is in "pingpong" mode and delays
 * that ACK up to 40 ms. TCP_QUICKACK ends the delay; other systems have no
 * per-socket switch (their delayed ACK is system-wide: FreeBSD's and
 * macOS's sysctl net.inet.tcp.delayed_ack), so there only TCP_NODELAY is
 * set, and a Nagle client waits as it would on any server. */
void wm_net_ack_now(int fd)
{
#ifdef TCP_QUICKACK
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
    (void)fd;
#endif
}

void wm_net_tune(int fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    wm_net_ack_now(fd);
}

/* Tries each resolved address in turn: passive binds and listens (backlog;
 * a negative backlog binds only), else connects. Returns the first socket
 * that works, or -1 with err. */
static int open_socket(const char *hostport, int passive, int backlog, struct wm_err *err)
{
    struct addrinfo *res = resolve(hostport, passive, err);
    if (!res)
        return -1;
    int fd = -1, saved = 0, one = 1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | CLOEXEC_TYPE, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (passive)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        int ok = wm_fd_flags(fd, 0) == 0 &&
                 (passive ? bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                                (backlog < 0 || listen(fd, backlog) == 0)
                          : connect(fd, ai->ai_addr, ai->ai_addrlen) == 0);
        if (ok) {
            if (!passive)
                wm_net_tune(fd);
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        wm_err_set(err, "cannot %s %s: %s",
                   !passive ? "connect to" : backlog < 0 ? "bind" : "listen on", hostport,
                   strerror(saved));
        errno = saved; /* for callers that retry a refused connect */
    }
    return fd;
}

int wm_net_listen(const char *hostport, int backlog, struct wm_err *err)
{
    return open_socket(hostport, 1, backlog, err);
}

int wm_net_connect(const char *hostport, struct wm_err *err)
{
    return open_socket(hostport, 0, 0, err);
}

struct addrinfo *wm_net_resolve(const char *hostport, struct wm_err *err)
{
    return resolve(hostport, 0, err);
}

void wm_net_name(int fd, int peer, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[1025], port[32]; /* NI_MAXHOST and NI_MAXSERV are not POSIX */
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (rc != 0 || getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port, sizeof port,
                               NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, size, "?");
        return;
    }
    snprintf(buf, size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

void wm_net_join(char *buf, size_t size, const char *host, const char *port)
{
    snprintf(buf, size, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
}

/* Ports below the ephemeral range when there is room, else above it. */
void wm_port_pool_init_at(struct wm_port_pool *p, const char *lock_path)
{
    unsigned eph_lo = 0, eph_hi = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    *p = (struct wm_port_pool){.lo = 0, .lock_fd = -1};
    if (lock_path) {
        p->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (p->lock_fd >= 0)
            (void)fchmod(p->lock_fd, 0666); /* every user's warmer shares it; umask aside */
    }
    pthread_mutex_init(&p->lock, NULL);
    if (f) {
        if (fscanf(f, "%u %u", &eph_lo, &eph_hi) != 2)
            eph_lo = eph_hi = 0;
        fclose(f);
    }
    if (eph_lo > 11024 && eph_hi >= eph_lo) {
        p->lo = 10000, p->hi = eph_lo - 1;
    } else if (eph_lo > 0 && eph_hi < 64535) {
        p->lo = eph_hi + 1, p->hi = 65535;
    }
    /* Ports are drawn at random, so two warmer processes on one machine
     * rarely meet: a stream of its own per process (ports never reach a
     * transcript, so the clock may seed it). */
    uint64_t ns = wm_clock_ns();
    uint32_t key[3] = {(uint32_t)getpid(), (uint32_t)ns, (uint32_t)(ns >> 32)};
    wm_rng_seed_words(&p->rng, key, 3);
}

void wm_port_pool_init(struct wm_port_pool *p)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/tmp", WM_PORT_LOCK_FILE);
    wm_port_pool_init_at(p, path);
}

void wm_port_pool_free(struct wm_port_pool *p)
{
    pthread_mutex_destroy(&p->lock);
    if (p->lock_fd >= 0)
        close(p->lock_fd); /* and every port this process held with it */
    p->lock_fd = -1;
}

/* 0 done; -1 another process holds port n (or the lock call failed). */
static int port_lock(const struct wm_port_pool *p, unsigned n, short type)
{
    if (p->lock_fd < 0)
        return 0;
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)n, .l_len = 1};
    return fcntl(p->lock_fd, F_SETLK, &fl) == 0 ? 0 : -1;
}

void wm_port_release(struct wm_port_pool *p, const char *port)
{
    char *end;
    unsigned long n = strtoul(port, &end, 10);
    if (*port && !*end && p->lo && n >= p->lo && n <= p->hi)
        (void)port_lock(p, (unsigned)n, F_UNLCK);
}

/* Whether a port is free is checked by binding it, never by listening on
 * it: a peer started by another thread at that moment holds a copy of
 * every socket until its exec (close-on-exec or not), and a listening copy
 * would take, and then drop, the first connection meant for the server the
 * port goes to. A socket that is only bound refuses connections. */
static int bind_only(const char *hostport, struct wm_err *err)
{
    return open_socket(hostport, 1, -1, err);
}

static int kernel_port(const char *host, char *port, size_t size, struct wm_err *err)
{
    char any[300], name[300];
    wm_net_join(any, sizeof any, host, "0");
    int fd = bind_only(any, err);
    if (fd < 0)
        return -1;
    wm_net_name(fd, 0, name, sizeof name);
    close(fd);
    const char *colon = strrchr(name, ':');
    snprintf(port, size, "%s", colon ? colon + 1 : "0");
    return 0;
}

#define PORT_TRIES 64

int wm_port_take(struct wm_port_pool *p, const char *host, char *port, size_t size,
                 struct wm_err *err)
{
    if (!p->lo)
        return kernel_port(host, port, size, err);
    for (int k = 0; k < PORT_TRIES; k++) {
        pthread_mutex_lock(&p->lock);
        unsigned n = (unsigned)wm_rng_randint(&p->rng, p->lo, p->hi);
        int again = 0; /* two workers given one port: one of them talks to the other's server */
        for (unsigned r = 0; r < WM_PORT_RECENT && r < p->nrecent && !again; r++)
            again = p->recent[r] == n;
        if (!again)
            p->recent[p->nrecent++ % WM_PORT_RECENT] = n;
        pthread_mutex_unlock(&p->lock);
        if (again || port_lock(p, n, F_WRLCK) < 0) /* or another warmer holds it */
            continue;
        char addr[300], num[16];
        snprintf(num, sizeof num, "%u", n);
        wm_net_join(addr, sizeof addr, host, num);
        int fd = bind_only(addr, err);
        if (fd >= 0) {
            close(fd);
            snprintf(port, size, "%u", n);
            return 0;
        }
        (void)port_lock(p, n, F_UNLCK);
    }
    return kernel_port(host, port, size, err);
}

const char *wm_seconds_word(char *buf, size_t size, int64_t ms)
{
    int n = snprintf(buf, size, "%lld.%03d", (long long)(ms / 1000), (int)(ms % 1000));
    if (n < 0 || (size_t)n >= size)
        return buf;
    while (n > 0 && buf[n - 1] == '0') /* "1.500" -> "1.5", "2.000" -> "2" */
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    return buf;
}

enum wm_accept_rc wm_net_accept_peer(int lfd, int nonblock, char *addr, size_t size, int *fd)
{
    int s = wm_net_accept(lfd);
    if (s >= 0 && wm_fd_flags(s, nonblock) < 0) {
        int e = errno;
        close(s);
        errno = e;
        s = -1;
    }
    if (s >= 0) {
        wm_net_name(s, 1, addr, size);
        *fd = s;
        return WM_ACCEPT_OK;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return WM_ACCEPT_DRAINED;
    if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
        return WM_ACCEPT_RETRY;
    if (errno == EMFILE || errno == ENFILE)
        return WM_ACCEPT_NO_FDS;
    return WM_ACCEPT_ERROR;
}
