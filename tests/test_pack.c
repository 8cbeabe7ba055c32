/* The packed-stream codec (src/pack) against an independent bit-by-bit reference
 * encoder and decoder kept here: same bytes out, same values back, on random,
 * dense, sparse and adversarial streams, every k, both formats, every block size,
 * every backend. Then the pool's contract (all-or-nothing appends, FULL, block
 * reuse, release), the size of the code against the entropy of geometric gaps,
 * and one negative case per way a block can be corrupt. */
#include <math.h>

#include "frugal/common.h"
#include "harness.h"
#include "pack/pack.h"

#define NONE 0xffffffffu

/* ---- The reference: the format of doc/pack.md, one bit at a time --------- */

typedef struct ref_blocks {
    uint8_t *mem; /* nblocks blocks of bb bytes, zeroed before use */
    size_t nblocks, cap;
    unsigned bb;
    uint64_t bits; /* coded bits: 128 per header plus used payload bits */
} ref_blocks;

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Byte holding bit `pos` of a region: the low region counts forward from byte 16,
 * the unary region backward from the block's last byte. */
static uint8_t *ref_byte(uint8_t *blk, unsigned bb, int unary, uint64_t pos)
{
    return unary ? blk + bb - 1 - pos / 8 : blk + 16 + pos / 8;
}

static void ref_put(uint8_t *blk, unsigned bb, int unary, uint64_t pos, uint64_t val,
                    unsigned nbits)
{
    for (unsigned i = 0; i < nbits; i++)
        if ((val >> i) & 1)
            *ref_byte(blk, bb, unary, pos + i) |= (uint8_t)(1u << ((pos + i) % 8));
}

static int ref_get(const uint8_t *blk, unsigned bb, int unary, uint64_t pos)
{
    return (*ref_byte((uint8_t *)blk, bb, unary, pos) >> (pos % 8)) & 1;
}

static uint64_t cdiv8(uint64_t bits) { return (bits + 7) / 8; }

/* Encodes vals into r->mem (sized by the caller) as one stream; blocks are
 * numbered in order, so block i's next is i + 1. */
static void ref_encode(ref_blocks *r, const uint32_t *vals, size_t n, int format, unsigned k)
{
    const unsigned bb = r->bb;
    if (format == FR_PACK_RAW32)
        k = 0;
    uint8_t *blk = NULL;
    uint64_t lo = 0, un = 0, count = 0;
    r->nblocks = 0;
    r->bits = 0;
    for (size_t i = 0; i < n; i++) {
        int fits = 0;
        uint64_t d = 0, q = 0, ulen = 0;
        if (blk) {
            d = (uint64_t)vals[i] - vals[i - 1] - 1;
            if (format == FR_PACK_RAW32) {
                fits = 16 + 4 * count <= bb; /* count - 1 payload values so far */
            } else {
                q = d >> k;
                ulen = q < 32 ? q + 1 : 33 + 32 - k;
                fits = 16 + cdiv8(lo + k) + cdiv8(un + ulen) <= bb;
            }
        }
        if (!fits) {
            if (blk) { /* close it */
                put32(blk + 8, (uint32_t)count);
                put32(blk + 12, (uint32_t)(format | k << 8 | un << 13));
                put32(blk, (uint32_t)r->nblocks);
                r->bits += 128 + (format == FR_PACK_RAW32 ? 32 * (count - 1) : lo + un);
            }
            REQUIRE(r->nblocks < r->cap);
            blk = r->mem + r->nblocks++ * bb;
            memset(blk, 0, bb);
            put32(blk, NONE);
            put32(blk + 4, vals[i]);
            lo = un = 0;
            count = 1;
            continue;
        }
        if (format == FR_PACK_RAW32) {
            put32(blk + 16 + 4 * (count - 1), vals[i]);
        } else {
            ref_put(blk, bb, 0, lo, d, k);
            lo += k;
            if (q < 32) {
                ref_put(blk, bb, 1, un + q, 1, 1);
            } else {
                ref_put(blk, bb, 1, un + 32, 1, 1);
                ref_put(blk, bb, 1, un + 33, q, 32 - k);
            }
            un += ulen;
        }
        count++;
    }
    if (blk) {
        put32(blk + 8, (uint32_t)count);
        put32(blk + 12, (uint32_t)(format | k << 8 | un << 13));
        r->bits += 128 + (format == FR_PACK_RAW32 ? 32 * (count - 1) : lo + un);
    }
}

/* Decodes one block bit by bit, appending to out[*n]; -1 if it is inconsistent. */
static int ref_decode_block(const uint8_t *blk, unsigned bb, uint32_t *out, size_t *n,
                            size_t cap)
{
    uint32_t count = get32(blk + 8), meta = get32(blk + 12);
    unsigned format = meta & 0xff, k = (meta >> 8) & 31;
    uint64_t ubits = meta >> 13, v = get32(blk + 4), lo = 0, un = 0;
    if (count == 0 || *n + count > cap || format > 1)
        return -1;
    out[(*n)++] = (uint32_t)v;
    for (uint32_t i = 1; i < count; i++) {
        uint64_t d = 0, q = 0;
        if (format == FR_PACK_RAW32) {
            if (16 + 4 * (uint64_t)i > bb)
                return -1;
            d = (uint64_t)get32(blk + 16 + 4 * (i - 1)) - v - 1;
        } else {
            for (unsigned b = 0; b < k; b++, lo++)
                d |= (uint64_t)ref_get(blk, bb, 0, lo) << b;
            while (q < 32 && un < ubits && !ref_get(blk, bb, 1, un)) {
                q++;
                un++;
            }
            if (un >= ubits)
                return -1;
            un++; /* the one */
            if (q == 32) {
                q = 0;
                for (unsigned b = 0; b < 32 - k; b++, un++)
                    q |= (uint64_t)ref_get(blk, bb, 1, un) << b;
            }
            d |= q << k;
        }
        v += d + 1;
        if (v > 0xffffffffu)
            return -1;
        out[(*n)++] = (uint32_t)v;
    }
    return format == FR_PACK_RAW32 || un == ubits ? 0 : -1;
}

/* Decodes a writer's chain in the pool with the reference; -1 on any fault. */
static int ref_decode_pool(const fr_pack_pool *p, uint32_t head, uint32_t *out, size_t *n,
                           size_t cap)
{
    *n = 0;
    for (uint32_t b = head; b != NONE;) {
        const uint8_t *blk = fr_pack_block(p, b);
        if (!blk || ref_decode_block(blk, p->block_bytes, out, n, cap))
            return -1;
        b = get32(blk);
    }
    return 0;
}

/* The pool's chain holds the reference's bytes: headers (but the block numbers
 * of next) and every used payload byte. */
static int same_bytes(const fr_pack_pool *p, uint32_t head, const ref_blocks *r)
{
    size_t i = 0;
    for (uint32_t b = head; b != NONE; i++) {
        const uint8_t *x = fr_pack_block(p, b), *y = r->mem + i * r->bb;
        if (!x || i >= r->nblocks || memcmp(x + 4, y + 4, 12) != 0)
            return 0;
        b = get32(x);
        if ((b == NONE) != (i + 1 == r->nblocks))
            return 0;
        uint32_t count = get32(y + 8), meta = get32(y + 12);
        if (count > fr_pack_block_max_values(r->bb, meta & 0xff, (meta >> 8) & 31))
            return 0;
        size_t lo = (meta & 0xff) == FR_PACK_RAW32 ? 32 * (count - 1)
                                                    : (size_t)(count - 1) * ((meta >> 8) & 31);
        size_t un = cdiv8(meta >> 13);
        if (memcmp(x + 16, y + 16, cdiv8(lo)) || memcmp(x + r->bb - un, y + r->bb - un, un))
            return 0;
    }
    return i == r->nblocks;
}

/* The pool's books balance: every block is on the free stack once, never handed
 * out yet, or marked in use, and nothing else. */
static int pool_consistent(const fr_pack_pool *p)
{
    size_t used = 0;
    for (uint32_t i = 0; i < p->nblocks; i++)
        used += (p->in_use[i >> 6] >> (i & 63)) & 1;
    if (used + fr_pack_pool_free_blocks(p) != p->nblocks)
        return 0;
    for (uint32_t i = 0; i < p->nfree; i++) {
        uint32_t b = p->stack[i];
        if (b >= p->fresh || ((p->in_use[b >> 6] >> (b & 63)) & 1))
            return 0;
        for (uint32_t j = 0; j < i; j++)
            if (p->stack[j] == b)
                return 0;
    }
    return 1;
}

/* ---- Round trips ---------------------------------------------------------- */

typedef struct ctx {
    fr_rng rng;
    uint8_t *mem;
    size_t mem_bytes;
    ref_blocks ref;
    uint32_t *out, *out2;
    size_t out_cap;
    unsigned cases;
} ctx;

static size_t rnd(ctx *c, size_t lo, size_t hi)
{
    return lo + (size_t)(fr_rng_next(&c->rng) % (hi - lo + 1));
}

/* Every check of one stream: reference bytes, both decoders both ways, chunked
 * reads, release and reuse. */
static void roundtrip(ctx *c, const uint32_t *vals, size_t n, int format, unsigned k,
                      unsigned bb, const char *what)
{
    c->cases++;
    size_t worst = format == FR_PACK_RAW32 ? 4 : 12;
    size_t nblocks = n * worst / (bb - 32) + 2;
    size_t bytes = fr_pack_pool_bytes(nblocks, bb);
    REQUIRE(bytes && bytes <= c->mem_bytes && n <= c->out_cap);
    fr_pack_pool p;
    CHECK_STATUS(fr_pack_pool_init(&p, c->mem + rnd(c, 0, 63), bytes - 63, bb), FRUGAL_OK);
    fr_pack_writer w;
    CHECK_STATUS(fr_pack_writer_init(&w, format, k), FRUGAL_OK);
    size_t maxcall = rnd(c, 0, 3) == 0 ? n + 1 : rnd(c, 1, 300);
    for (size_t i = 0; i < n;) {
        size_t m = rnd(c, 0, maxcall);
        if (m > n - i)
            m = n - i;
        frugal_status st = fr_pack_append(&p, &w, vals + i, m);
        if (st != FRUGAL_OK) {
            fprintf(stderr, "%s: append at %zu: %s\n", what, i, frugal_status_str(st));
            fr_test_failures++;
            return;
        }
        i += m;
    }
    fr_pack_writer_finish(&p, &w);
    CHECK_EQ_U64(fr_pack_writer_count(&w), n);
    c->ref.bb = bb;
    ref_encode(&c->ref, vals, n, format, k);
    int ok = same_bytes(&p, w.head, &c->ref);
    ok &= fr_pack_writer_bits(&w) == c->ref.bits;
    ok &= p.nblocks - fr_pack_pool_free_blocks(&p) == c->ref.nblocks;
    size_t got = 0;
    ok &= ref_decode_pool(&p, w.head, c->out, &got, c->out_cap) == 0 && got == n &&
          memcmp(c->out, vals, n * 4) == 0;
    /* whole decode without release, then chunked with release */
    memset(c->out, 0, n * 4);
    ok &= fr_pack_decode(&p, &w, c->out, n, 0, &got) == FRUGAL_OK && got == n &&
          memcmp(c->out, vals, n * 4) == 0;
    fr_pack_reader r;
    fr_pack_reader_init(&p, &r, &w, 1);
    ok &= fr_pack_writer_count(&w) == 0 && fr_pack_writer_bits(&w) == 0;
    size_t total = 0, cap = rnd(c, 1, 400);
    while (fr_pack_reader_left(&r) > 0) {
        size_t m = 0;
        if (fr_pack_read(&p, &r, c->out2 + total, cap, &m) != FRUGAL_OK || m == 0) {
            ok = 0;
            break;
        }
        total += m;
    }
    ok &= total == n && memcmp(c->out2, vals, n * 4) == 0;
    ok &= fr_pack_pool_free_blocks(&p) == p.nblocks && pool_consistent(&p);
    if (!ok) {
        fprintf(stderr, "%s: round trip failed (n %zu, format %d, k %u, block %u, %s)\n", what,
                n, format, k, bb, fr_pack_pool_backend(&p));
        fr_test_failures++;
    }
}

/* The fast decoder on the reference's bytes, put in a pool by hand. */
static void decode_ref_bytes(ctx *c, const uint32_t *vals, size_t n, int format, unsigned k,
                             unsigned bb)
{
    c->ref.bb = bb;
    ref_encode(&c->ref, vals, n, format, k);
    fr_pack_pool p;
    REQUIRE(fr_pack_pool_init(&p, c->mem, c->mem_bytes, bb) == FRUGAL_OK);
    fr_pack_writer w;
    fr_pack_writer_init(&w, format, k);
    uint32_t prev = NONE;
    for (size_t i = 0; i < c->ref.nblocks; i++) {
        uint32_t b = fr_pack_block_alloc(&p);
        REQUIRE(b != NONE);
        memcpy(fr_pack_block(&p, b), c->ref.mem + i * bb, bb);
        put32(fr_pack_block(&p, b), NONE);
        if (prev != NONE)
            put32(fr_pack_block(&p, prev), b);
        else
            w.head = b;
        prev = b;
    }
    w.tail = prev;
    w.count = n;
    size_t got = 0;
    CHECK_STATUS(fr_pack_decode(&p, &w, c->out, n, 1, &got), FRUGAL_OK);
    CHECK(got == n && memcmp(c->out, vals, n * 4) == 0);
    CHECK_EQ_U64(fr_pack_pool_free_blocks(&p), p.nblocks);
    if (n > 0) { /* and block by block, independently */
        size_t at = 0;
        for (size_t i = 0; i < c->ref.nblocks; i++) {
            size_t m = 0;
            CHECK_STATUS(fr_pack_block_decode(c->ref.mem + i * bb, bb, c->out + at, n - at, &m),
                         FRUGAL_OK);
            at += m;
        }
        CHECK(at == n && memcmp(c->out, vals, n * 4) == 0);
    }
}

/* n ascending values with geometric gaps of mean `mean` starting at `first`
 * (clipped to stay below 2^32); returns how many fit. */
static size_t gen_geometric(ctx *c, uint32_t *v, size_t n, double mean, uint64_t first)
{
    uint64_t x = first;
    double f = 1 / mean;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            double u = ((double)(fr_rng_next(&c->rng) >> 11) + 0.5) * 0x1p-53;
            x += mean <= 1 ? 1 : 1 + (uint64_t)floor(log(u) / log1p(-f));
        }
        if (x > 0xffffffffu)
            return i;
        v[i] = (uint32_t)x;
    }
    return n;
}

static const unsigned block_sizes[] = {256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};

static void test_random_sweeps(ctx *c, uint32_t *v)
{
    const double means[] = {1, 1.5, 3, 17, 300, 4096, 6827, 40960, 409600, 5e6, 3e8};
    for (size_t mi = 0; mi < sizeof means / sizeof *means; mi++)
        for (int format = 0; format < 2; format++)
            for (int rep = 0; rep < 3; rep++) {
                if ((mi + rep) % FR_TEST_STRIDE)
                    continue;
                unsigned best = fr_pack_rice_k(means[mi]);
                int dk = (int)rnd(c, 0, 6) - 3;
                unsigned k = (unsigned)((int)best + dk < 0 ? 0 : (int)best + dk > 31 ? 31 : (int)best + dk);
                unsigned bb = block_sizes[rnd(c, 0, 8)];
                uint64_t first = rnd(c, 0, 3) == 0 ? 0x80000000u + rnd(c, 0, 1000) : rnd(c, 0, 5000);
                size_t n = gen_geometric(c, v, rnd(c, 1, 40000), means[mi], first);
                roundtrip(c, v, n, format, k, bb, "random sweep");
                decode_ref_bytes(c, v, n, format, k, bb);
            }
}

/* Gaps of every power of two: 0, 1, 3, ..., 2^32 - 1; the largest gap alone;
 * both sides of the escape threshold; dense runs; near 2^32; one element; empty. */
static void test_adversarial(ctx *c, uint32_t *v)
{
    for (unsigned k = 0; k <= 31; k++)
        for (int format = 0; format < 2; format++)
            for (size_t bi = 0; bi < 9; bi++) {
                unsigned bb = block_sizes[bi];
                if ((k + bi) % FR_TEST_STRIDE)
                    continue;
                for (int i = 0; i <= 32; i++)
                    v[i] = (uint32_t)(((uint64_t)1 << i) - 1);
                roundtrip(c, v, 33, format, k, bb, "powers of two");
                v[0] = 0, v[1] = 0xffffffffu;
                roundtrip(c, v, 2, format, k, bb, "gap 2^32-1");
                v[0] = 0xffffffffu;
                roundtrip(c, v, 1, format, k, bb, "one element 2^32-1");
                v[0] = 0;
                roundtrip(c, v, 1, format, k, bb, "one element 0");
                roundtrip(c, v, 0, format, k, bb, "empty");
                /* q = 31 (longest plain code) and q = 32 (shortest escape), alternating */
                uint64_t x = rnd(c, 0, 100);
                size_t n = 0;
                for (; n < 3000; n++) {
                    uint64_t g = n % 3 == 0 ? 1 : (uint64_t)(n % 3 == 1 ? 32 : 31) << k;
                    if (x + g > 0xffffffffu)
                        break;
                    x += n ? g : 0;
                    v[n] = (uint32_t)x;
                }
                roundtrip(c, v, n, format, k, bb, "escape threshold");
                decode_ref_bytes(c, v, n, format, k, bb);
                n = rnd(c, 1, 20000); /* a dense run ending at 2^32 - 1 */
                for (size_t i = 0; i < n; i++)
                    v[i] = (uint32_t)(0xffffffffu - (n - 1) + i);
                roundtrip(c, v, n, format, k, bb, "dense run at 2^32");
                n = gen_geometric(c, v, rnd(c, 1, 3000), 3e7, rnd(c, 0, 1000)); /* sparse */
                roundtrip(c, v, n, format, k, bb, "sparse");
            }
    /* long dense streams at k = 0: one bit per value, hundreds of thousands per block */
    for (size_t i = 0; i < 600000; i++)
        v[i] = (uint32_t)(1000 + i);
    roundtrip(c, v, 600000, FR_PACK_RICE, 0, 65536, "dense k=0");
    roundtrip(c, v, 600000, FR_PACK_RICE, 3, 256, "dense k=3");
}

/* ---- Pool contract -------------------------------------------------------- */

static void test_api_errors(ctx *c)
{
    fr_pack_pool p;
    CHECK_EQ_U64(fr_pack_pool_bytes(10, 255), 0);
    CHECK_EQ_U64(fr_pack_pool_bytes(10, 128), 0);
    CHECK_EQ_U64(fr_pack_pool_bytes(10, 131072), 0);
    CHECK_EQ_U64(fr_pack_pool_bytes((size_t)1 << 40, 4096), 0);
    CHECK_EQ_U64(fr_pack_pool_bytes(0, 4096), 0);
    CHECK(fr_pack_pool_bytes(10, 4096) >= 10 * 4096);
    CHECK_STATUS(fr_pack_pool_init(&p, c->mem, 100000, 3000), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_pool_init(&p, c->mem, 100000, 128), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_pool_init(&p, NULL, 100000, 256), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_pool_init(NULL, c->mem, 100000, 256), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_pool_init(&p, c->mem + 1, 300, 256), FRUGAL_ERR_FULL);
    /* pool_bytes is enough at any alignment */
    for (size_t off = 0; off < 64; off += 7) {
        CHECK_STATUS(fr_pack_pool_init(&p, c->mem + off, fr_pack_pool_bytes(5, 512), 512),
                     FRUGAL_OK);
        CHECK(fr_pack_pool_blocks(&p) >= 5 && fr_pack_pool_free_blocks(&p) == p.nblocks);
        CHECK(((uintptr_t)fr_pack_block(&p, 0) & 63) == 0);
        CHECK(fr_pack_block(&p, p.nblocks) == NULL);
    }
    fr_pack_writer w;
    CHECK_STATUS(fr_pack_writer_init(&w, 2, 5), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_writer_init(&w, FR_PACK_RICE, 32), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_writer_init(&w, FR_PACK_RAW32, 99), FRUGAL_OK);
    CHECK_STATUS(fr_pack_writer_init(&w, FR_PACK_RICE, 31), FRUGAL_OK);
    CHECK_STATUS(fr_pack_append(&p, &w, NULL, 3), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_append(&p, &w, NULL, 0), FRUGAL_OK);
    CHECK_STATUS(fr_pack_append(NULL, &w, (const uint32_t[]){1}, 1), FRUGAL_ERR_ARG);
    uint32_t vals[3] = {4, 9, 12}, out[3];
    size_t n = 99;
    CHECK_STATUS(fr_pack_append(&p, &w, vals, 3), FRUGAL_OK);
    CHECK_STATUS(fr_pack_decode(&p, &w, out, 2, 0, &n), FRUGAL_ERR_FULL);
    CHECK(n == 0 && fr_pack_writer_count(&w) == 3);
    CHECK_STATUS(fr_pack_decode(&p, &w, NULL, 3, 0, &n), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_decode(&p, &w, out, 3, 0, NULL), FRUGAL_ERR_ARG);
    CHECK_STATUS(fr_pack_stream_free(&p, &w), FRUGAL_OK);
    CHECK(fr_pack_writer_count(&w) == 0 && fr_pack_pool_free_blocks(&p) == p.nblocks);
    CHECK_STATUS(fr_pack_decode(&p, &w, NULL, 0, 1, &n), FRUGAL_OK);
    CHECK(n == 0);
    CHECK_EQ_U64(fr_pack_block_max_values(300, FR_PACK_RICE, 3), 0);
    CHECK_EQ_U64(fr_pack_block_max_values(256, 5, 3), 0);
    CHECK_EQ_U64(fr_pack_block_max_values(256, FR_PACK_RAW32, 0), 61);
    CHECK_EQ_U64(fr_pack_block_max_values(65536, FR_PACK_RICE, 0), 524161);
}

/* A snapshot of what a failed call must leave alone. */
typedef struct snap {
    uint64_t count, bits;
    size_t free_blocks;
} snap;

static snap take(const fr_pack_pool *p, const fr_pack_writer *w)
{
    snap s = {fr_pack_writer_count(w), fr_pack_writer_bits(w), fr_pack_pool_free_blocks(p)};
    return s;
}

static int same(snap a, snap b)
{
    return a.count == b.count && a.bits == b.bits && a.free_blocks == b.free_blocks;
}

/* Appends until the pool is full; then the failed call has changed nothing, the
 * stream decodes to what was accepted, and smaller appends still go in. */
static void test_full(ctx *c, uint32_t *v, int format, unsigned k, unsigned bb)
{
    fr_pack_pool p;
    REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(4, bb), bb) == FRUGAL_OK);
    fr_pack_writer a, b;
    fr_pack_writer_init(&a, format, k);
    fr_pack_writer_init(&b, format, k);
    size_t n = gen_geometric(c, v, 200000, 1 << k, 7), i = 0, fulls = 0;
    while (i < n && fulls < 40) {
        size_t m = rnd(c, 1, 64);
        if (m > n - i)
            m = n - i;
        snap before = take(&p, &a);
        frugal_status st = fr_pack_append(&p, &a, v + i, m);
        if (st == FRUGAL_OK) {
            i += m;
            continue;
        }
        CHECK_STATUS(st, FRUGAL_ERR_FULL);
        CHECK(same(before, take(&p, &a)));
        fulls++;
    }
    CHECK(fulls == 40 && i < n && fr_pack_pool_free_blocks(&p) == 0);
    snap before = take(&p, &b); /* an empty stream cannot even start */
    CHECK_STATUS(fr_pack_append(&p, &b, v, 1), FRUGAL_ERR_FULL);
    CHECK(same(before, take(&p, &b)) && b.head == NONE);
    size_t got = 0;
    CHECK_STATUS(fr_pack_decode(&p, &a, c->out, n, 0, &got), FRUGAL_OK);
    CHECK(got == i && memcmp(c->out, v, i * 4) == 0);
    fr_pack_writer_finish(&p, &a); /* stale bits of rolled-back values are gone */
    c->ref.bb = bb;
    ref_encode(&c->ref, v, i, format, k);
    CHECK(same_bytes(&p, a.head, &c->ref));
    CHECK_STATUS(fr_pack_decode(&p, &a, c->out, n, 1, &got), FRUGAL_OK);
    CHECK(fr_pack_pool_free_blocks(&p) == p.nblocks);
}

/* Order errors: nothing changes, blocks taken during the call come back. */
static void test_order_errors(ctx *c, uint32_t *v, int format)
{
    fr_pack_pool p;
    REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(64, 256), 256) == FRUGAL_OK);
    fr_pack_writer w;
    fr_pack_writer_init(&w, format, 6);
    CHECK_STATUS(fr_pack_append(&p, &w, (const uint32_t[]){5, 5}, 2), FRUGAL_ERR_ARG);
    CHECK(fr_pack_writer_count(&w) == 0 && w.head == NONE && fr_pack_pool_free_blocks(&p) == 64);
    CHECK_STATUS(fr_pack_append(&p, &w, (const uint32_t[]){10}, 1), FRUGAL_OK);
    const uint32_t bad[][3] = {{10, 11, 12}, {11, 12, 12}, {9, 20, 30}, {100, 50, 200},
                               {4000000000u, 3u, 4u}};
    for (size_t t = 0; t < 5; t++) {
        snap before = take(&p, &w);
        CHECK_STATUS(fr_pack_append(&p, &w, bad[t], 3), FRUGAL_ERR_ARG);
        CHECK(same(before, take(&p, &w)));
    }
    /* an error after several blocks were filled within the same call */
    size_t n = gen_geometric(c, v, 3000, 100, 11);
    v[n - 1] = v[n - 2];
    snap before = take(&p, &w);
    CHECK_STATUS(fr_pack_append(&p, &w, v, n), FRUGAL_ERR_ARG);
    CHECK(same(before, take(&p, &w)));
    CHECK_STATUS(fr_pack_append(&p, &w, v, n - 1), FRUGAL_OK);
    size_t got = 0;
    CHECK_STATUS(fr_pack_decode(&p, &w, c->out, n, 1, &got), FRUGAL_OK);
    CHECK(got == n && c->out[0] == 10 && memcmp(c->out + 1, v, (n - 1) * 4) == 0);
}

/* Rounds through a pool that holds one round's data and two blocks more: each
 * round reads the stream in chunks with release and appends each chunk's
 * survivors to the same writer at once, so it only fits if a freed block is
 * reused at once. */
static void test_block_reuse(ctx *c, uint32_t *v)
{
    const unsigned bb = 512;
    size_t n = gen_geometric(c, v, 60000, 40, 3);
    fr_pack_pool p;
    fr_pack_writer w;
    fr_pack_writer_init(&w, FR_PACK_RICE, fr_pack_rice_k(40));
    REQUIRE(fr_pack_pool_init(&p, c->mem, c->mem_bytes, bb) == FRUGAL_OK);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
    size_t need = p.nblocks - fr_pack_pool_free_blocks(&p);
    REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(need + 2, bb), bb) == FRUGAL_OK);
    fr_pack_writer_init(&w, FR_PACK_RICE, w.k);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
    size_t live = n;
    uint32_t *expect = c->out2;
    memcpy(expect, v, n * 4);
    for (int round = 0; round < 60; round++) {
        fr_pack_reader r;
        fr_pack_reader_init(&p, &r, &w, 1); /* w is now empty and takes the survivors */
        uint32_t chunk[100];
        size_t m, at = 0, kept = 0;
        int ok = 1;
        while (ok && fr_pack_reader_left(&r) > 0) {
            ok = fr_pack_read(&p, &r, chunk, 100, &m) == FRUGAL_OK && m > 0;
            size_t from = kept;
            for (size_t i = 0; ok && i < m; i++, at++) {
                ok = chunk[i] == expect[at];
                if (round % 7 == 6 || (fr_rng_next(&c->rng) & 31)) /* 1 in 32 dies */
                    expect[kept++] = chunk[i];
            }
            ok = ok && fr_pack_append(&p, &w, expect + from, kept - from) == FRUGAL_OK;
        }
        CHECK(ok && at == live && fr_pack_writer_count(&w) == kept);
        live = kept;
    }
    CHECK(fr_pack_pool_peak_blocks(&p) <= need + 2);
    size_t got = 0;
    CHECK_STATUS(fr_pack_decode(&p, &w, c->out, c->out_cap, 0, &got), FRUGAL_OK);
    CHECK(got == live && live > 0 && memcmp(c->out, expect, live * 4) == 0);
    CHECK_STATUS(fr_pack_stream_free(&p, &w), FRUGAL_OK);
    CHECK(fr_pack_pool_free_blocks(&p) == p.nblocks);
}

/* take_fresh hands out exactly the never-used end of the pool: the streams written
 * before decode unharmed when the area is overwritten, blocks freed afterwards are
 * handed out again, and the area is never handed out. */
static void test_take_fresh(ctx *c, uint32_t *v)
{
    const unsigned bb = 1024;
    size_t n = gen_geometric(c, v, 20000, 300, 3);
    fr_pack_pool p;
    fr_pack_writer w, w2;
    REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(400, bb), bb) == FRUGAL_OK);
    fr_pack_writer_init(&w, FR_PACK_RICE, fr_pack_rice_k(300));
    fr_pack_writer_init(&w2, FR_PACK_RAW32, 0);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
    size_t used = p.nblocks - fr_pack_pool_free_blocks(&p), bytes = 0;
    uint8_t *area = fr_pack_pool_take_fresh(&p, &bytes);
    CHECK(area == fr_pack_block(&p, (uint32_t)used));
    CHECK_EQ_U64(bytes, (p.nblocks - used) * (size_t)bb);
    CHECK_EQ_U64(fr_pack_pool_free_blocks(&p), 0);
    memset(area, 0xa5, bytes);
    size_t again = 1;
    CHECK(fr_pack_pool_take_fresh(&p, &again) == NULL && again == 0);
    CHECK_STATUS(fr_pack_append(&p, &w2, v, 1), FRUGAL_ERR_FULL);
    size_t got = 0;
    CHECK_STATUS(fr_pack_decode(&p, &w, c->out, c->out_cap, 1, &got), FRUGAL_OK);
    CHECK(got == n && memcmp(c->out, v, n * 4) == 0);
    CHECK_EQ_U64(fr_pack_pool_free_blocks(&p), used);
    /* the freed blocks come back; the taken area stays as the caller left it */
    size_t m = (used * (bb - FR_PACK_HEADER_BYTES) / 4) - used;
    CHECK_STATUS(fr_pack_append(&p, &w2, v, m < n ? m : n), FRUGAL_OK);
    for (size_t i = 0; i < bytes; i++)
        if (area[i] != 0xa5) {
            CHECK(!"the taken area is never handed out");
            break;
        }
}

/* ---- Size against the entropy of geometric gaps --------------------------- */

static double entropy_bits(double mean)
{
    double p = 1 / mean;
    return mean <= 1 ? 0 : (-(1 - p) * log2(1 - p) - p * log2(p)) / p;
}

/* Payload bits per value (headers left out) of n values coded with k. */
static double payload_bits(ctx *c, const uint32_t *v, size_t n, unsigned k, unsigned bb)
{
    fr_pack_pool p;
    fr_pack_writer w;
    REQUIRE(fr_pack_pool_init(&p, c->mem, c->mem_bytes, bb) == FRUGAL_OK);
    fr_pack_writer_init(&w, FR_PACK_RICE, k);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
    size_t blocks = p.nblocks - fr_pack_pool_free_blocks(&p);
    return (double)(fr_pack_writer_bits(&w) - 128 * blocks) / (double)(n - blocks);
}

static void test_entropy(ctx *c, uint32_t *v)
{
    const double means[] = {2, 10, 100, 1024, 1707, 4096, 6827, 40960, 409600};
    for (size_t i = 0; i < sizeof means / sizeof *means; i++) {
        double mean = means[i], h = entropy_bits(mean);
        size_t n = gen_geometric(c, v, 200000, mean, 0);
        unsigned k = fr_pack_rice_k(mean);
        double got = payload_bits(c, v, n, k, 4096), model = fr_pack_rice_bits(mean, k);
        double lo = k > 0 ? payload_bits(c, v, n, k - 1, 4096) : 1e9;
        double hi = k < 31 ? payload_bits(c, v, n, k + 1, 4096) : 1e9;
        printf("mean gap %8.0f: k %2u, %.3f bits/value (model %.3f, entropy %.3f; k-1 %.3f, "
               "k+1 %.3f)\n", mean, k, got, model, h, lo, hi);
        CHECK(fabs(got - model) < 0.02 + 0.002 * model); /* sampling noise of 200k gaps */
        CHECK(got < h + 0.12); /* Rice's redundancy peaks near means of 2^k/0.69 */
        CHECK(got <= lo + 0.01 && got <= hi + 0.01);    /* and k is the best choice */
        CHECK(k == 0 || fabs(k - log2(0.69 * mean)) < 1.01);
    }
    CHECK(fr_pack_rice_k(1) == 0 && fr_pack_rice_k(0) == 0 && fr_pack_rice_k(NAN) == 0);
    CHECK(fr_pack_rice_k(1e15) == 31);
}

/* ---- Corrupt blocks ------------------------------------------------------- */

static void set_meta(uint8_t *b, unsigned format, unsigned k, uint32_t ubits)
{
    put32(b + 12, format | k << 8 | ubits << 13);
}

static frugal_status block_status(const uint8_t *b, unsigned bb)
{
    uint32_t out[4200];
    size_t n;
    return fr_pack_block_decode(b, bb, out, 4200, &n);
}

static void test_corrupt_blocks(ctx *c, uint32_t *v)
{
    const unsigned bb = 256;
    uint8_t good[256], b[256];
    /* a valid RICE block from the library */
    fr_pack_pool p;
    fr_pack_writer w;
    REQUIRE(fr_pack_pool_init(&p, c->mem, c->mem_bytes, bb) == FRUGAL_OK);
    fr_pack_writer_init(&w, FR_PACK_RICE, 4);
    size_t n = gen_geometric(c, v, 60, 20, 100);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK && w.head == w.tail);
    fr_pack_writer_finish(&p, &w); /* writes the header */
    memcpy(good, fr_pack_block(&p, w.head), bb);
    uint32_t count = get32(good + 8), ubits = get32(good + 12) >> 13, out[64];
    size_t got;
    CHECK_STATUS(fr_pack_block_decode(good, bb, out, 64, &got), FRUGAL_OK);
    CHECK(got == n && memcmp(out, v, n * 4) == 0);
    CHECK_STATUS(fr_pack_block_decode(good, bb, out, n - 1, &got), FRUGAL_ERR_FULL);
    CHECK_STATUS(fr_pack_block_decode(good, 300, out, 64, &got), FRUGAL_ERR_ARG);
#define MUTATE(stmt)                                                                       \
    do {                                                                                   \
        memcpy(b, good, bb);                                                               \
        stmt;                                                                              \
        CHECK_STATUS(block_status(b, bb), FRUGAL_ERR_PARSE);                               \
    } while (0)
    MUTATE(put32(b + 8, 0));                                  /* no values */
    MUTATE(set_meta(b, 2, 4, ubits));                         /* unknown format */
    MUTATE(set_meta(b, FR_PACK_RICE, 4, 8 * (bb - 16)));      /* regions overlap */
    MUTATE(set_meta(b, FR_PACK_RICE, 4, count - 2));          /* fewer unary bits than values */
    MUTATE(put32(b + 8, 400));                                /* count too big for the block */
    MUTATE(set_meta(b, FR_PACK_RICE, 4, ubits + 1));          /* a unary bit left over */
    MUTATE(set_meta(b, FR_PACK_RICE, 4, ubits + 70));         /* more, in the next word */
    MUTATE(memset(b + bb - (ubits + 7) / 8, 0, (ubits + 7) / 8)); /* no terminators */
    MUTATE(put32(b + 4, 0xfffffff0u));                        /* values pass 2^32 - 1 */
    MUTATE(set_meta(b, FR_PACK_RICE, 31, ubits));             /* k too big for the block */
    /* hand-made blocks around the escape: first 0, one more value, k = 0 */
    memset(b, 0, bb);
    put32(b + 8, 2);
    ref_put(b, bb, 1, 32, 1, 1);
    ref_put(b, bb, 1, 33, 40, 32);
    set_meta(b, FR_PACK_RICE, 0, 65);
    CHECK_STATUS(fr_pack_block_decode(b, bb, out, 64, &got), FRUGAL_OK);
    CHECK(got == 2 && out[1] == 41);
    memcpy(good, b, bb);
    MUTATE(set_meta(b, FR_PACK_RICE, 0, 60)); /* escape field cut short */
    MUTATE((memset(b + 16, 0, bb - 16), ref_put(b, bb, 1, 32, 1, 1), ref_put(b, bb, 1, 33, 5, 32)));
    MUTATE((memset(b + 16, 0, bb - 16), ref_put(b, bb, 1, 33, 1, 1), set_meta(b, 0, 0, 34)));
    memset(b, 0, bb); /* 2^32 - 1 and then a gap of 1 */
    put32(b + 4, 0xffffffffu);
    put32(b + 8, 2);
    ref_put(b, bb, 1, 0, 1, 1);
    set_meta(b, FR_PACK_RICE, 0, 1);
    CHECK_STATUS(block_status(b, bb), FRUGAL_ERR_PARSE);
    /* RAW32: k and ubits must be 0, values must ascend */
    fr_pack_writer_init(&w, FR_PACK_RAW32, 0);
    REQUIRE(fr_pack_append(&p, &w, v, 20) == FRUGAL_OK);
    fr_pack_writer_finish(&p, &w);
    memcpy(good, fr_pack_block(&p, w.head), bb);
    CHECK_STATUS(block_status(good, bb), FRUGAL_OK);
    MUTATE(set_meta(b, FR_PACK_RAW32, 3, 0));
    MUTATE(set_meta(b, FR_PACK_RAW32, 0, 9));
    MUTATE(put32(b + 8, 62));
    MUTATE(put32(b + 16 + 4 * 7, v[7]));
    MUTATE(put32(b + 4, v[1]));
#undef MUTATE
}

/* Faults of a chain: each decode fails with PARSE, stays in the pool, and never
 * releases a block that is not in use. */
static void test_corrupt_chains(ctx *c, uint32_t *v)
{
    const unsigned bb = 256;
    size_t n = gen_geometric(c, v, 700, 50, 1);
    for (int fault = 0; fault < 10; fault++) {
        fr_pack_pool p;
        fr_pack_writer w;
        REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(40, bb), bb) == FRUGAL_OK);
        fr_pack_writer_init(&w, FR_PACK_RICE, 5);
        REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
        uint8_t *first = fr_pack_block(&p, w.head);
        uint32_t second = get32(first);
        REQUIRE(second != NONE && get32(fr_pack_block(&p, second)) != NONE);
        switch (fault) {
        case 0: put32(first, 12345); break;                       /* next outside the pool */
        case 1: put32(first, 39); break;                          /* next to a free block */
        case 2: put32(fr_pack_block(&p, second), w.head); break;  /* a cycle */
        case 3: w.count--; break;                                 /* chain longer than count */
        case 4: w.count++; break;                                 /* chain shorter */
        case 5: put32(fr_pack_block(&p, second) + 4, v[0]); break; /* blocks out of order */
        case 6: w.format = FR_PACK_RAW32; break;                  /* format mismatch */
        case 7: put32(first, w.head); break;                      /* a block links itself */
        case 8: w.head = 40; break;                               /* head outside the pool */
        case 9: put32(first, 38); break;                          /* never handed out */
        }
        if (fault == 1) { /* make block 39 a free block */
            uint32_t x;
            while ((x = fr_pack_block_alloc(&p)) != NONE && x != 39)
                ;
            fr_pack_writer tmp;
            fr_pack_writer_init(&tmp, FR_PACK_RICE, 0);
            tmp.head = tmp.tail = 39, tmp.count = 1;
            put32(fr_pack_block(&p, 39), NONE);
            put32(fr_pack_block(&p, 39) + 8, 1);
            CHECK_STATUS(fr_pack_stream_free(&p, &tmp), FRUGAL_OK);
        }
        for (int release = 0; release < 2; release++) {
            fr_pack_writer copy = w;
            size_t got = 0, before = fr_pack_pool_free_blocks(&p);
            CHECK_STATUS(fr_pack_decode(&p, &copy, c->out, n + 1, release, &got),
                         FRUGAL_ERR_PARSE);
            CHECK(pool_consistent(&p));
            if (!release)
                CHECK(fr_pack_pool_free_blocks(&p) == before);
        }
        fr_pack_reader r; /* errors stick; drop returns what is left */
        fr_pack_writer copy = w;
        fr_pack_reader_init(&p, &r, &copy, 1);
        size_t got = 0;
        CHECK_STATUS(fr_pack_read(&p, &r, c->out, n + 1, &got), FRUGAL_ERR_PARSE);
        CHECK_STATUS(fr_pack_read(&p, &r, c->out, n + 1, &got), FRUGAL_ERR_PARSE);
        CHECK(got == 0);
        fr_pack_reader_drop(&p, &r);
        CHECK(pool_consistent(&p));
    }
    /* an abandoned reader gives its blocks back */
    fr_pack_pool p;
    fr_pack_writer w;
    REQUIRE(fr_pack_pool_init(&p, c->mem, fr_pack_pool_bytes(40, bb), bb) == FRUGAL_OK);
    fr_pack_writer_init(&w, FR_PACK_RICE, 5);
    REQUIRE(fr_pack_append(&p, &w, v, n) == FRUGAL_OK);
    fr_pack_reader r;
    fr_pack_reader_init(&p, &r, &w, 1);
    size_t got = 0;
    CHECK_STATUS(fr_pack_read(&p, &r, c->out, 77, &got), FRUGAL_OK);
    CHECK(got == 77 && fr_pack_reader_left(&r) == n - 77);
    fr_pack_reader_drop(&p, &r);
    CHECK(fr_pack_pool_free_blocks(&p) == p.nblocks && fr_pack_reader_left(&r) == 0);
}

int main(void)
{
    ctx c = {.rng = fr_test_rng("test_pack", 20240611)};
    c.mem_bytes = (size_t)64 << 20;
    c.mem = malloc(c.mem_bytes);
    c.out_cap = 1 << 20;
    c.out = malloc(c.out_cap * 4);
    c.out2 = malloc(c.out_cap * 4);
    c.ref.cap = 4096;
    c.ref.mem = malloc(c.ref.cap * 65536);
    uint32_t *v = malloc(c.out_cap * 4);
    REQUIRE(c.mem && c.out && c.out2 && c.ref.mem && v);
    test_api_errors(&c);
    test_entropy(&c, v);
    unsigned masks[] = {0, ~0u};
    for (int m = 0; m < 2; m++) {
        frugal_cpu_allow(masks[m]);
        fr_pack_pool probe;
        fr_pack_pool_init(&probe, c.mem, 4096, 256);
        printf("backend %s\n", fr_pack_pool_backend(&probe));
        if (m == 1 && strcmp(fr_pack_pool_backend(&probe), "scalar") == 0)
            break;
        test_random_sweeps(&c, v);
        test_adversarial(&c, v);
        for (int format = 0; format < 2; format++) {
            test_full(&c, v, format, 5, 256);
            test_full(&c, v, format, 12, 4096);
            test_order_errors(&c, v, format);
        }
        test_block_reuse(&c, v);
        test_take_fresh(&c, v);
        test_corrupt_blocks(&c, v);
        test_corrupt_chains(&c, v);
    }
    frugal_cpu_allow(~0u);
    printf("%u round trips\n", c.cases);
    free(c.mem);
    free(c.out);
    free(c.out2);
    free(c.ref.mem);
    free(v);
    return fr_test_result("test_pack");
}
