/* sim/core/drivers/sock_ep.c: every recv and send result sorted once (data, would
 * block, end, reset, error), and a reset reaching the endpoint as a reset,
 * in the words of WM_RESET_TEXT. Sockets on 127.0.0.1 and socketpairs only. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "client.h"
#include "evloop.h"
#include "sock_ep.h"
#include "testutil.h"

static const char *io_name(enum wm_io rc)
{
    static const char *const names[] = {"DATA", "AGAIN", "EOF", "RESET", "ERROR"};
    return rc <= WM_IO_ERROR ? names[rc] : "?";
}

#define ck_io(got, want)                                                                           \
    ck_assert_msg((got) == (want), "sorted as %s, want %s", io_name(got), io_name(want))

static void nonblocking_pair(int fd[2])
{
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
    for (int k = 0; k < 2; k++)
        ck_assert_int_eq(fcntl(fd[k], F_SETFL, fcntl(fd[k], F_GETFL) | O_NONBLOCK), 0);
}

/* A connected loopback TCP pair: fd[0] connected, fd[1] accepted. */
static void tcp_pair(int fd[2])
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(l, 0);
    ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(l, 1), 0);
    ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    fd[0] = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(fd[0], (struct sockaddr *)&a, sizeof a), 0);
    fd[1] = accept(l, NULL, NULL);
    ck_assert_int_ge(fd[1], 0);
    close(l);
}

/* Closes fd with an RST (SO_LINGER 0), then waits until the peer sees it. */
static void reset_close(int fd, int peer)
{
    struct linger lg = {1, 0};
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    close(fd);
    struct timeval tv = {5, 0};
    setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

START_TEST(recv_sorts_data_again_and_end)
{
    int fd[2];
    char buf[8];
    size_t got;
    nonblocking_pair(fd);
    ck_io(wm_sock_recv(fd[1], buf, sizeof buf, &got), WM_IO_AGAIN);
    ck_assert_int_eq(write(fd[0], "ab", 2), 2);
    ck_io(wm_sock_recv(fd[1], buf, sizeof buf, &got), WM_IO_DATA);
    ck_assert_uint_eq(got, 2);
    shutdown(fd[0], SHUT_WR);
    ck_io(wm_sock_recv(fd[1], buf, sizeof buf, &got), WM_IO_EOF);
    ck_assert_uint_eq(got, 0);
    close(fd[0]);
    close(fd[1]);
    ck_io(wm_sock_recv(fd[1], buf, sizeof buf, &got), WM_IO_ERROR); /* EBADF */
}
END_TEST

START_TEST(recv_sorts_a_reset_apart_from_the_end)
{
    int fd[2];
    char buf[8];
    size_t got;
    tcp_pair(fd);
    reset_close(fd[1], fd[0]);
    ck_io(wm_sock_recv(fd[0], buf, sizeof buf, &got), WM_IO_RESET);
    close(fd[0]);
}
END_TEST

START_TEST(send_to_a_gone_peer_is_its_end_without_sigpipe)
{
    int fd[2];
    size_t put;
    nonblocking_pair(fd);
    ck_io(wm_sock_send(fd[0], "x", 1, &put), WM_IO_DATA);
    ck_assert_uint_eq(put, 1);
    close(fd[1]);
    ck_io(wm_sock_send(fd[0], "y", 1, &put), WM_IO_EOF); /* EPIPE, and the test still runs */
    close(fd[0]);
}
END_TEST

/* A client awaiting a guess whose server resets: the endpoint hears a
 * reset and the client says so; the output still pending is discarded. */
START_TEST(sockep_gives_the_endpoint_a_reset)
{
    int fd[2];
    struct wm_game g = {.lo = 1, .hi = 5, .secret = 3, .count = 1};
    struct wm_client cl;
    struct wm_journal j;
    struct wm_endpoint ep;
    struct wm_sockep s;
    tcp_pair(fd);
    wm_client_init(&cl, &g, 1, 10);
    wm_journal_init(&j, 1 << 16);
    ck_assert_int_eq(wm_ep_init(&ep, 'C', &wm_client_role, &cl, &j, 64, 1 << 16), 0);
    wm_sockep_init(&s, fd[0], &ep);
    wm_ep_start(&ep);
    ck_io(wm_sockep_flush(&s), WM_IO_DATA); /* PARAMS, NUMBER */
    ck_assert_uint_eq(s.sent, 18);
    ck_assert_int_eq(wm_sockep_interest(&s), WM_EL_READ);
    reset_close(fd[1], fd[0]);
    ck_io(wm_sockep_read(&s), WM_IO_RESET);
    ck_assert(s.eof_done && wm_ep_closed(&ep));
    const struct wm_rec *last = &j.recs[j.n - 1];
    ck_assert_int_eq(last->kind, WM_REC_ERROR);
    const char *want = WM_RESET_TEXT " while the client awaited a guess (game 1, guess 1)";
    ck_assert_msg(last->len == strlen(want) && memcmp(wm_rec_text(&j, last), want, last->len) == 0,
                  "the client's error: \"%.*s\", want \"%s\"", (int)last->len,
                  wm_rec_text(&j, last), want);
    wm_ep_free(&ep);
    wm_journal_free(&j);
    wm_client_free(&cl);
    close(fd[0]);
}
END_TEST

static Suite *sock_ep_suite(void)
{
    Suite *s = suite_create("sock_ep");
    WM_ADD_TEST(s, recv_sorts_data_again_and_end);
    WM_ADD_TEST(s, recv_sorts_a_reset_apart_from_the_end);
    WM_ADD_TEST(s, send_to_a_gone_peer_is_its_end_without_sigpipe);
    WM_ADD_TEST(s, sockep_gives_the_endpoint_a_reset);
    return s;
}

WM_TEST_MAIN(sock_ep_suite)
