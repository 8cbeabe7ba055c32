/* Deterministic counters of the Merkle tree, checked against a file kept in the
 * repository (tests/regress/merkle.txt): for fixed memories and fixed updates, the
 * permutations of the build, the pages stored, and the records and permutations of
 * each update, for several page_bits, dense and sparse, and the first word of each
 * root. A change in these numbers is a change in the algorithm's work; regenerate
 * with `test_merkle_regress --write FILE` only when that is intended.
 * Usage: test_merkle_regress FILE [--write] */
#include "frugal/merkle.h"
#include "harness.h"

enum { H = 12 };

static uint64_t state;
static uint64_t next(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Memory: random bytes in the first 40%, one page-sized island at 3/4, zeros elsewhere. */
static void memory(uint8_t *mem, size_t len)
{
    memset(mem, 0, len);
    for (size_t i = 0; i < len * 2 / 5; i++)
        mem[i] = (uint8_t)next();
    for (size_t i = len * 3 / 4; i < len * 3 / 4 + 256; i++)
        mem[i] = (uint8_t)next();
}

/* Update u (0: 1% scattered, 1: a clustered run of 10%, 2: whole pages at the top). */
static size_t touched(int u, uint64_t *blocks, uint8_t *contents)
{
    const uint64_t n = (uint64_t)1 << H;
    size_t m = 0;
    if (u == 0) {
        for (uint64_t b = 0; b < n; b++)
            if (next() % 100 == 0)
                blocks[m++] = b;
    } else if (u == 1) {
        uint64_t start = next() % (n - n / 10);
        for (uint64_t b = start; b < start + n / 10; b++)
            blocks[m++] = b;
    } else {
        for (uint64_t b = n - 64; b < n; b++)
            blocks[m++] = b;
    }
    for (size_t i = 0; i < 16 * m; i++)
        contents[i] = (uint8_t)next();
    return m;
}

static void line_for(unsigned k, int sparse, char *out, size_t cap)
{
    static uint8_t mem[16 << H], contents[16 << H];
    static uint64_t blocks[1 << H];
    state = 12345;
    memory(mem, sizeof mem);
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, H);
    p.page_bits = k;
    p.sparse = sparse;
    p.threads = 2;
    frugal_merkle_region reg = {0, mem, sizeof mem};
    frugal_merkle *t;
    REQUIRE(frugal_merkle_create(&p, &reg, 1, &t) == FRUGAL_OK);
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    frugal_digest root;
    frugal_merkle_root(t, &root);
    int n = snprintf(out, cap, "H %d K %u %s build %llu pages %llu root %u", H, k,
                     sparse ? "sparse" : "dense", (unsigned long long)s.build_hashes,
                     (unsigned long long)s.stored_pages, root.e[0]);
    for (int u = 0; u < 3; u++) {
        size_t m = touched(u, blocks, contents), nrec = 0;
        REQUIRE(frugal_merkle_update(t, blocks, contents, m, NULL, 0, &nrec) == FRUGAL_OK);
        frugal_merkle_get_stats(t, &s);
        frugal_merkle_root(t, &root);
        n += snprintf(out + n, cap - (size_t)n, " | %zu blocks %zu records %llu hashes root %u", m,
                      nrec, (unsigned long long)s.update_hashes, root.e[0]);
    }
    frugal_merkle_destroy(t);
}

int main(int argc, char **argv)
{
    REQUIRE(argc >= 2);
    int write = argc > 2 && strcmp(argv[2], "--write") == 0;
    FILE *f = fopen(argv[1], write ? "w" : "r");
    REQUIRE(f != NULL);
    if (write)
        fprintf(f, "# Merkle tree work counters (tests/test_merkle_regress.c); one line per tree:\n"
                   "# build permutations, stored pages, root word 0, then per update: blocks,\n"
                   "# records, permutations, root word 0.\n");
    static const unsigned ks[] = {0, 1, 3, 5, 12};
    char want[1024], got[1024];
    int lines = 0;
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
        for (int sparse = 0; sparse < 2; sparse++) {
            line_for(ks[i], sparse, got, sizeof got);
            if (write) {
                fprintf(f, "%s\n", got);
                continue;
            }
            do {
                REQUIRE(fgets(want, sizeof want, f) != NULL);
            } while (want[0] == '#');
            want[strcspn(want, "\n")] = '\0';
            CHECK(strcmp(want, got) == 0);
            if (strcmp(want, got) != 0)
                fprintf(stderr, "  want: %s\n  got:  %s\n", want, got);
            lines++;
        }
    fclose(f);
    if (!write)
        CHECK_EQ_U64(lines, 10);
    return fr_test_result("test_merkle_regress");
}
