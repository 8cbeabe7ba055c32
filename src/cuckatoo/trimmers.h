/* The trimmers behind frugal_solver: each plans its memory from the parameters,
 * allocates once at create time (so a solver can be reused for many graphs), and
 * solves one graph: trimming rounds, then the tail (tail.h) into sols. */
#ifndef FRUGAL_CUCKATOO_TRIMMERS_H
#define FRUGAL_CUCKATOO_TRIMMERS_H

#include "cuckatoo/sols.h"
#include "cuckatoo/trim.h"

typedef struct fr_trimmer_ops {
    frugal_solver_kind kind;
    /* Fills plan (kind, planned_bytes, passes, bucket_bits, packed_rounds, text) for
     * params with `threads` threads; FRUGAL_ERR_BUDGET when it cannot fit max_mem
     * (plan->planned_bytes then says what the smallest variant would need). */
    frugal_status (*plan)(const frugal_solver_params *params, unsigned threads,
                          frugal_solver_plan *plan);
    /* Allocates the trimmer's memory from mem as plan says. */
    frugal_status (*create)(const frugal_solver_params *params, const frugal_solver_plan *plan,
                            fr_mem *mem, void **state);
    frugal_status (*solve)(void *state, fr_solve_ctx *ctx, fr_sols *sols);
    void (*destroy)(void *state, fr_mem *mem);
} fr_trimmer_ops;

extern const fr_trimmer_ops fr_lean_ops;
extern const fr_trimmer_ops fr_mean_ops;
extern const fr_trimmer_ops fr_packed_ops;
extern const fr_trimmer_ops fr_slean_ops;

/* Fault injection, for tests only (tests/test_fullbucket.c): while fr_bt_fault_left > 0,
 * the first attempt of a bucket round reports pass fr_bt_fault_pass (when the round has
 * that many passes) full right after its distribute, exactly as if a pool had run dry;
 * each injection takes one from fr_bt_fault_left. Set them while no solve runs. */
extern int fr_bt_fault_pass, fr_bt_fault_left;

/* Fixed bytes every solver holds besides its trimmer (thread stacks are not counted:
 * they are the OS's, and small). */
#define FR_SOLVER_OVERHEAD_BYTES ((uint64_t)1 << 20)
#endif
