/* The contract between the solver front end (solver.c) and the trimmers.
 *
 * A round r trims side r & 1 (U first): an edge dies when the partner node x^1 of
 * its endpoint x on that side has no live edge, judged on the edges alive when the
 * round starts. Every trimmer (lean, mean, packed, slean) and the explicit tail run
 * exactly these rounds, so the live counts after each round are the same whatever
 * the trimmer; they are logged through fr_log_round(). A trimmer runs bitmap or
 * bucket rounds until at most `switch_edges` edges remain (or nothing changes), then
 * writes the live edges, ascending, into the tail arena and the tail finishes. */
#ifndef FRUGAL_CUCKATOO_TRIM_H
#define FRUGAL_CUCKATOO_TRIM_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/mem.h"
#include "common/pool.h"
#include "frugal/cuckatoo.h"
#include "hash/siphash.h"

/* What every phase of a solve shares. */
typedef struct fr_solve_ctx {
    unsigned edgebits, cycle_len;
    uint64_t nedges;         /* 2^edgebits */
    uint32_t mask;           /* nedges - 1 */
    const frugal_sipkeys *keys;
    fr_pool *pool;
    fr_mem *mem;
    atomic_int *stop;        /* nonzero: return FRUGAL_ERR_STOPPED */
    const fr_sip_backend *sip;
    frugal_solver_stats *stats;
    int last_kill_round;     /* last round that killed an edge, -1 before any */
    double t0;
    frugal_progress_fn progress;
    void *progress_user;
} fr_solve_ctx;

/* Records the live count after round r (rounds must be logged in order) and reports
 * progress. `phase` is "trim" or "tail". */
void fr_log_round(fr_solve_ctx *ctx, unsigned round, uint64_t alive, uint64_t before,
                  const char *phase);

/* Sets bits 0..n-1 of a bitmap of `words` 64-bit words (every edge alive). */
static inline void fr_bitmap_fill(uint64_t *bits, uint64_t words, uint64_t n)
{
    for (uint64_t w = 0; w < words; w++)
        bits[w] = ~0ull;
    if (n % 64)
        bits[words - 1] = (1ull << (n % 64)) - 1;
}

/* Nonzero when a stop was requested. */
static inline int fr_stopped(const fr_solve_ctx *ctx)
{
    return atomic_load_explicit(ctx->stop, memory_order_relaxed) != 0;
}
#endif
