/* AVX2 Poseidon2 backend: 8 states per step, one state per 32-bit lane. States are
 * moved between memory (16 consecutive words each) and lanes with two 8x8 transposes;
 * the rounds are those of poseidon2_simd.h. Montgomery products use vpmuldq on the
 * even and odd lanes separately (64-bit products), as in the scalar code. */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "hash/poseidon2.h"

typedef __m256i V;
#define LANES 8

static inline V v_set1(uint32_t x) { return _mm256_set1_epi32((int)x); }
static inline V v_add(V a, V b) { return _mm256_add_epi32(a, b); }
static inline V v_sub(V a, V b) { return _mm256_sub_epi32(a, b); }
static inline V v_min(V a, V b) { return _mm256_min_epu32(a, b); }
static inline V v_and(V a, V b) { return _mm256_and_si256(a, b); }
#define V_SRLI(x, n) _mm256_srli_epi32((x), (n))
#define V_SLLI(x, n) _mm256_slli_epi32((x), (n))
static inline V v_mul(V a, V b) { return _mm256_mul_epi32(a, b); }
static inline V v_sub64(V a, V b) { return _mm256_sub_epi64(a, b); }

/* Moves go to the shuffle unit (vpshufd runs on ports 1 and 5; a 64-bit shift
 * would take port 0 or 1 from the multiplier). */
static inline V v_hi(V x) { return _mm256_shuffle_epi32(x, 0xf5); }
static inline V v_merge(V e, V o) { return _mm256_blend_epi32(v_hi(e), o, 0xaa); }

/* One vshufps: lanes (0, 1, 2, 3) of each 128-bit half receive the results of lanes
 * (0, 2, 1, 3). */
static inline V v_merge_x(V e, V o)
{
    return _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(e), _mm256_castsi256_ps(o), 0xdd));
}

/* x / 2 for canonical x: x >> 1, plus (p + 1) / 2 when x is odd (vpsign keeps the
 * constant where x & 1 is 1 and zeroes it where it is 0). */
static inline V v_half(V x)
{
    V odd = _mm256_and_si256(x, _mm256_set1_epi32(1));
    return _mm256_add_epi32(_mm256_srli_epi32(x, 1), _mm256_sign_epi32(_mm256_set1_epi32((FR_P2_P + 1) / 2), odd));
}

static inline V v_even64(V x) { return _mm256_blend_epi32(x, _mm256_setzero_si256(), 0xaa); }
static inline V v_odd64(V x) { return _mm256_srli_epi64(x, 32); }

#define P_SBOX_GROUP 4
#include "hash/poseidon2_simd.h"

/* r[j] = row j (8 words) -> r[w] = column w. */
static inline void transpose8(V r[8])
{
    V t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    V t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    V t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    V t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    V u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    V u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    V u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    V u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

static inline V load(const uint32_t *p) { return _mm256_loadu_si256((const __m256i *)(const void *)p); }
static inline void store(uint32_t *p, V v) { _mm256_storeu_si256((__m256i *)(void *)p, v); }

/* Loads 8 states (16 words each, from st) into lanes, in Montgomery form. */
static inline void load_states(const uint32_t *st, V s[16])
{
    V lo[8], hi[8];
    for (int j = 0; j < 8; j++) {
        lo[j] = load(st + 16 * j);
        hi[j] = load(st + 16 * j + 8);
    }
    transpose8(lo);
    transpose8(hi);
    for (int w = 0; w < 8; w++) {
        s[w] = p_to_mont(lo[w]);
        s[8 + w] = p_to_mont(hi[w]);
    }
}

/* Writes words [base, base+8) of the 8 states, canonical, with stride `stride`. */
static inline void store_half(const V s[16], int base, uint32_t *out, size_t stride)
{
    V r[8];
    for (int w = 0; w < 8; w++)
        r[w] = p_from_mont(s[base + w]);
    transpose8(r);
    for (int j = 0; j < 8; j++)
        store(out + stride * (size_t)j, r[j]);
}

static void permute8(uint32_t *st)
{
    V s[16];
    load_states(st, s);
    p_permute_mont(s);
    store_half(s, 0, st, 16);
    store_half(s, 8, st + 8, 16);
}

static void compress8(const uint32_t *in, uint32_t *out)
{
    V s[16];
    load_states(in, s);
    p_permute_mont(s);
    store_half(s, 0, out, 8);
}

static void leaves8(const uint8_t *blocks, uint32_t *out)
{
    V s[16], r[8];
    for (int j = 0; j < 8; j++)
        r[j] = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 16 * j)));
    transpose8(r);
    for (int w = 0; w < 8; w++) {
        s[w] = p_to_mont(r[w]);
        s[8 + w] = _mm256_setzero_si256();
    }
    p_permute_mont(s);
    store_half(s, 0, out, 8);
}

#define P_STEP_PERMUTE permute8
#define P_STEP_COMPRESS compress8
#define P_STEP_LEAVES leaves8
#include "hash/poseidon2_batch.h"

const fr_p2_backend fr_p2_avx2 = {"avx2", LANES, p_batch_permute, p_batch_compress,
                                  p_batch_leaves};
