/* AVX-512 siphash backend: 32 edges per step as four interleaved groups of 8 lanes;
 * every rotation is a single vprolq. */
#include <immintrin.h>

#include "hash/siphash.h"

#define LANES 32

#define ROUND(v0, v1, v2, v3)                                                              \
    do {                                                                                   \
        v0 = _mm512_add_epi64(v0, v1); v2 = _mm512_add_epi64(v2, v3);                      \
        v1 = _mm512_rol_epi64(v1, 13); v3 = _mm512_rol_epi64(v3, 16);                      \
        v1 = _mm512_xor_si512(v1, v0); v3 = _mm512_xor_si512(v3, v2);                      \
        v0 = _mm512_rol_epi64(v0, 32);                                                     \
        v2 = _mm512_add_epi64(v2, v1); v0 = _mm512_add_epi64(v0, v3);                      \
        v1 = _mm512_rol_epi64(v1, 17); v3 = _mm512_rol_epi64(v3, 21);                      \
        v1 = _mm512_xor_si512(v1, v2); v3 = _mm512_xor_si512(v3, v0);                      \
        v2 = _mm512_rol_epi64(v2, 32);                                                     \
    } while (0)

static inline void hash32(const frugal_sipkeys *keys, const __m512i m[4], uint32_t mask,
                          uint32_t *out)
{
    const __m512i k0 = _mm512_set1_epi64((long long)keys->k[0]);
    const __m512i k1 = _mm512_set1_epi64((long long)keys->k[1]);
    const __m512i k2 = _mm512_set1_epi64((long long)keys->k[2]);
    const __m512i k3 = _mm512_set1_epi64((long long)keys->k[3]);
    const __m512i ff = _mm512_set1_epi64(0xff);
    __m512i a0 = k0, a1 = k1, a2 = k2, a3 = _mm512_xor_si512(k3, m[0]);
    __m512i b0 = k0, b1 = k1, b2 = k2, b3 = _mm512_xor_si512(k3, m[1]);
    __m512i c0 = k0, c1 = k1, c2 = k2, c3 = _mm512_xor_si512(k3, m[2]);
    __m512i d0 = k0, d1 = k1, d2 = k2, d3 = _mm512_xor_si512(k3, m[3]);
    for (int r = 0; r < 2; r++) {
        ROUND(a0, a1, a2, a3); ROUND(b0, b1, b2, b3);
        ROUND(c0, c1, c2, c3); ROUND(d0, d1, d2, d3);
    }
    a0 = _mm512_xor_si512(a0, m[0]); a2 = _mm512_xor_si512(a2, ff);
    b0 = _mm512_xor_si512(b0, m[1]); b2 = _mm512_xor_si512(b2, ff);
    c0 = _mm512_xor_si512(c0, m[2]); c2 = _mm512_xor_si512(c2, ff);
    d0 = _mm512_xor_si512(d0, m[3]); d2 = _mm512_xor_si512(d2, ff);
    for (int r = 0; r < 4; r++) {
        ROUND(a0, a1, a2, a3); ROUND(b0, b1, b2, b3);
        ROUND(c0, c1, c2, c3); ROUND(d0, d1, d2, d3);
    }
    const __m256i vmask = _mm256_set1_epi32((int)mask);
    /* xor of the four words via ternary logic (0x96 = a^b^c) */
    __m512i h[4] = {
        _mm512_xor_si512(_mm512_ternarylogic_epi64(a0, a1, a2, 0x96), a3),
        _mm512_xor_si512(_mm512_ternarylogic_epi64(b0, b1, b2, 0x96), b3),
        _mm512_xor_si512(_mm512_ternarylogic_epi64(c0, c1, c2, 0x96), c3),
        _mm512_xor_si512(_mm512_ternarylogic_epi64(d0, d1, d2, 0x96), d3),
    };
    for (int g = 0; g < 4; g++)
        _mm256_storeu_si256((__m256i *)(out + 8 * g),
                            _mm256_and_si256(_mm512_cvtepi64_epi32(h[g]), vmask));
}

static void nodes_avx512(const frugal_sipkeys *keys, const uint32_t *edges, size_t n,
                         unsigned side, uint32_t mask, uint32_t *out)
{
    const __m512i vside = _mm512_set1_epi64(side);
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        __m512i m[4];
        for (int g = 0; g < 4; g++) {
            __m256i e = _mm256_loadu_si256((const __m256i *)(edges + i + 8 * g));
            __m512i w = _mm512_cvtepu32_epi64(e);
            m[g] = _mm512_add_epi64(_mm512_add_epi64(w, w), vside);
        }
        hash32(keys, m, mask, out + i);
    }
    for (; i < n; i++)
        out[i] = fr_sip_node(keys, edges[i], side, mask);
}

static void seq_avx512(const frugal_sipkeys *keys, uint32_t first, size_t n, unsigned side,
                       uint32_t mask, uint32_t *out)
{
    const __m512i step = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        uint64_t base = 2 * ((uint64_t)first + i) + side;
        __m512i m[4];
        for (int g = 0; g < 4; g++)
            m[g] = _mm512_add_epi64(_mm512_set1_epi64((long long)(base + 16 * (uint64_t)g)), step);
        hash32(keys, m, mask, out + i);
    }
    for (; i < n; i++)
        out[i] = fr_sip_node(keys, first + (uint32_t)i, side, mask);
}

const fr_sip_backend fr_sip_avx512 = {"avx512", LANES, nodes_avx512, seq_avx512};
