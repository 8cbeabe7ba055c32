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

#include "hash/poseidon2_simd.h"

static inline V lane_index(int stride)
{
    return _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                                14, 15),
                              _mm512_set1_epi32(stride));
}

static inline void load_states(const uint32_t *st, V s[16])
{
    const V idx = lane_index(16);
    for (int w = 0; w < 16; w++)
        s[w] = p_to_mont(_mm512_i32gather_epi32(idx, (const void *)(st + w), 4));
}

static inline void store_words(const V s[16], int first, int count, uint32_t *out, int stride)
{
    const V idx = lane_index(stride);
    for (int w = 0; w < count; w++)
        _mm512_i32scatter_epi32((void *)(out + w), idx, p_from_mont(s[first + w]), 4);
}

static void permute16(uint32_t *st)
{
    V s[16];
    load_states(st, s);
    p_permute_mont(s);
    store_words(s, 0, 16, st, 16);
}

static void compress16(const uint32_t *in, uint32_t *out)
{
    V s[16];
    load_states(in, s);
    p_permute_mont(s);
    store_words(s, 0, 8, out, 8);
}

/* Cell w of block j is the u16 at byte 16j + 2w; the last cell is read as the top
 * half of bytes 12..15 so that no gather reads past the block. */
static void leaves16(const uint8_t *blocks, uint32_t *out)
{
    const V idx = lane_index(16), low16 = _mm512_set1_epi32(0xffff);
    V s[16];
    for (int w = 0; w < 7; w++)
        s[w] = p_to_mont(_mm512_and_si512(_mm512_i32gather_epi32(idx, (const void *)(blocks + 2 * w), 1), low16));
    s[7] = p_to_mont(_mm512_srli_epi32(_mm512_i32gather_epi32(idx, (const void *)(blocks + 12), 1), 16));
    for (int w = 8; w < 16; w++)
        s[w] = _mm512_setzero_si512();
    p_permute_mont(s);
    store_words(s, 0, 8, out, 8);
}

/* Tails of 2..15 states run padded; a single state runs on the scalar code. */
static void permute_avx512(uint32_t *states, size_t n)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        permute16(states + 16 * i);
    if (n - i >= 2) {
        uint32_t buf[16 * LANES] = {0};
        memcpy(buf, states + 16 * i, (n - i) * 16 * sizeof *buf);
        permute16(buf);
        memcpy(states + 16 * i, buf, (n - i) * 16 * sizeof *buf);
    } else if (n - i == 1) {
        fr_p2_permute1(states + 16 * i);
    }
}

static void compress_avx512(const uint32_t *in, size_t n, uint32_t *out)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        compress16(in + 16 * i, out + 8 * i);
    if (n - i >= 2) {
        uint32_t buf[16 * LANES] = {0}, res[8 * LANES];
        memcpy(buf, in + 16 * i, (n - i) * 16 * sizeof *buf);
        compress16(buf, res);
        memcpy(out + 8 * i, res, (n - i) * 8 * sizeof *res);
    } else if (n - i == 1) {
        fr_p2_compress1(in + 16 * i, in + 16 * i + 8, out + 8 * i);
    }
}

static void leaves_avx512(const uint8_t *blocks, size_t n, uint32_t *out)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        leaves16(blocks + 16 * i, out + 8 * i);
    if (n - i >= 2) {
        uint8_t buf[16 * LANES] = {0};
        uint32_t res[8 * LANES];
        memcpy(buf, blocks + 16 * i, (n - i) * 16);
        leaves16(buf, res);
        memcpy(out + 8 * i, res, (n - i) * 8 * sizeof *res);
    } else if (n - i == 1) {
        fr_p2_leaf1(blocks + 16 * i, out + 8 * i);
    }
}

const fr_p2_backend fr_p2_avx512 = {"avx512", LANES, permute_avx512, compress_avx512,
                                    leaves_avx512};
