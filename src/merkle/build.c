/* Tree construction (see build.h). Parallel work is split dynamically (an atomic
 * counter of chunks or page groups) where cost varies with the data, statically
 * (contiguous ranges) where it does not, with a barrier between levels. */
#include "merkle/build.h"

#include <stdatomic.h>
#include <string.h>

typedef struct build_ctx {
    frugal_merkle *t;
    atomic_uint_fast64_t next; /* next chunk or group to claim */
    uint64_t items;            /* chunks or groups */
} build_ctx;

static uint32_t *dense_level(const frugal_merkle *t, unsigned l, uint64_t pos)
{
    return t->dense + FR_D * (((uint64_t)1 << (t->H - l)) + pos);
}

/* Splits [0, m) among nth threads in contiguous ranges; small levels go to thread 0
 * alone (a thread's share must be worth a batch of SIMD steps). */
static void split(uint64_t m, unsigned tid, unsigned nth, uint64_t *i0, uint64_t *i1)
{
    if (m < 64 * (uint64_t)nth) {
        *i0 = 0;
        *i1 = tid == 0 ? m : 0;
        return;
    }
    *i0 = m * tid / nth;
    *i1 = m * (tid + 1) / nth;
}

static void dense_run(void *arg, unsigned tid, unsigned nth)
{
    build_ctx *ctx = arg;
    frugal_merkle *t = ctx->t;
    fr_scratch *scr = &t->scr[tid];
    const unsigned c = t->c, k = t->k, H = t->H;
    uint32_t *lv[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    for (;;) {
        uint64_t q = atomic_fetch_add_explicit(&ctx->next, 1, memory_order_relaxed);
        if (q >= ctx->items)
            break;
        const uint8_t *mem = fr_merkle_view(t, q << c, (uint64_t)1 << c, scr->mem);
        for (unsigned l = 0; l <= c; l++)
            lv[l] = l < k ? scr->levels : dense_level(t, l, q << (c - l));
        scr->hashes += fr_merkle_hash_span(t, mem, c, c, lv);
    }
    fr_pool_barrier(t->pool);
    for (unsigned l = c + 1; l <= H; l++) {
        uint64_t i0, i1;
        split((uint64_t)1 << (H - l), tid, nth, &i0, &i1);
        if (i1 > i0)
            scr->hashes += fr_merkle_halve(t, l - 1, dense_level(t, l - 1, 2 * i0), i1 - i0,
                                           dense_level(t, l, i0));
        fr_pool_barrier(t->pool);
    }
}

/* Lists the pages holding a non-zero byte in level k's positions, ascending. */
static frugal_status list_pages(frugal_merkle *t)
{
    fr_sparse_level *lk = &t->lv[t->k];
    const unsigned k = t->k;
    lk->count = 0;
    for (size_t r = 0; r < t->nregions; r++) {
        const frugal_merkle_region *reg = &t->regions[r];
        uint64_t first = reg->offset >> 4, n = reg->len >> 4;
        for (uint64_t i = 0; i < n; i++) {
            if (fr_block_is_zero(reg->bytes + 16 * i))
                continue;
            uint64_t page = (first + i) >> k;
            if (lk->count == 0 || lk->pos[lk->count - 1] != page) {
                if (lk->count == lk->cap)
                    return FRUGAL_ERR_FULL;
                lk->pos[lk->count++] = page;
            }
            i = ((page + 1) << k) - first - 1; /* on to the next page */
        }
    }
    return FRUGAL_OK;
}

/* Parents of level h-1's stored positions become level h's (thread 0). */
static void list_parents(frugal_merkle *t, unsigned h)
{
    const fr_sparse_level *ch = &t->lv[h - 1];
    fr_sparse_level *pa = &t->lv[h];
    pa->count = 0;
    for (uint64_t i = 0; i < ch->count; i++) {
        uint64_t q = ch->pos[i] >> 1;
        if (pa->count == 0 || pa->pos[pa->count - 1] != q)
            pa->pos[pa->count++] = q;
    }
}

static uint64_t lower_bound(const uint64_t *a, uint64_t n, uint64_t key)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Digests of level h's parents [i0, i1) from their stored children (Z when absent). */
static uint64_t sparse_parents(frugal_merkle *t, fr_scratch *scr, unsigned h, uint64_t i0,
                               uint64_t i1)
{
    const fr_sparse_level *ch = &t->lv[h - 1];
    fr_sparse_level *pa = &t->lv[h];
    uint64_t j = lower_bound(ch->pos, ch->count, 2 * pa->pos[i0]);
    for (uint64_t i = i0; i < i1; i++) {
        uint32_t *st = scr->upairs + 16 * (i - i0);
        for (uint64_t side = 0; side < 2; side++) {
            const uint32_t *d = t->zero[h - 1];
            if (j < ch->count && ch->pos[j] == 2 * pa->pos[i] + side)
                d = ch->dig + FR_D * j++;
            fr_dig_copy(st + FR_D * side, d);
        }
    }
    t->be->compress(scr->upairs, i1 - i0, pa->dig + FR_D * i0);
    return i1 - i0;
}

static void sparse_run(void *arg, unsigned tid, unsigned nth)
{
    build_ctx *ctx = arg;
    frugal_merkle *t = ctx->t;
    fr_scratch *scr = &t->scr[tid];
    const unsigned c = t->c, k = t->k;
    const uint64_t group = (uint64_t)1 << (c - k), page_bytes = (uint64_t)16 << k;
    fr_sparse_level *lk = &t->lv[k];
    uint32_t *lv[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    for (unsigned l = 0; l <= k; l++)
        lv[l] = scr->levels;
    for (;;) {
        uint64_t g = atomic_fetch_add_explicit(&ctx->next, 1, memory_order_relaxed);
        if (g >= ctx->items)
            break;
        uint64_t first = g * group, n = lk->count - first < group ? lk->count - first : group;
        for (uint64_t s = 0; s < n; s++)
            fr_merkle_read(t, lk->pos[first + s] << k, (uint64_t)1 << k, scr->mem + s * page_bytes);
        memset(scr->mem + n * page_bytes, 0, (group - n) * page_bytes);
        scr->hashes += fr_merkle_hash_span(t, scr->mem, c, k, lv);
        memcpy(lk->dig + FR_D * first, scr->levels, n * FR_D * sizeof(uint32_t));
    }
    for (unsigned h = k + 1; h <= t->H; h++) {
        fr_pool_barrier(t->pool);
        if (tid == 0)
            list_parents(t, h);
        fr_pool_barrier(t->pool);
        uint64_t m = t->lv[h].count, i0, i1;
        split(m, tid, nth, &i0, &i1);
        for (uint64_t a = i0; a < i1; a += FR_STAGE)
            scr->hashes += sparse_parents(t, scr, h, a, a + FR_STAGE < i1 ? a + FR_STAGE : i1);
    }
}

frugal_status fr_merkle_build(frugal_merkle *t)
{
    build_ctx ctx;
    ctx.t = t;
    atomic_init(&ctx.next, 0);
    for (unsigned i = 0; i < t->p.threads; i++)
        t->scr[i].hashes = 0;
    if (t->dense) {
        ctx.items = (uint64_t)1 << (t->H - t->c);
        fr_pool_run(t->pool, dense_run, &ctx);
    } else {
        frugal_status st = list_pages(t);
        if (st != FRUGAL_OK)
            return st;
        uint64_t group = (uint64_t)1 << (t->c - t->k);
        ctx.items = (t->lv[t->k].count + group - 1) / group;
        fr_pool_run(t->pool, sparse_run, &ctx);
    }
    uint64_t hashes = 0;
    for (unsigned i = 0; i < t->p.threads; i++)
        hashes += t->scr[i].hashes;
    t->stats.build_hashes = hashes;
    return FRUGAL_OK;
}
