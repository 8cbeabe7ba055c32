/* Packed ascending streams: the block pool, the writers and readers around the
 * kernels of pack_kernel.h, the exact slow paths, and the backend dispatcher.
 * Format and invariants: pack.h and doc/pack.md.
 *
 * Writer invariants between calls: the tail block's next is FR_PACK_NONE and its
 * used bits are in memory; the bits above them in the two partial bytes are zero
 * or stale (from an append that was rolled back), and the encoder masks stale
 * bits when it resumes. Its count and meta are written lazily (`dirty`): when
 * the block is closed, by finish and when a reader starts, so that an append
 * touches only the cache lines it writes bits to. */
#include "pack/pack.h"

#include <cpuid.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "common/endian.h"
#include "pack/pack_kernel.h"

#define HDR FR_PACK_HEADER_BYTES

/* ---- Backends ------------------------------------------------------------- */

static size_t enc_rice_scalar(fr_pack_enc *s, const uint32_t *vals, size_t n)
{
    return fr_pack_enc_rice_body(s, vals, n);
}

static int dec_rice_scalar(fr_pack_dec *s, uint32_t *out, size_t n)
{
    return fr_pack_dec_rice_body(s, out, n);
}

const fr_pack_kernels fr_pack_kernels_scalar = {"scalar", enc_rice_scalar, dec_rice_scalar};

/* BMI1 and BMI2 (CPUID leaf 7, EBX bits 3 and 8), read once. Every CPU with AVX2
 * that frugal has met has them, but the ISA does not promise it. */
static int cpu_has_bmi12(void)
{
    static atomic_int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        v = 0;
        if (__get_cpuid_max(0, NULL) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            v = ((b >> 3) & 1) && ((b >> 8) & 1);
        }
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v;
}

static const fr_pack_kernels *select_kernels(void)
{
    if ((frugal_cpu_features() & FRUGAL_CPU_AVX2) && cpu_has_bmi12())
        return &fr_pack_kernels_bmi2;
    return &fr_pack_kernels_scalar;
}

/* ---- Pool ----------------------------------------------------------------- */

static int block_size_ok(unsigned bb)
{
    return bb >= FR_PACK_MIN_BLOCK && bb <= FR_PACK_MAX_BLOCK && (bb & (bb - 1)) == 0;
}

/* Bookkeeping bytes for n blocks: the free stack, then the bitmap (8-aligned). */
static uint64_t book_bytes(uint64_t n)
{
    return (4 * n + 7) / 8 * 8 + 8 * ((n + 63) / 64);
}

size_t fr_pack_pool_bytes(size_t nblocks, unsigned block_bytes)
{
    if (!block_size_ok(block_bytes) || nblocks == 0 || nblocks > FR_PACK_MAX_BLOCKS)
        return 0;
    /* 7 bytes to align the bookkeeping, 63 to align the blocks */
    uint64_t total = (uint64_t)nblocks * block_bytes + book_bytes(nblocks) + 70;
    return total > SIZE_MAX ? 0 : (size_t)total;
}

/* Where n blocks start in mem[0..bytes): 64-aligned, as high as they fit, above
 * the 8-aligned bookkeeping; 0 when they do not fit. */
static uintptr_t blocks_at(uintptr_t a, size_t bytes, uint64_t n, unsigned bb)
{
    if (n * bb > bytes)
        return 0;
    uintptr_t blocks = (a + bytes - (uintptr_t)(n * bb)) & ~(uintptr_t)63;
    uintptr_t book_end = ((a + 7) & ~(uintptr_t)7) + (uintptr_t)book_bytes(n);
    return blocks >= book_end && blocks >= a ? blocks : 0;
}

frugal_status fr_pack_pool_init(fr_pack_pool *p, void *mem, size_t bytes, unsigned block_bytes)
{
    if (!p || !mem || !block_size_ok(block_bytes))
        return FRUGAL_ERR_ARG;
    uintptr_t a = (uintptr_t)mem;
    uint64_t n = (uint64_t)bytes * 8 / (8 * (uint64_t)block_bytes + 33); /* >= the answer */
    if (n > FR_PACK_MAX_BLOCKS)
        n = FR_PACK_MAX_BLOCKS;
    while (n > 0 && !blocks_at(a, bytes, n, block_bytes))
        n--;
    if (n == 0)
        return FRUGAL_ERR_FULL;
    uintptr_t book = (a + 7) & ~(uintptr_t)7;
    p->base = (uint8_t *)blocks_at(a, bytes, n, block_bytes);
    p->stack = (uint32_t *)book;
    p->in_use = (uint64_t *)(book + (4 * n + 7) / 8 * 8);
    memset(p->in_use, 0, 8 * (size_t)((n + 63) / 64));
    p->nblocks = (uint32_t)n;
    p->fresh = 0;
    p->nfree = 0;
    p->used_peak = 0;
    p->block_bytes = block_bytes;
    p->block_shift = (unsigned)__builtin_ctz(block_bytes);
    p->kern = select_kernels();
    return FRUGAL_OK;
}

size_t fr_pack_pool_free_blocks(const fr_pack_pool *p)
{
    return (size_t)p->nfree + (p->nblocks - p->fresh);
}

size_t fr_pack_pool_blocks(const fr_pack_pool *p) { return p->nblocks; }

size_t fr_pack_pool_peak_blocks(const fr_pack_pool *p) { return p->used_peak; }

const char *fr_pack_pool_backend(const fr_pack_pool *p) { return p->kern->name; }

static inline uint8_t *blk_ptr(const fr_pack_pool *p, uint32_t idx)
{
    return p->base + ((size_t)idx << p->block_shift);
}

uint8_t *fr_pack_block(const fr_pack_pool *p, uint32_t idx)
{
    return idx < p->nblocks ? blk_ptr(p, idx) : NULL;
}

/* Nonzero when idx is a block of the pool that is handed out. */
static inline int in_use(const fr_pack_pool *p, uint32_t idx)
{
    return idx < p->nblocks && ((p->in_use[idx >> 6] >> (idx & 63)) & 1);
}

/* LIFO: the block freed last (likely still in cache) is handed out first. */
static uint32_t pool_alloc(fr_pack_pool *p)
{
    uint32_t idx;
    if (p->nfree > 0)
        idx = p->stack[--p->nfree];
    else if (p->fresh < p->nblocks)
        idx = p->fresh++;
    else
        return FR_PACK_NONE;
    p->in_use[idx >> 6] |= (uint64_t)1 << (idx & 63);
    uint32_t used = p->fresh - p->nfree;
    if (used > p->used_peak)
        p->used_peak = used;
    return idx;
}

/* Frees a block that is in use; -1 (and nothing done) for any other index. */
static int pool_free(fr_pack_pool *p, uint32_t idx)
{
    if (!in_use(p, idx))
        return -1;
    p->in_use[idx >> 6] &= ~((uint64_t)1 << (idx & 63));
    p->stack[p->nfree++] = idx;
    return 0;
}

uint32_t fr_pack_block_alloc(fr_pack_pool *p) { return pool_alloc(p); }

void *fr_pack_pool_take_fresh(fr_pack_pool *p, size_t *bytes)
{
    if (p->fresh >= p->nblocks) {
        *bytes = 0;
        return NULL;
    }
    void *area = blk_ptr(p, p->fresh);
    *bytes = (size_t)(p->nblocks - p->fresh) << p->block_shift;
    p->fresh = p->nblocks;
    return area;
}

/* ---- Block headers -------------------------------------------------------- */

typedef struct hdr {
    uint32_t next, first, count, ubits;
    unsigned format, k;
} hdr;

static inline uint32_t meta_word(unsigned format, unsigned k, uint32_t ubits)
{
    return (uint32_t)format | (uint32_t)k << 8 | ubits << 13;
}

static inline uint64_t ceil8(uint64_t bits) { return (bits + 7) >> 3; }

/* Reads a header and checks that the block is consistent with its size: every
 * load the decoders make is then inside the block (see pack_kernel.h). Returns 0
 * or -1. */
static int hdr_read(const uint8_t *b, unsigned bb, hdr *h)
{
    uint32_t meta = fr_load_le32(b + 12);
    h->next = fr_load_le32(b);
    h->first = fr_load_le32(b + 4);
    h->count = fr_load_le32(b + 8);
    h->format = meta & 0xff;
    h->k = (meta >> 8) & 31;
    h->ubits = meta >> 13;
    if (h->count == 0)
        return -1;
    uint64_t rest = (uint64_t)h->count - 1;
    if (h->format == FR_PACK_RICE)
        return h->ubits >= rest && HDR + ceil8(rest * h->k) + ceil8(h->ubits) <= bb ? 0 : -1;
    if (h->format == FR_PACK_RAW32)
        return h->k == 0 && h->ubits == 0 && HDR + 4 * rest <= bb ? 0 : -1;
    return -1;
}

/* Bits a block holds: its header and the payload bits in use. */
static uint64_t block_bits(unsigned format, unsigned k, uint32_t count, uint32_t ubits)
{
    uint64_t rest = count - 1;
    return 8 * HDR + (format == FR_PACK_RAW32 ? 32 * rest : rest * k + ubits);
}

/* ---- Writers -------------------------------------------------------------- */

frugal_status fr_pack_writer_init(fr_pack_writer *w, int format, unsigned k)
{
    if (!w || (format != FR_PACK_RICE && format != FR_PACK_RAW32) ||
        (format == FR_PACK_RICE && k > FR_PACK_MAX_K))
        return FRUGAL_ERR_ARG;
    memset(w, 0, sizeof *w);
    w->head = w->tail = FR_PACK_NONE;
    w->format = (uint8_t)format;
    w->k = (uint8_t)(format == FR_PACK_RICE ? k : 0);
    return FRUGAL_OK;
}

static void writer_empty(fr_pack_writer *w)
{
    fr_pack_writer_init(w, w->format, w->k);
}

/* Writes the tail block's count and meta (its next and first are set already). */
static void tail_sync(fr_pack_pool *p, fr_pack_writer *w)
{
    uint8_t *b = blk_ptr(p, w->tail);
    fr_store_le32(b + 8, w->nblk);
    fr_store_le32(b + 12, meta_word(w->format, w->k, w->ubits));
    w->dirty = 0;
}

/* Closes the tail block (if any) and starts a new one whose first value is v. */
static frugal_status start_block(fr_pack_pool *p, fr_pack_writer *w, uint32_t v)
{
    uint32_t idx = pool_alloc(p);
    if (idx == FR_PACK_NONE)
        return FRUGAL_ERR_FULL;
    if (w->tail != FR_PACK_NONE) {
        tail_sync(p, w);
        fr_store_le32(blk_ptr(p, w->tail), idx);
        w->bits += block_bits(w->format, w->k, w->nblk, w->ubits);
    } else {
        w->head = idx;
    }
    uint8_t *b = blk_ptr(p, idx);
    fr_store_le32(b, FR_PACK_NONE);
    fr_store_le32(b + 4, v);
    w->tail = idx;
    w->nblk = 1;
    w->ubits = 0;
    w->last = v;
    w->dirty = 1;
    return FRUGAL_OK;
}

/* Writes the low `nbits` of val at bit `pos` of a region, byte by byte, touching
 * only the bytes those bits fall in; bits above them in the last byte become 0.
 * rev: the unary region (byte j of it is end[-1-j]); else the low region. */
static void put_bits(uint8_t *blk, unsigned bb, int rev, uint64_t pos, uint64_t val,
                     unsigned nbits)
{
    while (nbits > 0) {
        size_t j = (size_t)(pos >> 3);
        unsigned off = pos & 7, take = 8 - off < nbits ? 8 - off : nbits;
        uint8_t *byte = rev ? blk + bb - 1 - j : blk + HDR + j;
        *byte = (uint8_t)((*byte & ((1u << off) - 1)) | ((val & ((1u << take) - 1)) << off));
        val >>= take;
        pos += take;
        nbits -= take;
    }
}

/* The exact path for one RICE value: order check, escape, and the precise fit
 * rule at a block's end (a new block when v does not fit). */
static frugal_status rice_slow(fr_pack_pool *p, fr_pack_writer *w, fr_pack_enc *s, uint32_t v)
{
    if (v <= s->last)
        return FRUGAL_ERR_ARG;
    const unsigned k = s->k;
    uint64_t d = v - s->last - 1, q = d >> k;
    unsigned ulen = q < FR_PACK_QMAX ? (unsigned)q + 1 : FR_PACK_QMAX + 1 + 32 - k;
    uint64_t lo2 = (uint64_t)s->lo_bits + k, un2 = (uint64_t)s->un_bits + ulen;
    if (HDR + ceil8(lo2) + ceil8(un2) > s->bb) {
        w->ubits = s->un_bits;
        frugal_status st = start_block(p, w, v);
        if (st != FRUGAL_OK)
            return st;
        s->blk = blk_ptr(p, w->tail);
        s->lo_bits = s->un_bits = 0;
        s->last = v;
        return FRUGAL_OK;
    }
    put_bits(s->blk, s->bb, 0, s->lo_bits, d, k);
    if (q < FR_PACK_QMAX) {
        put_bits(s->blk, s->bb, 1, s->un_bits, (uint64_t)1 << q, (unsigned)q + 1);
    } else {
        put_bits(s->blk, s->bb, 1, s->un_bits, (uint64_t)1 << FR_PACK_QMAX, FR_PACK_QMAX + 1);
        put_bits(s->blk, s->bb, 1, s->un_bits + FR_PACK_QMAX + 1, q, 32 - k);
    }
    s->lo_bits = (uint32_t)lo2;
    s->un_bits = (uint32_t)un2;
    s->last = v;
    w->nblk++;
    return FRUGAL_OK;
}

static frugal_status append_rice(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals,
                                 size_t n)
{
    size_t i = 0;
    if (w->tail == FR_PACK_NONE) {
        frugal_status st = start_block(p, w, vals[0]);
        if (st != FRUGAL_OK)
            return st;
        i = 1;
    }
    fr_pack_enc s = {blk_ptr(p, w->tail), p->block_bytes, w->k,
                     (w->nblk - 1) * w->k, w->ubits, w->last};
    while (i < n) {
        size_t c = p->kern->enc_rice(&s, vals + i, n - i);
        w->nblk += (uint32_t)c;
        i += c;
        if (i == n)
            break;
        frugal_status st = rice_slow(p, w, &s, vals[i]);
        if (st != FRUGAL_OK)
            return st;
        i++;
    }
    w->ubits = s.un_bits;
    w->last = (uint32_t)s.last;
    w->dirty = 1;
    return FRUGAL_OK;
}

static frugal_status append_raw(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals,
                                size_t n)
{
    const uint32_t cap = (p->block_bytes - HDR) / 4 + 1;
    size_t i = 0;
    while (i < n) {
        if (w->tail == FR_PACK_NONE || w->nblk == cap) {
            if (w->tail != FR_PACK_NONE && vals[i] <= w->last)
                return FRUGAL_ERR_ARG;
            frugal_status st = start_block(p, w, vals[i]);
            if (st != FRUGAL_OK)
                return st;
            i++;
            continue;
        }
        size_t m = n - i < cap - w->nblk ? n - i : cap - w->nblk;
        uint8_t *dst = blk_ptr(p, w->tail) + HDR + 4 * (size_t)(w->nblk - 1);
        uint32_t prev = w->last;
        unsigned bad = 0;
        for (size_t j = 0; j < m; j++) {
            uint32_t v = vals[i + j];
            bad |= v <= prev;
            fr_store_le32(dst + 4 * j, v);
            prev = v;
        }
        if (bad)
            return FRUGAL_ERR_ARG;
        w->nblk += (uint32_t)m;
        w->last = prev;
        i += m;
    }
    w->dirty = 1;
    return FRUGAL_OK;
}

/* What an append may change in a writer (head only when the stream was empty;
 * count is only updated on success), kept to undo a failed call. Scalars, not a
 * copy of the struct: a wide copy right after the previous call's narrow stores
 * to the writer would stall on store forwarding. */
typedef struct mark {
    uint32_t tail, last, nblk, ubits;
    uint64_t bits;
} mark;

/* Undoes a failed append: frees the blocks it took and restores the writer. */
static void rollback(fr_pack_pool *p, fr_pack_writer *w, const mark *m)
{
    uint32_t b = m->tail == FR_PACK_NONE ? w->head : fr_load_le32(blk_ptr(p, m->tail));
    while (b != FR_PACK_NONE) {
        uint32_t next = fr_load_le32(blk_ptr(p, b));
        pool_free(p, b);
        b = next;
    }
    w->tail = m->tail;
    w->last = m->last;
    w->nblk = m->nblk;
    w->ubits = m->ubits;
    w->bits = m->bits;
    if (m->tail == FR_PACK_NONE) {
        w->head = FR_PACK_NONE;
    } else { /* the call may have closed it: reopen it */
        fr_store_le32(blk_ptr(p, w->tail), FR_PACK_NONE);
        w->dirty = 1;
    }
}

frugal_status fr_pack_append(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals, size_t n)
{
    if (!p || !w || (!vals && n))
        return FRUGAL_ERR_ARG;
    if (n == 0)
        return FRUGAL_OK;
    mark m = {w->tail, w->last, w->nblk, w->ubits, w->bits};
    frugal_status st = w->format == FR_PACK_RAW32 ? append_raw(p, w, vals, n)
                                                  : append_rice(p, w, vals, n);
    if (st != FRUGAL_OK) {
        rollback(p, w, &m);
        return st;
    }
    w->count += n;
    return FRUGAL_OK;
}

void fr_pack_writer_finish(fr_pack_pool *p, fr_pack_writer *w)
{
    if (!p || !w || w->tail == FR_PACK_NONE)
        return;
    if (w->dirty)
        tail_sync(p, w);
    if (w->format != FR_PACK_RICE)
        return;
    uint8_t *b = blk_ptr(p, w->tail);
    uint32_t lo = (w->nblk - 1) * w->k, un = w->ubits;
    if (lo & 7)
        b[HDR + (lo >> 3)] &= (uint8_t)((1u << (lo & 7)) - 1);
    if (un & 7)
        b[p->block_bytes - 1 - (un >> 3)] &= (uint8_t)((1u << (un & 7)) - 1);
}

uint64_t fr_pack_writer_count(const fr_pack_writer *w) { return w->count; }

uint64_t fr_pack_writer_bits(const fr_pack_writer *w)
{
    if (w->tail == FR_PACK_NONE)
        return w->bits;
    return w->bits + block_bits(w->format, w->k, w->nblk, w->ubits);
}

/* Releases a chain of at most `max_blocks` blocks starting at b; -1 when it
 * meets a block that is not in use (outside the pool, free, or met before) or is
 * longer. */
static int free_chain(fr_pack_pool *p, uint32_t b, uint64_t max_blocks)
{
    for (uint64_t steps = 0; b != FR_PACK_NONE; steps++) {
        if (!in_use(p, b) || steps >= max_blocks)
            return -1;
        uint32_t next = fr_load_le32(blk_ptr(p, b));
        pool_free(p, b);
        b = next;
    }
    return 0;
}

frugal_status fr_pack_stream_free(fr_pack_pool *p, fr_pack_writer *w)
{
    if (!p || !w)
        return FRUGAL_ERR_ARG;
    int bad = free_chain(p, w->head, w->count);
    writer_empty(w);
    return bad ? FRUGAL_ERR_PARSE : FRUGAL_OK;
}

/* ---- Readers -------------------------------------------------------------- */

void fr_pack_reader_init(fr_pack_pool *p, fr_pack_reader *r, fr_pack_writer *w, int release)
{
    if (w->tail != FR_PACK_NONE && w->dirty)
        tail_sync(p, w);
    memset(r, 0, sizeof *r);
    r->blk = w->head;
    r->left = w->count;
    r->format = w->format;
    r->release = release != 0;
    if (release)
        writer_empty(w);
}

uint64_t fr_pack_reader_left(const fr_pack_reader *r) { return r->left; }

/* Copies RAW32 values i0..i0+n-1 of a block; -1 unless they ascend from `last`. */
static int dec_raw(const uint8_t *b, uint32_t i0, uint32_t *out, size_t n, uint32_t *last)
{
    const uint8_t *src = b + HDR + 4 * (size_t)(i0 - 1);
    uint32_t prev = *last;
    unsigned bad = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t v = fr_load_le32(src + 4 * j);
        bad |= v <= prev;
        out[j] = v;
        prev = v;
    }
    *last = prev;
    return bad ? -1 : 0;
}

/* Decodes values pos..pos+n-1 (pos >= 1) of a block whose header h is valid.
 * Updates *ubit and *last. */
static int dec_values(const fr_pack_kernels *kern, const uint8_t *b, unsigned bb, const hdr *h,
                      uint32_t pos, uint32_t *ubit, uint32_t *last, uint32_t *out, size_t n)
{
    if (h->format == FR_PACK_RAW32)
        return dec_raw(b, pos, out, n, last);
    fr_pack_dec d = {b, bb, h->k, h->ubits, pos, *ubit, *last};
    if (kern->dec_rice(&d, out, n))
        return -1;
    *ubit = d.ubit;
    *last = (uint32_t)d.last;
    return 0;
}

static frugal_status read_fail(fr_pack_reader *r, size_t got, size_t *n)
{
    r->failed = 1;
    *n = got;
    return FRUGAL_ERR_PARSE;
}

frugal_status fr_pack_read(fr_pack_pool *p, fr_pack_reader *r, uint32_t *out, size_t cap,
                           size_t *n)
{
    if (!p || !r || !n || (!out && cap))
        return FRUGAL_ERR_ARG;
    size_t got = 0;
    if (r->failed)
        return read_fail(r, 0, n);
    const unsigned bb = p->block_bytes;
    while (got < cap && r->left > 0) {
        if (!in_use(p, r->blk)) /* outside the pool, never handed out, or released */
            return read_fail(r, got, n);
        const uint8_t *b = blk_ptr(p, r->blk);
        hdr h;
        if (hdr_read(b, bb, &h) || h.format != r->format ||
            h.count - r->pos > r->left || r->pos >= h.count)
            return read_fail(r, got, n);
        if (r->pos == 0) {
            if (r->started && h.first <= r->last)
                return read_fail(r, got, n);
            out[got++] = h.first;
            r->last = h.first;
            r->started = 1;
            r->pos = 1;
            r->ubit = 0;
            r->left--;
        }
        size_t m = h.count - r->pos;
        if (m > cap - got)
            m = cap - got;
        if (m && dec_values(p->kern, b, bb, &h, r->pos, &r->ubit, &r->last, out + got, m))
            return read_fail(r, got, n);
        r->pos += (uint32_t)m;
        got += m;
        r->left -= m;
        if (r->pos == h.count) {
            if ((h.format == FR_PACK_RICE && r->ubit != h.ubits) ||
                (r->left == 0) != (h.next == FR_PACK_NONE))
                return read_fail(r, got, n);
            if (r->release)
                pool_free(p, r->blk);
            r->blk = h.next;
            r->pos = 0;
        }
    }
    *n = got;
    return FRUGAL_OK;
}

void fr_pack_reader_drop(fr_pack_pool *p, fr_pack_reader *r)
{
    if (!p || !r || !r->release)
        return;
    if (r->left > 0 || r->pos > 0)
        free_chain(p, r->blk, r->left + 1);
    r->blk = FR_PACK_NONE;
    r->left = 0;
    r->pos = 0;
}

frugal_status fr_pack_decode(fr_pack_pool *p, fr_pack_writer *w, uint32_t *out, size_t cap,
                             int release, size_t *n)
{
    if (!p || !w || !n || (!out && w->count))
        return FRUGAL_ERR_ARG;
    *n = 0;
    if (cap < w->count)
        return FRUGAL_ERR_FULL;
    fr_pack_reader r;
    fr_pack_reader_init(p, &r, w, release);
    return fr_pack_read(p, &r, out, cap, n);
}

frugal_status fr_pack_block_decode(const uint8_t *blk, unsigned block_bytes, uint32_t *out,
                                   size_t cap, size_t *n)
{
    if (!blk || !n || !block_size_ok(block_bytes))
        return FRUGAL_ERR_ARG;
    *n = 0;
    hdr h;
    if (hdr_read(blk, block_bytes, &h))
        return FRUGAL_ERR_PARSE;
    if (cap < h.count || !out)
        return FRUGAL_ERR_FULL;
    uint32_t ubit = 0, last = h.first;
    out[0] = h.first;
    if (h.count > 1 && dec_values(select_kernels(), blk, block_bytes, &h, 1, &ubit, &last,
                                  out + 1, h.count - 1))
        return FRUGAL_ERR_PARSE;
    if (h.format == FR_PACK_RICE && ubit != h.ubits)
        return FRUGAL_ERR_PARSE;
    *n = h.count;
    return FRUGAL_OK;
}

size_t fr_pack_block_max_values(unsigned block_bytes, int format, unsigned k)
{
    if (!block_size_ok(block_bytes))
        return 0;
    size_t payload_bits = 8 * (size_t)(block_bytes - HDR);
    if (format == FR_PACK_RAW32)
        return payload_bits / 32 + 1;
    if (format != FR_PACK_RICE || k > FR_PACK_MAX_K)
        return 0;
    /* each value after the first takes k low bits and at least one unary bit; the
     * rounding of two regions to bytes costs at most 14 bits */
    return payload_bits / (k + 1) + 1;
}

/* ---- Choosing k ----------------------------------------------------------- */

double fr_pack_rice_bits(double mean_gap, unsigned k)
{
    if (!(mean_gap > 1))
        return k + 1.0;
    /* d = gap - 1 is geometric with P(d >= x) = (1-p)^x, p = 1/mean: the unary part
     * is 1 + sum_{j>=1} P(d >= j 2^k) = 1 + a/(1-a), a = (1-p)^(2^k) */
    double a = exp(ldexp(log1p(-1.0 / mean_gap), (int)k));
    return k + 1.0 + a / (1.0 - a);
}

unsigned fr_pack_rice_k(double mean_gap)
{
    unsigned best = 0;
    double best_bits = fr_pack_rice_bits(mean_gap, 0);
    for (unsigned k = 1; k <= FR_PACK_MAX_K; k++) {
        double b = fr_pack_rice_bits(mean_gap, k);
        if (b < best_bits) {
            best_bits = b;
            best = k;
        }
    }
    return best;
}
