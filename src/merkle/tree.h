/* The paged Merkle tree's state and the helpers its modules share (tree.c).
 *
 * Arena of one tree (one tracked allocation each, all planned by
 * frugal_merkle_tree_bytes):
 *
 *   handle      struct frugal_merkle: parameters, borrowed region descriptors,
 *               Z_0..Z_H, statistics
 *   store       dense:  digests of heap indices [0, 2^(H-k+1)) (index 0 unused):
 *                       node j of level h at word 8 * (2^(H-h) + j)
 *               sparse: per level h = k..H, cap_h = min(max_pages, 2^(H-h)) entries:
 *                       positions (u64, ascending) then their digests (8 words)
 *   scratch     per thread: memory copy (16 * 2^c bytes), subtree levels
 *               (2^(c+1) digests), pair staging (2^c pairs) and its output
 *               (2^c digests), with c = min(H, max(k, FR_CHUNK_BITS)); plus
 *               FR_STAGE pairs and digests for the upper levels.
 *
 * Digests are 8 canonical words (uint32_t[8]) everywhere inside the tree. */
#ifndef FRUGAL_MERKLE_TREE_H
#define FRUGAL_MERKLE_TREE_H

#include <stdint.h>

#include "common/mem.h"
#include "common/pool.h"
#include "frugal/merkle.h"
#include "hash/poseidon2.h"

#define FR_CHUNK_BITS 10 /* leaves hashed per build step and per update group: 2^10 */
#define FR_STAGE 1024    /* pairs gathered per batch above the pages */
#define FR_D 8           /* words per digest */

typedef struct fr_sparse_level {
    uint64_t *pos;  /* ascending positions of the stored nodes */
    uint32_t *dig;  /* their digests, FR_D words each */
    uint64_t count; /* stored nodes */
    uint64_t cap;   /* room */
} fr_sparse_level;

/* One thread's scratch (views into the arena). */
typedef struct fr_scratch {
    uint8_t *mem;      /* 16 * 2^c bytes */
    uint32_t *levels;  /* 2^(c+1) digests */
    uint32_t *pairs;   /* 2^c states of 16 words */
    uint32_t *out;     /* 2^c digests */
    uint32_t *upairs;  /* FR_STAGE states */
    uint32_t *uout;    /* FR_STAGE digests */
    uint64_t hashes;   /* permutations this thread spent in the current call */
} fr_scratch;

struct frugal_merkle {
    frugal_merkle_params p; /* resolved: threads >= 1, max_pages set */
    unsigned H, k, c;       /* height, page bits, chunk bits */
    fr_mem mem;
    fr_pool *pool;
    const fr_p2_backend *be; /* chosen at create */
    frugal_merkle_region regions[FRUGAL_MERKLE_REGIONS_MAX];
    size_t nregions;
    uint32_t zero[FRUGAL_MERKLE_HEIGHT_MAX + 1][FR_D]; /* Z_h */
    uint32_t *dense;         /* dense store, or NULL */
    uint64_t dense_bytes;
    void *sparse_arena;      /* sparse store, or NULL */
    uint64_t sparse_bytes;
    fr_sparse_level lv[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    void *scratch_arena;
    uint64_t scratch_bytes;
    fr_scratch *scr;         /* threads entries, inside scratch_arena */
    frugal_merkle_stats stats;
};

/* Per-thread scratch bytes for chunk bits c (see the arena above). */
uint64_t fr_merkle_scratch_bytes(unsigned c);

/* The chunk bits of a tree: min(H, max(k, FR_CHUNK_BITS)). */
unsigned fr_merkle_chunk_bits(unsigned H, unsigned k);

/* Memory of blocks [first, first + count): a pointer into a region when one region
 * covers them all, else a copy into buf (16 * count bytes) with zeros where no region
 * covers. */
const uint8_t *fr_merkle_view(const frugal_merkle *t, uint64_t first, uint64_t count,
                              uint8_t *buf);

/* Copies blocks [first, first + count) into dst (16 * count bytes), zeros where no
 * region covers. */
void fr_merkle_read(const frugal_merkle *t, uint64_t first, uint64_t count, uint8_t *dst);

/* The region holding block b, or NULL. */
const frugal_merkle_region *fr_merkle_region_of(const frugal_merkle *t, uint64_t b);

/* Whether the 16 bytes at p are all zero. */
static inline int fr_block_is_zero(const uint8_t *p)
{
    uint64_t a, b;
    __builtin_memcpy(&a, p, 8);
    __builtin_memcpy(&b, p + 8, 8);
    return (a | b) == 0;
}

/* Whether two digests are equal. */
static inline int fr_dig_eq(const uint32_t *a, const uint32_t *b)
{
    uint32_t d = 0;
    for (int i = 0; i < FR_D; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

static inline void fr_dig_copy(uint32_t *dst, const uint32_t *src)
{
    for (int i = 0; i < FR_D; i++)
        dst[i] = src[i];
}

/* Stored digest of node pos of level h >= k, or Z_h when sparse mode stores none. */
const uint32_t *fr_merkle_get(const frugal_merkle *t, unsigned h, uint64_t pos);

/* Digests of the 2^c2 leaves from `first` and of the levels above them up to `top`
 * (<= c2): lv[l] receives the 2^(c2-l) digests of level l; lv[l] may equal lv[l-1]
 * (a level halved in place). Blocks of zero bytes and pairs of zero roots are not
 * hashed (Z values are copied). memory: the leaves' bytes (16 * 2^c2). Returns the
 * permutations spent. */
uint64_t fr_merkle_hash_span(const frugal_merkle *t, const uint8_t *memory, unsigned c2,
                             unsigned top, uint32_t *const *lv);

/* out[i] = parent of in[2i], in[2i+1] at level h+1 for i < m (children at level h),
 * hashing only pairs that are not both Z_h. out <= in allowed (in place). Returns the
 * permutations spent. */
uint64_t fr_merkle_halve(const frugal_merkle *t, unsigned h, const uint32_t *in, uint64_t m,
                         uint32_t *out);

/* Sizes of the sparse level h capacity: min(max_pages, 2^(H-h)). */
uint64_t fr_sparse_cap(const frugal_merkle_params *p, unsigned h);
#endif
