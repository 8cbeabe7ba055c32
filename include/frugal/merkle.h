/* frugal/merkle.h: a Poseidon2 Merkle tree over a memory image that stores only its
 * upper levels, updated incrementally, with authentication paths.
 *
 * Tree (OpenVM's memory Merkle tree; hashes in frugal/poseidon2.h): a tree of height
 * H covers 2^H leaves, leaf i being the 16-byte block at byte address 16*i; bytes no
 * region covers are zero. Level 0 holds the leaf digests, level H the root. A node is
 * named by its heap index: node j of level h (0 <= j < 2^(H-h)) has index
 * 2^(H-h) + j, so the root is 1 and the children of index x are 2x and 2x+1.
 * Z_h is the root of an all-zero subtree of height h.
 *
 * Pages: with page_bits k, levels 0..k-1 are not stored. A page is the 2^k leaves
 * under one level-k node; its lower levels are recomputed from the memory image when
 * an update or a proof needs them (at most once per page per update).
 *   dense mode:  every node of levels k..H is stored: 32 * 2^(H-k+1) bytes.
 *   sparse mode: only pages that held non-zero bytes at build time or were touched
 *                since, and their ancestors, are stored; every other node is Z_h.
 *                Memory is bounded by the capacity max_pages.
 * Memory need is a pure function of the parameters (frugal_merkle_tree_bytes) and is
 * allocated once by frugal_merkle_create; an update allocates scratch that depends
 * on the number of blocks it touches (frugal_merkle_update_bytes) and frees it.
 *
 * Memory lifetime (the tree BORROWS the memory image, it keeps no copy):
 * the regions passed to frugal_merkle_create must stay allocated, and their bytes
 * must only change through frugal_merkle_update, until frugal_merkle_destroy. The
 * image is the segment-start memory: an update reads old contents from it (to
 * recompute omitted levels and the old digests of the records), then writes the new
 * contents of the touched blocks into it, so that afterwards it is the memory the
 * new root commits to. With page_bits > 0 an update or proof that finds a page whose
 * recomputed root differs from the stored one returns FRUGAL_ERR_STATE.
 *
 * OpenVM's layout: 2^A address spaces, each a subtree of height Has (a smaller
 * address space is extended upward with zero roots, i.e. padded with zero bytes),
 * under a top tree of height A. That is one tree of height A + Has whose leaf
 * as_index * 2^Has + b is block b of address space as_index; see
 * frugal_merkle_openvm_region().
 *
 * Thread safety: one tree is used by one thread at a time (its worker pool runs
 * inside the calls); distinct trees are independent. The library never prints.
 */
#ifndef FRUGAL_MERKLE_H
#define FRUGAL_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"
#include "frugal/poseidon2.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FRUGAL_MERKLE_HEIGHT_MAX 48    /* largest tree height H (16 * 2^48 bytes) */
#define FRUGAL_MERKLE_PAGE_BITS_MAX 20 /* largest page_bits k */
#define FRUGAL_MERKLE_REGIONS_MAX 64   /* most regions one tree borrows */

/* A piece of the memory image the tree borrows. */
typedef struct frugal_merkle_region {
    uint64_t offset; /* byte address of bytes[0] in the tree; a multiple of 16 */
    uint8_t *bytes;  /* len bytes, borrowed (see the lifetime above) */
    uint64_t len;    /* a multiple of 16; may be 0 */
} frugal_merkle_region;

typedef struct frugal_merkle_params {
    unsigned height;    /* H: 0..FRUGAL_MERKLE_HEIGHT_MAX */
    unsigned page_bits; /* k: 0..min(H, FRUGAL_MERKLE_PAGE_BITS_MAX); 0 stores every level */
    unsigned threads;   /* worker threads; 0 = the CPUs this process may use (read now) */
    int sparse;         /* 0 = dense, 1 = sparse */
    uint64_t max_pages; /* sparse only: capacity in stored pages, 1..2^(H-k);
                           0 = 2^(H-k) */
} frugal_merkle_params;

/* Fills params: the given height, page_bits 0, all CPUs, dense. */
FRUGAL_API void frugal_merkle_params_default(frugal_merkle_params *params, unsigned height);

/* FRUGAL_OK when params are in range; FRUGAL_ERR_ARG otherwise (NULL, height or
 * page_bits out of range, max_pages > 2^(H-k)). Pure function. */
FRUGAL_API frugal_status frugal_merkle_check_params(const frugal_merkle_params *params);

/* Bytes frugal_merkle_create allocates for params (the tree's whole arena: handle,
 * stored nodes, per-thread scratch); 0 when params are invalid. Pure function of
 * params (threads = 0 reads the CPU count). Dense:
 *   32 * 2^(H-k+1) + threads * scratch(k) + handle,
 * sparse: 40 * sum over h = k..H of min(max_pages, 2^(H-h)) + threads * scratch(k)
 * + handle, where scratch(k) = 176 * 2^c + 96 KiB (parts rounded up to 64 bytes,
 * plus a small per-thread descriptor), c = min(H, max(k, 10)), and the handle is
 * about 5 KiB. */
FRUGAL_API uint64_t frugal_merkle_tree_bytes(const frugal_merkle_params *params);

/* The most records an update of nblocks distinct blocks can produce: the sum over
 * levels h = 0..H of min(nblocks, 2^(H-h)). Pure function. */
FRUGAL_API uint64_t frugal_merkle_records_max(unsigned height, uint64_t nblocks);

/* Scratch bytes an update of nblocks blocks may allocate on top of the tree
 * (freed before it returns): 32 * nblocks for sorting, plus, when the caller passes
 * no record buffer, records_max * sizeof(frugal_merkle_record) for the working
 * records. Pure function; 0 when params are invalid. */
FRUGAL_API uint64_t frugal_merkle_update_bytes(const frugal_merkle_params *params,
                                               uint64_t nblocks, int with_records);

typedef struct frugal_merkle frugal_merkle;

/* Allocates a tree for params and builds it over the memory image made of regions
 * [0, nregions), which the tree borrows (copied descriptors, borrowed bytes).
 * Regions must be sorted by offset, not overlap, and end by 16 * 2^H.
 * Sparse mode stores the pages that hold a non-zero byte.
 * On success *tree is the new tree; on failure *tree is NULL. Statuses:
 * FRUGAL_ERR_ARG (params, regions), FRUGAL_ERR_NOMEM, FRUGAL_ERR_FULL (sparse: more
 * non-zero pages than max_pages). Uses the tree's threads. */
FRUGAL_API frugal_status frugal_merkle_create(const frugal_merkle_params *params,
                                              const frugal_merkle_region *regions,
                                              size_t nregions, frugal_merkle **tree);

/* Frees the tree (not the borrowed memory). NULL is ignored. */
FRUGAL_API void frugal_merkle_destroy(frugal_merkle *tree);

/* The current root. */
FRUGAL_API void frugal_merkle_root(const frugal_merkle *tree, frugal_digest *root);

/* The parameters the tree was made with (threads and max_pages resolved). */
FRUGAL_API const frugal_merkle_params *frugal_merkle_get_params(const frugal_merkle *tree);

/* One node whose digest an update changed (or recomputed to the same value). */
typedef struct frugal_merkle_record {
    uint64_t index;       /* heap index: 2^(H-level) + position in the level */
    uint32_t level;       /* 0 = leaf, H = root */
    frugal_digest before; /* digest before the update */
    frugal_digest after;  /* digest after the update */
} frugal_merkle_record;

/* Writes contents[16*i .. 16*i+16) into block blocks[i] for every i < n, as one
 * update, and refreshes the digests. blocks: leaf indices in any order, each at most
 * once, each inside a region. n may be 0. contents must not overlap the tree's memory
 * (it is read while that memory is written).
 * Records: every ancestor of a touched block (the blocks themselves included), once,
 * sorted by level (leaves first, root last) and within a level by position. When
 * records is not NULL it receives them (cap entries of room); *nrecords (if not NULL)
 * receives their number. Permutations spent: inside a page at most one recomputation
 * from old memory and one from new, 2 * (2^(k+1) - 1); above the pages one per record.
 * Statuses (the tree and the memory are unchanged on any failure):
 * FRUGAL_ERR_ARG (NULL with n > 0, a duplicate block), FRUGAL_ERR_RANGE (a block
 * >= 2^H or outside every region), FRUGAL_ERR_FULL (records has less than *nrecords
 * entries of room, or sparse capacity exceeded), FRUGAL_ERR_NOMEM, FRUGAL_ERR_STATE
 * (the memory image no longer matches the tree). */
FRUGAL_API frugal_status frugal_merkle_update(frugal_merkle *tree, const uint64_t *blocks,
                                              const uint8_t *contents, size_t n,
                                              frugal_merkle_record *records, size_t cap,
                                              size_t *nrecords);

/* ---- Authentication paths ------------------------------------------------ */

/* A leaf, its 16 bytes, the root they lead to, and the H sibling digests on the way
 * (siblings[h] is the sibling of the path's node at level h). */
typedef struct frugal_merkle_proof {
    unsigned height;
    uint64_t leaf;
    uint8_t block[FRUGAL_BLOCK_BYTES];
    frugal_digest root;
    frugal_digest siblings[FRUGAL_MERKLE_HEIGHT_MAX];
} frugal_merkle_proof;

/* Fills proof for leaf (< 2^H) from the tree and its memory. FRUGAL_ERR_RANGE for a
 * leaf out of range, FRUGAL_ERR_STATE as for updates. Does not allocate. */
FRUGAL_API frugal_status frugal_merkle_prove(frugal_merkle *tree, uint64_t leaf,
                                             frugal_merkle_proof *proof);

/* Recomputes the root from proof->block and the siblings (the bits of leaf choose
 * the sides) and compares it with proof->root. FRUGAL_OK, or FRUGAL_ERR_PROOF when
 * it differs or an element is >= p; FRUGAL_ERR_ARG for NULL, a height above
 * FRUGAL_MERKLE_HEIGHT_MAX or a leaf >= 2^height. Pure function (scalar code). */
FRUGAL_API frugal_status frugal_merkle_verify(const frugal_merkle_proof *proof);

/* Text form of a proof (doc/merkle.md), one line each, LF-terminated:
 *   frugal-merkle-proof 1
 *   height H
 *   leaf I
 *   block <32 lowercase hex digits>
 *   root <8 decimal elements>
 *   sibling <8 decimal elements>      (H lines, level 0 first)
 *   end
 * Elements are canonical decimal (no sign, no leading zeros), separated by one space.
 * The most bytes a proof's text takes: */
#define FRUGAL_MERKLE_PROOF_TEXT_MAX (160 + 96 * (FRUGAL_MERKLE_HEIGHT_MAX + 1))

/* Writes the text of proof into buf (cap bytes) and a NUL; *len (if not NULL) gets
 * the length without the NUL. FRUGAL_ERR_FULL when cap is too small,
 * FRUGAL_ERR_ARG for NULL or a height/leaf out of range. */
FRUGAL_API frugal_status frugal_merkle_proof_format(const frugal_merkle_proof *proof,
                                                    char *buf, size_t cap, size_t *len);

/* Parses one proof from text[0..len) (it need not be NUL-ended). *used (if not NULL)
 * gets the bytes consumed (through the newline after "end", or len). Any deviation
 * from the format, an element >= p, a leaf >= 2^H, or extra text on a line is
 * FRUGAL_ERR_PARSE; text ending early is FRUGAL_ERR_TRUNCATED. proof is unspecified
 * on failure. Does not check the path (frugal_merkle_verify does). */
FRUGAL_API frugal_status frugal_merkle_proof_parse(const char *text, size_t len,
                                                   frugal_merkle_proof *proof, size_t *used);

/* ---- Helpers ------------------------------------------------------------- */

/* Z_height: the root of an all-zero tree of that height (0..FRUGAL_MERKLE_HEIGHT_MAX).
 * FRUGAL_ERR_ARG beyond. */
FRUGAL_API frugal_status frugal_merkle_zero_root(unsigned height, frugal_digest *out);

/* Describes address space as_index (0-based: OpenVM's first address space is 0 here)
 * of OpenVM's layout with address spaces of height as_height: the region at byte
 * as_index * 16 * 2^as_height holding len bytes. The tree has height
 * addr_space_bits + as_height. FRUGAL_ERR_ARG if len exceeds 16 * 2^as_height or is
 * not a multiple of 16, or the address does not fit 64 bits. */
FRUGAL_API frugal_status frugal_merkle_openvm_region(unsigned as_height, uint64_t as_index,
                                                     uint8_t *bytes, uint64_t len,
                                                     frugal_merkle_region *region);

/* Figures of the tree's work, measured. */
typedef struct frugal_merkle_stats {
    uint64_t tree_bytes;       /* bytes the tree holds now (tracked allocations) */
    uint64_t high_water_bytes; /* most bytes held at once, update scratch included */
    uint64_t build_hashes;     /* permutations of the build */
    double build_seconds;
    uint64_t update_hashes;    /* permutations of the last update */
    uint64_t update_records;   /* records of the last update */
    uint64_t update_pages;     /* pages the last update touched */
    double update_seconds;
    uint64_t stored_pages;     /* pages whose root is stored (2^(H-k) when dense) */
    unsigned threads;
    const char *backend;       /* Poseidon2 backend in use */
} frugal_merkle_stats;

FRUGAL_API void frugal_merkle_get_stats(const frugal_merkle *tree, frugal_merkle_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
