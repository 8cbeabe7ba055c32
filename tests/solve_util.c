#include "solve_util.h"

#include "harness.h"

void su_solve(frugal_solver *s, const frugal_sipkeys *keys, unsigned eb, unsigned L,
              solve_result *res)
{
    res->status = frugal_solver_solve(s, keys);
    res->count = frugal_solver_count(s);
    frugal_solver_get_stats(s, &res->stats);
    CHECK(res->count <= SU_MAX_SOLS);
    for (size_t i = 0; i < res->count && i < SU_MAX_SOLS; i++)
    {
        CHECK_STATUS(frugal_solver_solution(s, i, res->sols[i]), FRUGAL_OK);
        CHECK_STATUS(frugal_cuckatoo_verify(keys, eb, res->sols[i], L, L), FRUGAL_OK);
    }
    CHECK_STATUS(frugal_solver_solution(s, res->count, res->sols[0]), FRUGAL_ERR_RANGE);
}

frugal_solver *su_create(frugal_solver_kind kind, unsigned eb, unsigned L, unsigned threads)
{
    frugal_solver_params p;
    frugal_solver_params_default(&p, eb);
    p.kind = kind;
    p.cycle_len = L;
    p.threads = threads;
    frugal_solver *s = NULL;
    frugal_status st = frugal_solver_create(&p, &s);
    if (st != FRUGAL_OK) {
        fprintf(stderr, "cannot create solver %s for C%u: %s\n", frugal_solver_kind_name(kind), eb,
                frugal_status_str(st));
        exit(1);
    }
    return s;
}
