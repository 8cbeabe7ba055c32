/* Packed-stream codec throughput and size, as JSON lines.
 *
 * Usage: bench_pack [MVALUES] [BLOCK_BYTES] [REPS]   (defaults 16, 4096, 3)
 *
 * Two workloads per format (rice, raw32), bucket count B (1024, 4096), live
 * fraction f (1, 0.6, 0.3, 0.1, 0.01) and backend (scalar, bmi2 where the CPU has
 * it), each with about MVALUES million values:
 *   scatter  what a trimmer round does: edges in ascending order, each live with
 *            probability f, each sent to a random bucket; a 32-entry staging
 *            buffer per bucket is appended when full (encode time includes the
 *            staging); then every bucket is decoded with release (decode time).
 *   stream   the codec alone: single streams with geometric gaps of mean B/f
 *            (as a bucket has), appended 256 values per call, decoded whole.
 * Rice streams use k = fr_pack_rice_k(B / f). Figures: bits_per_value (coded
 * bits, headers included), footprint_bits_per_value (peak pool blocks times block
 * size), and encode/decode throughput in M values/s and MB/s of u32 input
 * (4 bytes per value), median of REPS runs with min and max. Times are the
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that on a shared machine the
 * time the thread spent descheduled does not count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "frugal/common.h"
#include "pack/pack.h"

enum { STAGE = 32, CALL = 256 };

static uint64_t rng_s = 0x243f6a8885a308d3ull;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng(void)
{
    uint64_t z = (rng_s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A gap >= 1 from the geometric distribution with success probability f. */
static uint64_t geo_gap(double f)
{
    if (f >= 1)
        return 1;
    double u = ((double)(rng() >> 11) + 0.5) * 0x1p-53;
    return 1 + (uint64_t)floor(log(u) / log1p(-f));
}

typedef struct work {
    size_t nvals;
    uint32_t *vals;   /* scatter: edge indices in order; stream: the streams, concatenated */
    uint16_t *bucket; /* scatter: bucket of each value */
    size_t nstreams, *start; /* stream: stream s is vals[start[s] .. start[s+1]) */
} work;

static void make_scatter(work *wk, size_t nvals, unsigned nb, double f)
{
    uint64_t e = 0;
    for (size_t i = 0; i < nvals; i++) {
        e += geo_gap(f) - (i == 0);
        wk->vals[i] = (uint32_t)e;
        wk->bucket[i] = (uint16_t)(rng() % nb);
    }
    wk->nvals = nvals;
}

static void make_streams(work *wk, size_t nvals, double mean)
{
    double f = 1 / mean;
    size_t s = 0;
    uint64_t v = 0;
    for (size_t i = 0; i < nvals; i++) {
        uint64_t g = geo_gap(f);
        if (i == 0 || v + g > 0xffffffffull) { /* a new stream when this one is full */
            wk->start[s++] = i;
            v = g - 1;
        } else {
            v += g;
        }
        wk->vals[i] = (uint32_t)v;
    }
    wk->start[s] = nvals;
    wk->nstreams = s;
    wk->nvals = nvals;
}

typedef struct run {
    double enc_s, dec_s;
    uint64_t bits, peak_blocks;
    uint64_t sink;
} run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fail(const char *what, frugal_status st)
{
    fprintf(stderr, "bench_pack: %s: %s\n", what, frugal_status_str(st));
    exit(1);
}

static void run_scatter(const work *wk, unsigned nb, int format, unsigned k, void *mem,
                        size_t bytes, unsigned bb, uint32_t *stage, uint32_t *out, run *r)
{
    fr_pack_pool pool;
    fr_pack_writer *w = malloc(nb * sizeof *w);
    unsigned *fill = calloc(nb, sizeof *fill);
    frugal_status st = fr_pack_pool_init(&pool, mem, bytes, bb);
    if (st != FRUGAL_OK || !w || !fill)
        fail("pool", st);
    for (unsigned b = 0; b < nb; b++)
        fr_pack_writer_init(&w[b], format, k);
    double t0 = cpu_now();
    for (size_t i = 0; i < wk->nvals; i++) {
        unsigned b = wk->bucket[i];
        stage[b * STAGE + fill[b]] = wk->vals[i];
        if (++fill[b] == STAGE) {
            if ((st = fr_pack_append(&pool, &w[b], stage + b * STAGE, STAGE)) != FRUGAL_OK)
                fail("append", st);
            fill[b] = 0;
        }
    }
    for (unsigned b = 0; b < nb; b++) {
        if ((st = fr_pack_append(&pool, &w[b], stage + b * STAGE, fill[b])) != FRUGAL_OK)
            fail("append", st);
        fr_pack_writer_finish(&pool, &w[b]);
    }
    double t1 = cpu_now();
    r->bits = 0;
    for (unsigned b = 0; b < nb; b++)
        r->bits += fr_pack_writer_bits(&w[b]);
    r->peak_blocks = fr_pack_pool_peak_blocks(&pool);
    double t2 = cpu_now();
    uint64_t sink = 0, total = 0;
    for (unsigned b = 0; b < nb; b++) {
        size_t n;
        if ((st = fr_pack_decode(&pool, &w[b], out, wk->nvals, 1, &n)) != FRUGAL_OK)
            fail("decode", st);
        sink += n ? out[n - 1] + out[n / 2] : 0;
        total += n;
    }
    double t3 = cpu_now();
    if (total != wk->nvals || fr_pack_pool_free_blocks(&pool) != fr_pack_pool_blocks(&pool))
        fail("lost values or blocks", FRUGAL_ERR_INTERNAL);
    r->enc_s = t1 - t0;
    r->dec_s = t3 - t2;
    r->sink = sink;
    free(w);
    free(fill);
}

static void run_streams(const work *wk, int format, unsigned k, void *mem, size_t bytes,
                        unsigned bb, uint32_t *out, run *r)
{
    fr_pack_pool pool;
    frugal_status st = fr_pack_pool_init(&pool, mem, bytes, bb);
    fr_pack_writer *w = malloc(wk->nstreams * sizeof *w);
    if (st != FRUGAL_OK || !w)
        fail("pool", st);
    double t0 = cpu_now();
    for (size_t s = 0; s < wk->nstreams; s++) {
        fr_pack_writer_init(&w[s], format, k);
        for (size_t i = wk->start[s]; i < wk->start[s + 1]; i += CALL) {
            size_t m = wk->start[s + 1] - i < CALL ? wk->start[s + 1] - i : CALL;
            if ((st = fr_pack_append(&pool, &w[s], wk->vals + i, m)) != FRUGAL_OK)
                fail("append", st);
        }
        fr_pack_writer_finish(&pool, &w[s]);
    }
    double t1 = cpu_now();
    r->bits = 0;
    for (size_t s = 0; s < wk->nstreams; s++)
        r->bits += fr_pack_writer_bits(&w[s]);
    r->peak_blocks = fr_pack_pool_peak_blocks(&pool);
    double t2 = cpu_now();
    uint64_t sink = 0;
    for (size_t s = 0; s < wk->nstreams; s++) {
        size_t n;
        if ((st = fr_pack_decode(&pool, &w[s], out, wk->nvals, 1, &n)) != FRUGAL_OK)
            fail("decode", st);
        sink += out[n - 1] + out[n / 2];
    }
    double t3 = cpu_now();
    r->enc_s = t1 - t0;
    r->dec_s = t3 - t2;
    r->sink = sink;
    free(w);
}

int main(int argc, char **argv)
{
    size_t nvals = (size_t)((argc > 1 ? atof(argv[1]) : 16) * 1e6);
    unsigned bb = argc > 2 ? (unsigned)atoi(argv[2]) : 4096;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    if (nvals < 1000 || fr_pack_pool_bytes(1, bb) == 0 || reps < 1 || reps > 99) {
        fprintf(stderr, "usage: bench_pack [MVALUES >= 0.001] [BLOCK_BYTES 256..65536] [REPS]\n");
        return 2;
    }
    const unsigned nbs[] = {1024, 4096};
    const double fs[] = {1.0, 0.6, 0.3, 0.1, 0.01};
    work wk = {0};
    wk.vals = malloc(nvals * sizeof *wk.vals);
    wk.bucket = malloc(nvals * sizeof *wk.bucket);
    wk.start = malloc((nvals + 1) * sizeof *wk.start);
    uint32_t *out = malloc(nvals * sizeof *out);
    uint32_t *stage = malloc(4096 * STAGE * sizeof *stage);
    size_t bytes = nvals * 5 + (size_t)(4096 + 64) * bb * 2 + 64;
    void *mem = malloc(bytes);
    if (!wk.vals || !wk.bucket || !wk.start || !out || !stage || !mem)
        fail("memory", FRUGAL_ERR_NOMEM);
    memset(mem, 0, bytes);
    unsigned detected = frugal_cpu_detected();
    for (int mode = 0; mode < 2; mode++)
        for (int nbi = 0; nbi < 2; nbi++)
            for (int fi = 0; fi < 5; fi++) {
                unsigned nb = nbs[nbi];
                double f = fs[fi];
                if (mode == 0)
                    make_scatter(&wk, nvals, nb, f);
                else
                    make_streams(&wk, nvals, nb / f);
                for (int format = FR_PACK_RICE; format <= FR_PACK_RAW32; format++)
                    for (int be = 0; be < 2; be++) {
                        frugal_cpu_allow(be ? ~0u : 0);
                        fr_pack_pool probe;
                        fr_pack_pool_init(&probe, mem, bytes, bb);
                        const char *bname = fr_pack_pool_backend(&probe);
                        if (be && strcmp(bname, "scalar") == 0)
                            continue;
                        unsigned k = format == FR_PACK_RICE ? fr_pack_rice_k(nb / f) : 0;
                        double enc[99], dec[99];
                        run r = {0};
                        for (int rep = 0; rep < reps; rep++) {
                            if (mode == 0)
                                run_scatter(&wk, nb, format, k, mem, bytes, bb, stage, out, &r);
                            else
                                run_streams(&wk, format, k, mem, bytes, bb, out, &r);
                            enc[rep] = r.enc_s;
                            dec[rep] = r.dec_s;
                        }
                        qsort(enc, (size_t)reps, sizeof *enc, cmp_double);
                        qsort(dec, (size_t)reps, sizeof *dec, cmp_double);
                        double em = enc[reps / 2], dm = dec[reps / 2], nv = (double)nvals;
                        printf("{\"bench\":\"pack\",\"mode\":\"%s\",\"format\":\"%s\","
                               "\"backend\":\"%s\",\"cpu\":\"%s\",\"buckets\":%u,\"live\":%.2f,"
                               "\"k\":%u,\"block_bytes\":%u,\"values\":%zu,\"threads\":1,"
                               "\"bits_per_value\":%.3f,\"footprint_bits_per_value\":%.3f,"
                               "\"enc_mvals_s\":%.1f,\"enc_mb_s\":%.1f,\"dec_mvals_s\":%.1f,"
                               "\"dec_mb_s\":%.1f,\"enc_s\":[%.4f,%.4f,%.4f],"
                               "\"dec_s\":[%.4f,%.4f,%.4f],\"clock\":\"thread_cpu\",\"peak_rss_bytes\":%llu,\"sink\":%llu}\n",
                               mode ? "stream" : "scatter",
                               format == FR_PACK_RICE ? "rice" : "raw32", bname,
                               frugal_cpu_names(detected, (char[32]){0}, 32), nb, f, k, bb,
                               nvals, (double)r.bits / nv,
                               (double)r.peak_blocks * bb * 8 / nv, nv / em / 1e6,
                               4 * nv / em / 1e6, nv / dm / 1e6, 4 * nv / dm / 1e6, enc[0],
                               em, enc[reps - 1], dec[0], dm, dec[reps - 1],
                               (unsigned long long)frugal_peak_rss_bytes(),
                               (unsigned long long)r.sink);
                        fflush(stdout);
                    }
            }
    frugal_cpu_allow(~0u);
    free(wk.vals);
    free(wk.bucket);
    free(wk.start);
    free(out);
    free(stage);
    free(mem);
    return 0;
}
