/* TEMPORARY stand-in: raw32 and a simple bit-by-bit Rice, 8-byte block header
 * (next u32, count u32). */
#include "pack/pack.h"
#include <string.h>
#define NONE 0xffffffffu
#define HDR 8
size_t fr_pack_pool_bytes(size_t nblocks, unsigned bb) { return nblocks * (bb + 4); }
void fr_pack_pool_init(fr_pack_pool *p, void *mem, size_t bytes, unsigned bb)
{
    p->block_bytes = bb; p->nblocks = (uint32_t)(bytes / (bb + 4));
    p->blocks = mem; p->free_stack = (uint32_t *)((uint8_t *)mem + (size_t)p->nblocks * bb);
    p->nfree = p->nblocks;
    for (uint32_t i = 0; i < p->nblocks; i++) p->free_stack[i] = p->nblocks - 1 - i;
}
size_t fr_pack_pool_free_blocks(const fr_pack_pool *p) { return p->nfree; }
void fr_pack_writer_init(fr_pack_writer *w, int format, unsigned k)
{ memset(w, 0, sizeof *w); w->head = w->tail = NONE; w->format = (uint8_t)format; w->k = (uint8_t)k; }
static uint8_t *blk(fr_pack_pool *p, uint32_t b) { return p->blocks + (size_t)b * p->block_bytes; }
static int newblock(fr_pack_pool *p, fr_pack_writer *w)
{
    if (!p->nfree) return -1;
    uint32_t b = p->free_stack[--p->nfree];
    uint8_t *q = blk(p, b); if (w->format != FR_PACK_RAW32) memset(q, 0, p->block_bytes); else memset(q, 0, HDR);
    uint32_t none = NONE; memcpy(q, &none, 4);
    if (w->tail != NONE) memcpy(blk(p, w->tail), &b, 4); else w->head = b;
    w->tail = b; w->pos = HDR * 8; return 0;
}
static void incount(fr_pack_pool *p, fr_pack_writer *w) { uint8_t *q = blk(p, w->tail) + 4; uint32_t c; memcpy(&c, q, 4); c++; memcpy(q, &c, 4); }
static int putbits(fr_pack_pool *p, fr_pack_writer *w, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t *q = blk(p, w->tail);
        if ((v >> i) & 1) q[w->pos >> 3] |= (uint8_t)(1u << (w->pos & 7));
        w->pos++;
    }
    return 0;
}
frugal_status fr_pack_append(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v = vals[i];
        if (w->has_last && v <= w->last) return FRUGAL_ERR_ARG;
        unsigned need;
        uint64_t d = w->has_last ? (uint64_t)(v - w->last - 1) : v;
        if (w->format == FR_PACK_RAW32) need = 32;
        else { uint64_t q = d >> w->k; need = q < 24 ? (unsigned)q + 1 + w->k : 24 + 1 + 32; }
        if (w->tail == NONE || w->pos + need > p->block_bytes * 8) {
            if (newblock(p, w)) return FRUGAL_ERR_FULL;
            d = v; /* absolute in a fresh block */
            if (w->format != FR_PACK_RAW32) { uint64_t q = d >> w->k; need = q < 24 ? (unsigned)q + 1 + w->k : 57; }
        }
        if (w->format == FR_PACK_RAW32) { memcpy(blk(p, w->tail) + (w->pos >> 3), &v, 4); w->pos += 32; }
        else {
            uint64_t q = d >> w->k;
            if (q < 24) { putbits(p, w, 0, (unsigned)q); putbits(p, w, 1, 1); putbits(p, w, d & ((1ull << w->k) - 1), w->k); }
            else { putbits(p, w, 0, 24); putbits(p, w, 1, 1); putbits(p, w, d, 32); }
        }
        incount(p, w); w->bits += need; w->count++; w->last = v; w->has_last = 1;
    }
    return FRUGAL_OK;
}
void fr_pack_writer_finish(fr_pack_pool *p, fr_pack_writer *w) { (void)p; (void)w; }
static uint64_t getbits(const uint8_t *q, uint32_t *pos, unsigned n)
{ uint64_t v = 0; for (unsigned i = 0; i < n; i++, (*pos)++) v |= (uint64_t)((q[*pos >> 3] >> (*pos & 7)) & 1) << i; return v; }
size_t fr_pack_decode(fr_pack_pool *p, const fr_pack_writer *w, uint32_t *out, size_t cap, int release)
{
    size_t k = 0;
    for (uint32_t b = w->head; b != NONE;) {
        const uint8_t *q = blk(p, b); uint32_t next, cnt; memcpy(&next, q, 4); memcpy(&cnt, q + 4, 4);
        uint32_t pos = HDR * 8, last = 0;
        for (uint32_t i = 0; i < cnt && k < cap; i++) {
            uint32_t v;
            if (w->format == FR_PACK_RAW32) { memcpy(&v, q + (pos >> 3), 4); pos += 32; }
            else {
                unsigned qn = 0; while (!getbits(q, &pos, 1)) qn++;
                uint64_t d = qn < 24 ? ((uint64_t)qn << w->k) | getbits(q, &pos, w->k) : getbits(q, &pos, 32);
                v = i == 0 ? (uint32_t)d : last + 1 + (uint32_t)d;
            }
            out[k++] = last = v;
        }
        if (release) p->free_stack[p->nfree++] = b;
        b = next;
    }
    return k;
}
size_t fr_pack_decode_range(fr_pack_pool *p, const fr_pack_writer *w, uint64_t skip, uint32_t *out, size_t cap)
{
    /* stand-in: decode all into a scratch walk */
    size_t k = 0; uint64_t idx = 0;
    for (uint32_t b = w->head; b != NONE;) {
        const uint8_t *q = blk(p, b); uint32_t next, cnt; memcpy(&next, q, 4); memcpy(&cnt, q + 4, 4);
        uint32_t pos = HDR * 8, last = 0;
        for (uint32_t i = 0; i < cnt; i++, idx++) {
            uint32_t v;
            if (w->format == FR_PACK_RAW32) v = (uint32_t)getbits(q, &pos, 32);
            else {
                unsigned qn = 0; while (!getbits(q, &pos, 1)) qn++;
                uint64_t d = qn < 24 ? ((uint64_t)qn << w->k) | getbits(q, &pos, w->k) : getbits(q, &pos, 32);
                v = i == 0 ? (uint32_t)d : last + 1 + (uint32_t)d;
            }
            last = v;
            if (idx >= skip && k < cap) out[k++] = v;
        }
        b = next;
    }
    return k;
}
void fr_pack_release(fr_pack_pool *p, fr_pack_writer *w)
{
    for (uint32_t b = w->head; b != NONE;) { uint32_t next; memcpy(&next, blk(p, b), 4); p->free_stack[p->nfree++] = b; b = next; }
    w->head = w->tail = NONE;
}
