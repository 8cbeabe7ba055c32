/* Building a tree from its memory image: dense trees hash every chunk of 2^c leaves
 * up to its level-c root on one thread each, then halve the levels above c with all
 * threads; sparse trees list the pages holding non-zero bytes, hash them in groups,
 * then build each level above from the positions below. Zero blocks and pairs of
 * zero roots are never hashed (their digests are Z_h), so a build spends permutations
 * only up to the highest page that holds data. */
#ifndef FRUGAL_MERKLE_BUILD_H
#define FRUGAL_MERKLE_BUILD_H
#include "merkle/tree.h"

/* Fills the store of t (allocated, zeroed) from its regions. Sets
 * stats.build_hashes and stats.stored_pages. FRUGAL_ERR_FULL when a sparse tree has
 * more non-zero pages than max_pages. */
frugal_status fr_merkle_build(frugal_merkle *t);
#endif
