/* The scalar Poseidon2 with plain reduction ((uint64_t)a * b % p, canonical words
 * throughout) instead of Montgomery form: kept only to measure the choice the
 * library made (bench_poseidon2 times both). Same structure as src/hash/poseidon2.c;
 * checked against it by bench_poseidon2 before timing. */
#include <stdint.h>

#include "hash/poseidon2_constants.h"

#define P 2013265921u

void p2_plain_permute(uint32_t s[16]);

static inline uint32_t add_p(uint32_t a, uint32_t b)
{
    uint32_t t = a + b;
    return t >= P ? t - P : t;
}

static inline uint32_t sub_p(uint32_t a, uint32_t b) { return a >= b ? a - b : a - b + P; }
static inline uint32_t mul_p(uint32_t a, uint32_t b) { return (uint32_t)((uint64_t)a * b % P); }

static inline uint32_t sbox(uint32_t x)
{
    uint32_t x2 = mul_p(x, x), x3 = mul_p(x2, x), x4 = mul_p(x2, x2);
    return mul_p(x3, x4);
}

static void m4(uint32_t *x)
{
    uint32_t t01 = add_p(x[0], x[1]), t23 = add_p(x[2], x[3]), t0123 = add_p(t01, t23);
    uint32_t t01123 = add_p(t0123, x[1]), t01233 = add_p(t0123, x[3]);
    uint32_t y0 = add_p(t01123, t01), y1 = add_p(t01123, add_p(x[2], x[2]));
    uint32_t y2 = add_p(t01233, t23), y3 = add_p(t01233, add_p(x[0], x[0]));
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

void p2_plain_permute(uint32_t s[16])
{
    external_layer(s);
    for (int r = 0; r < 8; r++) {
        if (r == 4) {
            for (int pr = 0; pr < 13; pr++) {
                s[0] = sbox(add_p(s[0], FR_P2_RC_PART[pr]));
                uint32_t sum = 0;
                for (int i = 0; i < 16; i++)
                    sum = add_p(sum, s[i]);
                for (int i = 0; i < 16; i++)
                    s[i] = add_p(sum, mul_p(FR_P2_DIAG[i], s[i]));
            }
        }
        for (int i = 0; i < 16; i++)
            s[i] = sbox(add_p(s[i], FR_P2_RC_FULL[r][i]));
        external_layer(s);
    }
    (void)sub_p;
}
