/* SipHash-2-4 in the keyed form Cuckatoo uses, and batch endpoint computation.
 *
 * Cuckatoo (Tromp, "Cuckoo Cycle", and Grin's consensus code) keys SipHash with
 * the four 64-bit words k0..k3 of BLAKE2b-256(header) taken directly as the state
 * v0..v3 (no "somepseudorandomlygeneratedbytes" constants), hashes one 64-bit word
 * m = 2*edge + side with 2 compression rounds, then v2 ^= 0xff and 4 finalisation
 * rounds, and returns v0^v1^v2^v3. The endpoint of an edge on a side is that value
 * masked to edgebits bits.
 *
 * Backends (scalar, AVX2 with 4 lanes per register, AVX-512 with 8) compute the same
 * function; fr_sip_select() picks the widest one frugal_cpu_features() allows. */
#ifndef FRUGAL_HASH_SIPHASH_H
#define FRUGAL_HASH_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/cuckatoo.h"

static inline uint64_t fr_rotl64(uint64_t x, unsigned b) { return (x << b) | (x >> (64 - b)); }

#define FR_SIPROUND(v0, v1, v2, v3)                                                    \
    do {                                                                               \
        v0 += v1; v2 += v3; v1 = fr_rotl64(v1, 13); v3 = fr_rotl64(v3, 16);            \
        v1 ^= v0; v3 ^= v2; v0 = fr_rotl64(v0, 32);                                    \
        v2 += v1; v0 += v3; v1 = fr_rotl64(v1, 17); v3 = fr_rotl64(v3, 21);            \
        v1 ^= v2; v3 ^= v0; v2 = fr_rotl64(v2, 32);                                    \
    } while (0)

/* siphash24 of one word under Cuckatoo's keying. */
static inline uint64_t fr_siphash24(const frugal_sipkeys *keys, uint64_t nonce)
{
    uint64_t v0 = keys->k[0], v1 = keys->k[1], v2 = keys->k[2], v3 = keys->k[3] ^ nonce;
    FR_SIPROUND(v0, v1, v2, v3);
    FR_SIPROUND(v0, v1, v2, v3);
    v0 ^= nonce;
    v2 ^= 0xff;
    FR_SIPROUND(v0, v1, v2, v3);
    FR_SIPROUND(v0, v1, v2, v3);
    FR_SIPROUND(v0, v1, v2, v3);
    FR_SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* The endpoint of `edge` on `side` (0 = U, 1 = V): siphash24(2*edge+side) & mask. */
static inline uint32_t fr_sip_node(const frugal_sipkeys *keys, uint32_t edge, unsigned side,
                                   uint32_t mask)
{
    return (uint32_t)fr_siphash24(keys, 2 * (uint64_t)edge + side) & mask;
}

/* out[i] = endpoint of edges[i] on side, masked, for i < n (any n; out may not
 * alias edges unless they are the same array). */
typedef void (*fr_sip_nodes_fn)(const frugal_sipkeys *keys, const uint32_t *edges, size_t n,
                                unsigned side, uint32_t mask, uint32_t *out);

/* out[i] = endpoint of edge first+i on side, masked, for i < n. */
typedef void (*fr_sip_seq_fn)(const frugal_sipkeys *keys, uint32_t first, size_t n,
                              unsigned side, uint32_t mask, uint32_t *out);

typedef struct fr_sip_backend {
    const char *name;
    unsigned lanes;        /* edges hashed per step */
    fr_sip_nodes_fn nodes; /* gathered edges */
    fr_sip_seq_fn seq;     /* consecutive edges */
} fr_sip_backend;

/* The backend for a feature set (FRUGAL_CPU_* bits): the widest one it allows. */
const fr_sip_backend *fr_sip_backend_for(unsigned features);

/* The backend for frugal_cpu_features() now. */
const fr_sip_backend *fr_sip_select(void);

/* Backends, for the dispatcher and for tests that compare them. Calling an AVX
 * backend on a CPU without the instructions is undefined. */
extern const fr_sip_backend fr_sip_scalar;
extern const fr_sip_backend fr_sip_avx2;
extern const fr_sip_backend fr_sip_avx512;
#endif
