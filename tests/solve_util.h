/* Helpers for solver tests: run a solver on keys, collect its cycles, and check
 * every one with the verifier. */
#ifndef FRUGAL_TESTS_SOLVE_UTIL_H
#define FRUGAL_TESTS_SOLVE_UTIL_H
#include "frugal/cuckatoo.h"

#define SU_MAX_SOLS 64

typedef struct solve_result {
    frugal_status status;
    size_t count;
    uint64_t sols[SU_MAX_SOLS][FRUGAL_CYCLE_MAX];
    frugal_solver_stats stats;
} solve_result;

/* Solves keys with solver s into res; every cycle is verified (a failure is a CHECK
 * failure in the calling test). */
void su_solve(frugal_solver *s, const frugal_sipkeys *keys, unsigned eb, unsigned L,
              solve_result *res);

/* Creates a solver or exits the test. */
frugal_solver *su_create(frugal_solver_kind kind, unsigned eb, unsigned L, unsigned threads);
#endif
