/* Portable siphash backend and the run-time dispatcher. */
#include "hash/siphash.h"

#include "frugal/common.h"

static void nodes_scalar(const frugal_sipkeys *keys, const uint32_t *edges, size_t n,
                         unsigned side, uint32_t mask, uint32_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = fr_sip_node(keys, edges[i], side, mask);
}

static void seq_scalar(const frugal_sipkeys *keys, uint32_t first, size_t n, unsigned side,
                       uint32_t mask, uint32_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = fr_sip_node(keys, first + (uint32_t)i, side, mask);
}

const fr_sip_backend fr_sip_scalar = {"scalar", 1, nodes_scalar, seq_scalar};

const fr_sip_backend *fr_sip_backend_for(unsigned features)
{
    if (features & FRUGAL_CPU_AVX512)
        return &fr_sip_avx512;
    if (features & FRUGAL_CPU_AVX2)
        return &fr_sip_avx2;
    return &fr_sip_scalar;
}

const fr_sip_backend *fr_sip_select(void) { return fr_sip_backend_for(frugal_cpu_features()); }

uint64_t frugal_siphash24(const frugal_sipkeys *keys, uint64_t nonce)
{
    return fr_siphash24(keys, nonce);
}
