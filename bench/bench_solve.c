/* Solver benchmark: one JSON line with seconds per graph (min/median/max over the
 * nonces), graphs per second, peak RSS of this process, the plan, and the live edge
 * counts of the first rounds. Run one solver per process so peak RSS is its own.
 * Usage: bench_solve EB SOLVER FIRST_NONCE COUNT [THREADS [MAX_MEM [HEADER_LEN]]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frugal/cuckatoo.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_solve EB SOLVER FIRST_NONCE COUNT [THREADS [MAX_MEM [HEADER_LEN]]]\n");
        return 2;
    }
    frugal_solver_params p;
    frugal_solver_params_default(&p, (unsigned)atoi(argv[1]));
    if (frugal_solver_kind_parse(argv[2], &p.kind) != FRUGAL_OK) {
        fprintf(stderr, "bench_solve: unknown solver %s\n", argv[2]);
        return 2;
    }
    uint64_t first = strtoull(argv[3], NULL, 10);
    unsigned count = (unsigned)atoi(argv[4]);
    p.threads = argc > 5 ? (unsigned)atoi(argv[5]) : 0;
    if (argc > 6 && frugal_parse_size(argv[6], &p.max_mem) != FRUGAL_OK) {
        fprintf(stderr, "bench_solve: bad size %s\n", argv[6]);
        return 2;
    }
    size_t hlen = argc > 7 ? (size_t)atoi(argv[7]) : 80;
    frugal_solver *s;
    frugal_status st = frugal_solver_create(&p, &s);
    if (st != FRUGAL_OK) {
        fprintf(stderr, "bench_solve: %s\n", frugal_status_str(st));
        return 1;
    }
    const frugal_solver_plan *plan = frugal_solver_get_plan(s);
    double *secs = calloc(count, sizeof *secs);
    size_t sols = 0;
    frugal_solver_stats stats;
    uint64_t alive[8] = {0};
    double bits = 0;
    for (unsigned i = 0; i < count; i++) {
        uint8_t h[256] = {0};
        frugal_sipkeys k;
        frugal_header_put_nonce32(h, hlen, (uint32_t)(first + i));
        frugal_cuckatoo_keys(h, hlen, &k);
        st = frugal_solver_solve(s, &k);
        if (st != FRUGAL_OK) {
            fprintf(stderr, "bench_solve: nonce %llu: %s\n", (unsigned long long)(first + i),
                    frugal_status_str(st));
            return 1;
        }
        frugal_solver_get_stats(s, &stats);
        secs[i] = stats.seconds;
        sols += frugal_solver_count(s);
        if (i == 0) {
            memcpy(alive, stats.alive, sizeof alive);
            bits = stats.bits_per_edge;
        }
        fprintf(stderr, "bench_solve C%u %s nonce %llu: %.2f s, %zu solutions\n", p.edgebits,
                argv[2], (unsigned long long)(first + i), secs[i], frugal_solver_count(s));
    }
    qsort(secs, count, sizeof *secs, cmp_d);
    double total = 0;
    for (unsigned i = 0; i < count; i++)
        total += secs[i];
    char feats[64];
    printf("{\"bench\":\"solve\",\"edgebits\":%u,\"solver\":\"%s\",\"threads\":%u,\"cpu\":\"%s\","
           "\"graphs\":%u,\"first_nonce\":%llu,\"seconds_min\":%.3f,\"seconds_median\":%.3f,"
           "\"seconds_max\":%.3f,\"graphs_per_second\":%.4f,\"solutions\":%zu,"
           "\"planned_bytes\":%llu,\"peak_rss_bytes\":%llu,\"bits_per_edge\":%.2f,"
           "\"alive_after_rounds\":[%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu]}\n",
           p.edgebits, frugal_solver_kind_name(plan->kind), plan->threads,
           frugal_cpu_names(frugal_cpu_features(), feats, sizeof feats), count,
           (unsigned long long)first, secs[0], secs[count / 2], secs[count - 1],
           (double)count / total, sols, (unsigned long long)plan->planned_bytes,
           (unsigned long long)frugal_peak_rss_bytes(), bits, (unsigned long long)alive[0],
           (unsigned long long)alive[1], (unsigned long long)alive[2], (unsigned long long)alive[3],
           (unsigned long long)alive[4], (unsigned long long)alive[5], (unsigned long long)alive[6],
           (unsigned long long)alive[7]);
    free(secs);
    frugal_solver_destroy(s);
    return 0;
}
