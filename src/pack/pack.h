/* TEMPORARY local stand-in for the codec interface (replaced by the real src/pack). */
#ifndef FRUGAL_PACK_PACK_H
#define FRUGAL_PACK_PACK_H
#include <stddef.h>
#include <stdint.h>
#include "frugal/common.h"
enum { FR_PACK_RICE = 0, FR_PACK_RAW32 = 1 };
typedef struct fr_pack_pool {
    uint8_t *blocks; uint32_t *free_stack; uint32_t nblocks, nfree; unsigned block_bytes;
} fr_pack_pool;
typedef struct fr_pack_writer {
    uint32_t head, tail, last; uint64_t count, bits;
    uint32_t pos; uint8_t format, k, has_last, pad;
} fr_pack_writer;
size_t fr_pack_pool_bytes(size_t nblocks, unsigned block_bytes);
void fr_pack_pool_init(fr_pack_pool *p, void *mem, size_t bytes, unsigned block_bytes);
size_t fr_pack_pool_free_blocks(const fr_pack_pool *p);
void fr_pack_writer_init(fr_pack_writer *w, int format, unsigned k);
frugal_status fr_pack_append(fr_pack_pool *p, fr_pack_writer *w, const uint32_t *vals, size_t n);
void fr_pack_writer_finish(fr_pack_pool *p, fr_pack_writer *w);
static inline uint64_t fr_pack_writer_count(const fr_pack_writer *w) { return w->count; }
static inline uint64_t fr_pack_writer_bits(const fr_pack_writer *w) { return w->bits; }
size_t fr_pack_decode(fr_pack_pool *p, const fr_pack_writer *w, uint32_t *out, size_t cap, int release);
size_t fr_pack_decode_range(fr_pack_pool *p, const fr_pack_writer *w, uint64_t skip, uint32_t *out, size_t cap);
void fr_pack_release(fr_pack_pool *p, fr_pack_writer *w);
#endif
