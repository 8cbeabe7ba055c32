/* The explicit tail of every solver: exact trimming to the fixpoint on a list of
 * live edges, then an exhaustive search for cycles of the asked length.
 *
 * Trimming is round-synchronous peeling (linear time in total): nodes get dense ids
 * per side, each with its edge count and the dense id of its partner x^1. A node
 * whose partner has no live edge goes on its side's pending list; a round on side s
 * kills the live edges at the nodes pending when it starts, and a count that drops
 * to zero puts the partner on the pending list of that side. The live count after
 * every round is logged, so the figures match a trimmer that scans every edge.
 *
 * Cycle search: each cycle is found once, from its smallest edge e0, leaving e0 by
 * its V endpoint. A depth-first walk alternates sides, steps from endpoint x to the
 * edges at x^1, and never enters a node pair twice (the verifier's no-branch rule);
 * it reports a walk of L edges whose last U endpoint is the partner of e0's.
 *
 * Arena layout (n edges, all u32 unless said): edges[n] | U[n] | V[n] | ed[2n] (each
 * edge's dense node ids, U then V, bit 31 of the U id: dead) | per side: off[n+1] |
 * list[n] (edges by node) | nd[2n] (count, partner per node) | pend[n] | then sort
 * scratch 2 x u64[n]. Data touched together sits together: peeling is random
 * access, and a kill costs about one cache line per array it reads. */
#ifndef FRUGAL_CUCKATOO_TAIL_H
#define FRUGAL_CUCKATOO_TAIL_H

#include "cuckatoo/sols.h"
#include "cuckatoo/trim.h"

/* Arena bytes the tail needs for n edges. */
uint64_t fr_tail_bytes(uint64_t n);

/* Where the caller writes the n live edges (ascending) before fr_tail_run. */
static inline uint32_t *fr_tail_edges(void *arena) { return (uint32_t *)arena; }

/* Trims the n edges at the start of arena from round first_round to the fixpoint,
 * then appends every cycle of ctx->cycle_len to sols. arena must hold
 * fr_tail_bytes(n). Returns FRUGAL_OK, FRUGAL_ERR_STOPPED, or FRUGAL_ERR_NOMEM if a
 * solution cannot be stored. */
frugal_status fr_tail_run(fr_solve_ctx *ctx, void *arena, uint64_t n, unsigned first_round,
                          fr_sols *sols);
/* Collects the `live` edges set in bitmap alive[0..words) and runs the tail on them
 * in arena (arena_bytes) when they fit, else in memory taken from ctx->mem for the
 * call (FRUGAL_ERR_BUDGET when the budget refuses it). Otherwise as fr_tail_run. */
frugal_status fr_tail_from_bitmap(fr_solve_ctx *ctx, const uint64_t *alive, uint64_t words,
                                  uint64_t live, void *arena, uint64_t arena_bytes,
                                  unsigned first_round, fr_sols *sols);
#endif
