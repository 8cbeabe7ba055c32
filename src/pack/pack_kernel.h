/* The hot loops of the RICE format, as static inline bodies that pack.c (portable
 * x86-64) and pack_bmi2.c (compiled with -mbmi -mbmi2, where variable shifts,
 * masks, tzcnt and blsr are single cheap instructions) each instantiate once.
 *
 * Encoding keeps two 64-bit accumulators, one per region, and stores 8 bytes at
 * the current byte of each after every value (the bits above the current bit are
 * zero), so no value needs a branch to flush. The stores are in bounds and cannot
 * clobber the other region while Lb + Ub <= B - 29 (Lb, Ub: bytes fully used in
 * the low and unary regions): a value adds at most 38 bits to either accumulator,
 * so 5 bytes each, and the 16-byte header sits in front. While both quotients are
 * below 16 (and k <= 28) two values share one store per region (at most 63 low and
 * 39 unary bits; the pair's budget is that of two values). Values near a block's
 * end, escapes and order errors go to pack.c's exact slow path.
 *
 * Decoding walks the set bits of the unary region's 64-bit words (tzcnt, blsr);
 * low bits sit at a position known from the value's index, off the dependency
 * chain, so a value costs one load and a few ALU operations. The caller has
 * validated the header (pack.c: hdr_read), which keeps every load inside the
 * block; the kernel checks the rest (word index, escapes, overflow) as it goes. */
#ifndef FRUGAL_PACK_PACK_KERNEL_H
#define FRUGAL_PACK_PACK_KERNEL_H

#include <stdint.h>
#include <string.h>
#ifdef __BMI2__
#include <immintrin.h>
#endif

#include "common/endian.h"
#include "pack/pack.h"

/* Encoder state of one block between kernel calls. */
typedef struct fr_pack_enc {
    uint8_t *blk;
    unsigned bb, k;
    uint32_t lo_bits, un_bits; /* bits used in the low and unary regions */
    uint64_t last;             /* the value before the next one */
} fr_pack_enc;

/* Decoder state of one block between kernel calls. */
typedef struct fr_pack_dec {
    const uint8_t *blk;
    unsigned bb, k;
    uint32_t ubits;  /* unary bits the header declares */
    uint32_t i;      /* index in the block of the next value (>= 1) */
    uint32_t ubit;   /* unary bits consumed */
    uint64_t last;   /* the value before the next one (64-bit: overflow shows) */
} fr_pack_dec;

struct fr_pack_kernels {
    const char *name;
    /* Encodes the longest prefix of vals[0..n) the fast path can take; returns its
     * length. Stops before a value that is not above the last one, needs an
     * escape, or comes too close to the block's end. */
    size_t (*enc_rice)(fr_pack_enc *s, const uint32_t *vals, size_t n);
    /* Decodes the next n values of the block into out; n must not pass the
     * block's count. Returns 0, or -1 when the block is corrupt. */
    int (*dec_rice)(fr_pack_dec *s, uint32_t *out, size_t n);
};

extern const fr_pack_kernels fr_pack_kernels_scalar;
extern const fr_pack_kernels fr_pack_kernels_bmi2;

/* The unary region is read from the block's end down: its byte j is byte B-1-j.
 * 64 of its bits from its byte j on, as a little-endian word, are thus the
 * big-endian word at B-8-j. Loads and stores go through memcpy (one unaligned
 * move) with the byte order made explicit, so the format is the same on any host. */
static inline uint64_t fr_pack_be64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t fr_pack_un_load(const uint8_t *end, size_t j)
{
    uint64_t v;
    memcpy(&v, end - 8 - j, 8);
    return fr_pack_be64(v);
}

static inline void fr_pack_un_store(uint8_t *at, uint64_t v)
{
    v = fr_pack_be64(v);
    memcpy(at, &v, 8);
}

static inline size_t fr_pack_enc_rice_body(fr_pack_enc *s, const uint32_t *vals, size_t n)
{
    const unsigned k = s->k;
    const uint64_t km = ((uint64_t)1 << k) - 1;
    uint8_t *const lo0 = s->blk + FR_PACK_HEADER_BYTES, *const un0 = s->blk + s->bb - 8;
    const size_t lim = s->bb - FR_PACK_HEADER_BYTES - 13;
    unsigned nl = s->lo_bits & 7, nu = s->un_bits & 7;
    uint8_t *pl = lo0 + (s->lo_bits >> 3), *pu = un0 - (s->un_bits >> 3);
    /* the partial bytes may hold stale bits above the used ones (a rolled-back
     * append): keep only the used bits. pu[7] is the unary region's partial byte. */
    uint64_t al = pl[0] & ((1u << nl) - 1), au = pu[7] & ((1u << nu) - 1);
    uint64_t prev = s->last;
    const uint32_t *v = vals, *const vend = vals + n;
    while (v < vend) {
        size_t used = (size_t)(pl - lo0) + (size_t)(un0 - pu);
        if (used > lim)
            break;
        /* each value moves `used` by at most 8 bytes: m values need no check */
        size_t m = (lim - used) / 8 + 1;
        const uint32_t *stop = (size_t)(vend - v) < m ? vend : v + m;
        /* two values at a time while both quotients are below 16 and k <= 28: one
         * flush per region for both (at most 63 low bits and 39 unary bits) */
        if (k <= 28)
            while (stop - v >= 2) {
                uint64_t x0 = v[0], x1 = v[1];
                uint64_t d0 = x0 - prev - 1, d1 = x1 - x0 - 1;
                uint64_t q0 = d0 >> k, q1 = d1 >> k;
                if ((q0 | q1) >= 16)
                    break;
                al |= ((d0 & km) | (d1 & km) << k) << nl;
                nl += 2 * k;
                fr_store_le64(pl, al);
                pl += nl >> 3;
                al >>= nl & 56;
                nl &= 7;
                nu += (unsigned)q0;
                au |= (uint64_t)1 << nu;
                nu += (unsigned)q1 + 1;
                au |= (uint64_t)1 << nu;
                nu += 1;
                fr_pack_un_store(pu, au);
                pu -= nu >> 3;
                au >>= nu & 56;
                nu &= 7;
                prev = x1;
                v += 2;
            }
        /* one at a time: the rest of the stretch, or a pair with a large q */
        const uint32_t *stop1 = stop - v >= 2 && k <= 28 ? v + 1 : stop;
        for (; v < stop1; v++) {
            uint64_t x = *v, d = x - prev - 1; /* wraps to >= 2^32 when x <= prev */
            uint64_t q = d >> k;
            if (q >= FR_PACK_QMAX)
                goto done;
            al |= (d & km) << nl;
            nl += k;
            fr_store_le64(pl, al);
            pl += nl >> 3;
            al >>= nl & 56;
            nl &= 7;
            nu += (unsigned)q;
            au |= (uint64_t)1 << nu;
            nu += 1;
            fr_pack_un_store(pu, au);
            pu -= nu >> 3;
            au >>= nu & 56;
            nu &= 7;
            prev = x;
        }
    }
done:
    s->lo_bits = (uint32_t)((size_t)(pl - lo0) * 8 + nl);
    s->un_bits = (uint32_t)((size_t)(un0 - pu) * 8 + nu);
    s->last = prev;
    return (size_t)(v - vals);
}

/* The unary word whose bit 0 is bit 64*j of the region, bits below `from` (an
 * absolute bit position inside that word) cleared. */
static inline uint64_t fr_pack_un_word(const uint8_t *end, uint64_t j, uint64_t from)
{
    return fr_pack_un_load(end, (size_t)(j * 8)) & (~(uint64_t)0 << (from & 63));
}

/* Index of the last word of the unary region that holds declared bits. */
#define FR_PACK_JMAX(s) ((s)->ubits ? (uint64_t)((s)->ubits - 1) >> 6 : 0)

/* The low k bits of x. */
#ifdef __BMI2__
#define FR_PACK_LOW(x, k) _bzhi_u64((x), (k))
#else
#define FR_PACK_LOW(x, k) ((x) & (((uint64_t)1 << (k)) - 1))
#endif

/* The escape's payload: q in 32-k bits at unary bit `pos` (just after the 32
 * zeros and the one). Returns q, or 0 (never a valid escaped q) when the field
 * passes the region's end or holds a q below FR_PACK_QMAX. Out of line: rare. */
static __attribute__((noinline)) uint64_t fr_pack_escape_q(const fr_pack_dec *s, uint64_t pos)
{
    unsigned rw = 32 - s->k;
    if (pos + rw > s->ubits)
        return 0;
    uint64_t q = (fr_pack_un_load(s->blk + s->bb, (size_t)(pos >> 3)) >> (pos & 7)) &
                 (((uint64_t)1 << rw) - 1);
    return q < FR_PACK_QMAX ? 0 : q;
}

static inline int fr_pack_dec_rice_body(fr_pack_dec *s, uint32_t *out, size_t n)
{
    const unsigned k = s->k;
    const uint8_t *const lo = s->blk + FR_PACK_HEADER_BYTES;
    uint64_t b = (uint64_t)(s->i - 1) * k; /* low bit of the next value */
    /* the unary position is kept relative to the current word w (word j): rel is
     * the bit after the last one read, so a value's q is tzcnt(w) - rel */
    uint64_t j = s->ubit >> 6, rel = s->ubit & 63;
    uint64_t w = j <= FR_PACK_JMAX(s) ? fr_pack_un_word(s->blk + s->bb, j, rel) : 0;
    uint64_t v = s->last;
    uint32_t *const oend = out + n;
    for (ptrdiff_t t = -(ptrdiff_t)n; t < 0; t++) {
        if (w == 0) {
            do {
                if (++j > FR_PACK_JMAX(s))
                    return -1;
                w = fr_pack_un_word(s->blk + s->bb, j, 0);
                rel -= 64;
            } while (w == 0);
        }
        uint64_t tz = (uint64_t)__builtin_ctzll(w);
        uint64_t q = tz - rel;
        rel = tz + 1;
        w &= w - 1;
        if (q >= FR_PACK_QMAX) {
            /* escape: exactly QMAX zeros, then q in 32-k bits */
            uint64_t pos = (j << 6) + rel;
            if (q != FR_PACK_QMAX || (q = fr_pack_escape_q(s, pos)) == 0)
                return -1;
            pos += 32 - k;
            j = pos >> 6;
            rel = pos & 63;
            w = j <= FR_PACK_JMAX(s) ? fr_pack_un_word(s->blk + s->bb, j, rel) : 0;
        }
        uint64_t r = FR_PACK_LOW(fr_load_le64(lo + (b >> 3)) >> (b & 7), k);
        b += k;
        v += (q << k) + r + 1;
        oend[t] = (uint32_t)v;
    }
    s->i += (uint32_t)n;
    s->ubit = (uint32_t)((j << 6) + rel);
    s->last = v;
    return v > 0xffffffffu ? -1 : 0;
}
#endif
