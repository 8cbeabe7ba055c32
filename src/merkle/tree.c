/* The tree's lifecycle and the pieces every Merkle module uses: parameters and
 * memory figures, the arena (laid out in tree.h), borrowed regions, zero roots, node
 * lookup in the dense and sparse stores, and hashing of aligned spans of leaves. */
#include "merkle/tree.h"

#include <string.h>

#include "common/time.h"
#include "merkle/build.h"

#define SCR_ALIGN 64

void frugal_merkle_params_default(frugal_merkle_params *p, unsigned height)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->height = height;
}

frugal_status frugal_merkle_check_params(const frugal_merkle_params *p)
{
    if (!p || p->height > FRUGAL_MERKLE_HEIGHT_MAX || p->page_bits > p->height ||
        p->page_bits > FRUGAL_MERKLE_PAGE_BITS_MAX || p->threads > 1024)
        return FRUGAL_ERR_ARG;
    if (p->sparse && p->max_pages > ((uint64_t)1 << (p->height - p->page_bits)))
        return FRUGAL_ERR_ARG;
    return FRUGAL_OK;
}

unsigned fr_merkle_chunk_bits(unsigned H, unsigned k)
{
    unsigned c = k > FR_CHUNK_BITS ? k : FR_CHUNK_BITS;
    return c < H ? c : H;
}

static uint64_t round_up(uint64_t x) { return (x + SCR_ALIGN - 1) / SCR_ALIGN * SCR_ALIGN; }

uint64_t fr_merkle_scratch_bytes(unsigned c)
{
    uint64_t n = (uint64_t)1 << c;
    return round_up(16 * n) + round_up(64 * n) + round_up(64 * n) + round_up(32 * n) +
           round_up(64 * (uint64_t)FR_STAGE) + round_up(32 * (uint64_t)FR_STAGE);
}

uint64_t fr_sparse_cap(const frugal_merkle_params *p, unsigned h)
{
    uint64_t width = (uint64_t)1 << (p->height - h);
    uint64_t pages = p->max_pages ? p->max_pages : ((uint64_t)1 << (p->height - p->page_bits));
    return pages < width ? pages : width;
}

static unsigned resolve_threads(const frugal_merkle_params *p)
{
    return p->threads ? p->threads : fr_online_cpus();
}

static uint64_t store_bytes(const frugal_merkle_params *p)
{
    if (!p->sparse)
        return (uint64_t)32 << (p->height - p->page_bits + 1);
    uint64_t b = 0;
    for (unsigned h = p->page_bits; h <= p->height; h++)
        b += 40 * fr_sparse_cap(p, h);
    return b;
}

uint64_t frugal_merkle_tree_bytes(const frugal_merkle_params *p)
{
    if (frugal_merkle_check_params(p) != FRUGAL_OK)
        return 0;
    uint64_t threads = resolve_threads(p);
    unsigned c = fr_merkle_chunk_bits(p->height, p->page_bits);
    return sizeof(struct frugal_merkle) + store_bytes(p) +
           threads * (fr_merkle_scratch_bytes(c) + sizeof(fr_scratch));
}

uint64_t frugal_merkle_records_max(unsigned height, uint64_t nblocks)
{
    if (height > FRUGAL_MERKLE_HEIGHT_MAX)
        return 0;
    uint64_t sum = 0;
    for (unsigned h = 0; h <= height; h++) {
        uint64_t width = (uint64_t)1 << (height - h);
        sum += nblocks < width ? nblocks : width;
    }
    return sum;
}

uint64_t frugal_merkle_update_bytes(const frugal_merkle_params *p, uint64_t nblocks,
                                    int with_records)
{
    if (frugal_merkle_check_params(p) != FRUGAL_OK)
        return 0;
    uint64_t b = 32 * nblocks;
    if (!with_records)
        b += frugal_merkle_records_max(p->height, nblocks) * sizeof(frugal_merkle_record);
    return b;
}

/* ---- Zero roots ---------------------------------------------------------- */

static void zero_roots(uint32_t z[][FR_D], unsigned H)
{
    static const uint8_t zero_block[16];
    fr_p2_leaf1(zero_block, z[0]);
    for (unsigned h = 1; h <= H; h++)
        fr_p2_compress1(z[h - 1], z[h - 1], z[h]);
}

frugal_status frugal_merkle_zero_root(unsigned height, frugal_digest *out)
{
    if (!out || height > FRUGAL_MERKLE_HEIGHT_MAX)
        return FRUGAL_ERR_ARG;
    uint32_t z[FRUGAL_MERKLE_HEIGHT_MAX + 1][FR_D];
    zero_roots(z, height);
    memcpy(out->e, z[height], sizeof out->e);
    return FRUGAL_OK;
}

/* ---- Regions ------------------------------------------------------------- */

static frugal_status check_regions(const frugal_merkle_region *r, size_t n, unsigned H)
{
    if ((n && !r) || n > FRUGAL_MERKLE_REGIONS_MAX)
        return FRUGAL_ERR_ARG;
    uint64_t end_prev = 0, limit = (uint64_t)16 << H;
    for (size_t i = 0; i < n; i++) {
        if ((r[i].offset | r[i].len) & 15 || (r[i].len && !r[i].bytes))
            return FRUGAL_ERR_ARG;
        if (r[i].offset < end_prev || r[i].offset > limit || r[i].len > limit - r[i].offset)
            return FRUGAL_ERR_ARG;
        end_prev = r[i].offset + r[i].len;
    }
    return FRUGAL_OK;
}

const frugal_merkle_region *fr_merkle_region_of(const frugal_merkle *t, uint64_t b)
{
    uint64_t addr = b << 4;
    size_t lo = 0, hi = t->nregions; /* last region with offset <= addr */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->regions[mid].offset <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const frugal_merkle_region *r = &t->regions[lo - 1];
    return addr - r->offset < r->len ? r : NULL;
}

void fr_merkle_read(const frugal_merkle *t, uint64_t first, uint64_t count, uint8_t *dst)
{
    uint64_t lo = first << 4, hi = (first + count) << 4;
    memset(dst, 0, count << 4);
    for (size_t i = 0; i < t->nregions; i++) {
        const frugal_merkle_region *r = &t->regions[i];
        uint64_t a = r->offset > lo ? r->offset : lo;
        uint64_t b = r->offset + r->len < hi ? r->offset + r->len : hi;
        if (a < b)
            memcpy(dst + (a - lo), r->bytes + (a - r->offset), b - a);
    }
}

const uint8_t *fr_merkle_view(const frugal_merkle *t, uint64_t first, uint64_t count,
                              uint8_t *buf)
{
    const frugal_merkle_region *r = fr_merkle_region_of(t, first);
    if (r && ((first + count) << 4) - r->offset <= r->len)
        return r->bytes + ((first << 4) - r->offset);
    fr_merkle_read(t, first, count, buf);
    return buf;
}

frugal_status frugal_merkle_openvm_region(unsigned as_height, uint64_t as_index, uint8_t *bytes,
                                          uint64_t len, frugal_merkle_region *region)
{
    if (!region || (len && !bytes) || as_height > FRUGAL_MERKLE_HEIGHT_MAX || (len & 15))
        return FRUGAL_ERR_ARG;
    uint64_t span = (uint64_t)16 << as_height;
    if (len > span || as_index > (UINT64_MAX / span) - 1)
        return FRUGAL_ERR_ARG;
    region->offset = as_index * span;
    region->bytes = bytes;
    region->len = len;
    return FRUGAL_OK;
}

/* ---- Stores -------------------------------------------------------------- */

const uint32_t *fr_merkle_get(const frugal_merkle *t, unsigned h, uint64_t pos)
{
    if (t->dense)
        return t->dense + FR_D * (((uint64_t)1 << (t->H - h)) + pos);
    const fr_sparse_level *l = &t->lv[h];
    uint64_t lo = 0, hi = l->count;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (l->pos[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->count && l->pos[lo] == pos)
        return l->dig + FR_D * lo;
    return t->zero[h];
}

/* ---- Hashing spans ------------------------------------------------------- */

static int pair_is_zero(const uint32_t *pair, const uint32_t *z)
{
    return fr_dig_eq(pair, z) && fr_dig_eq(pair + FR_D, z);
}

uint64_t fr_merkle_halve(const frugal_merkle *t, unsigned h, const uint32_t *in, uint64_t m,
                         uint32_t *out)
{
    uint64_t hashes = 0, i = 0;
    while (i < m) {
        if (pair_is_zero(in + 2 * FR_D * i, t->zero[h])) {
            fr_dig_copy(out + FR_D * i, t->zero[h + 1]);
            i++;
            continue;
        }
        uint64_t j = i + 1;
        while (j < m && !pair_is_zero(in + 2 * FR_D * j, t->zero[h]))
            j++;
        t->be->compress(in + 2 * FR_D * i, j - i, out + FR_D * i);
        hashes += j - i;
        i = j;
    }
    return hashes;
}

uint64_t fr_merkle_hash_span(const frugal_merkle *t, const uint8_t *memory, unsigned c2,
                             unsigned top, uint32_t *const *lv)
{
    uint64_t n = (uint64_t)1 << c2, hashes = 0, i = 0;
    uint32_t *l0 = lv[0];
    while (i < n) {
        if (fr_block_is_zero(memory + 16 * i)) {
            fr_dig_copy(l0 + FR_D * i, t->zero[0]);
            i++;
            continue;
        }
        uint64_t j = i + 1;
        while (j < n && !fr_block_is_zero(memory + 16 * j))
            j++;
        t->be->leaves(memory + 16 * i, j - i, l0 + FR_D * i);
        hashes += j - i;
        i = j;
    }
    for (unsigned l = 1; l <= top; l++)
        hashes += fr_merkle_halve(t, l - 1, lv[l - 1], n >> l, lv[l]);
    return hashes;
}

/* ---- Lifecycle ------------------------------------------------------------ */

static void carve_scratch(frugal_merkle *t, unsigned threads)
{
    uint64_t n = (uint64_t)1 << t->c, per = fr_merkle_scratch_bytes(t->c);
    uint8_t *base = t->scratch_arena;
    t->scr = (fr_scratch *)(void *)(base + per * threads);
    for (unsigned i = 0; i < threads; i++) {
        uint8_t *p = base + per * i;
        fr_scratch *s = &t->scr[i];
        s->mem = p;
        p += round_up(16 * n);
        s->levels = (uint32_t *)(void *)p;
        p += round_up(64 * n);
        s->pairs = (uint32_t *)(void *)p;
        p += round_up(64 * n);
        s->out = (uint32_t *)(void *)p;
        p += round_up(32 * n);
        s->upairs = (uint32_t *)(void *)p;
        p += round_up(64 * (uint64_t)FR_STAGE);
        s->uout = (uint32_t *)(void *)p;
    }
}

static void carve_sparse(frugal_merkle *t)
{
    uint8_t *p = t->sparse_arena;
    for (unsigned h = t->k; h <= t->H; h++) {
        fr_sparse_level *l = &t->lv[h];
        l->cap = fr_sparse_cap(&t->p, h);
        l->pos = (uint64_t *)(void *)p;
        p += 8 * l->cap;
        l->dig = (uint32_t *)(void *)p;
        p += 32 * l->cap;
        l->count = 0;
    }
}

static frugal_status allocate(frugal_merkle *t)
{
    unsigned threads = t->p.threads;
    if (t->p.sparse) {
        t->sparse_bytes = store_bytes(&t->p);
        t->sparse_arena = fr_mem_alloc(&t->mem, t->sparse_bytes);
        if (!t->sparse_arena)
            return FRUGAL_ERR_NOMEM;
        carve_sparse(t);
    } else {
        t->dense_bytes = store_bytes(&t->p);
        t->dense = fr_mem_alloc(&t->mem, t->dense_bytes);
        if (!t->dense)
            return FRUGAL_ERR_NOMEM;
    }
    t->scratch_bytes = threads * (fr_merkle_scratch_bytes(t->c) + sizeof(fr_scratch));
    t->scratch_arena = fr_mem_alloc(&t->mem, t->scratch_bytes);
    if (!t->scratch_arena)
        return FRUGAL_ERR_NOMEM;
    carve_scratch(t, threads);
    t->pool = fr_pool_create(threads);
    return t->pool ? FRUGAL_OK : FRUGAL_ERR_NOMEM;
}

frugal_status frugal_merkle_create(const frugal_merkle_params *params,
                                   const frugal_merkle_region *regions, size_t nregions,
                                   frugal_merkle **tree)
{
    if (!tree)
        return FRUGAL_ERR_ARG;
    *tree = NULL;
    if (frugal_merkle_check_params(params) != FRUGAL_OK ||
        check_regions(regions, nregions, params->height) != FRUGAL_OK)
        return FRUGAL_ERR_ARG;
    fr_mem m;
    fr_mem_init(&m, 0);
    frugal_merkle *t = fr_mem_alloc(&m, sizeof *t);
    if (!t)
        return FRUGAL_ERR_NOMEM;
    t->mem = m;
    t->p = *params;
    t->p.threads = resolve_threads(params);
    if (t->p.sparse && !t->p.max_pages)
        t->p.max_pages = (uint64_t)1 << (params->height - params->page_bits);
    if (!t->p.sparse)
        t->p.max_pages = 0;
    t->H = params->height;
    t->k = params->page_bits;
    t->c = fr_merkle_chunk_bits(t->H, t->k);
    t->be = fr_p2_select();
    if (nregions)
        memcpy(t->regions, regions, nregions * sizeof *regions);
    t->nregions = nregions;
    zero_roots(t->zero, t->H);
    frugal_status st = allocate(t);
    if (st == FRUGAL_OK) {
        double t0 = fr_now();
        st = fr_merkle_build(t);
        t->stats.build_seconds = fr_now() - t0;
    }
    if (st != FRUGAL_OK) {
        frugal_merkle_destroy(t);
        return st;
    }
    *tree = t;
    return FRUGAL_OK;
}

void frugal_merkle_destroy(frugal_merkle *t)
{
    if (!t)
        return;
    fr_pool_destroy(t->pool);
    fr_mem_free(&t->mem, t->scratch_arena, t->scratch_bytes);
    fr_mem_free(&t->mem, t->sparse_arena, t->sparse_bytes);
    fr_mem_free(&t->mem, t->dense, t->dense_bytes);
    fr_mem m = t->mem;
    fr_mem_free(&m, t, sizeof *t);
}

void frugal_merkle_root(const frugal_merkle *t, frugal_digest *root)
{
    if (t && root)
        memcpy(root->e, fr_merkle_get(t, t->H, 0), sizeof root->e);
}

const frugal_merkle_params *frugal_merkle_get_params(const frugal_merkle *t)
{
    return t ? &t->p : NULL;
}

void frugal_merkle_get_stats(const frugal_merkle *t, frugal_merkle_stats *s)
{
    if (!t || !s)
        return;
    *s = t->stats;
    s->tree_bytes = t->mem.in_use;
    s->high_water_bytes = t->mem.high_water;
    s->threads = t->p.threads;
    s->backend = t->be->name;
    s->stored_pages = t->dense ? (uint64_t)1 << (t->H - t->k) : t->lv[t->k].count;
}
