/* Incremental update of a paged tree (frugal_merkle_update).
 *
 * 1. Validate and sort the touched blocks (LSD radix sort unless already ascending).
 * 2. Lay out the records: level 0 holds the sorted blocks, level h+1 the distinct
 *    parents of level h. For ascending blocks a < b, b adds the ancestors of levels
 *    0..msb(a^b), so every level's count comes from one pass and a histogram.
 * 3. Pages (parallel, groups of up to 2^(c-k) touched pages per step): copy the
 *    group's old pages, hash them once with every level kept (the "before" digests
 *    of levels < k and the untouched siblings), check each page root against the
 *    stored one, then hash the touched paths from the new contents level by level,
 *    batched over the whole group: at most 2^(k+1) - 1 permutations each way.
 * 4. Levels k..H (parallel within a level, barrier between levels): "before" from
 *    the store, "after" = compress(left, right) with each child taken from the
 *    records below when touched and from the store otherwise; then the store takes
 *    the new digests (dense: in place; sparse: one merge per level, new nodes
 *    inserted in order).
 * 5. Write the new contents into the borrowed memory.
 * Nothing is written to the store or the memory before every check has passed. */
#include <stdatomic.h>
#include <string.h>

#include "common/time.h"
#include "merkle/tree.h"

typedef struct kv {
    uint64_t key, src;
} kv;

typedef struct upd {
    frugal_merkle *t;
    const uint64_t *blocks; /* caller's order when already ascending (sorted == NULL) */
    const kv *sorted;       /* else the sorted blocks with their caller index */
    const uint8_t *contents;
    uint64_t n;
    frugal_merkle_record *rec;
    uint64_t base[FRUGAL_MERKLE_HEIGHT_MAX + 2], cnt[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    atomic_uint_fast64_t next;
    uint64_t groups;
    atomic_int state_error;
} upd;

static inline uint64_t key_at(const upd *u, uint64_t i)
{
    return u->sorted ? u->sorted[i].key : u->blocks[i];
}

static inline const uint8_t *content_at(const upd *u, uint64_t i)
{
    return u->contents + 16 * (u->sorted ? u->sorted[i].src : i);
}

/* Position within its level of record i of level h. */
static inline uint64_t pos_of(const upd *u, unsigned h, uint64_t i)
{
    return u->rec[i].index - ((uint64_t)1 << (u->t->H - h));
}

/* First record of level h whose position is >= pos. */
static uint64_t find(const upd *u, unsigned h, uint64_t pos)
{
    uint64_t lo = u->base[h], hi = u->base[h] + u->cnt[h];
    uint64_t key = ((uint64_t)1 << (u->t->H - h)) + pos;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (u->rec[mid].index < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- 1. validation and sorting ------------------------------------------ */

static frugal_status validate(const frugal_merkle *t, const uint64_t *blocks, size_t n,
                              int *ascending)
{
    *ascending = 1;
    for (size_t i = 0; i < n; i++) {
        if (blocks[i] >> t->H || !fr_merkle_region_of(t, blocks[i]))
            return FRUGAL_ERR_RANGE;
        if (i && blocks[i] <= blocks[i - 1]) {
            if (blocks[i] == blocks[i - 1])
                return FRUGAL_ERR_ARG;
            *ascending = 0;
        }
    }
    return FRUGAL_OK;
}

/* LSD radix sort of n pairs by key (keys < 2^bits), 11 bits per pass; a and tmp
 * hold n pairs each. Returns the array holding the result. */
static kv *radix_sort(kv *a, kv *tmp, uint64_t n, unsigned bits)
{
    enum { D = 11, B = 1 << D };
    static _Thread_local uint64_t count[B];
    for (unsigned shift = 0; shift < bits; shift += D) {
        memset(count, 0, sizeof count);
        for (uint64_t i = 0; i < n; i++)
            count[(a[i].key >> shift) & (B - 1)]++;
        uint64_t sum = 0;
        for (unsigned d = 0; d < B; d++) {
            uint64_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < n; i++)
            tmp[count[(a[i].key >> shift) & (B - 1)]++] = a[i];
        kv *s = a;
        a = tmp;
        tmp = s;
    }
    return a;
}

/* ---- 2. record layout ----------------------------------------------------- */

static void count_levels(upd *u)
{
    const unsigned H = u->t->H;
    uint64_t hist[64] = {0};
    for (uint64_t i = 1; i < u->n; i++)
        hist[63 - __builtin_clzll(key_at(u, i) ^ key_at(u, i - 1))]++;
    uint64_t above = 0;
    for (int h = 63; h >= 0; h--) {
        above += hist[h];
        if ((unsigned)h <= H)
            u->cnt[h] = 1 + above;
    }
    u->base[0] = 0;
    for (unsigned h = 0; h <= H; h++)
        u->base[h + 1] = u->base[h] + u->cnt[h];
}

static void lay_out(upd *u)
{
    const unsigned H = u->t->H;
    frugal_merkle_record *r = u->rec;
    for (uint64_t i = 0; i < u->n; i++) {
        r[i].index = ((uint64_t)1 << H) + key_at(u, i);
        r[i].level = 0;
    }
    for (unsigned h = 1; h <= H; h++) {
        uint64_t w = u->base[h], off = (uint64_t)1 << (H - h);
        for (uint64_t i = u->base[h - 1]; i < u->base[h]; i++) {
            uint64_t q = pos_of(u, h - 1, i) >> 1;
            if (w == u->base[h] || r[w - 1].index != off + q) {
                r[w].index = off + q;
                r[w].level = h;
                w++;
            }
        }
    }
}

/* Touched pages a sparse tree does not store yet. */
static uint64_t new_pages(const upd *u)
{
    const frugal_merkle *t = u->t;
    const fr_sparse_level *l = &t->lv[t->k];
    uint64_t add = 0, j = 0;
    for (uint64_t i = u->base[t->k]; i < u->base[t->k] + u->cnt[t->k]; i++) {
        uint64_t p = pos_of(u, t->k, i);
        while (j < l->count && l->pos[j] < p)
            j++;
        add += !(j < l->count && l->pos[j] == p);
    }
    return add;
}

/* ---- 3. pages -------------------------------------------------------------- */

/* The slot in the group of the page holding position q of level l (pages ascend,
 * and so do the positions asked, so the cursor only moves forward). */
static inline uint64_t slot_of(const upd *u, unsigned l, uint64_t q, uint64_t g0, uint64_t *cur)
{
    uint64_t page = q >> (u->t->k - l);
    while (pos_of(u, u->t->k, g0 + *cur) < page)
        (*cur)++;
    return *cur;
}

/* "before" digest of position q of level l < k from the group's recomputed levels. */
static inline const uint32_t *old_in_group(const upd *u, uint32_t *const *lvp, unsigned l,
                                           uint64_t q, uint64_t g0, uint64_t *cur)
{
    const unsigned k = u->t->k;
    uint64_t s = slot_of(u, l, q, g0, cur);
    uint64_t local = (s << (k - l)) + (q & (((uint64_t)1 << (k - l)) - 1));
    return lvp[l] + FR_D * local;
}

/* Recomputes the group's old pages and checks their roots. */
static void old_pages(upd *u, fr_scratch *scr, uint32_t *const *lvp, uint64_t g0, uint64_t np)
{
    frugal_merkle *t = u->t;
    const unsigned k = t->k, c = t->c;
    const uint64_t page_bytes = (uint64_t)16 << k, group = (uint64_t)1 << (c - k);
    for (uint64_t s = 0; s < np; s++)
        fr_merkle_read(t, pos_of(u, k, g0 + s) << k, (uint64_t)1 << k, scr->mem + s * page_bytes);
    memset(scr->mem + np * page_bytes, 0, (group - np) * page_bytes);
    scr->hashes += fr_merkle_hash_span(t, scr->mem, c, k, lvp);
    for (uint64_t s = 0; s < np; s++)
        if (!fr_dig_eq(lvp[k] + FR_D * s, u->rec[g0 + s].before.e))
            atomic_store_explicit(&u->state_error, 1, memory_order_relaxed);
}

/* New leaf digests of records [a, b) of level 0. */
static void new_leaves(upd *u, fr_scratch *scr, uint32_t *const *lvp, uint64_t a, uint64_t b,
                       uint64_t g0)
{
    frugal_merkle *t = u->t;
    uint64_t cur = 0;
    for (uint64_t i = a; i < b; i++)
        memcpy(scr->mem + 16 * (i - a), content_at(u, i), 16);
    t->be->leaves(scr->mem, b - a, scr->out);
    scr->hashes += b - a;
    for (uint64_t i = a; i < b; i++) {
        fr_dig_copy(u->rec[i].after.e, scr->out + FR_D * (i - a));
        if (t->k > 0)
            fr_dig_copy(u->rec[i].before.e, old_in_group(u, lvp, 0, pos_of(u, 0, i), g0, &cur));
    }
}

/* New digests of records [a, b) of level 1 <= l <= k from children [ca, cb). */
static void new_inner(upd *u, fr_scratch *scr, uint32_t *const *lvp, unsigned l, uint64_t a,
                      uint64_t b, uint64_t ca, uint64_t cb, uint64_t g0)
{
    frugal_merkle *t = u->t;
    uint64_t j = ca, cur_child = 0, cur = 0;
    for (uint64_t i = a; i < b; i++) {
        uint64_t q = pos_of(u, l, i);
        uint32_t *st = scr->pairs + 16 * (i - a);
        for (uint64_t side = 0; side < 2; side++) {
            uint64_t cp = 2 * q + side;
            const uint32_t *d;
            if (j < cb && pos_of(u, l - 1, j) == cp)
                d = u->rec[j++].after.e;
            else
                d = old_in_group(u, lvp, l - 1, cp, g0, &cur_child);
            fr_dig_copy(st + FR_D * side, d);
        }
    }
    t->be->compress(scr->pairs, b - a, scr->out);
    scr->hashes += b - a;
    for (uint64_t i = a; i < b; i++) {
        fr_dig_copy(u->rec[i].after.e, scr->out + FR_D * (i - a));
        if (l < t->k)
            fr_dig_copy(u->rec[i].before.e, old_in_group(u, lvp, l, pos_of(u, l, i), g0, &cur));
    }
}

static void page_run(void *arg, unsigned tid, unsigned nth)
{
    (void)nth;
    upd *u = arg;
    frugal_merkle *t = u->t;
    fr_scratch *scr = &t->scr[tid];
    const unsigned k = t->k, c = t->c;
    const uint64_t group = (uint64_t)1 << (c - k);
    uint32_t *lvp[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    uint64_t off = 0;
    for (unsigned l = 0; l <= k; l++) {
        lvp[l] = scr->levels + FR_D * off;
        off += (uint64_t)1 << (c - l);
    }
    for (;;) {
        uint64_t g = atomic_fetch_add_explicit(&u->next, 1, memory_order_relaxed);
        if (g >= u->groups)
            break;
        uint64_t g0 = u->base[k] + g * group;
        uint64_t np = u->base[k] + u->cnt[k] - g0 < group ? u->base[k] + u->cnt[k] - g0 : group;
        for (uint64_t s = 0; s < np; s++)
            fr_dig_copy(u->rec[g0 + s].before.e, fr_merkle_get(t, k, pos_of(u, k, g0 + s)));
        if (k > 0)
            old_pages(u, scr, lvp, g0, np);
        uint64_t first = pos_of(u, k, g0), last = pos_of(u, k, g0 + np - 1);
        uint64_t a = find(u, 0, first << k), b = find(u, 0, (last + 1) << k);
        new_leaves(u, scr, lvp, a, b, g0);
        for (unsigned l = 1; l <= k; l++) {
            uint64_t na = find(u, l, first << (k - l)), nb = find(u, l, (last + 1) << (k - l));
            new_inner(u, scr, lvp, l, na, nb, a, b, g0);
            a = na;
            b = nb;
        }
    }
}

/* ---- 4. levels k..H --------------------------------------------------------- */

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

/* Inserts or overwrites level h's records in the sparse store (in place, from the
 * back, so that every entry moves at most once). */
static void sparse_merge(frugal_merkle *t, unsigned h, const frugal_merkle_record *r,
                         uint64_t m)
{
    fr_sparse_level *l = &t->lv[h];
    const uint64_t off = (uint64_t)1 << (t->H - h);
    uint64_t i = 0, add = 0;
    for (uint64_t j = 0; j < m; j++) {
        uint64_t p = r[j].index - off;
        while (i < l->count && l->pos[i] < p)
            i++;
        if (i < l->count && l->pos[i] == p)
            fr_dig_copy(l->dig + FR_D * i, r[j].after.e);
        else
            add++;
    }
    if (!add)
        return;
    uint64_t w = l->count + add, j = m;
    i = l->count;
    while (j > 0) {
        uint64_t p = r[j - 1].index - off;
        w--;
        if (i > 0 && l->pos[i - 1] >= p) {
            i--;
            if (l->pos[i] == p)
                j--;
            l->pos[w] = l->pos[i];
            fr_dig_copy(l->dig + FR_D * w, l->dig + FR_D * i);
        } else {
            l->pos[w] = p;
            fr_dig_copy(l->dig + FR_D * w, r[j - 1].after.e);
            j--;
        }
    }
    l->count += add;
}

/* The store takes level h's new digests: dense in parallel, sparse on thread 0. */
static void commit_level(upd *u, unsigned h, unsigned tid, unsigned nth)
{
    frugal_merkle *t = u->t;
    if (t->dense) {
        uint64_t i0, i1;
        split(u->cnt[h], tid, nth, &i0, &i1);
        for (uint64_t i = u->base[h] + i0; i < u->base[h] + i1; i++)
            fr_dig_copy((uint32_t *)fr_merkle_get(t, h, pos_of(u, h, i)), u->rec[i].after.e);
    } else if (tid == 0) {
        sparse_merge(t, h, u->rec + u->base[h], u->cnt[h]);
    }
}

/* Records [a, b) of level h > k. */
static void upper_batch(upd *u, fr_scratch *scr, unsigned h, uint64_t a, uint64_t b)
{
    frugal_merkle *t = u->t;
    uint64_t j = find(u, h - 1, 2 * pos_of(u, h, a)), cb = u->base[h - 1] + u->cnt[h - 1];
    for (uint64_t i = a; i < b; i++) {
        uint64_t q = pos_of(u, h, i);
        uint32_t *st = scr->upairs + 16 * (i - a);
        for (uint64_t side = 0; side < 2; side++) {
            const uint32_t *d;
            if (j < cb && pos_of(u, h - 1, j) == 2 * q + side)
                d = u->rec[j++].after.e;
            else
                d = fr_merkle_get(t, h - 1, 2 * q + side);
            fr_dig_copy(st + FR_D * side, d);
        }
        fr_dig_copy(u->rec[i].before.e, fr_merkle_get(t, h, q));
    }
    t->be->compress(scr->upairs, b - a, scr->uout);
    scr->hashes += b - a;
    for (uint64_t i = a; i < b; i++)
        fr_dig_copy(u->rec[i].after.e, scr->uout + FR_D * (i - a));
}

static void upper_run(void *arg, unsigned tid, unsigned nth)
{
    upd *u = arg;
    frugal_merkle *t = u->t;
    fr_scratch *scr = &t->scr[tid];
    commit_level(u, t->k, tid, nth);
    for (unsigned h = t->k + 1; h <= t->H; h++) {
        fr_pool_barrier(t->pool);
        uint64_t i0, i1;
        split(u->cnt[h], tid, nth, &i0, &i1);
        for (uint64_t a = i0; a < i1; a += FR_STAGE)
            upper_batch(u, scr, h, u->base[h] + a, u->base[h] + (a + FR_STAGE < i1 ? a + FR_STAGE : i1));
        fr_pool_barrier(t->pool);
        commit_level(u, h, tid, nth);
    }
}

/* ---- 5. memory -------------------------------------------------------------- */

static void write_memory(const upd *u)
{
    for (uint64_t i = 0; i < u->n; i++) {
        uint64_t b = key_at(u, i);
        const frugal_merkle_region *r = fr_merkle_region_of(u->t, b);
        memcpy(r->bytes + ((b << 4) - r->offset), content_at(u, i), 16);
    }
}

/* ---- the call ------------------------------------------------------------------ */

static frugal_status run_update(upd *u)
{
    frugal_merkle *t = u->t;
    const uint64_t group = (uint64_t)1 << (t->c - t->k);
    for (unsigned i = 0; i < t->p.threads; i++)
        t->scr[i].hashes = 0;
    atomic_init(&u->next, 0);
    atomic_init(&u->state_error, 0);
    u->groups = (u->cnt[t->k] + group - 1) / group;
    fr_pool_run(t->pool, page_run, u);
    if (atomic_load(&u->state_error))
        return FRUGAL_ERR_STATE;
    fr_pool_run(t->pool, upper_run, u);
    write_memory(u);
    uint64_t hashes = 0;
    for (unsigned i = 0; i < t->p.threads; i++)
        hashes += t->scr[i].hashes;
    t->stats.update_hashes = hashes;
    t->stats.update_pages = u->cnt[t->k];
    return FRUGAL_OK;
}

frugal_status frugal_merkle_update(frugal_merkle *t, const uint64_t *blocks,
                                   const uint8_t *contents, size_t n,
                                   frugal_merkle_record *records, size_t cap, size_t *nrecords)
{
    if (nrecords)
        *nrecords = 0;
    if (!t || (n && (!blocks || !contents)))
        return FRUGAL_ERR_ARG;
    double t0 = fr_now();
    int ascending;
    frugal_status st = validate(t, blocks, n, &ascending);
    if (st != FRUGAL_OK)
        return st;
    t->stats.update_hashes = t->stats.update_records = t->stats.update_pages = 0;
    if (n == 0) {
        t->stats.update_seconds = fr_now() - t0;
        return FRUGAL_OK;
    }
    upd u;
    memset(&u, 0, sizeof u);
    u.t = t;
    u.blocks = blocks;
    u.contents = contents;
    u.n = n;
    kv *pairs = NULL;
    uint64_t pair_bytes = 2 * (uint64_t)n * sizeof(kv);
    if (!ascending) {
        pairs = fr_mem_alloc(&t->mem, pair_bytes);
        if (!pairs)
            return FRUGAL_ERR_NOMEM;
        for (size_t i = 0; i < n; i++) {
            pairs[i].key = blocks[i];
            pairs[i].src = i;
        }
        u.sorted = radix_sort(pairs, pairs + n, n, t->H);
        for (size_t i = 1; i < n; i++)
            if (u.sorted[i].key == u.sorted[i - 1].key) {
                fr_mem_free(&t->mem, pairs, pair_bytes);
                return FRUGAL_ERR_ARG;
            }
    }
    count_levels(&u);
    uint64_t total = u.base[t->H + 1];
    if (nrecords)
        *nrecords = (size_t)total;
    frugal_merkle_record *own = NULL;
    if (st == FRUGAL_OK && records && cap < total)
        st = FRUGAL_ERR_FULL;
    if (st == FRUGAL_OK) {
        u.rec = records;
        if (!records && !(u.rec = own = fr_mem_alloc(&t->mem, total * sizeof *own)))
            st = FRUGAL_ERR_NOMEM;
    }
    if (st == FRUGAL_OK) {
        lay_out(&u);
        if (!t->dense && t->lv[t->k].count + new_pages(&u) > t->lv[t->k].cap)
            st = FRUGAL_ERR_FULL;
    }
    if (st == FRUGAL_OK)
        st = run_update(&u);
    if (st == FRUGAL_OK)
        t->stats.update_records = total;
    fr_mem_free(&t->mem, own, total * sizeof *own);
    fr_mem_free(&t->mem, pairs, pair_bytes);
    t->stats.update_seconds = fr_now() - t0;
    return st;
}
