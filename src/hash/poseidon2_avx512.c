/* AVX-512 Poseidon2 backend: 16 states per step, one state per 32-bit lane of a zmm
 * register; the rounds are those of poseidon2_simd.h. States move between memory and
 * lanes with gathers and scatters (a few dozen cycles per step, next to the ~5,000 of
 * the rounds). */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "hash/poseidon2.h"

typedef __m512i V;
#define LANES 16

static inline V v_set1(uint32_t x) { return _mm512_set1_epi32((int)x); }
static inline V v_add(V a, V b) { return _mm512_add_epi32(a, b); }
static inline V v_sub(V a, V b) { return _mm512_sub_epi32(a, b); }
static inline V v_min(V a, V b) { return _mm512_min_epu32(a, b); }
static inline V v_and(V a, V b) { return _mm512_and_si512(a, b); }
#define V_SRLI(x, n) _mm512_srli_epi32((x), (n))
#define V_SLLI(x, n) _mm512_slli_epi32((x), (n))
static inline V v_mul(V a, V b) { return _mm512_mul_epi32(a, b); }
static inline V v_sub64(V a, V b) { return _mm512_sub_epi64(a, b); }
static inline V v_hi(V x) { return _mm512_shuffle_epi32(x, (_MM_PERM_ENUM)0xf5); }

/* One masked shuffle: the even lanes take the odd words of e, the odd lanes keep o. */
static inline V v_merge(V e, V o) { return _mm512_mask_shuffle_epi32(o, 0x5555, e, (_MM_PERM_ENUM)0xf5); }
static inline V v_merge_x(V e, V o) { return v_merge(e, o); }

/* x / 2 for canonical x: x >> 1, plus (p + 1) / 2 where x is odd. */
static inline V v_half(V x)
{
    __mmask16 odd = _mm512_test_epi32_mask(x, _mm512_set1_epi32(1));
    V h = _mm512_srli_epi32(x, 1);
    return _mm512_mask_add_epi32(h, odd, h, _mm512_set1_epi32((FR_P2_P + 1) / 2));
}

static inline V v_even64(V x) { return _mm512_maskz_mov_epi32(0x5555, x); }
static inline V v_odd64(V x) { return _mm512_srli_epi64(x, 32); }

#define P_SBOX_GROUP 8
#include "hash/poseidon2_simd.h"

/* The first two rounds of a transpose of n rows (n = 8 or 16): 4x4 blocks within each
 * 128-bit lane. u[4g + c], lane k: word 4k + c of rows 4g..4g+3. */
static inline void transpose_in_lanes(const V *r, V *u, int n)
{
    V t[16];
    for (int i = 0; i < n; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int g = 0; g < n / 4; g++) {
        u[4 * g] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
        u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
    }
}

/* r[j] = row j (16 words) -> r[w] = column w, in four rounds of 16 shuffles: words
 * within 128-bit lanes (unpack), then 128-bit lanes across registers. */
static inline void transpose16(V r[16])
{
    V u[16];
    transpose_in_lanes(r, u, 16);
    for (int c = 0; c < 4; c++) {
        V x0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x88);      /* words c, 8+c of groups 0, 1 */
        V y0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xdd);      /* words 4+c, 12+c */
        V x1 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x88); /* the same for groups 2, 3 */
        V y1 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xdd);
        r[c] = _mm512_shuffle_i32x4(x0, x1, 0x88);
        r[8 + c] = _mm512_shuffle_i32x4(x0, x1, 0xdd);
        r[4 + c] = _mm512_shuffle_i32x4(y0, y1, 0x88);
        r[12 + c] = _mm512_shuffle_i32x4(y0, y1, 0xdd);
    }
}

static inline V load(const void *p) { return _mm512_loadu_si512(p); }

static inline void load_states(const uint32_t *st, V s[16])
{
    for (int j = 0; j < 16; j++)
        s[j] = load(st + 16 * j);
    transpose16(s);
    for (int w = 0; w < 16; w++)
        s[w] = p_to_mont(s[w]);
}

static void permute16(uint32_t *st)
{
    V s[16];
    load_states(st, s);
    p_permute_mont(s);
    for (int w = 0; w < 16; w++)
        s[w] = p_from_mont(s[w]);
    transpose16(s);
    for (int j = 0; j < 16; j++)
        _mm512_storeu_si512((void *)(st + 16 * j), s[j]);
}

/* Words 0..7 of the 16 states, canonical, to out (8 words per state): two rounds of
 * unpacks leave state 4k + c's words 0..3 and 4..7 in lane k of u[c] and u[4 + c];
 * one two-source permute per pair of states lines them up. */
static inline void store_digests(const V s[16], uint32_t *out)
{
    V r[8], u[8];
    for (int w = 0; w < 8; w++)
        r[w] = p_from_mont(s[w]);
    transpose_in_lanes(r, u, 8);
    const V lanes01 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const V lanes23 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    for (int c = 0; c < 4; c++) {
        V a = _mm512_permutex2var_epi64(u[c], lanes01, u[4 + c]); /* states c, 4 + c */
        V b = _mm512_permutex2var_epi64(u[c], lanes23, u[4 + c]); /* states 8 + c, 12 + c */
        _mm256_storeu_si256((__m256i *)(void *)(out + 8 * c), _mm512_castsi512_si256(a));
        _mm256_storeu_si256((__m256i *)(void *)(out + 8 * (4 + c)), _mm512_extracti64x4_epi64(a, 1));
        _mm256_storeu_si256((__m256i *)(void *)(out + 8 * (8 + c)), _mm512_castsi512_si256(b));
        _mm256_storeu_si256((__m256i *)(void *)(out + 8 * (12 + c)), _mm512_extracti64x4_epi64(b, 1));
    }
}

static void compress16(const uint32_t *in, uint32_t *out)
{
    V s[16];
    load_states(in, s);
    p_permute_mont(s);
    store_digests(s, out);
}

/* Block j's eight u16 cells widened to words 0..7 of row j, words 8..15 zero. */
static void leaves16(const uint8_t *blocks, uint32_t *out)
{
    V s[16];
    for (int j = 0; j < 16; j++)
        s[j] = _mm512_zextsi256_si512(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 16 * j))));
    transpose16(s);
    for (int w = 0; w < 8; w++)
        s[w] = p_to_mont(s[w]);
    p_permute_mont(s);
    store_digests(s, out);
}

#define P_STEP_PERMUTE permute16
#define P_STEP_COMPRESS compress16
#define P_STEP_LEAVES leaves16
#include "hash/poseidon2_batch.h"

const fr_p2_backend fr_p2_avx512 = {"avx512", LANES, p_batch_permute, p_batch_compress,
                                    p_batch_leaves};
