/* Reader for the Cuckatoo vector files in ../shared/vectors/cuckatoo: "edgebits nonce k0 k1 k2 k3 nsols
 * sol1 [| sol2 ...]" with keys and edges in hex; '#' lines are comments. */
#ifndef FRUGAL_TESTS_VECTORS_H
#define FRUGAL_TESTS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/cuckatoo.h"

#define VEC_MAX_SOLS 8

typedef struct cuckatoo_vector {
    unsigned edgebits;
    uint64_t nonce;
    frugal_sipkeys keys;
    unsigned nsols;
    uint64_t sols[VEC_MAX_SOLS][42];
} cuckatoo_vector;

/* Reads every vector of a file (path relative to the vectors directory, e.g.
 * "cuckatoo/grin80.txt"). Returns the count and sets *out (malloc'd), or exits the
 * test with a message when the file is missing or malformed. */
size_t read_cuckatoo_vectors(const char *relpath, cuckatoo_vector **out);

/* The 80-byte or 246-byte zero header with the nonce in its last whole word. */
void vector_keys_from_zero_header(size_t header_len, uint64_t nonce, frugal_sipkeys *keys);
#endif
