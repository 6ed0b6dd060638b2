/* TCP plumbing for the live commands: HOST:PORT parsing, listen, connect. */
#ifndef WM_NET_H
#define WM_NET_H

#include <stddef.h>

#include "err.h"

/* "127.0.0.1:4321", "localhost:4321", "[::1]:4321"; port 0 asks for any. */
int wm_net_listen(const char *hostport, int backlog, struct wm_err *err);
/* 0 if hostport parses and resolves (a usage check before listening). */
int wm_net_check(const char *hostport, struct wm_err *err);
int wm_net_connect(const char *hostport, struct wm_err *err);
/* "HOST:PORT" of a bound or connected socket's local (peer = 0) or remote end. */
void wm_net_name(int fd, int peer, char *buf, size_t size);
/* "HOST:PORT", bracketing an IPv6 host. */
void wm_net_join(char *buf, size_t size, const char *host, const char *port);
/* A port on host that is free now (bound, read, closed: the caller's peer
 * binds it next), as a decimal string. 0, or -1 with err. */
int wm_net_free_port(const char *host, char *port, size_t size, struct wm_err *err);
/* Sets close-on-exec and, if nonblock, O_NONBLOCK. */
int wm_net_set_flags(int fd, int nonblock);

#endif
