/* sim/net/net.c: the port pool `warmer interop` gives its servers. */
#include <stdlib.h>

#include "net.h"
#include "rng.h"
#include "testutil.h"

/* A port handed out is not handed out again for the next WM_PORT_RECENT
 * takes: two --jobs workers given one port would have one of them talk to
 * the other's server. 300 takes from 1000 ports meet a repeat within 128
 * takes some 38 times over, unless the pool keeps them out. */
START_TEST(recent_ports_not_handed_out_again)
{
    enum { TAKES = 300 };
    struct wm_port_pool p;
    wm_port_pool_init(&p);
    p.lo = 20000; /* a fixed window and stream, so the test is the same each run */
    p.hi = 20999;
    wm_rng_seed(&p.rng, 1);
    unsigned got[TAKES];
    for (int i = 0; i < TAKES; i++) {
        char port[16];
        struct wm_err err;
        ck_assert_msg(wm_port_take(&p, "127.0.0.1", port, sizeof port, &err) == 0, "take %d: %s", i,
                      err.msg);
        got[i] = (unsigned)strtoul(port, NULL, 10);
        for (int j = i - 1; j >= 0 && j >= i - WM_PORT_RECENT; j--)
            if (got[j] == got[i] && got[i] >= p.lo && got[i] <= p.hi)
                ck_abort_msg("port %u handed out at take %d and again at take %d", got[i], j, i);
    }
    wm_port_pool_free(&p);
}
END_TEST

static Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    WM_ADD_TEST(s, recent_ports_not_handed_out_again);
    return s;
}

WM_TEST_MAIN(net_suite)
