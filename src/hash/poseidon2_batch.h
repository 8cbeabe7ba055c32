/* Batch drivers shared by the SIMD Poseidon2 backends. The including file defines
 * LANES and three step functions over LANES states (P_STEP_PERMUTE(states),
 * P_STEP_COMPRESS(in, out), P_STEP_LEAVES(blocks, out)); this header defines
 * p_batch_permute, p_batch_compress and p_batch_leaves over any count. A tail of 2 to
 * LANES - 1 states runs padded (one vector step costs less than two scalar
 * permutations); a single state runs on the scalar code. */
#ifndef FRUGAL_HASH_POSEIDON2_BATCH_H
#define FRUGAL_HASH_POSEIDON2_BATCH_H

#include <string.h>

static void p_batch_permute(uint32_t *states, size_t n)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        P_STEP_PERMUTE(states + 16 * i);
    if (n - i >= 2) {
        uint32_t buf[16 * LANES] = {0};
        memcpy(buf, states + 16 * i, (n - i) * 16 * sizeof *buf);
        P_STEP_PERMUTE(buf);
        memcpy(states + 16 * i, buf, (n - i) * 16 * sizeof *buf);
    } else if (n - i == 1) {
        fr_p2_permute1(states + 16 * i);
    }
}

static void p_batch_compress(const uint32_t *in, size_t n, uint32_t *out)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        P_STEP_COMPRESS(in + 16 * i, out + 8 * i);
    if (n - i >= 2) {
        uint32_t buf[16 * LANES] = {0}, res[8 * LANES];
        memcpy(buf, in + 16 * i, (n - i) * 16 * sizeof *buf);
        P_STEP_COMPRESS(buf, res);
        memcpy(out + 8 * i, res, (n - i) * 8 * sizeof *res);
    } else if (n - i == 1) {
        fr_p2_compress1(in + 16 * i, in + 16 * i + 8, out + 8 * i);
    }
}

static void p_batch_leaves(const uint8_t *blocks, size_t n, uint32_t *out)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        P_STEP_LEAVES(blocks + 16 * i, out + 8 * i);
    if (n - i >= 2) {
        uint8_t buf[16 * LANES] = {0};
        uint32_t res[8 * LANES];
        memcpy(buf, blocks + 16 * i, (n - i) * 16);
        P_STEP_LEAVES(buf, res);
        memcpy(out + 8 * i, res, (n - i) * 8 * sizeof *res);
    } else if (n - i == 1) {
        fr_p2_leaf1(blocks + 16 * i, out + 8 * i);
    }
}
#endif
