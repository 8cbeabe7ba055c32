/* Regression of the trimming itself: the live edge count after every round, for a
 * fixed set of graphs, is the same for every trimmer and equal to the checked-in
 * file tests/regress/rounds.txt ("eb nonce rounds count_0 ... count_{rounds-1}";
 * graphs of the 246-byte zero header). Usage: test_rounds KIND FILE [--write|--scalar]
 * (--write regenerates the file from KIND, review the diff before committing;
 * --scalar forces the portable backends, so they run end to end on any CPU). */
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"

static const struct { unsigned eb, nonces; } graphs[] = {{16, 12}, {19, 6}, {20, 4}, {22, 2}};

int main(int argc, char **argv)
{
    REQUIRE(argc >= 3);
    frugal_solver_kind kind;
    REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    int write = argc > 3 && strcmp(argv[3], "--write") == 0;
    if (argc > 3 && strcmp(argv[3], "--scalar") == 0)
        frugal_cpu_allow(0);
    FILE *f = fopen(argv[2], write ? "w" : "r");
    REQUIRE(f);
    if (write)
        fprintf(f, "# eb nonce rounds alive-after-each-round (246-byte zero header); see test_rounds.c\n");
    else {
        int c;
        while ((c = fgetc(f)) != '\n' && c != EOF) /* skip the comment line */
            ;
    }
    static solve_result res;
    size_t checked = 0;
    for (size_t g = 0; g < sizeof graphs / sizeof *graphs; g++) {
        frugal_solver *s = su_create(kind, graphs[g].eb, 42, 2);
        for (unsigned nonce = 0; nonce < graphs[g].nonces; nonce++) {
            frugal_sipkeys k;
            vector_keys_from_zero_header(246, nonce, &k);
            su_solve(s, &k, graphs[g].eb, 42, &res);
            CHECK_STATUS(res.status, FRUGAL_OK);
            if (write) {
                fprintf(f, "%u %u %u", graphs[g].eb, nonce, res.stats.rounds);
                for (unsigned r = 0; r < res.stats.rounds; r++)
                    fprintf(f, " %llu", (unsigned long long)res.stats.alive[r]);
                fprintf(f, "\n");
                continue;
            }
            unsigned eb, n, rounds;
            REQUIRE(fscanf(f, "%u %u %u", &eb, &n, &rounds) == 3);
            REQUIRE(eb == graphs[g].eb && n == nonce);
            CHECK_EQ_U64(res.stats.rounds, rounds);
            for (unsigned r = 0; r < rounds; r++) {
                unsigned long long want;
                REQUIRE(fscanf(f, "%llu", &want) == 1);
                if (r < res.stats.rounds && res.stats.alive[r] != want) {
                    fprintf(stderr, "C%u nonce %u round %u: %llu alive, file says %llu\n", eb,
                            nonce, r, (unsigned long long)res.stats.alive[r], want);
                    fr_test_failures++;
                    break;
                }
            }
            int c;
            while ((c = fgetc(f)) != '\n' && c != EOF)
                ;
            checked++;
        }
        frugal_solver_destroy(s);
    }
    fclose(f);
    printf("test_rounds %s: %zu graphs compared\n", argv[1], checked);
    return fr_test_result("test_rounds");
}
