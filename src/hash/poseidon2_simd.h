/* The Poseidon2 round structure for SIMD backends, written once over an abstract
 * vector of LANES 32-bit words, one word per independent state (state j's word w is
 * lane j of vector s[w]). Included by poseidon2_avx2.c and poseidon2_avx512.c after
 * they define, for their instruction set:
 *   V                   the vector type
 *   v_set1(x)           broadcast of a word
 *   v_add, v_sub, v_min wrapping 32-bit add/sub, unsigned minimum
 *   v_and               bitwise and
 *   V_SRLI(x,n), V_SLLI(x,n)  logical shifts by an immediate (macros)
 *   v_mont(a,b)         signed Montgomery product a*b*2^-32: inputs and output
 *                       in (-p, p) as two's-complement words
 *   v_mont_half(a,b)    the same on the low words of each 64-bit lane, the result
 *                       in the high word (the S-box chains these: no blends)
 *   v_lo(x)             the high word of each 64-bit lane moved to the low word
 *   v_merge(e,o)        words from the high words of e (even lanes) and o (odd)
 *   V_SRAI(x,n)         arithmetic shift by an immediate
 * Value ranges: the linear layers take and give canonical words (< p); the S-box
 * takes (-p, p) (a canonical word plus a *_MS constant) and gives canonical words. */
#ifndef FRUGAL_HASH_POSEIDON2_SIMD_H
#define FRUGAL_HASH_POSEIDON2_SIMD_H

#include "hash/poseidon2.h"
#include "hash/poseidon2_constants.h"

/* (a + b) mod p for canonical a, b: a + b < 2p < 2^32, then min(t, t - p) picks the
 * reduced one (t - p wraps to a huge word when t < p). */
static inline V p_add(V a, V b)
{
    V t = v_add(a, b);
    return v_min(t, v_sub(t, v_set1(FR_P2_P)));
}

static inline V p_sub(V a, V b)
{
    V t = v_sub(a, b);
    return v_min(t, v_add(t, v_set1(FR_P2_P)));
}

/* (-p, p) -> [0, p). */
static inline V p_canon(V x) { return v_min(x, v_add(x, v_set1(FR_P2_P))); }

/* x * 2^-k mod p, 1 <= k <= 27 (see poseidon2.h): hi + (p - 15*2^(27-k)*lo) < 2p. */
#define P_DIV2K(x, k)                                                                  \
    p_canon_hi(v_add(V_SRLI((x), (k)),                                                 \
                     v_sub(v_set1(FR_P2_P),                                            \
                           v_sub(V_SLLI(v_and((x), v_set1((1u << (k)) - 1)), 31 - (k)), \
                                 V_SLLI(v_and((x), v_set1((1u << (k)) - 1)), 27 - (k))))))

/* [0, 2p) -> [0, p). */
static inline V p_canon_hi(V t) { return v_min(t, v_sub(t, v_set1(FR_P2_P))); }

/* x^7 on even and odd lanes separately (a 64-bit product per lane), so that each
 * step only moves its result down: 4 products, 19 instructions per half. */
static inline V p_sbox(V x)
{
    V xe = x, xo = v_lo(x);
    V e2 = v_lo(v_mont_half(xe, xe)), o2 = v_lo(v_mont_half(xo, xo));
    V e3 = v_lo(v_mont_half(e2, xe)), o3 = v_lo(v_mont_half(o2, xo));
    V e4 = v_lo(v_mont_half(e2, e2)), o4 = v_lo(v_mont_half(o2, o2));
    return p_canon(v_merge(v_mont_half(e3, e4), v_mont_half(o3, o4)));
}

/* x / 2 for canonical x: x >> 1, plus (p + 1) / 2 when x is odd (stays < p). */
static inline V p_half(V x)
{
    V odd = V_SRAI(V_SLLI(x, 31), 31);
    return v_add(V_SRLI(x, 1), v_and(odd, v_set1((FR_P2_P + 1) / 2)));
}

static inline void p_m4(V *x)
{
    V t01 = p_add(x[0], x[1]), t23 = p_add(x[2], x[3]), t0123 = p_add(t01, t23);
    V t01123 = p_add(t0123, x[1]), t01233 = p_add(t0123, x[3]);
    V y0 = p_add(t01123, t01);
    V y1 = p_add(t01123, p_add(x[2], x[2]));
    V y2 = p_add(t01233, t23);
    V y3 = p_add(t01233, p_add(x[0], x[0]));
    x[0] = y0;
    x[1] = y1;
    x[2] = y2;
    x[3] = y3;
}

static inline void p_external(V s[16])
{
    p_m4(s);
    p_m4(s + 4);
    p_m4(s + 8);
    p_m4(s + 12);
    for (int i = 0; i < 4; i++) {
        V col = p_add(p_add(s[i], s[4 + i]), p_add(s[8 + i], s[12 + i]));
        s[i] = p_add(s[i], col);
        s[4 + i] = p_add(s[4 + i], col);
        s[8 + i] = p_add(s[8 + i], col);
        s[12 + i] = p_add(s[12 + i], col);
    }
}

static inline void p_internal(V s[16])
{
    /* the sum of lanes 1..15 does not wait for the S-box on lane 0 */
    V a = p_add(p_add(s[1], s[2]), p_add(s[3], s[4]));
    V b = p_add(p_add(s[5], s[6]), p_add(s[7], s[8]));
    V c = p_add(p_add(s[9], s[10]), p_add(s[11], s[12]));
    V d = p_add(p_add(s[13], s[14]), s[15]);
    V sum = p_add(p_add(p_add(a, b), p_add(c, d)), s[0]);
    V t;
    s[0] = p_sub(sum, p_add(s[0], s[0]));                  /* -2 */
    s[1] = p_add(sum, s[1]);                               /* 1 */
    s[2] = p_add(sum, p_add(s[2], s[2]));                  /* 2 */
    s[3] = p_add(sum, p_half(s[3]));                       /* 1/2 */
    s[4] = p_add(sum, p_add(s[4], p_add(s[4], s[4])));     /* 3 */
    t = p_add(s[5], s[5]);
    s[5] = p_add(sum, p_add(t, t));                        /* 4 */
    s[6] = p_sub(sum, p_half(s[6]));                       /* -1/2 */
    s[7] = p_sub(sum, p_add(s[7], p_add(s[7], s[7])));     /* -3 */
    t = p_add(s[8], s[8]);
    s[8] = p_sub(sum, p_add(t, t));                        /* -4 */
    s[9] = p_add(sum, P_DIV2K(s[9], 8));                   /* 2^-8 */
    s[10] = p_add(sum, P_DIV2K(s[10], 2));                 /* 1/4 */
    s[11] = p_add(sum, P_DIV2K(s[11], 3));                 /* 1/8 */
    s[12] = p_add(sum, P_DIV2K(s[12], 27));                /* 2^-27 */
    s[13] = p_sub(sum, P_DIV2K(s[13], 8));                 /* -2^-8 */
    s[14] = p_sub(sum, P_DIV2K(s[14], 4));                 /* -1/16 */
    s[15] = p_sub(sum, P_DIV2K(s[15], 27));                /* -2^-27 */
}

static inline void p_full_round(V s[16], const uint32_t rc[16])
{
    for (int i = 0; i < 16; i++)
        s[i] = p_sbox(v_add(s[i], v_set1(rc[i])));
    p_external(s);
}

/* The permutation of LANES states in Montgomery form. */
static inline void p_permute_mont(V s[16])
{
    p_external(s);
    for (int r = 0; r < 4; r++)
        p_full_round(s, FR_P2_RC_FULL_MS[r]);
    for (int r = 0; r < 13; r++) {
        s[0] = p_sbox(v_add(s[0], v_set1(FR_P2_RC_PART_MS[r])));
        p_internal(s);
    }
    for (int r = 4; r < 8; r++)
        p_full_round(s, FR_P2_RC_FULL_MS[r]);
}

static inline V p_to_mont(V x) { return p_canon(v_mont(x, v_set1(FR_P2_R2))); }
static inline V p_from_mont(V x) { return p_canon(v_mont(x, v_set1(1))); }
#endif
