/* A full bucket loses nothing. With a negative slack the pools hold 30% less than
 * the expected round-0 streams and the stash less than the mean stream length, so pools
 * run dry (the round is redone with more passes) and long streams take the chunked
 * path; cycles and per-round live counts must still equal the lean solver's.
 * Then a pool that runs dry after earlier passes of the round have completed and
 * killed edges (injected: pass 1 of 2 for slean, pass 0 for mean and packed, in the
 * first attempt of four rounds): the same equality, and exactly four retries.
 * Usage: test_fullbucket KIND */
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"
#include "cuckatoo/trimmers.h"

int main(int argc, char **argv)
{
    REQUIRE(argc == 2);
    frugal_solver_kind kind;
    REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    const unsigned eb = 20;
    frugal_solver_params p;
    frugal_solver_params_default(&p, eb);
    p.kind = kind;
    p.threads = 2;
    p.bucket_slack = -0.3;
    frugal_solver *tight;
    REQUIRE(frugal_solver_create(&p, &tight) == FRUGAL_OK);
    frugal_solver *lean = su_create(FRUGAL_SOLVER_LEAN, eb, 42, 2);
    static solve_result a, b;
    uint64_t retries = 0;
    /* zero246-c20 nonces with cycles come first so the comparison covers them */
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors("cuckatoo/zero246-c20.txt", &v);
    unsigned done = 0, cycles = 0;
    for (size_t i = 0; i < n && done < 12 / FR_TEST_STRIDE + 2; i++) {
        if (v[i].nsols == 0 && i % 20)
            continue;
        frugal_sipkeys k;
        vector_keys_from_zero_header(246, v[i].nonce, &k);
        su_solve(tight, &k, eb, 42, &a);
        su_solve(lean, &k, eb, 42, &b);
        CHECK_STATUS(a.status, FRUGAL_OK);
        CHECK_EQ_U64(a.count, b.count);
        CHECK(memcmp(a.sols, b.sols, sizeof a.sols) == 0);
        CHECK_EQ_U64(a.stats.rounds, b.stats.rounds);
        CHECK(memcmp(a.stats.alive, b.stats.alive, b.stats.rounds * sizeof(uint64_t)) == 0);
        retries += a.stats.bucket_retries;
        cycles += (unsigned)a.count;
        done++;
    }
    printf("test_fullbucket %s: %u graphs, %u cycles, %llu full-pool retries\n", argv[1], done,
           cycles, (unsigned long long)retries);
    CHECK(retries > 0); /* the full path really ran */
    CHECK(cycles > 0);
    frugal_solver_destroy(tight);

    /* late full pools: the first graph with cycles, four injected faults */
    frugal_solver_params_default(&p, eb);
    p.kind = kind;
    p.threads = 2;
    p.passes = kind == FRUGAL_SOLVER_SLEAN ? 2 : 0;
    frugal_solver *late;
    REQUIRE(frugal_solver_create(&p, &late) == FRUGAL_OK);
    size_t i = 0;
    while (i < n && v[i].nsols == 0)
        i++;
    REQUIRE(i < n);
    frugal_sipkeys k;
    vector_keys_from_zero_header(246, v[i].nonce, &k);
    fr_bt_fault_pass = kind == FRUGAL_SOLVER_SLEAN ? 1 : 0;
    fr_bt_fault_left = 4;
    su_solve(late, &k, eb, 42, &a);
    su_solve(lean, &k, eb, 42, &b);
    CHECK_STATUS(a.status, FRUGAL_OK);
    CHECK_EQ_U64(fr_bt_fault_left, 0);
    CHECK_EQ_U64(a.stats.bucket_retries, 4);
    CHECK_EQ_U64(a.count, b.count);
    CHECK(a.count > 0);
    CHECK(memcmp(a.sols, b.sols, sizeof a.sols) == 0);
    CHECK_EQ_U64(a.stats.rounds, b.stats.rounds);
    CHECK(memcmp(a.stats.alive, b.stats.alive, b.stats.rounds * sizeof(uint64_t)) == 0);
    printf("test_fullbucket %s: late full pools (pass %d): %llu retries, %zu cycles\n", argv[1],
           fr_bt_fault_pass, (unsigned long long)a.stats.bucket_retries, (size_t)a.count);
    fr_bt_fault_pass = -1;
    frugal_solver_destroy(late);
    frugal_solver_destroy(lean);
    free(v);
    return fr_test_result("test_fullbucket");
}
