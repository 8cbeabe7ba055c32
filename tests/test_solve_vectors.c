/* A solver finds exactly the listed cycles of a vector file, and every cycle it
 * returns verifies. Usage: test_solve_vectors KIND FILE HEADER_LEN [MAX_EB [THREADS]]
 * (lines above MAX_EB are skipped: grin80's C29+ lines belong to benchmarks). */
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"

static int same_cycle(const uint64_t *a, const uint64_t *b)
{
    return memcmp(a, b, 42 * sizeof *a) == 0;
}

int main(int argc, char **argv)
{
    REQUIRE(argc >= 4);
    frugal_solver_kind kind;
    REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    size_t header_len = strtoul(argv[3], NULL, 10);
    unsigned max_eb = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 32;
    unsigned threads = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 0;
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors(argv[2], &v);
    frugal_solver *s = NULL;
    unsigned s_eb = 0;
    static solve_result res;
    size_t graphs = 0, cycles = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].edgebits > max_eb || (i % FR_TEST_STRIDE) != 0)
            continue;
        if (!s || s_eb != v[i].edgebits) {
            frugal_solver_destroy(s);
            s = su_create(kind, v[i].edgebits, 42, threads);
            s_eb = v[i].edgebits;
        }
        frugal_sipkeys k;
        vector_keys_from_zero_header(header_len, v[i].nonce, &k);
        su_solve(s, &k, v[i].edgebits, 42, &res);
        CHECK_STATUS(res.status, FRUGAL_OK);
        if (res.count != v[i].nsols)
            fprintf(stderr, "C%u nonce %llu: found %zu cycles, listed %u\n", v[i].edgebits,
                    (unsigned long long)v[i].nonce, res.count, v[i].nsols);
        CHECK_EQ_U64(res.count, v[i].nsols);
        for (unsigned j = 0; j < v[i].nsols; j++) {
            int found = 0;
            for (size_t f = 0; f < res.count; f++)
                found |= same_cycle(res.sols[f], v[i].sols[j]);
            CHECK(found);
        }
        graphs++;
        cycles += res.count;
    }
    frugal_solver_destroy(s);
    free(v);
    printf("test_solve_vectors %s %s: %zu graphs, %zu cycles\n", argv[1], argv[2], graphs, cycles);
    CHECK(graphs > 0);
    return fr_test_result("test_solve_vectors");
}
