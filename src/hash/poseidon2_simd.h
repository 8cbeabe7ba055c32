/* The Poseidon2 round structure for SIMD backends, written once over an abstract
 * vector of LANES 32-bit words, one word per independent state (state j's word w is
 * lane j of vector s[w]). Included by poseidon2_avx2.c and poseidon2_avx512.c after
 * they define, for their instruction set:
 *   V                      the vector type
 *   v_set1(x)              broadcast of a word
 *   v_add, v_sub, v_min    wrapping 32-bit add/sub, unsigned minimum
 *   v_and                  bitwise and
 *   V_SRLI(x,n), V_SLLI(x,n)  logical shifts of 32-bit words by an immediate
 *   v_mul(a,b)             signed 32x32->64 product of the even words (vpmuldq)
 *   v_sub64                64-bit subtraction
 *   v_hi(x)                each odd word copied to the even word below it
 *   v_merge(e,o)           odd words of e to the even lanes, odd words of o to the
 *                          odd lanes (lane order kept)
 *   v_merge_x(e,o)         the same words in a lane order that may swap lanes 1 and 2
 *                          of every group of 4 (an involution, see p_full_round)
 *   v_half(x)              x / 2 mod p for canonical x, canonical
 *   v_even64, v_odd64      the even or the odd words zero-extended to 64 bits
 *   P_SBOX_GROUP           S-boxes of a full round computed side by side (4 or 8)
 *
 * Arithmetic (all in Montgomery form, x * 2^32 mod p):
 *   - Linear layers take and give canonical words (< p); an addition is add, subtract
 *     p, unsigned minimum: 32 bits hold only two field elements (2p < 2^32 < 3p), so
 *     no sum can be left unreduced.
 *   - The S-box takes (-p, p) (a canonical word plus a round constant minus p) and
 *     works on the even and odd lanes separately as 64-bit products: each Montgomery
 *     product is 3 vpmuldq and a 64-bit subtraction and leaves its result, in (-p, p),
 *     in the odd word; one shuffle brings it down for the next product. x^7 is
 *     x^2, x^3 = x^2 x, x^4 = x^2 x^2, x^3 x^4: 4 products, 3 moves per half.
 *   - Partial rounds: the internal diagonal (-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 2^-8,
 *     1/4, 1/8, 2^-27, -2^-8, -1/16, -2^-27) holds five pairs (d, -d) at lanes (3,6),
 *     (4,7), (5,8), (9,13), (12,15). For such a pair, a' = S + d a, b' = S - d b with
 *     S the sum of the state, so u = a + b and v = a - b evolve as u' = 2S + d v,
 *     v' = d u: v needs no addition and the sum of the state needs u only. The
 *     partial rounds run on (u, v) and convert back at the end.
 *   - x * 2^-k (1 <= k <= 27): for x = hi * 2^k + lo, x / 2^k = hi - 15 * 2^(27-k) lo
 *     since 2^-27 = -15 mod p; hi < 2^(31-k), 15 * 2^(27-k) lo < p. */
#ifndef FRUGAL_HASH_POSEIDON2_SIMD_H
#define FRUGAL_HASH_POSEIDON2_SIMD_H

#include "hash/poseidon2.h"
#include "hash/poseidon2_constants.h"

#define P_VP v_set1(FR_P2_P)

/* (a + b) mod p for canonical a, b: a + b < 2p < 2^32, then min(t, t - p) picks the
 * reduced one (t - p wraps to a huge word when t < p). */
static inline V p_add(V a, V b)
{
    V t = v_add(a, b);
    return v_min(t, v_sub(t, P_VP));
}

static inline V p_sub(V a, V b)
{
    V t = v_sub(a, b);
    return v_min(t, v_add(t, P_VP));
}

/* (-p, p) -> [0, p); more generally (-p, 2^32 - p) -> [0, 2^32 - p). */
static inline V p_canon(V x) { return v_min(x, v_add(x, P_VP)); }

/* [0, 2^32) -> [0, 2^32 - p); [0, 2p) -> [0, p). */
static inline V p_canon_hi(V x) { return v_min(x, v_sub(x, P_VP)); }

/* ---- S-box -------------------------------------------------------------------- */

/* Montgomery product of the even words of a and b, |a|, |b| <= p: c = ab, q = c p^-1
 * mod 2^32 (signed), c - qp has a zero low word and its high word is ab / 2^32 mod p,
 * of magnitude < (p^2 + 2^31 p) / 2^32 < p. Odd words of a and b are ignored. */
static inline V p_mont_odd(V a, V b)
{
    V c = v_mul(a, b);
    V q = v_mul(c, v_set1(FR_P2_PINV));
    return v_sub64(c, v_mul(q, P_VP));
}

/* x^7 of the even words of x, |x| <= p, in the odd words, in (-p, p). */
static inline V p_pow7_odd(V x)
{
    V x2 = v_hi(p_mont_odd(x, x));
    V x3 = v_hi(p_mont_odd(x2, x));
    V x4 = v_hi(p_mont_odd(x2, x2));
    return p_mont_odd(x3, x4);
}

/* x^7 for x in (-p, p), canonical, lanes kept. */
static inline V p_sbox(V x) { return p_canon(v_merge(p_pow7_odd(x), p_pow7_odd(v_hi(x)))); }

/* The same with the lane order of v_merge_x (one shuffle less on AVX2). */
static inline V p_sbox_x(V x) { return p_canon(v_merge_x(p_pow7_odd(x), p_pow7_odd(v_hi(x)))); }

/* ---- External layer ------------------------------------------------------------ */

static inline void p_m4(V *x)
{
    V t01 = p_add(x[0], x[1]), t23 = p_add(x[2], x[3]), t0123 = p_add(t01, t23);
    V t01123 = p_add(t0123, x[1]), t01233 = p_add(t0123, x[3]);
    V y0 = p_add(t01123, t01);                  /* 2 3 1 1 */
    V y1 = p_add(t01123, p_add(x[2], x[2]));    /* 1 2 3 1 */
    V y2 = p_add(t01233, t23);                  /* 1 1 2 3 */
    V y3 = p_add(t01233, p_add(x[0], x[0]));    /* 3 1 1 2 */
    x[0] = y0;
    x[1] = y1;
    x[2] = y2;
    x[3] = y3;
}

/* 72 additions: M4 on each chunk, then each lane plus its column's sum. */
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

/* x^7 of the even words of n = 2 * P_SBOX_GROUP vectors, stage by stage: n
 * independent chains side by side in program order. One S-box alone is a chain of
 * three dependent products (about 60 cycles) and the scheduler only looks about 100
 * instructions ahead, so S-boxes issued one after another leave the multipliers
 * idle; the backend picks the group size that measures best (more chains also mean
 * more registers). */
static inline void p_pow7_odd_group(V x[2 * P_SBOX_GROUP])
{
    enum { N = 2 * P_SBOX_GROUP };
    V x2[N], x3[N], x4[N];
    for (int i = 0; i < N; i++)
        x2[i] = v_hi(p_mont_odd(x[i], x[i]));
    for (int i = 0; i < N; i++) {
        x3[i] = v_hi(p_mont_odd(x2[i], x[i]));
        x4[i] = v_hi(p_mont_odd(x2[i], x2[i]));
    }
    for (int i = 0; i < N; i++)
        x[i] = p_mont_odd(x3[i], x4[i]);
}

/* A full round; rc holds the round's 16 constants minus p (Montgomery form). Every
 * S-box output goes through v_merge_x, so every vector gets the same lane order:
 * the backends call full rounds in blocks of four, and a swap applied an even
 * number of times leaves the lanes in place. */
static inline void p_full_round(V s[16], const uint32_t *rc)
{
    for (int c = 0; c < 16; c += P_SBOX_GROUP) {
        V h[2 * P_SBOX_GROUP];
        for (int i = 0; i < P_SBOX_GROUP; i++) {
            h[2 * i] = v_add(s[c + i], v_set1(rc[c + i]));
            h[2 * i + 1] = v_hi(h[2 * i]);
        }
        p_pow7_odd_group(h);
        for (int i = 0; i < P_SBOX_GROUP; i++)
            s[c + i] = p_canon(v_merge_x(h[2 * i], h[2 * i + 1]));
    }
    p_external(s);
}

/* ---- Partial rounds ------------------------------------------------------------ */

/* Parts of x * 2^-k for canonical x, 1 <= k <= 27 (k a constant after inlining):
 * hi = x >> k and c = 15 * 2^(27-k) * (x mod 2^k), so x / 2^k = hi - c mod p with
 * hi < 2^(31-k) and c < p. */
typedef struct p_parts {
    V hi, c;
} p_parts;

static inline p_parts p_div_parts(V x, int k)
{
    V lo = v_and(x, v_set1((1u << k) - 1));
    p_parts r = {V_SRLI(x, k), v_sub(V_SLLI(lo, 31 - k), V_SLLI(lo, 27 - k))};
    return r;
}

/* x / 2^k, canonical: hi - c lies in (-p, 2^(31-k)). */
static inline V p_div(V x, int k)
{
    p_parts d = p_div_parts(x, k);
    return p_canon(v_sub(d.hi, d.c));
}

/* s + x / 2^k and s - x / 2^k for canonical s, through two one-sided reductions:
 * s - c in (-p, p), then + hi < 2^(31-k); s + c < 2p, then - hi. */
static inline V p_add_div(V s, p_parts d) { return p_canon_hi(v_add(p_canon(v_sub(s, d.c)), d.hi)); }
static inline V p_sub_div(V s, p_parts d) { return p_canon(v_sub(p_canon_hi(v_add(s, d.c)), d.hi)); }

static inline V p_triple(V x) { return p_add(p_add(x, x), x); }
static inline V p_quad(V x)
{
    V t = p_add(x, x);
    return p_add(t, t);
}

/* (a, b) -> (u, v) = (a + b, a - b) for the five pairs, and back: a = (u + v) / 2,
 * b = (u - v) / 2. The pair (9, 13), d = 2^-8, keeps t = v / d instead of v: then
 * t' = u and u' = 2S + d^2 t, one division (by 2^16) per round instead of two. */
static const int p_pair_a[5] = {3, 4, 5, 9, 12}, p_pair_b[5] = {6, 7, 8, 13, 15};

static inline V p_mont(V a, V b);

static inline void p_pairs_in(V s[16])
{
    for (int i = 0; i < 5; i++) {
        V a = s[p_pair_a[i]], b = s[p_pair_b[i]];
        s[p_pair_a[i]] = p_add(a, b);
        s[p_pair_b[i]] = p_sub(a, b);
    }
    s[13] = p_mont(s[13], v_set1(0x0ffffdde)); /* 2^8 * 2^32 mod p: times 2^8 */
}

static inline void p_pairs_out(V s[16])
{
    s[13] = p_div(s[13], 8);
    for (int i = 0; i < 5; i++) {
        V u = s[p_pair_a[i]], v = s[p_pair_b[i]];
        s[p_pair_a[i]] = v_half(p_add(u, v));
        s[p_pair_b[i]] = v_half(p_sub(u, v));
    }
}

/* Sum of lanes 1..15 of the paired state: s1 + s2 + s10 + s11 + s14 + the five u. */
static inline V p_tail(const V s[16])
{
    return p_add(p_add(p_add(s[1], s[2]), p_add(s[10], s[11])),
                 p_add(p_add(p_add(s[14], s[3]), p_add(s[4], s[5])), p_add(s[9], s[12])));
}

/* The 13 partial rounds; rc holds their constants minus p, rcm the constants. Lane 0 goes through the
 * S-box in a chain of 13 (about 60 cycles each), so the loop is skewed: round r
 * computes lane 0 of round r + 1 from the sum and starts its S-box before updating
 * lanes 1..15, and the scheduler finds their ~150 instructions ready while the
 * S-box runs. Lanes 1..15 are updated with the sum and the diagonal, on the paired
 * state (u, v). */
static inline void p_partial_rounds(V s[16], const uint32_t *rc, const uint32_t *rcm)
{
    p_pairs_in(s);
    V v0 = p_sbox(v_add(s[0], v_set1(rc[0])));
    V tail = p_tail(s);
    for (int r = 0; r < 13; r++) {
        V sum = p_add(tail, v0);
        if (r < 12) /* lane 0 is sum - 2 v0 = tail - v0; rc + tail is ready early */
            v0 = p_sbox(v_sub(p_add(tail, v_set1(rcm[r + 1])), v0));
        else
            s[0] = p_sub(tail, v0);
        V d2 = p_add(s[2], s[2]);
        p_parts d10 = p_div_parts(s[10], 2), d11 = p_div_parts(s[11], 3);
        p_parts d14 = p_div_parts(s[14], 4);
        p_parts a9 = p_div_parts(s[13], 16), a12 = p_div_parts(s[15], 27); /* d^2 t, d v */
        V v3 = v_half(s[3]), a3 = v_half(s[6]);
        V v4 = p_triple(s[4]), a4 = p_triple(s[7]);
        V v5 = p_quad(s[5]), a5 = p_quad(s[8]);
        V v9 = s[9], v12 = p_div(s[12], 27);
        V sum2 = p_add(sum, sum);
        s[1] = p_add(sum, s[1]);
        s[2] = p_add(sum, d2);
        s[10] = p_add_div(sum, d10);
        s[11] = p_add_div(sum, d11);
        s[14] = p_sub_div(sum, d14);
        s[3] = p_add(sum2, a3);
        s[6] = v3;
        s[4] = p_add(sum2, a4);
        s[7] = v4;
        s[5] = p_add(sum2, a5);
        s[8] = v5;
        s[9] = p_add_div(sum2, a9);
        s[13] = v9;
        s[12] = p_add_div(sum2, a12);
        s[15] = v12;
        tail = p_tail(s);
    }
    p_pairs_out(s);
}

/* The permutation of LANES states in Montgomery form. */
static inline void p_permute_mont(V s[16])
{
    const uint32_t *full = &FR_P2_RC_FULL_MS[0][0], *part = FR_P2_RC_PART_MS;
    const uint32_t *partm = FR_P2_RC_PART_MONT;
    /* read the constants from memory (a broadcast load each) rather than have the
     * compiler build each one in a register */
    __asm__("" : "+r"(full), "+r"(part), "+r"(partm));
    p_external(s);
    for (int r = 0; r < 4; r++)
        p_full_round(s, full + 16 * r);
    p_partial_rounds(s, part, partm);
    for (int r = 4; r < 8; r++)
        p_full_round(s, full + 16 * r);
}

static inline V p_mont(V a, V b)
{
    return p_canon(v_merge(p_mont_odd(a, b), p_mont_odd(v_hi(a), v_hi(b))));
}

static inline V p_to_mont(V x) { return p_mont(x, v_set1(FR_P2_R2)); }

/* x / 2^32 for x in Montgomery form: the Montgomery reduction of x itself (no product
 * to form), on the even and odd words zero-extended to 64 bits. */
static inline V p_redc_odd(V c) { return v_sub64(c, v_mul(v_mul(c, v_set1(FR_P2_PINV)), P_VP)); }
static inline V p_from_mont(V x) { return p_canon(v_merge(p_redc_odd(v_even64(x)), p_redc_odd(v_odd64(x)))); }
#endif
