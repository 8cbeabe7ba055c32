/* The bucket trimmers' inner loops: every backend gathers the same bit positions and
 * kills the same edges as a plain reference loop, on random bitmaps of every density
 * and on edge lists of every length around the vector width. */
#include "cuckatoo/kernels.h"
#include "frugal/common.h"
#include "harness.h"

static void check_backend(const fr_bt_kernels *k, fr_rng *rng)
{
    enum { WORDS = 300, CAP = 2048 };
    static uint64_t words[WORDS], alive_a[WORDS], alive_b[WORDS], marks[WORDS];
    static uint32_t got[WORDS * 64], want[WORDS * 64], x[WORDS * 64];
    for (int trial = 0; trial < 200; trial++) {
        unsigned density = (unsigned)(fr_rng_next(rng) % 5); /* 0: empty ... 4: full */
        for (int i = 0; i < WORDS; i++) {
            uint64_t r = fr_rng_next(rng);
            words[i] = density == 0 ? 0 : density == 4 ? ~0ull
                     : density == 1 ? r & fr_rng_next(rng) & fr_rng_next(rng) : density == 2 ? r
                     : r | fr_rng_next(rng);
        }
        /* gather over a sub-range, in pieces of a random capacity */
        uint64_t lo = fr_rng_next(rng) % WORDS, hi = lo + fr_rng_next(rng) % (WORDS - lo + 1);
        size_t nw = 0;
        for (uint64_t w = lo; w < hi; w++)
            for (int b = 0; b < 64; b++)
                if ((words[w] >> b) & 1)
                    want[nw++] = (uint32_t)(w * 64 + (uint64_t)b);
        size_t cap = 64 + (size_t)(fr_rng_next(rng) % (CAP - 64)), ng = 0;
        uint64_t w = lo, bits = lo < hi ? words[lo] : 0;
        for (size_t got_n; (got_n = k->gather(words, &w, hi, &bits, got + ng, cap)) > 0;) {
            CHECK(got_n <= cap);
            ng += got_n;
            if (ng > nw)
                break;
        }
        CHECK_EQ_U64(ng, nw);
        CHECK(memcmp(got, want, nw * sizeof *got) == 0);
        /* check: the edges are the gathered ones, with random partner nodes */
        for (int i = 0; i < WORDS; i++) {
            marks[i] = fr_rng_next(rng) & (density < 2 ? fr_rng_next(rng) : ~0ull);
            alive_a[i] = alive_b[i] = words[i];
        }
        for (size_t i = 0; i < nw; i++)
            x[i] = (uint32_t)(fr_rng_next(rng) % (WORDS * 64));
        uint64_t kills = 0;
        for (size_t i = 0; i < nw; i++) {
            uint32_t y = x[i] ^ 1;
            if (!((marks[y >> 6] >> (y & 63)) & 1)) {
                alive_a[want[i] >> 6] &= ~(1ull << (want[i] & 63));
                kills++;
            }
        }
        CHECK_EQ_U64(k->check(want, x, nw, marks, alive_b), kills);
        CHECK(memcmp(alive_a, alive_b, sizeof alive_a) == 0);
        /* dead: the same edges, listed in order, the live bitmap untouched */
        size_t nd = k->dead(want, x, nw, marks, got);
        CHECK_EQ_U64(nd, kills);
        for (size_t i = 0, j = 0; i < nw; i++) {
            uint32_t y = x[i] ^ 1;
            if (!((marks[y >> 6] >> (y & 63)) & 1)) {
                if (j >= nd || got[j] != want[i]) {
                    CHECK(!"dead lists the dead edges in order");
                    break;
                }
                j++;
            }
        }
        /* pick: a random routing of 2^8 buckets into K passes */
        static uint32_t route[256], pj[WORDS * 64];
        unsigned K = 1 + (unsigned)(fr_rng_next(rng) % 5), shift = 6 + (unsigned)(fr_rng_next(rng) % 8);
        uint32_t pass = (uint32_t)(fr_rng_next(rng) % K);
        for (unsigned b = 0; b < 256; b++)
            route[b] = (uint32_t)(fr_rng_next(rng) & 0xffff00u) | (uint32_t)(fr_rng_next(rng) % K);
        for (size_t i = 0; i < nw; i++)
            x[i] = (uint32_t)(fr_rng_next(rng) % (256u << shift));
        size_t np = k->pick(want, x, nw, route, shift, pass, got, pj), j = 0;
        for (size_t i = 0; i < nw; i++) {
            uint32_t r = route[x[i] >> shift];
            if ((r & 0xff) != pass)
                continue;
            if (j >= np || got[j] != want[i] || pj[j] != r >> 8) {
                CHECK(!"pick keeps the pass's items in order, with their indices");
                break;
            }
            j++;
        }
        CHECK_EQ_U64(np, j);
    }
}

int main(void)
{
    fr_rng rng = fr_test_rng("test_kernels", 99);
    check_backend(&fr_bt_scalar, &rng);
    if (frugal_cpu_detected() & FRUGAL_CPU_AVX512)
        check_backend(&fr_bt_avx512, &rng);
    else
        printf("test_kernels: avx512 not available on this CPU, skipped\n");
    frugal_cpu_allow(0);
    CHECK(fr_bt_kernels_select() == &fr_bt_scalar);
    frugal_cpu_allow(~0u);
    return fr_test_result("test_kernels");
}
