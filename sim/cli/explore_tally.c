#include "explore_tally.h"

#include <inttypes.h>
#include <stdio.h>

#include "sig.h"

void wm_xtally_count(struct wm_xtally *t, const struct wm_scn *s, uint64_t guesses,
                     uint64_t expected)
{
    t->expected += expected;
    t->runs++;
    t->connections += s->connections;
    t->games += s->ngames;
    t->guesses += guesses;
    t->driver[s->run.driver]++;
    t->transport[s->run.transport]++;
    t->profile[s->profile]++;
    for (unsigned k = 0; k < WM_SCN_KINDS; k++)
        t->kind[k] += (s->swarm >> k) & 1;
    t->small_line += s->max_line < WM_LINE_MAX_DEFAULT; /* not a long numeral's raised one */
    t->small_guesses += s->max_guesses != WM_DEFAULT_MAX_GUESSES;
}

void wm_xtally_print(const struct wm_xtally_head *e, const struct wm_xtally *t, int failed,
                     int signo)
{
    char verdict[96], held[64], name[24];
    const struct wm_xsig_table *g = e->sigs;
    if (g && wm_xsig_runs(g))
        snprintf(held, sizeof held, "%" PRIu64 " finding%s in %zu signature%s%s",
                 wm_xsig_runs(g), wm_xsig_runs(g) == 1 ? "" : "s", g->n, g->n == 1 ? "" : "s",
                 g->past_max ? " and more" : "");
    else
        snprintf(held, sizeof held, "%s", failed ? "1 failed" : "all held");
    snprintf(verdict, sizeof verdict, "%s%s%s", held, signo ? ", interrupted by " : "",
             signo ? wm_sig_name(signo, name, sizeof name) : "");
    if (e->one_run)
        printf("explore: seed %" PRIu64 ", run %" PRIu64 ", %s\n", e->seed, e->run,
               verdict);
    else if (e->shard_n > 1)
        printf("explore: seed %" PRIu64 ", shard %u/%u, %" PRIu64 " runs, %s\n", e->seed,
               e->shard_k, e->shard_n, t->runs, verdict);
    else
        printf("explore: seed %" PRIu64 ", %" PRIu64 " runs, %s\n", e->seed, t->runs, verdict);
    printf("  tried: %" PRIu64 " connections, %" PRIu64 " games, %" PRIu64 " guesses\n",
           e->live ? e->live->made : t->connections, t->games, t->guesses);
    if (!e->live)
        printf("  drivers: sim %" PRIu64 ", events %" PRIu64 ", threads %" PRIu64
           "; transports: socketpair %" PRIu64 ", memory %" PRIu64 "\n",
           t->driver[WM_DRV_SIM], t->driver[WM_DRV_EVENTS], t->driver[WM_DRV_THREADS],
           t->transport[WM_TR_SOCKETPAIR], t->transport[WM_TR_MEMORY]);
    if (!e->live)
        printf("  profiles: strict %" PRIu64 ", book %" PRIu64 ", book-asyncio %" PRIu64 "\n",
               t->profile[WM_PROFILE_STRICT], t->profile[WM_PROFILE_BOOK],
               t->profile[WM_PROFILE_BOOK_ASYNCIO]);
    printf("  faults tried (runs):");
    for (unsigned k = 0; k < WM_SCN_KINDS; k++)
        printf("%s %s %" PRIu64, k ? "," : "", wm_scn_fault_name(k), t->kind[k]);
    printf("\n  limits: small max-line %" PRIu64 ", small max-guesses %" PRIu64 "\n",
           t->small_line, t->small_guesses);
    if (t->expected)
        printf("  expected (the book's known behaviour): %" PRIu64 " connection%s hung on an "
               "exhausted range\n", t->expected, t->expected == 1 ? "" : "s");
    for (size_t i = 0; g && i < g->n; i++)
        printf("  signature %s: %" PRIu64 " run%s, run %" PRIu64 " shrunk\n", g->f[i].sig,
               g->f[i].runs, g->f[i].runs == 1 ? "" : "s", g->f[i].first_run);
    if (g && g->past_max)
        printf("  past --max-findings %zu: %" PRIu64 " run%s with further signatures, not "
               "shrunk\n", g->max, g->past_max, g->past_max == 1 ? "" : "s");
}
