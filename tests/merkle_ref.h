/* A plain Merkle tree that stores every level and its own copy of the memory, for
 * differential tests of the paged tree: building hashes every leaf and every node;
 * an update writes the blocks, rebuilds the whole tree and reports every ancestor
 * of a touched block with its digest before and after. Small heights only. */
#ifndef FRUGAL_TESTS_MERKLE_REF_H
#define FRUGAL_TESTS_MERKLE_REF_H
#include <stddef.h>
#include <stdint.h>

#include "frugal/merkle.h"

typedef struct mref {
    unsigned H;
    uint8_t *mem;         /* 16 * 2^H bytes */
    uint32_t *lv[FRUGAL_MERKLE_HEIGHT_MAX + 1]; /* level h: 2^(H-h) digests */
} mref;

/* A tree of height H over the regions (bytes outside them zero). */
mref *mref_build(unsigned H, const frugal_merkle_region *regions, size_t nregions);
void mref_free(mref *t);
void mref_root(const mref *t, frugal_digest *root);

/* Applies the writes; fills out (room for frugal_merkle_records_max(H, n)) with the
 * records, level by level, positions ascending. Returns their number. */
size_t mref_update(mref *t, const uint64_t *blocks, const uint8_t *contents, size_t n,
                   frugal_merkle_record *out);

/* The authentication path of leaf. */
void mref_prove(const mref *t, uint64_t leaf, frugal_merkle_proof *proof);
#endif
