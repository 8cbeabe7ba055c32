/* AVX-512 inner loops of the bucket trimmers.
 * gather: 16 bits at a time, VPCOMPRESSD of the lane indices under the bit mask (empty
 * words skipped, sparse ones bit by bit).
 * check: 16 partners at a time, their bitmap words fetched with VPGATHERDD (the
 * bitmap read as 32-bit words), a per-lane shift and test; only the dead lanes
 * (a minority after the first rounds) touch `alive`, in ascending order, prefetched. */
#include <immintrin.h>

#include "cuckatoo/kernels.h"

static size_t gather_avx512(const uint64_t *words, uint64_t *w, uint64_t w_hi, uint64_t *bits,
                            uint32_t *out, size_t cap)
{
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    size_t k = 0;
    uint64_t ww = *w, b = *bits;
    while (ww < w_hi && k + 64 <= cap) {
        if (!b) { /* late rounds: most words are empty */
            while (++ww < w_hi && !(b = words[ww]))
                ;
            continue;
        }
        uint32_t base = (uint32_t)(ww * 64);
        if (__builtin_popcountll(b) <= 4) { /* sparse: cheaper than four compress stores */
            do {
                out[k++] = base + (uint32_t)__builtin_ctzll(b);
                b &= b - 1;
            } while (b);
        } else {
            for (unsigned q = 0; q < 4; q++) {
                __mmask16 m = (__mmask16)(b >> (16 * q));
                __m512i idx = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(base + 16 * q)));
                _mm512_mask_compressstoreu_epi32(out + k, m, idx);
                k += (size_t)__builtin_popcount(m);
            }
        }
        if (++ww < w_hi)
            b = words[ww];
    }
    *w = ww;
    *bits = ww < w_hi ? b : 0;
    return k;
}

/* Kills walk the live bitmap in ascending order but a stream's next kill is often a
 * cache line or more away, past what the hardware prefetcher follows: fetch the words
 * of the stream's edges PF_AHEAD places ahead (about 4% of a C29 solve). */
#define PF_AHEAD 256
static uint64_t check_avx512(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                             const uint64_t *restrict marks, uint64_t *restrict alive)
{
    const int *m32 = (const int *)marks; /* bit i of the bitmap is bit i%32 of word i/32 */
    const __m512i one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
    uint64_t kills = 0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        if (i + PF_AHEAD + 16 <= n) {
            __builtin_prefetch(&alive[e[i + PF_AHEAD] >> 6], 1, 3);
            __builtin_prefetch(&alive[e[i + PF_AHEAD + 8] >> 6], 1, 3);
        }
        __m512i y = _mm512_xor_si512(_mm512_loadu_si512(x + i), one);
        __m512i wv = _mm512_i32gather_epi32(_mm512_srli_epi32(y, 5), m32, 4);
        __m512i bit = _mm512_and_si512(_mm512_srlv_epi32(wv, _mm512_and_si512(y, low5)), one);
        unsigned dead = _mm512_testn_epi32_mask(bit, bit);
        kills += (uint64_t)__builtin_popcount(dead);
        while (dead) {
            uint32_t ei = e[i + (unsigned)__builtin_ctz(dead)];
            alive[ei >> 6] &= ~(1ull << (ei & 63));
            dead &= dead - 1;
        }
    }
    for (; i < n; i++) {
        uint32_t y = x[i] ^ 1;
        if (!((marks[y >> 6] >> (y & 63)) & 1)) {
            alive[e[i] >> 6] &= ~(1ull << (e[i] & 63));
            kills++;
        }
    }
    return kills;
}

/* The test of check_avx512; the dead lanes' edges leave with one VPCOMPRESSD. */
static size_t dead_avx512(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                          const uint64_t *restrict marks, uint32_t *restrict out)
{
    const int *m32 = (const int *)marks;
    const __m512i one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
    size_t k = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i y = _mm512_xor_si512(_mm512_loadu_si512(x + i), one);
        __m512i wv = _mm512_i32gather_epi32(_mm512_srli_epi32(y, 5), m32, 4);
        __m512i bit = _mm512_and_si512(_mm512_srlv_epi32(wv, _mm512_and_si512(y, low5)), one);
        __mmask16 dead = _mm512_testn_epi32_mask(bit, bit);
        _mm512_mask_compressstoreu_epi32(out + k, dead, _mm512_loadu_si512(e + i));
        k += (size_t)__builtin_popcount(dead);
    }
    for (; i < n; i++) {
        uint32_t y = x[i] ^ 1;
        out[k] = e[i];
        k += ((marks[y >> 6] >> (y & 63)) & 1) ^ 1;
    }
    return k;
}

/* 16 routes at a time with VPGATHERDD (the table is small and stays in L1), the kept
 * lanes leave with two VPCOMPRESSD. */
static size_t pick_avx512(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                          const uint32_t *restrict route, unsigned shift, uint32_t pass,
                          uint32_t *restrict e_out, uint32_t *restrict j_out)
{
    const __m512i sh = _mm512_set1_epi32((int)shift), low8 = _mm512_set1_epi32(0xff);
    const __m512i pv = _mm512_set1_epi32((int)pass);
    size_t k = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i b = _mm512_srlv_epi32(_mm512_loadu_si512(x + i), sh);
        __m512i r = _mm512_i32gather_epi32(b, (const int *)route, 4);
        __mmask16 keep = _mm512_cmpeq_epi32_mask(_mm512_and_si512(r, low8), pv);
        _mm512_mask_compressstoreu_epi32(e_out + k, keep, _mm512_loadu_si512(e + i));
        _mm512_mask_compressstoreu_epi32(j_out + k, keep, _mm512_srli_epi32(r, 8));
        k += (size_t)__builtin_popcount(keep);
    }
    for (; i < n; i++) {
        uint32_t r = route[x[i] >> shift];
        e_out[k] = e[i];
        j_out[k] = r >> 8;
        k += (r & 0xff) == pass;
    }
    return k;
}

const fr_bt_kernels fr_bt_avx512 = {"avx512", gather_avx512, check_avx512, dead_avx512,
                                    pick_avx512};
