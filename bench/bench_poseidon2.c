/* Poseidon2 throughput per backend on one core: permutations per second for batches
 * of states (permute) and of pairs (compress, the Merkle tree's inner nodes), one
 * JSON line each; then the scalar code with plain % reduction instead of Montgomery
 * form, the measurement behind that choice. Seconds are the thread's CPU time; each
 * figure is timed REPS times (the machine may be shared) and reported as min, median
 * and max, the rate from the median.
 * Usage: bench_poseidon2 [MILLION_PERMS [REPS]]   (defaults 4 and 5) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/time.h"
#include "frugal/common.h"
#include "hash/poseidon2.h"

void p2_plain_permute(uint32_t s[16]);

enum { BATCH = 1024 };
static uint32_t states[16 * BATCH], out[8 * BATCH];

/* CPU time of this thread: the machine may be shared, and the figure is per core. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run(const fr_p2_backend *b, int mode, size_t total)
{
    double t0 = cpu_now();
    for (size_t done = 0; done < total; done += BATCH) {
        if (mode == 0)
            b->permute(states, BATCH);
        else
            b->compress(states, BATCH, out);
    }
    return cpu_now() - t0;
}

enum { MAXREPS = 99 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    double millions = argc > 1 ? atof(argv[1]) : 4;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (millions <= 0 || reps < 1 || reps > MAXREPS) {
        fprintf(stderr, "usage: bench_poseidon2 [MILLION_PERMS [REPS (1..%d)]]\n", MAXREPS);
        return 2;
    }
    for (int i = 0; i < 16 * BATCH; i++)
        states[i] = (uint32_t)((uint64_t)i * 2654435761u % 2013265921u);
    const fr_p2_backend *bs[] = {&fr_p2_scalar, &fr_p2_avx2, &fr_p2_avx512};
    unsigned need[] = {0, FRUGAL_CPU_AVX2, FRUGAL_CPU_AVX512};
    for (int b = 0; b < 3; b++) {
        if ((frugal_cpu_detected() & need[b]) != need[b])
            continue;
        size_t total = (size_t)(millions * 1e6 / (b == 0 ? 8 : 1));
        total = (total + BATCH - 1) / BATCH * BATCH;
        for (int mode = 0; mode < 2; mode++) {
            double s[MAXREPS];
            for (int r = 0; r < reps; r++)
                s[r] = run(bs[b], mode, total);
            qsort(s, (size_t)reps, sizeof *s, cmp_double);
            double med = reps % 2 ? s[reps / 2] : (s[reps / 2 - 1] + s[reps / 2]) / 2;
            printf("{\"bench\":\"poseidon2\",\"backend\":\"%s\",\"lanes\":%u,\"mode\":\"%s\","
                   "\"threads\":1,\"perms\":%zu,\"reps\":%d,\"seconds_min\":%.4f,"
                   "\"seconds_median\":%.4f,\"seconds_max\":%.4f,\"mperm_per_s_per_core\":%.2f,"
                   "\"mperm_per_s_best\":%.2f,\"sink\":%u}\n",
                   bs[b]->name, bs[b]->lanes, mode ? "compress" : "permute", total, reps, s[0], med,
                   s[reps - 1], (double)total / med / 1e6, (double)total / s[0] / 1e6,
                   states[0] ^ out[0]);
            fflush(stdout);
        }
    }
    /* plain % reduction, same structure: checked against the library, then timed */
    uint32_t a[16], c[16];
    for (int i = 0; i < 16; i++)
        a[i] = c[i] = (uint32_t)i * 123456789u % 2013265921u;
    fr_p2_permute1(a);
    p2_plain_permute(c);
    if (memcmp(a, c, sizeof a) != 0) {
        fprintf(stderr, "bench_poseidon2: the plain variant disagrees\n");
        return 1;
    }
    size_t total = (size_t)(millions * 1e6 / 8);
    double t0 = cpu_now();
    for (size_t i = 0; i < total; i++)
        p2_plain_permute(states + 16 * (i % BATCH));
    double s = cpu_now() - t0;
    printf("{\"bench\":\"poseidon2\",\"backend\":\"scalar-plain-mod\",\"lanes\":1,"
           "\"mode\":\"permute\",\"threads\":1,\"perms\":%zu,\"seconds_median\":%.4f,"
           "\"mperm_per_s_per_core\":%.2f,\"sink\":%u}\n",
           total, s, (double)total / s / 1e6, states[0]);
    return 0;
}
