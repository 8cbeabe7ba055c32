/* Exhaustive differential test: the solver and the slow reference find the same
 * cycles on many random toy graphs, for several cycle lengths (short ones make
 * cycles common, so the comparison has something to compare). Usage:
 * test_reference KIND */
#include "harness.h"
#include "ref_solver.h"
#include "solve_util.h"

int main(int argc, char **argv)
{
    frugal_solver_kind kind = FRUGAL_SOLVER_LEAN;
    if (argc > 1)
        REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    fr_rng rng = fr_test_rng("test_reference", 2024);
    static const unsigned lens[] = {2, 4, 6, 8, 12, 16, 42};
    static solve_result res;
    static uint64_t ref[SU_MAX_SOLS * FRUGAL_CYCLE_MAX];
    size_t graphs = 0, cycles = 0;
    for (unsigned eb = 10; eb <= 12; eb++) {
        for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
            unsigned L = lens[li];
            frugal_solver *s = su_create(kind, eb, L, 2);
            unsigned trials = (L == 42 ? 6 : 100) / FR_TEST_STRIDE;
            for (unsigned t = 0; t < trials; t++) {
                frugal_sipkeys k;
                for (int i = 0; i < 4; i++)
                    k.k[i] = fr_rng_next(&rng);
                size_t want = ref_solve(&k, eb, L, ref, SU_MAX_SOLS);
                su_solve(s, &k, eb, L, &res);
                CHECK_STATUS(res.status, FRUGAL_OK);
                if (res.count != want)
                    fprintf(stderr, "C%u L=%u keys %016llx: solver %zu, reference %zu\n", eb, L,
                            (unsigned long long)k.k[0], res.count, want);
                CHECK_EQ_U64(res.count, want);
                for (size_t i = 0; i < res.count && i < want && i < SU_MAX_SOLS; i++)
                    CHECK(memcmp(res.sols[i], ref + i * L, L * sizeof(uint64_t)) == 0);
                graphs++;
                cycles += want;
            }
            frugal_solver_destroy(s);
        }
    }
    printf("test_reference %s: %zu graphs, %zu cycles compared\n", frugal_solver_kind_name(kind),
           graphs, cycles);
    CHECK(cycles > 50);
    return fr_test_result("test_reference");
}
