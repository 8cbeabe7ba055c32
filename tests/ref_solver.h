/* The slow reference solver: no trimming, no clever data structures. It lists every
 * edge's endpoints, walks every path by scanning all edges at each step, keeps the
 * closed walks of the asked length that never reuse a node pair, and deduplicates
 * them by their sorted edge lists. For toy graphs only (2^EB * paths work). */
#ifndef FRUGAL_TESTS_REF_SOLVER_H
#define FRUGAL_TESTS_REF_SOLVER_H
#include <stddef.h>
#include <stdint.h>

#include "frugal/cuckatoo.h"

/* Finds all cycles of length L (even, <= 64) in the graph of edgebits (<= 16).
 * Writes up to max cycles (sorted edges, sorted list) into out (max*L entries);
 * returns how many cycles exist. */
size_t ref_solve(const frugal_sipkeys *keys, unsigned edgebits, unsigned L, uint64_t *out,
                 size_t max);
#endif
