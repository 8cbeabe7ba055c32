/* A deliberately plain Poseidon2 BabyBear-16, written from the parameter file's
 * description: constants read at run time from babybear16.txt, products reduced with
 * %, the matrices applied as matrices. Slow and obviously correct; the library's
 * backends are checked against it and against kat.txt. */
#ifndef FRUGAL_TESTS_P2_REF_H
#define FRUGAL_TESTS_P2_REF_H
#include <stdint.h>

/* Loads the constants from FRUGAL_VECTORS_DIR/poseidon2/babybear16.txt; exits the
 * test program if the file is missing or malformed. Idempotent. */
void p2_ref_load(void);

/* The permutation of a canonical state. */
void p2_ref_permute(uint32_t s[16]);

/* leaf(block) and compress(l, r) as the Merkle tree defines them. */
void p2_ref_leaf(const uint8_t block[16], uint32_t out[8]);
void p2_ref_compress(const uint32_t l[8], const uint32_t r[8], uint32_t out[8]);
#endif
