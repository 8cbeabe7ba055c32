/* Merkle tree benchmark: builds a tree of height H over a memory image, then applies
 * updates of given fractions of its blocks, scattered (a seeded random sample) and
 * clustered (one contiguous run), each as one frugal_merkle_update. One JSON line per
 * build and per update: seconds, permutations, records, tree bytes (tracked
 * allocations: planned and high-water), peak RSS of the process. Touched sets and
 * contents depend only on the seed, so runs with different page_bits apply the same
 * updates: a K=0 tree spends exactly one permutation per record, which makes
 * "hashes / records" the cost relative to K = 0.
 *   MEM random:   every byte random (a full 16 * 2^H-byte image)
 *   MEM segments: a zkVM-like image: 4 MiB of data at the bottom (heap) and 1 MiB at
 *                 the top (stack) of the address space, nothing else; the tree
 *                 borrows those two regions only
 * "cpu_seconds" is the process's user + system time over the same span: on a shared
 * machine it shows the work where wall-clock "seconds" also shows the waiting.
 * Usage: bench_merkle H K dense|sparse random|segments THREADS [FRACTION...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "common/time.h"
#include "frugal/merkle.h"

static uint64_t rng_state = 0x5eed;

static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(uint8_t *p, uint64_t len)
{
    for (uint64_t i = 0; i + 8 <= len; i += 8) {
        uint64_t x = next();
        memcpy(p + i, &x, 8);
    }
}

static void *big_alloc(uint64_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "bench_merkle: cannot map %llu bytes\n", (unsigned long long)bytes);
        exit(1);
    }
    return p;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

typedef struct span {
    uint64_t first, count; /* blocks */
} span;

/* n distinct blocks out of the spans, ascending: scattered or one clustered run. */
static uint64_t pick(const span *sp, int nsp, uint64_t n, int clustered, uint64_t *out)
{
    uint64_t total = 0;
    for (int i = 0; i < nsp; i++)
        total += sp[i].count;
    if (n > total)
        n = total;
    uint64_t m = 0;
    if (clustered) {
        uint64_t start = next() % (total - n + 1);
        for (uint64_t j = start; j < start + n; j++)
            out[m++] = j;
    } else { /* selection sampling (Knuth's algorithm S): ascending, exactly n */
        for (uint64_t j = 0; j < total && m < n; j++)
            if ((next() >> 11) % (total - j) < n - m)
                out[m++] = j;
    }
    for (uint64_t i = 0, s = 0, base = 0; i < m; i++) { /* candidate index -> block */
        while (out[i] >= base + sp[s].count) {
            base += sp[s].count;
            s++;
        }
        out[i] = sp[s].first + (out[i] - base);
    }
    return m;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_merkle H K dense|sparse random|segments THREADS [FRACTION...]\n");
        return 2;
    }
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, (unsigned)atoi(argv[1]));
    p.page_bits = (unsigned)atoi(argv[2]);
    p.sparse = strcmp(argv[3], "sparse") == 0;
    int segments = strcmp(argv[4], "segments") == 0;
    p.threads = (unsigned)atoi(argv[5]);
    const unsigned H = p.height;
    uint64_t bytes = (uint64_t)16 << H;
    frugal_merkle_region reg[2];
    span sp[2];
    int nreg;
    if (!segments) {
        uint8_t *mem = big_alloc(bytes);
        fill(mem, bytes);
        reg[0] = (frugal_merkle_region){0, mem, bytes};
        nreg = 1;
    } else {
        uint64_t heap = (uint64_t)4 << 20, stack = (uint64_t)1 << 20;
        if (heap + stack > bytes) {
            fprintf(stderr, "bench_merkle: segments need H >= 19\n");
            return 2;
        }
        uint8_t *h = big_alloc(heap), *s = big_alloc(stack);
        fill(h, heap);
        fill(s, stack);
        reg[0] = (frugal_merkle_region){0, h, heap};
        reg[1] = (frugal_merkle_region){bytes - stack, s, stack};
        nreg = 2;
    }
    for (int i = 0; i < nreg; i++)
        sp[i] = (span){reg[i].offset >> 4, reg[i].len >> 4};
    if (p.sparse && !p.max_pages) {
        uint64_t page_bytes = (uint64_t)16 << p.page_bits;
        for (int i = 0; i < nreg; i++)
            p.max_pages += (reg[i].len + page_bytes - 1) / page_bytes + 1;
        uint64_t all = (uint64_t)1 << (H - p.page_bits);
        if (p.max_pages > all)
            p.max_pages = all;
    }
    uint64_t planned = frugal_merkle_tree_bytes(&p);
    frugal_merkle *t;
    double t0 = fr_now(), c0 = cpu_now();
    frugal_status st = frugal_merkle_create(&p, reg, (size_t)nreg, &t);
    double build = fr_now() - t0, build_cpu = cpu_now() - c0;
    if (st != FRUGAL_OK) {
        fprintf(stderr, "bench_merkle: create: %s\n", frugal_status_str(st));
        return 1;
    }
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    const char *common_fmt = "\"height\":%u,\"page_bits\":%u,\"mode\":\"%s\",\"memory\":\"%s\","
                             "\"threads\":%u,\"backend\":\"%s\"";
    printf("{\"bench\":\"merkle_build\",");
    printf(common_fmt, H, p.page_bits, argv[3], argv[4], s.threads, s.backend);
    printf(",\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"hashes\":%llu,\"tree_bytes\":%llu,"
           "\"planned_bytes\":%llu,\"stored_pages\":%llu,\"peak_rss_bytes\":%llu}\n",
           build, build_cpu, (unsigned long long)s.build_hashes, (unsigned long long)s.high_water_bytes,
           (unsigned long long)planned, (unsigned long long)s.stored_pages,
           (unsigned long long)frugal_peak_rss_bytes());
    fflush(stdout);
    uint64_t cand = 0;
    for (int i = 0; i < nreg; i++)
        cand += sp[i].count;
    for (int a = 6; a < argc; a++) {
        double frac = atof(argv[a]);
        uint64_t n = (uint64_t)(frac * (double)cand + 0.5);
        if (n == 0)
            n = 1;
        uint64_t *blocks = malloc(n * sizeof *blocks);
        uint8_t *contents = malloc(16 * n);
        for (int clustered = 0; clustered < 2; clustered++) {
            uint64_t m = pick(sp, nreg, n, clustered, blocks);
            fill(contents, 16 * m);
            size_t nrec = 0;
            double u0 = cpu_now();
            st = frugal_merkle_update(t, blocks, contents, m, NULL, 0, &nrec);
            double ucpu = cpu_now() - u0;
            if (st != FRUGAL_OK) {
                fprintf(stderr, "bench_merkle: update: %s\n", frugal_status_str(st));
                return 1;
            }
            frugal_merkle_get_stats(t, &s);
            printf("{\"bench\":\"merkle_update\",");
            printf(common_fmt, H, p.page_bits, argv[3], argv[4], s.threads, s.backend);
            printf(",\"fraction\":%g,\"pattern\":\"%s\",\"blocks\":%llu,\"pages\":%llu,"
                   "\"records\":%zu,\"hashes\":%llu,\"hashes_per_record\":%.3f,\"seconds\":%.4f,"
                   "\"cpu_seconds\":%.4f,"
                   "\"high_water_bytes\":%llu,\"peak_rss_bytes\":%llu}\n",
                   frac, clustered ? "clustered" : "scattered", (unsigned long long)m,
                   (unsigned long long)s.update_pages, nrec, (unsigned long long)s.update_hashes,
                   (double)s.update_hashes / (double)nrec, s.update_seconds, ucpu,
                   (unsigned long long)s.high_water_bytes,
                   (unsigned long long)frugal_peak_rss_bytes());
            fflush(stdout);
        }
        free(blocks);
        free(contents);
    }
    frugal_merkle_destroy(t);
    return 0;
}
