/* Inner loops of the bucket trimmers, with a portable and an AVX-512 backend picked
 * at run time (like the siphash backends). Each is a plain loop over arrays; the
 * bitmaps are 64-bit words, bit i of word w is item 64w + i. */
#ifndef FRUGAL_CUCKATOO_KERNELS_H
#define FRUGAL_CUCKATOO_KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct fr_bt_kernels {
    const char *name;
    /* Writes the indices of the set bits of words[*w..w_hi) (word w holds items
     * 64w..64w+63) into out, ascending, at most cap (>= 64) of them, continuing from
     * *w / *bits (the not yet taken bits of word *w) and advancing both. Returns the
     * count; 0 only when the range is exhausted. */
    size_t (*gather)(const uint64_t *words, uint64_t *w, uint64_t w_hi, uint64_t *bits,
                     uint32_t *out, size_t cap);
    /* For i < n: when bit x[i]^1 of `marks` is clear, clears bit e[i] of `alive`.
     * e must be ascending (so writes to alive go in order). Returns how many bits it
     * cleared. */
    uint64_t (*check)(const uint32_t *e, const uint32_t *x, size_t n, const uint64_t *marks,
                      uint64_t *alive);
    /* The same test without touching `alive`: writes the e[i] whose partner bit is
     * clear to out (room for n), in the order of e, and returns their count. */
    size_t (*dead)(const uint32_t *e, const uint32_t *x, size_t n, const uint64_t *marks,
                   uint32_t *out);
    /* For i < n, with r = route[x[i] >> shift]: keeps item i when r & 0xff is `pass`,
     * writing e[i] to e_out and r >> 8 to j_out (room for n each), in order. Returns
     * how many it kept. */
    size_t (*pick)(const uint32_t *e, const uint32_t *x, size_t n, const uint32_t *route,
                   unsigned shift, uint32_t pass, uint32_t *e_out, uint32_t *j_out);
} fr_bt_kernels;

/* The backend for frugal_cpu_features() now. */
const fr_bt_kernels *fr_bt_kernels_select(void);

extern const fr_bt_kernels fr_bt_scalar;
extern const fr_bt_kernels fr_bt_avx512;
#endif
