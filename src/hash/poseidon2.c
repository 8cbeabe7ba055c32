/* Portable Poseidon2 backend (one state at a time, Montgomery arithmetic on 32-bit
 * words), the run-time dispatcher, and the public entry points of
 * frugal/poseidon2.h. The permutation is laid out in poseidon2.h. */
#include "hash/poseidon2.h"

#include "frugal/poseidon2.h"
#include "hash/poseidon2_constants.h"

#define P FR_P2_P

static inline uint32_t add_p(uint32_t a, uint32_t b)
{
    uint32_t t = a + b; /* < 2p < 2^32 */
    return t >= P ? t - P : t;
}

static inline uint32_t sub_p(uint32_t a, uint32_t b)
{
    uint32_t t = a - b;
    return a < b ? t + P : t;
}

/* a * b * 2^-32 mod p for a, b < p: the low words of a*b and q*p agree, so the
 * difference of the high words is exact and lies in (-p, p). */
static inline uint32_t mont(uint32_t a, uint32_t b)
{
    uint64_t t = (uint64_t)a * b;
    uint32_t q = (uint32_t)t * FR_P2_PINV;
    int64_t r = (int64_t)(t >> 32) - (int64_t)(((uint64_t)q * P) >> 32);
    return (uint32_t)(r < 0 ? r + P : r);
}

/* x * 2^-k mod p for 1 <= k <= 27: x = hi*2^k + lo and 2^-k = -15 * 2^(27-k). */
static inline uint32_t div2k(uint32_t x, unsigned k)
{
    uint32_t hi = x >> k, lo = x & ((1u << k) - 1);
    uint32_t c = (lo << (31 - k)) - (lo << (27 - k)); /* 15 * 2^(27-k) * lo < p */
    uint32_t t = hi + (P - c);                        /* < 2^(31-k) + p < 2p */
    return t >= P ? t - P : t;
}

static inline uint32_t sbox(uint32_t x)
{
    uint32_t x2 = mont(x, x), x3 = mont(x2, x), x4 = mont(x2, x2);
    return mont(x3, x4);
}

static void m4(uint32_t *x)
{
    uint32_t t01 = add_p(x[0], x[1]), t23 = add_p(x[2], x[3]), t0123 = add_p(t01, t23);
    uint32_t t01123 = add_p(t0123, x[1]), t01233 = add_p(t0123, x[3]);
    uint32_t y0 = add_p(t01123, t01);                     /* 2 3 1 1 */
    uint32_t y1 = add_p(t01123, add_p(x[2], x[2]));       /* 1 2 3 1 */
    uint32_t y2 = add_p(t01233, t23);                     /* 1 1 2 3 */
    uint32_t y3 = add_p(t01233, add_p(x[0], x[0]));       /* 3 1 1 2 */
    x[0] = y0; x[1] = y1; x[2] = y2; x[3] = y3;
}

static void external_layer(uint32_t s[16])
{
    for (int c = 0; c < 16; c += 4)
        m4(s + c);
    for (int i = 0; i < 4; i++) {
        uint32_t col = add_p(add_p(s[i], s[4 + i]), add_p(s[8 + i], s[12 + i]));
        for (int c = 0; c < 16; c += 4)
            s[c + i] = add_p(s[c + i], col);
    }
}

static void internal_layer(uint32_t s[16])
{
    uint32_t sum = 0;
    for (int i = 0; i < 16; i++)
        sum = add_p(sum, s[i]);
    uint32_t d2 = add_p(s[0], s[0]);
    s[0] = sub_p(sum, d2);                                    /* -2 */
    s[1] = add_p(sum, s[1]);                                  /* 1 */
    s[2] = add_p(sum, add_p(s[2], s[2]));                     /* 2 */
    s[3] = add_p(sum, div2k(s[3], 1));                        /* 1/2 */
    s[4] = add_p(sum, add_p(s[4], add_p(s[4], s[4])));        /* 3 */
    uint32_t t5 = add_p(s[5], s[5]);
    s[5] = add_p(sum, add_p(t5, t5));                         /* 4 */
    s[6] = sub_p(sum, div2k(s[6], 1));                        /* -1/2 */
    s[7] = sub_p(sum, add_p(s[7], add_p(s[7], s[7])));        /* -3 */
    uint32_t t8 = add_p(s[8], s[8]);
    s[8] = sub_p(sum, add_p(t8, t8));                         /* -4 */
    s[9] = add_p(sum, div2k(s[9], 8));                        /* 2^-8 */
    s[10] = add_p(sum, div2k(s[10], 2));                      /* 1/4 */
    s[11] = add_p(sum, div2k(s[11], 3));                      /* 1/8 */
    s[12] = add_p(sum, div2k(s[12], 27));                     /* 2^-27 */
    s[13] = sub_p(sum, div2k(s[13], 8));                      /* -2^-8 */
    s[14] = sub_p(sum, div2k(s[14], 4));                      /* -1/16 */
    s[15] = sub_p(sum, div2k(s[15], 27));                     /* -2^-27 */
}

static void full_round(uint32_t s[16], const uint32_t rc[16])
{
    for (int i = 0; i < 16; i++)
        s[i] = sbox(add_p(s[i], rc[i]));
    external_layer(s);
}

/* The permutation of a state already in Montgomery form. */
static void permute_mont(uint32_t s[16])
{
    external_layer(s);
    for (int r = 0; r < 4; r++)
        full_round(s, FR_P2_RC_FULL_MONT[r]);
    for (int r = 0; r < 13; r++) {
        s[0] = sbox(add_p(s[0], FR_P2_RC_PART_MONT[r]));
        internal_layer(s);
    }
    for (int r = 4; r < 8; r++)
        full_round(s, FR_P2_RC_FULL_MONT[r]);
}

void fr_p2_permute1(uint32_t s[16])
{
    for (int i = 0; i < 16; i++)
        s[i] = mont(s[i], FR_P2_R2);
    permute_mont(s);
    for (int i = 0; i < 16; i++)
        s[i] = mont(s[i], 1);
}

/* Runs the permutation on s (canonical, 16 words) and writes the first 8 words. */
static void permute_out8(uint32_t s[16], uint32_t out[8])
{
    for (int i = 0; i < 16; i++)
        s[i] = mont(s[i], FR_P2_R2);
    permute_mont(s);
    for (int i = 0; i < 8; i++)
        out[i] = mont(s[i], 1);
}

void fr_p2_leaf1(const uint8_t block[16], uint32_t out[8])
{
    uint32_t s[16] = {0};
    for (int i = 0; i < 8; i++)
        s[i] = (uint32_t)block[2 * i] | (uint32_t)block[2 * i + 1] << 8;
    permute_out8(s, out);
}

void fr_p2_compress1(const uint32_t l[8], const uint32_t r[8], uint32_t out[8])
{
    uint32_t s[16];
    for (int i = 0; i < 8; i++) {
        s[i] = l[i];
        s[8 + i] = r[i];
    }
    permute_out8(s, out);
}

static void permute_scalar(uint32_t *states, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fr_p2_permute1(states + 16 * i);
}

static void compress_scalar(const uint32_t *in, size_t n, uint32_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t s[16];
        for (int j = 0; j < 16; j++)
            s[j] = in[16 * i + j];
        permute_out8(s, out + 8 * i); /* in[16i..] is read before out[8i..] is written */
    }
}

static void leaves_scalar(const uint8_t *blocks, size_t n, uint32_t *out)
{
    for (size_t i = 0; i < n; i++)
        fr_p2_leaf1(blocks + 16 * i, out + 8 * i);
}

const fr_p2_backend fr_p2_scalar = {"scalar", 1, permute_scalar, compress_scalar, leaves_scalar};

const fr_p2_backend *fr_p2_backend_for(unsigned features)
{
    if (features & FRUGAL_CPU_AVX512)
        return &fr_p2_avx512;
    if (features & FRUGAL_CPU_AVX2)
        return &fr_p2_avx2;
    return &fr_p2_scalar;
}

const fr_p2_backend *fr_p2_select(void) { return fr_p2_backend_for(frugal_cpu_features()); }

/* ---- Public entry points ------------------------------------------------- */

static int canonical(const uint32_t *w, size_t n)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= (uint32_t)(w[i] >= P);
    return !bad;
}

frugal_status frugal_poseidon2_permute(uint32_t state[16])
{
    if (!state)
        return FRUGAL_ERR_ARG;
    if (!canonical(state, 16))
        return FRUGAL_ERR_RANGE;
    fr_p2_permute1(state);
    return FRUGAL_OK;
}

frugal_status frugal_poseidon2_permute_many(uint32_t *states, size_t n)
{
    if (!states && n)
        return FRUGAL_ERR_ARG;
    if (!canonical(states, 16 * n))
        return FRUGAL_ERR_RANGE;
    fr_p2_select()->permute(states, n);
    return FRUGAL_OK;
}

frugal_status frugal_poseidon2_leaves(const uint8_t *blocks, size_t n, frugal_digest *out)
{
    if ((!blocks || !out) && n)
        return FRUGAL_ERR_ARG;
    fr_p2_select()->leaves(blocks, n, (uint32_t *)(void *)out);
    return FRUGAL_OK;
}

frugal_status frugal_poseidon2_compress_pairs(const frugal_digest *children, size_t n,
                                              frugal_digest *out)
{
    if ((!children || !out) && n)
        return FRUGAL_ERR_ARG;
    if (!canonical((const uint32_t *)(const void *)children, 16 * n))
        return FRUGAL_ERR_RANGE;
    fr_p2_select()->compress((const uint32_t *)(const void *)children, n, (uint32_t *)(void *)out);
    return FRUGAL_OK;
}

frugal_status frugal_poseidon2_compress(const frugal_digest *l, const frugal_digest *r,
                                        frugal_digest *out)
{
    if (!l || !r || !out)
        return FRUGAL_ERR_ARG;
    if (!canonical(l->e, 8) || !canonical(r->e, 8))
        return FRUGAL_ERR_RANGE;
    fr_p2_compress1(l->e, r->e, out->e);
    return FRUGAL_OK;
}

frugal_status frugal_poseidon2_leaf(const uint8_t block[16], frugal_digest *out)
{
    if (!block || !out)
        return FRUGAL_ERR_ARG;
    fr_p2_leaf1(block, out->e);
    return FRUGAL_OK;
}

const char *frugal_poseidon2_backend(void) { return fr_p2_select()->name; }
