/* Fuzz target: the packed-stream codec (src/pack). The first byte picks a mode:
 *   0  round trip: an ascending sequence derived from the input (gaps of 1 byte
 *      up to 32 bits) is appended in varying batches to a pool that may be too
 *      small; FULL must leave the stream as it was, and whatever was accepted
 *      must decode back, as a stream, in chunks and block by block;
 *   1  arbitrary bytes as blocks: a pool whose memory ends exactly at its last
 *      block (so a sanitizer sees any read past it) is filled with the input and
 *      decoded as a stream and block by block;
 *   2  corruption: as 0, then input bytes are XORed into the blocks and the
 *      stream is decoded with release and read in chunks.
 * Properties: no crash or out-of-bounds access; a decode that succeeds returns
 * the stream's count of strictly ascending values; the pool never counts more
 * free blocks than it has. */
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct cursor {
    const uint8_t *p;
    size_t left;
} cursor;

static unsigned get8(cursor *c)
{
    if (c->left == 0)
        return 0;
    c->left--;
    return *c->p++;
}

static uint32_t get32(cursor *c)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)get8(c) << (8 * i);
    return v;
}

/* A gap >= 1 coded in 1 to 5 bytes, so that every size of gap is reachable. */
static uint64_t get_gap(cursor *c)
{
    unsigned b = get8(c);
    if (b < 0x80)
        return b + 1;
    if (b < 0xc0)
        return ((uint64_t)(b & 0x3f) << 8 | get8(c)) + 1;
    if (b < 0xe0)
        return ((uint64_t)(b & 0x1f) << 16 | get8(c) << 8 | get8(c)) + 1;
    return (uint64_t)get32(c) + 1;
}

static int ascending(const uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] <= v[i - 1])
            return 0;
    return 1;
}

static void check_pool(const fr_pack_pool *p)
{
    if (fr_pack_pool_free_blocks(p) > fr_pack_pool_blocks(p))
        abort();
}

/* Pool memory whose end is 64-aligned, so that the last block ends exactly
 * there and a sanitizer sees any read past it. */
static uint8_t *pool_mem(size_t nblocks, unsigned bb, size_t *bytes)
{
    *bytes = (fr_pack_pool_bytes(nblocks, bb) + 63) & ~(size_t)63;
    uint8_t *m = aligned_alloc(64, *bytes);
    if (!m)
        abort();
    return m;
}

/* Decodes w every way; with `valid` the result must equal want[0..n). */
static void decode_all(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *want, size_t n,
                       int valid, uint32_t *out, size_t cap)
{
    size_t got = 0;
    frugal_status st = fr_pack_decode(p, w, out, cap, 0, &got);
    if (valid && (st != FRUGAL_OK || got != n || memcmp(out, want, n * 4) != 0))
        abort();
    if (st == FRUGAL_OK && (got != fr_pack_writer_count(w) || !ascending(out, got)))
        abort();
    fr_pack_reader r;
    fr_pack_reader_init(p, &r, w, 1);
    size_t total = 0, step = 1 + n % 97;
    while (fr_pack_reader_left(&r) > 0 && total < cap) {
        size_t m = 0, room = cap - total < step ? cap - total : step;
        if (fr_pack_read(p, &r, out + total, room, &m) != FRUGAL_OK || m == 0)
            break;
        total += m;
    }
    if (valid && (total != n || memcmp(out, want, n * 4) != 0))
        abort();
    if (fr_pack_reader_left(&r) == 0 && !ascending(out, total))
        abort();
    fr_pack_reader_drop(p, &r);
    check_pool(p);
}

static void run_stream(cursor *c, int corrupt)
{
    unsigned a = get8(c), bsel = get8(c), psel = get8(c);
    int format = a & 1;
    unsigned k = (a >> 1) & 31, bb = 256u << (bsel % 9);
    size_t nblocks = 1 + psel % 48;
    if (fr_pack_pool_bytes(nblocks, bb) == 0)
        return;
    enum { MAXN = 20000 };
    uint32_t *vals = malloc(MAXN * sizeof *vals), *out = malloc((MAXN + 1) * sizeof *out);
    size_t bytes;
    uint8_t *mem = pool_mem(nblocks, bb, &bytes);
    if (!vals || !out)
        abort();
    size_t n = 0;
    uint64_t x = get32(c);
    while (n < MAXN && x <= 0xffffffffu) {
        vals[n++] = (uint32_t)x;
        if (c->left == 0 || (corrupt && c->left < 16))
            break;
        x += get_gap(c);
    }
    fr_pack_pool p;
    fr_pack_writer w;
    if (fr_pack_pool_init(&p, mem, bytes, bb) != FRUGAL_OK ||
        fr_pack_writer_init(&w, format, k) != FRUGAL_OK)
        abort();
    nblocks = fr_pack_pool_blocks(&p);
    size_t done = 0, batch = 1 + (a >> 6) * 37;
    while (done < n) {
        size_t m = n - done < batch ? n - done : batch;
        uint64_t count = fr_pack_writer_count(&w), bits = fr_pack_writer_bits(&w);
        size_t free_blocks = fr_pack_pool_free_blocks(&p);
        frugal_status st = fr_pack_append(&p, &w, vals + done, m);
        if (st == FRUGAL_ERR_FULL) {
            if (fr_pack_writer_count(&w) != count || fr_pack_writer_bits(&w) != bits ||
                fr_pack_pool_free_blocks(&p) != free_blocks)
                abort();
            break;
        }
        if (st != FRUGAL_OK)
            abort();
        done += m;
        batch = batch * 3 % 301 + 1;
    }
    fr_pack_writer_finish(&p, &w);
    if (corrupt)
        while (c->left >= 3) {
            size_t at = (get8(c) | get8(c) << 8 | (size_t)get8(c) << 16) % (nblocks * bb);
            fr_pack_block(&p, 0)[at] ^= (uint8_t)(get8(c) | 1); /* blocks only */
        }
    else { /* block by block along the chain, each decoded on its own */
        size_t i = 0;
        for (uint32_t b = w.head; b != FR_PACK_NONE;) {
            const uint8_t *blk = fr_pack_block(&p, b);
            size_t m = 0;
            if (!blk || fr_pack_block_decode(blk, bb, out + i, MAXN + 1 - i, &m) != FRUGAL_OK)
                abort();
            i += m;
            b = (uint32_t)blk[0] | (uint32_t)blk[1] << 8 | (uint32_t)blk[2] << 16 |
                (uint32_t)blk[3] << 24;
        }
        if (i != done || memcmp(out, vals, done * 4) != 0)
            abort();
    }
    decode_all(&p, &w, vals, done, !corrupt, out, MAXN + 1);
    free(vals);
    free(out);
    free(mem);
}

static void run_blocks(cursor *c)
{
    unsigned a = get8(c), b = get8(c);
    unsigned bb = 256u << (a % 3), nblocks = 1 + (a >> 2) % 4;
    size_t bytes;
    uint8_t *mem = pool_mem(nblocks, bb, &bytes);
    fr_pack_pool p;
    fr_pack_writer w;
    if (fr_pack_pool_init(&p, mem, bytes, bb) != FRUGAL_OK ||
        fr_pack_writer_init(&w, b & 1, (b >> 1) & 31) != FRUGAL_OK)
        abort();
    nblocks = (unsigned)fr_pack_pool_blocks(&p);
    for (unsigned i = 0; i < nblocks; i++)
        if (fr_pack_block_alloc(&p) != i)
            abort();
    uint8_t *blocks = fr_pack_block(&p, 0);
    if (blocks + (size_t)nblocks * bb != mem + bytes)
        abort();
    w.head = w.tail = get8(c) % (nblocks + 1); /* nblocks: outside the pool */
    w.count = get8(c) | get8(c) << 8 | (uint64_t)(get8(c) & 7) << 16;
    size_t n = c->left < (size_t)nblocks * bb ? c->left : (size_t)nblocks * bb;
    memset(blocks, 0, (size_t)nblocks * bb);
    memcpy(blocks, c->p, n);
    size_t cap = (size_t)w.count + 1 + 65536 * 8;
    uint32_t *out = malloc(cap * sizeof *out);
    if (!out)
        abort();
    for (unsigned i = 0; i < nblocks; i++) {
        size_t m = 0;
        if (fr_pack_block_decode(blocks + (size_t)i * bb, bb, out, cap, &m) == FRUGAL_OK &&
            !ascending(out, m))
            abort();
    }
    decode_all(&p, &w, NULL, 0, 0, out, cap);
    free(out);
    free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    cursor c = {data + 1, size - 1};
    switch (data[0] % 3) {
    case 0: run_stream(&c, 0); break;
    case 1: run_blocks(&c); break;
    default: run_stream(&c, 1); break;
    }
    return 0;
}
