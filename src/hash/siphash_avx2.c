/* AVX2 siphash backend: 16 edges per step as four interleaved groups of 4 lanes, so
 * that the dependent chain of one SipRound is hidden behind the other three.
 * Rotations by 16 and 32 are byte shuffles; 13, 17 and 21 are shift pairs. */
#include <immintrin.h>

#include "hash/siphash.h"

#define LANES 16

static inline __m256i rotl(__m256i x, int b)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, b), _mm256_srli_epi64(x, 64 - b));
}

static inline __m256i rotl16(__m256i x)
{
    const __m256i idx = _mm256_setr_epi8(6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13,
                                         6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13);
    return _mm256_shuffle_epi8(x, idx);
}

static inline __m256i rotl32(__m256i x) { return _mm256_shuffle_epi32(x, 0xb1); }

#define ROUND(v0, v1, v2, v3)                                                              \
    do {                                                                                   \
        v0 = _mm256_add_epi64(v0, v1); v2 = _mm256_add_epi64(v2, v3);                      \
        v1 = rotl(v1, 13); v3 = rotl16(v3);                                                \
        v1 = _mm256_xor_si256(v1, v0); v3 = _mm256_xor_si256(v3, v2); v0 = rotl32(v0);     \
        v2 = _mm256_add_epi64(v2, v1); v0 = _mm256_add_epi64(v0, v3);                      \
        v1 = rotl(v1, 17); v3 = rotl(v3, 21);                                              \
        v1 = _mm256_xor_si256(v1, v2); v3 = _mm256_xor_si256(v3, v0); v2 = rotl32(v2);     \
    } while (0)

/* Hashes 16 nonces held as four vectors of 4, writes the masked low 32 bits. */
static inline void hash16(const frugal_sipkeys *keys, const __m256i m[4], uint32_t mask,
                          uint32_t *out)
{
    const __m256i k0 = _mm256_set1_epi64x((long long)keys->k[0]);
    const __m256i k1 = _mm256_set1_epi64x((long long)keys->k[1]);
    const __m256i k2 = _mm256_set1_epi64x((long long)keys->k[2]);
    const __m256i k3 = _mm256_set1_epi64x((long long)keys->k[3]);
    const __m256i ff = _mm256_set1_epi64x(0xff);
    __m256i a0 = k0, a1 = k1, a2 = k2, a3 = _mm256_xor_si256(k3, m[0]);
    __m256i b0 = k0, b1 = k1, b2 = k2, b3 = _mm256_xor_si256(k3, m[1]);
    __m256i c0 = k0, c1 = k1, c2 = k2, c3 = _mm256_xor_si256(k3, m[2]);
    __m256i d0 = k0, d1 = k1, d2 = k2, d3 = _mm256_xor_si256(k3, m[3]);
    for (int r = 0; r < 2; r++) {
        ROUND(a0, a1, a2, a3); ROUND(b0, b1, b2, b3);
        ROUND(c0, c1, c2, c3); ROUND(d0, d1, d2, d3);
    }
    a0 = _mm256_xor_si256(a0, m[0]); a2 = _mm256_xor_si256(a2, ff);
    b0 = _mm256_xor_si256(b0, m[1]); b2 = _mm256_xor_si256(b2, ff);
    c0 = _mm256_xor_si256(c0, m[2]); c2 = _mm256_xor_si256(c2, ff);
    d0 = _mm256_xor_si256(d0, m[3]); d2 = _mm256_xor_si256(d2, ff);
    for (int r = 0; r < 4; r++) {
        ROUND(a0, a1, a2, a3); ROUND(b0, b1, b2, b3);
        ROUND(c0, c1, c2, c3); ROUND(d0, d1, d2, d3);
    }
    __m256i h[4] = {
        _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3)),
        _mm256_xor_si256(_mm256_xor_si256(b0, b1), _mm256_xor_si256(b2, b3)),
        _mm256_xor_si256(_mm256_xor_si256(c0, c1), _mm256_xor_si256(c2, c3)),
        _mm256_xor_si256(_mm256_xor_si256(d0, d1), _mm256_xor_si256(d2, d3)),
    };
    const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i vmask = _mm256_set1_epi32((int)mask);
    for (int g = 0; g < 4; g += 2) {
        /* low halves of 2x4 u64 -> 8 u32 in order */
        __m256i lo = _mm256_permutevar8x32_epi32(h[g], pick);
        __m256i hi = _mm256_permutevar8x32_epi32(h[g + 1], pick);
        __m256i both = _mm256_permute2x128_si256(lo, hi, 0x20);
        _mm256_storeu_si256((__m256i *)(out + 4 * g), _mm256_and_si256(both, vmask));
    }
}

static void nodes_avx2(const frugal_sipkeys *keys, const uint32_t *edges, size_t n,
                       unsigned side, uint32_t mask, uint32_t *out)
{
    const __m256i vside = _mm256_set1_epi64x(side);
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        __m256i m[4];
        for (int g = 0; g < 4; g++) {
            __m128i e = _mm_loadu_si128((const __m128i *)(edges + i + 4 * g));
            __m256i w = _mm256_cvtepu32_epi64(e);
            m[g] = _mm256_add_epi64(_mm256_add_epi64(w, w), vside);
        }
        hash16(keys, m, mask, out + i);
    }
    for (; i < n; i++)
        out[i] = fr_sip_node(keys, edges[i], side, mask);
}

static void seq_avx2(const frugal_sipkeys *keys, uint32_t first, size_t n, unsigned side,
                     uint32_t mask, uint32_t *out)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        uint64_t base = 2 * ((uint64_t)first + i) + side;
        __m256i m[4];
        for (int g = 0; g < 4; g++)
            m[g] = _mm256_add_epi64(_mm256_set1_epi64x((long long)base),
                                    _mm256_setr_epi64x(8 * g, 8 * g + 2, 8 * g + 4, 8 * g + 6));
        hash16(keys, m, mask, out + i);
    }
    for (; i < n; i++)
        out[i] = fr_sip_node(keys, first + (uint32_t)i, side, mask);
}

const fr_sip_backend fr_sip_avx2 = {"avx2", LANES, nodes_avx2, seq_avx2};
