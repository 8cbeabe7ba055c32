/* Thread count changes nothing: 1, 2 and 4 threads give the same cycles and the same
 * live counts after every round. Usage: test_threads KIND */
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"

int main(int argc, char **argv)
{
    frugal_solver_kind kind = FRUGAL_SOLVER_LEAN;
    if (argc > 1)
        REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    static solve_result res[3];
    const unsigned threads[3] = {1, 2, 4};
    const unsigned eb = 20;
    frugal_solver *s[3];
    for (int t = 0; t < 3; t++)
        s[t] = su_create(kind, eb, 42, threads[t]);
    for (uint64_t nonce = 0; nonce < 12; nonce += FR_TEST_STRIDE) {
        frugal_sipkeys k;
        vector_keys_from_zero_header(246, nonce, &k);
        for (int t = 0; t < 3; t++)
            su_solve(s[t], &k, eb, 42, &res[t]);
        for (int t = 1; t < 3; t++) {
            CHECK_EQ_U64(res[t].count, res[0].count);
            CHECK(memcmp(res[t].sols, res[0].sols, sizeof res[0].sols) == 0);
            CHECK_EQ_U64(res[t].stats.rounds, res[0].stats.rounds);
            CHECK(memcmp(res[t].stats.alive, res[0].stats.alive,
                         res[0].stats.rounds * sizeof(uint64_t)) == 0);
        }
    }
    for (int t = 0; t < 3; t++)
        frugal_solver_destroy(s[t]);
    return fr_test_result("test_threads");
}
