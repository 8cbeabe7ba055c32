/* Poseidon2 over BabyBear (p = 2^31 - 2^27 + 1), width 16, S-box x^7, 8 full and 13
 * partial rounds, with Plonky3's default constants (Grassi, Khovratovich, Schofnegger,
 * "Poseidon2", 2023; constants in ../shared/vectors/poseidon2/babybear16.txt).
 *
 *   P(s) = F4' . ... . F0' . P12 . ... . P0 . F3 . ... . F0 . E (s)
 *   E:  the external layer: M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] on each
 *       chunk of 4 lanes, then lane i += sum over the chunks of lane i%4.
 *   F:  add 16 round constants, x^7 on every lane, E.
 *   P:  add one constant to lane 0, x^7 on lane 0, internal layer
 *       s_i <- sum(s) + DIAG_i * s_i, DIAG = (-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4,
 *       2^-8, 1/4, 1/8, 2^-27, -2^-8, -1/16, -2^-27).
 *
 * Arithmetic is in Montgomery form (x * 2^32 mod p) inside a permutation; states
 * enter and leave in canonical form (every word < p). Multiplications by DIAG are
 * additions and shifts: for x = hi * 2^k + lo, x / 2^k = hi - 15 * 2^(27-k) * lo,
 * since 2^-27 = -15 mod p. Montgomery form commutes with these linear maps.
 *
 * The Merkle tree's two uses (OpenVM's definition):
 *   leaf(block)   = P(c0..c7, 0^8)[0..8], c_i = u16 little-endian cell i of 16 bytes;
 *   compress(l,r) = P(l || r)[0..8].
 *
 * Backends (scalar; AVX2 with 8 states per step; AVX-512 with 16) compute the same
 * function; fr_p2_select() picks the widest one frugal_cpu_features() allows. */
#ifndef FRUGAL_HASH_POSEIDON2_H
#define FRUGAL_HASH_POSEIDON2_H

#include <stddef.h>
#include <stdint.h>

#define FR_P2_P 0x78000001u    /* 2013265921 */
#define FR_P2_PINV 0x88000001u /* p^-1 mod 2^32 */
#define FR_P2_R2 0x45dddde3u   /* 2^64 mod p: mont(x, R2) = x * 2^32 mod p */
#define FR_P2_WIDTH 16
#define FR_P2_DIGEST 8

/* states: n states of 16 canonical words each, permuted in place. */
typedef void (*fr_p2_permute_fn)(uint32_t *states, size_t n);

/* out[8i..8i+8) = P(in[16i..16i+16))[0..8] for i < n: n compressions of pairs laid
 * out as 16 consecutive words. out may equal in (a level halved in place); no other
 * overlap. Words must be canonical. */
typedef void (*fr_p2_compress_fn)(const uint32_t *in, size_t n, uint32_t *out);

/* out[8i..8i+8) = leaf digest of the 16 bytes blocks[16i..16i+16), i < n. */
typedef void (*fr_p2_leaves_fn)(const uint8_t *blocks, size_t n, uint32_t *out);

typedef struct fr_p2_backend {
    const char *name;
    unsigned lanes; /* states per step */
    fr_p2_permute_fn permute;
    fr_p2_compress_fn compress;
    fr_p2_leaves_fn leaves;
} fr_p2_backend;

/* The widest backend a feature set (FRUGAL_CPU_* bits) allows. */
const fr_p2_backend *fr_p2_backend_for(unsigned features);

/* The backend for frugal_cpu_features() now. */
const fr_p2_backend *fr_p2_select(void);

/* Backends, for the dispatcher and for tests that compare them. Calling an AVX backend
 * on a CPU without the instructions is undefined. */
extern const fr_p2_backend fr_p2_scalar;
extern const fr_p2_backend fr_p2_avx2;
extern const fr_p2_backend fr_p2_avx512;

/* One permutation of one canonical state (scalar code). */
void fr_p2_permute1(uint32_t s[16]);

/* Leaf digest of one 16-byte block and compression of two digests (scalar code);
 * out may alias l or r. */
void fr_p2_leaf1(const uint8_t block[16], uint32_t out[8]);
void fr_p2_compress1(const uint32_t l[8], const uint32_t r[8], uint32_t out[8]);
#endif
