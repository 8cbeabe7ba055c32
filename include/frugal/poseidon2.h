/* frugal/poseidon2.h: the Poseidon2 permutation over BabyBear and the two hashes of
 * the memory Merkle tree built from it.
 *
 * Field: BabyBear, p = 2^31 - 2^27 + 1 = 2013265921. A field element is a uint32_t
 * in canonical form (< p). Permutation: Poseidon2 of width 16 with S-box x^7, 8 full
 * and 13 partial rounds and Plonky3's default constants (default_babybear_poseidon2_16,
 * as used by OpenVM). The Merkle hashes, as OpenVM defines them:
 *   leaf(block)   = P(c0, ..., c7, 0, ..., 0)[0..8], where the 16-byte block holds
 *                   eight little-endian u16 cells c0..c7;
 *   compress(l,r) = P(l || r)[0..8] (no feed-forward).
 *
 * Batch functions run the widest backend frugal_cpu_features() allows (scalar, AVX2
 * with 8 states per step, AVX-512 with 16) on the calling thread; every backend
 * gives the same results. All functions are thread-safe and do not allocate.
 */
#ifndef FRUGAL_POSEIDON2_H
#define FRUGAL_POSEIDON2_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FRUGAL_BABYBEAR_P 2013265921u /* 2^31 - 2^27 + 1 */
#define FRUGAL_POSEIDON2_WIDTH 16      /* field elements per state */
#define FRUGAL_DIGEST_ELEMS 8          /* field elements per digest */
#define FRUGAL_BLOCK_BYTES 16          /* bytes per Merkle leaf */

/* A Merkle digest: 8 canonical field elements. */
typedef struct frugal_digest {
    uint32_t e[FRUGAL_DIGEST_ELEMS];
} frugal_digest;

/* Applies the permutation to state[0..16) in place. Every element must be < p:
 * FRUGAL_ERR_RANGE otherwise (state untouched); FRUGAL_ERR_ARG for NULL. */
FRUGAL_API frugal_status frugal_poseidon2_permute(uint32_t state[16]);

/* Permutes n states of 16 elements laid out one after another (16*n words), in
 * place. FRUGAL_ERR_RANGE if any element is >= p (nothing permuted). */
FRUGAL_API frugal_status frugal_poseidon2_permute_many(uint32_t *states, size_t n);

/* out = leaf(block[0..16)). FRUGAL_ERR_ARG for NULL. */
FRUGAL_API frugal_status frugal_poseidon2_leaf(const uint8_t block[16], frugal_digest *out);

/* out[i] = leaf(blocks[16*i .. 16*i+16)) for i < n. out must not overlap blocks. */
FRUGAL_API frugal_status frugal_poseidon2_leaves(const uint8_t *blocks, size_t n,
                                                 frugal_digest *out);

/* out = compress(l, r); out may alias l or r. FRUGAL_ERR_RANGE if an element of l or
 * r is >= p (out untouched). */
FRUGAL_API frugal_status frugal_poseidon2_compress(const frugal_digest *l,
                                                   const frugal_digest *r,
                                                   frugal_digest *out);

/* out[i] = compress(children[2i], children[2i+1]) for i < n: one tree level halved.
 * out may equal children (in place); no other overlap. FRUGAL_ERR_RANGE if an element
 * is >= p (out untouched). */
FRUGAL_API frugal_status frugal_poseidon2_compress_pairs(const frugal_digest *children,
                                                         size_t n, frugal_digest *out);

/* The name of the backend batch calls use now: "scalar", "avx2" or "avx512". */
FRUGAL_API const char *frugal_poseidon2_backend(void);

#ifdef __cplusplus
}
#endif
#endif
