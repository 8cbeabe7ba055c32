/* Packed streams of ascending 32-bit integers in fixed-size blocks.
 *
 * A stream holds strictly ascending u32 values (a trimmer's bucket of edge indices)
 * as a chain of blocks taken from a pool. Two formats share one writer/reader
 * interface and the same 16-byte block header, chosen per stream:
 *   FR_PACK_RICE   gaps coded with a Rice code of parameter k (0..31), split into
 *                  a fixed-width region of low bits and a unary region of quotients;
 *   FR_PACK_RAW32  plain little-endian u32 values.
 * Every block is self-contained (absolute first value, count, format, k, next
 * block), so blocks decode independently and gaps never need signed arithmetic.
 *
 * Block of B bytes (B a power of two, 256..65536), all fields little-endian:
 *
 *   0        4        8        12       16                                 B
 *   +--------+--------+--------+--------+---------------------------------+
 *   | next   | first  | count  | meta   | payload                         |
 *   +--------+--------+--------+--------+---------------------------------+
 *   meta = format (bits 0..7) | k << 8 (bits 8..12) | ubits << 13 (bits 13..31)
 *
 *   RICE payload: low bits grow forward, the unary region grows backward
 *   +--------------------------------+........+-----------------------------+
 *   | r1 r2 r3 ... ((count-1)*k bits) | (free) | ...u3 u2 u1 (ubits, mirrored)|
 *   +--------------------------------+........+-----------------------------+
 *   Value i (1 <= i < count) has gap g = v[i] - v[i-1] >= 1; d = g - 1 is split
 *   into q = d >> k and r = d mod 2^k. r takes k bits at bit (i-1)*k of the low
 *   region (LSB first). The unary region is a bit string read from the block's
 *   last byte downwards (byte B-1-j holds its bits 8j..8j+7, LSB first); it holds,
 *   per value, q zero bits and a one (q < 32), or the escape: 32 zeros, a one,
 *   then q itself in 32-k bits (q >= 32). A block is closed when the next value
 *   would not fit exactly: 16 + ceil(low bits/8) + ceil(ubits/8) <= B.
 *   RAW32 payload: values 1..count-1 as u32 at 16 + 4*(i-1) (k and ubits are 0).
 *
 * doc/pack.md has the full format, the choice of k and measured figures.
 *
 * Memory: a pool owns nothing; it carves caller memory into blocks and keeps a
 * LIFO free list, so a block released by a reader is the next one a writer gets
 * (still in cache). A pool and every stream in it belong to one thread; nothing
 * here locks or allocates. */
#ifndef FRUGAL_PACK_PACK_H
#define FRUGAL_PACK_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"

enum {
    FR_PACK_RICE = 0,  /* Rice-coded gaps with parameter k */
    FR_PACK_RAW32 = 1  /* plain u32 values */
};

#define FR_PACK_HEADER_BYTES 16u
#define FR_PACK_MIN_BLOCK 256u
#define FR_PACK_MAX_BLOCK 65536u
#define FR_PACK_MAX_K 31u
#define FR_PACK_QMAX 32u            /* quotients >= this are escaped */
#define FR_PACK_NONE 0xffffffffu    /* "no block" in a next field or a writer */
#define FR_PACK_MAX_BLOCKS 0xfffffff0u

typedef struct fr_pack_kernels fr_pack_kernels;

/* A block pool over caller memory. Fields are private to pack.c.
 *
 * Caller memory:  [ free stack: u32 per block | in-use bitmap | pad ][ blocks ]
 * The bookkeeping sits outside the blocks, so no block content, however corrupt,
 * can make the pool hand out a block twice or free one that is not in use; the
 * blocks are 64-byte aligned and end as close to the memory's end as alignment
 * allows. */
typedef struct fr_pack_pool {
    uint8_t *base;        /* first block, 64-byte aligned */
    uint32_t *stack;      /* free stack: stack[0 .. nfree) */
    uint64_t *in_use;     /* bit i: block i is handed out */
    uint32_t nblocks;     /* blocks in the pool */
    uint32_t fresh;       /* blocks [fresh, nblocks) were never handed out */
    uint32_t nfree;       /* blocks on the free stack */
    uint32_t used_peak;   /* most blocks in use at once since init */
    unsigned block_bytes, block_shift;
    const fr_pack_kernels *kern;
} fr_pack_pool;

/* One stream's writing end (40 bytes; keep thousands in an array). A writer is
 * also the handle through which the stream is read. Fields are private. */
typedef struct fr_pack_writer {
    uint32_t head, tail;  /* first and last block, FR_PACK_NONE when empty */
    uint32_t last;        /* last value appended */
    uint32_t nblk;        /* values in the tail block */
    uint32_t ubits;       /* RICE: unary bits used in the tail block */
    uint8_t format, k;
    uint8_t dirty;        /* the tail block's count and meta are not written yet */
    uint8_t pad_;
    uint64_t count;       /* values in the stream */
    uint64_t bits;        /* coded bits of the closed blocks (headers included) */
} fr_pack_writer;

/* A position in a stream being read in pieces. Fields are private. */
typedef struct fr_pack_reader {
    uint32_t blk;         /* block being read, FR_PACK_NONE at the end */
    uint32_t pos;         /* values of blk already returned */
    uint32_t ubit;        /* RICE: unary bits of blk consumed */
    uint32_t last;        /* last value returned */
    uint64_t left;        /* values still to return */
    uint8_t format, release, started, failed;
    uint8_t pad_[4];
} fr_pack_reader;

/* ---- Pool ----------------------------------------------------------------- */

/* Bytes of memory a pool of `nblocks` blocks of `block_bytes` needs: the blocks,
 * 4 bytes and 1 bit of bookkeeping per block, and alignment slack. 0 when
 * block_bytes is not a power of two in [FR_PACK_MIN_BLOCK, FR_PACK_MAX_BLOCK] or
 * nblocks is 0 or > FR_PACK_MAX_BLOCKS. */
size_t fr_pack_pool_bytes(size_t nblocks, unsigned block_bytes);

/* Makes `p` a pool over mem[0..bytes): as many blocks of block_bytes as fit with
 * their bookkeeping (at least nblocks when bytes >= fr_pack_pool_bytes(nblocks,
 * block_bytes), at any alignment of mem). Zeroes the bitmap (1 bit per block) and
 * touches no block, so pages stay untouched until a block is first written. Picks
 * the codec backend from frugal_cpu_features() now.
 * Returns FRUGAL_ERR_ARG for a bad block size or NULL pointers, FRUGAL_ERR_FULL when
 * not even one block fits. Reinitialising forgets every stream of the pool. */
frugal_status fr_pack_pool_init(fr_pack_pool *p, void *mem, size_t bytes, unsigned block_bytes);

/* Blocks a writer can still get: the free stack plus the never-used ones. */
size_t fr_pack_pool_free_blocks(const fr_pack_pool *p);

/* Blocks in the pool. */
size_t fr_pack_pool_blocks(const fr_pack_pool *p);

/* Most blocks that were in use at one time since fr_pack_pool_init (the pool's
 * measured high-water mark, in blocks). */
size_t fr_pack_pool_peak_blocks(const fr_pack_pool *p);

/* Name of the codec backend the pool uses ("scalar" or "bmi2"). */
const char *fr_pack_pool_backend(const fr_pack_pool *p);

/* Address of block `idx` (< fr_pack_pool_blocks), for tests and tools that look at
 * raw blocks; NULL when idx is out of range. */
uint8_t *fr_pack_block(const fr_pack_pool *p, uint32_t idx);

/* Takes one block for a caller that fills it itself (tests, fuzz targets); its
 * content is left as it was. FR_PACK_NONE when the pool is full. */
uint32_t fr_pack_block_alloc(fr_pack_pool *p);

/* Takes every block never handed out since fr_pack_pool_init (the pool's end, one
 * contiguous area, still untouched) for the caller's own use until the pool is
 * reinitialised, and sets *bytes to its size; NULL and 0 when there is none. Blocks
 * that were handed out and freed go on being handed out again. */
void *fr_pack_pool_take_fresh(fr_pack_pool *p, size_t *bytes);

/* ---- Writing -------------------------------------------------------------- */

/* Makes `w` an empty stream of `format` (FR_PACK_RICE or FR_PACK_RAW32); k is the
 * Rice parameter (0..31) and is ignored for RAW32. Does not touch the pool: a
 * writer that still owns blocks must be read with release or freed first.
 * Returns FRUGAL_ERR_ARG (w left untouched) for a bad format or k. */
frugal_status fr_pack_writer_init(fr_pack_writer *w, int format, unsigned k);

/* Appends vals[0..n) to the stream. The values must be strictly ascending and
 * greater than the stream's last value. All or nothing: on FRUGAL_ERR_ARG (order
 * broken) or FRUGAL_ERR_FULL (the pool ran out of blocks) the stream is exactly as
 * before the call, every block taken during the call is back in the pool, and the
 * stream still decodes to what was accepted before. n = 0 is allowed (vals may
 * then be NULL). Not thread-safe for the same pool. */
frugal_status fr_pack_append(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals, size_t n);

/* Writes the tail block's header (count and meta, which appends leave for later)
 * and zeroes the unused bits of its partial bytes, so that a finished stream's
 * blocks are complete and its used bytes canonical (equal to any other
 * encoder's). Readers do not need it (they write the header themselves); raw
 * blocks looked at with fr_pack_block_decode do. Appending after it is allowed. */
void fr_pack_writer_finish(fr_pack_pool *p, fr_pack_writer *w);

/* Values in the stream. */
uint64_t fr_pack_writer_count(const fr_pack_writer *w);

/* Coded size of the stream in bits: 128 per block header plus the payload bits
 * used (low and unary bits for RICE, 32 per value after a block's first for
 * RAW32). The pool memory held is the number of blocks times the block size. */
uint64_t fr_pack_writer_bits(const fr_pack_writer *w);

/* Releases every block of the stream and makes it empty (same format and k).
 * FRUGAL_ERR_PARSE when the chain is corrupt (the blocks before the fault are
 * released, the writer is emptied all the same). */
frugal_status fr_pack_stream_free(fr_pack_pool *p, fr_pack_writer *w);

/* ---- Reading -------------------------------------------------------------- */

/* Decodes the whole stream of `w` into out (room for cap values; cap must be at
 * least fr_pack_writer_count(w)) and sets *n to the count. With `release`, each
 * block goes back to the pool as soon as it is consumed and `w` becomes an empty
 * stream of the same format and k (ready for the next round's values).
 * Returns FRUGAL_ERR_FULL when cap is too small (nothing read, nothing released),
 * FRUGAL_ERR_PARSE when a block is corrupt (out holds garbage; with release the
 * blocks consumed so far are released and the rest stay taken until the pool is
 * reinitialised), FRUGAL_ERR_ARG for NULL pointers. Never reads outside the pool. */
frugal_status fr_pack_decode(fr_pack_pool *p, fr_pack_writer *w, uint32_t *out, size_t cap,
                             int release, size_t *n);

/* Starts reading the stream of `w` (a stream of pool p) in pieces; writes the
 * tail block's header if appends left it for later. With release the reader
 * takes the stream over: `w` is emptied at once (it can take new values while
 * the reader runs; the blocks the reader releases are the ones it reuses) and
 * the reader releases each block when consumed. Without release `w` must not
 * change while the reader is in use. */
void fr_pack_reader_init(fr_pack_pool *p, fr_pack_reader *r, fr_pack_writer *w, int release);

/* Decodes the next min(cap, remaining) values into out and sets *n to that number
 * (0 at the end of the stream). FRUGAL_ERR_PARSE on a corrupt block (as for
 * fr_pack_decode; further calls return the same error). */
frugal_status fr_pack_read(fr_pack_pool *p, fr_pack_reader *r, uint32_t *out, size_t cap,
                           size_t *n);

/* Values the reader has still to return. */
uint64_t fr_pack_reader_left(const fr_pack_reader *r);

/* Releases the blocks a releasing reader has not consumed yet (a reader abandoned
 * early or stopped by an error); does nothing without release. */
void fr_pack_reader_drop(fr_pack_pool *p, fr_pack_reader *r);

/* Decodes one block on its own: blk points at `block_bytes` bytes (no more are
 * read). Sets *n to its count and fills out (room for cap values). Its `next`
 * field is not followed. FRUGAL_ERR_PARSE for a malformed or inconsistent block,
 * FRUGAL_ERR_FULL when cap is smaller than its count, FRUGAL_ERR_ARG for a bad
 * block size. */
frugal_status fr_pack_block_decode(const uint8_t *blk, unsigned block_bytes, uint32_t *out,
                                   size_t cap, size_t *n);

/* Most values one block of block_bytes can hold in `format` (for sizing a buffer
 * that takes whole blocks); 0 for bad arguments. */
size_t fr_pack_block_max_values(unsigned block_bytes, int format, unsigned k);

/* ---- Choosing k ----------------------------------------------------------- */

/* The Rice parameter that minimises the expected code length of gaps drawn from a
 * geometric distribution with mean `mean_gap` (>= 1), e.g. B / f for a bucket of B
 * buckets when a fraction f of the values are live. About log2(0.69 * mean_gap). */
unsigned fr_pack_rice_k(double mean_gap);

/* Expected bits per value of a Rice code with parameter k for geometric gaps of
 * mean `mean_gap` (the figure fr_pack_rice_k minimises; escapes ignored). */
double fr_pack_rice_bits(double mean_gap, unsigned k);
#endif
