/* The verifier accepts every published and listed cycle, and each failure status has
 * a negative case: mutations of a real C29 proof, and proofs found by exhaustive
 * search over tiny graphs, where an independent check decides what is a cycle. */
#include "frugal/cuckatoo.h"
#include "harness.h"
#include "vectors.h"

static void check_listed(const char *file, unsigned *checked)
{
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors(file, &v);
    for (size_t i = 0; i < n; i++)
        for (unsigned s = 0; s < v[i].nsols; s++) {
            CHECK_STATUS(frugal_cuckatoo_verify(&v[i].keys, v[i].edgebits, v[i].sols[s], 42, 42),
                         FRUGAL_OK);
            ++*checked;
        }
    free(v);
}

/* Independent rule: a set of L edges is a single cycle when every endpoint has
 * exactly one partner endpoint (same side, node ^ 1) in the set, and following them
 * visits all L edges. Returns 1 for a cycle. */
static int is_cycle(const frugal_sipkeys *k, unsigned eb, const uint64_t *e, unsigned L)
{
    uint64_t node[2][FRUGAL_CYCLE_MAX];
    for (unsigned i = 0; i < L; i++)
        for (unsigned s = 0; s < 2; s++)
            node[s][i] = frugal_cuckatoo_node(k, eb, e[i], s);
    int next[2][FRUGAL_CYCLE_MAX];
    for (unsigned s = 0; s < 2; s++)
        for (unsigned i = 0; i < L; i++) {
            int found = -1, count = 0;
            for (unsigned j = 0; j < L; j++)
                if (j != i && node[s][j] == (node[s][i] ^ 1)) {
                    found = (int)j;
                    count++;
                }
            for (unsigned j = 0; j < L; j++)
                if (j != i && node[s][j] == node[s][i])
                    count += 2; /* same node twice: not a simple pairing */
            if (count != 1)
                return 0;
            next[s][i] = found;
        }
    unsigned seen = 0, i = 0, s = 1;
    do {
        i = (unsigned)next[s][i];
        s ^= 1;
        seen++;
    } while (!(i == 0 && s == 1) && seen <= 2 * L);
    return seen == L;
}

int main(void)
{
    unsigned checked = 0;
    const char *files[] = {"cuckatoo/grin80.txt", "cuckatoo/zero246-c19.txt",
                           "cuckatoo/zero246-c20.txt", "cuckatoo/zero246-c22.txt",
                           "cuckatoo/zero246-c24.txt", "cuckatoo/zero246-c25.txt"};
    for (int i = 0; i < 6; i++)
        check_listed(files[i], &checked);
    printf("test_verify: %u listed cycles verify\n", checked);
    CHECK(checked > 10);

    /* mutations of Grin's C29 proof (nonce 20) */
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors("cuckatoo/grin80.txt", &v);
    cuckatoo_vector *c29 = NULL;
    for (size_t i = 0; i < n; i++)
        if (v[i].edgebits == 29)
            c29 = &v[i];
    REQUIRE(c29);
    uint64_t p[42];
    memcpy(p, c29->sols[0], sizeof p);
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, p, 42, 42), FRUGAL_OK);
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, p, 41, 42), FRUGAL_POW_WRONG_LENGTH);
    p[41] = 1ull << 29;
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, p, 42, 42), FRUGAL_POW_TOO_BIG);
    memcpy(p, c29->sols[0], sizeof p);
    p[5] = p[4];
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, p, 42, 42), FRUGAL_POW_TOO_SMALL);
    memcpy(p, c29->sols[0], sizeof p);
    p[10] += 1; /* still ascending, but a different edge: endpoints stop pairing */
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, p, 42, 42), FRUGAL_POW_NON_MATCHING);
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 30, c29->sols[0], 42, 42),
                 FRUGAL_POW_NON_MATCHING);
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 29, c29->sols[0], 42, 43), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_cuckatoo_verify(&c29->keys, 0, c29->sols[0], 42, 42), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_cuckatoo_verify(NULL, 29, c29->sols[0], 42, 42), FRUGAL_ERR_ARG);
    free(v);

    /* exhaustive: every 4-subset of tiny graphs; the verifier must say OK exactly
     * for cycles, and each of branch, dead end and short cycle must occur */
    fr_rng rng = fr_test_rng("test_verify", 7);
    unsigned seen[64] = {0};
    unsigned eb = 4, L = 4;
    for (int trial = 0; trial < 400; trial++) {
        frugal_sipkeys k;
        for (int i = 0; i < 4; i++)
            k.k[i] = fr_rng_next(&rng);
        uint64_t e[4];
        for (e[0] = 0; e[0] < 16; e[0]++)
            for (e[1] = e[0] + 1; e[1] < 16; e[1]++)
                for (e[2] = e[1] + 1; e[2] < 16; e[2]++)
                    for (e[3] = e[2] + 1; e[3] < 16; e[3]++) {
                        frugal_status st = frugal_cuckatoo_verify(&k, eb, e, L, L);
                        CHECK((st == FRUGAL_OK) == is_cycle(&k, eb, e, L));
                        if ((unsigned)st < 64)
                            seen[st]++;
                    }
    }
    printf("test_verify: tiny graphs: ok %u, non-matching %u, branch %u, dead end %u, short %u\n",
           seen[FRUGAL_OK], seen[FRUGAL_POW_NON_MATCHING], seen[FRUGAL_POW_BRANCH],
           seen[FRUGAL_POW_DEAD_END], seen[FRUGAL_POW_SHORT_CYCLE]);
    CHECK(seen[FRUGAL_OK] > 0);
    CHECK(seen[FRUGAL_POW_BRANCH] > 0);
    CHECK(seen[FRUGAL_POW_DEAD_END] > 0);
    CHECK(seen[FRUGAL_POW_SHORT_CYCLE] > 0);
    CHECK(seen[FRUGAL_POW_NON_MATCHING] > 0);
    return fr_test_result("test_verify");
}
