/* Portable inner loops of the bucket trimmers and the dispatcher. */
#include "cuckatoo/kernels.h"

#include "frugal/common.h"

static size_t gather_scalar(const uint64_t *words, uint64_t *w, uint64_t w_hi, uint64_t *bits,
                            uint32_t *out, size_t cap)
{
    size_t k = 0;
    uint64_t ww = *w, b = *bits;
    while (ww < w_hi) {
        if (b == ~0ull && k + 64 <= cap) { /* a full word: 64 consecutive items */
            uint32_t base = (uint32_t)(ww * 64);
            for (uint32_t j = 0; j < 64; j++)
                out[k + j] = base + j;
            k += 64;
            b = 0;
        }
        while (b && k < cap) {
            out[k++] = (uint32_t)(ww * 64 + (uint64_t)__builtin_ctzll(b));
            b &= b - 1;
        }
        if (b || k + 64 > cap)
            break; /* out is full (b holds what is left of word ww) */
        if (++ww < w_hi)
            b = words[ww];
    }
    *w = ww;
    *bits = b;
    return k;
}

static uint64_t check_scalar(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                             const uint64_t *restrict marks, uint64_t *restrict alive)
{
    uint64_t kills = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i & 7) == 0 && i + 256 < n) /* see check_avx512 */
            __builtin_prefetch(&alive[e[i + 256] >> 6], 1, 3);
        uint32_t y = x[i] ^ 1;
        uint64_t dead = ((marks[y >> 6] >> (y & 63)) & 1) ^ 1;
        alive[e[i] >> 6] &= ~(dead << (e[i] & 63));
        kills += dead;
    }
    return kills;
}

static size_t dead_scalar(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                          const uint64_t *restrict marks, uint32_t *restrict out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* branch-free: written always, kept when dead */
        uint32_t y = x[i] ^ 1;
        out[k] = e[i];
        k += ((marks[y >> 6] >> (y & 63)) & 1) ^ 1;
    }
    return k;
}

static size_t pick_scalar(const uint32_t *restrict e, const uint32_t *restrict x, size_t n,
                          const uint32_t *restrict route, unsigned shift, uint32_t pass,
                          uint32_t *restrict e_out, uint32_t *restrict j_out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* branch-free: which pass is a coin toss */
        uint32_t r = route[x[i] >> shift];
        e_out[k] = e[i];
        j_out[k] = r >> 8;
        k += (r & 0xff) == pass;
    }
    return k;
}

const fr_bt_kernels fr_bt_scalar = {"scalar", gather_scalar, check_scalar, dead_scalar,
                                    pick_scalar};

const fr_bt_kernels *fr_bt_kernels_select(void)
{
    return (frugal_cpu_features() & FRUGAL_CPU_AVX512) ? &fr_bt_avx512 : &fr_bt_scalar;
}
