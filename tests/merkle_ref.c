/* The plain full tree (see merkle_ref.h): public hash calls only, no paging, no
 * sparsity, no batching. */
#include "merkle_ref.h"

#include <stdlib.h>
#include <string.h>

static void rebuild(mref *t)
{
    uint64_t n = (uint64_t)1 << t->H;
    for (uint64_t i = 0; i < n; i++)
        frugal_poseidon2_leaf(t->mem + 16 * i, (frugal_digest *)(void *)(t->lv[0] + 8 * i));
    for (unsigned h = 1; h <= t->H; h++)
        for (uint64_t i = 0; i < (n >> h); i++)
            frugal_poseidon2_compress((const frugal_digest *)(void *)(t->lv[h - 1] + 16 * i),
                                      (const frugal_digest *)(void *)(t->lv[h - 1] + 16 * i + 8),
                                      (frugal_digest *)(void *)(t->lv[h] + 8 * i));
}

mref *mref_build(unsigned H, const frugal_merkle_region *regions, size_t nregions)
{
    mref *t = calloc(1, sizeof *t);
    t->H = H;
    t->mem = calloc((size_t)16 << H, 1);
    for (size_t r = 0; r < nregions; r++)
        if (regions[r].len)
            memcpy(t->mem + regions[r].offset, regions[r].bytes, regions[r].len);
    for (unsigned h = 0; h <= H; h++)
        t->lv[h] = calloc((size_t)8 << (H - h), sizeof(uint32_t));
    rebuild(t);
    return t;
}

void mref_free(mref *t)
{
    if (!t)
        return;
    for (unsigned h = 0; h <= t->H; h++)
        free(t->lv[h]);
    free(t->mem);
    free(t);
}

void mref_root(const mref *t, frugal_digest *root) { memcpy(root->e, t->lv[t->H], 32); }

size_t mref_update(mref *t, const uint64_t *blocks, const uint8_t *contents, size_t n,
                   frugal_merkle_record *out)
{
    uint8_t *mark[FRUGAL_MERKLE_HEIGHT_MAX + 1];
    for (unsigned h = 0; h <= t->H; h++)
        mark[h] = calloc((size_t)1 << (t->H - h), 1);
    for (size_t i = 0; i < n; i++)
        for (unsigned h = 0; h <= t->H; h++)
            mark[h][blocks[i] >> h] = 1;
    mref old = *t;
    for (unsigned h = 0; h <= t->H; h++) {
        old.lv[h] = malloc((size_t)32 << (t->H - h));
        memcpy(old.lv[h], t->lv[h], (size_t)32 << (t->H - h));
    }
    for (size_t i = 0; i < n; i++)
        memcpy(t->mem + 16 * blocks[i], contents + 16 * i, 16);
    rebuild(t);
    size_t count = 0;
    for (unsigned h = 0; h <= t->H; h++) {
        for (uint64_t j = 0; j < ((uint64_t)1 << (t->H - h)); j++) {
            if (!mark[h][j])
                continue;
            frugal_merkle_record *r = &out[count++];
            memset(r, 0, sizeof *r);
            r->index = ((uint64_t)1 << (t->H - h)) + j;
            r->level = h;
            memcpy(r->before.e, old.lv[h] + 8 * j, 32);
            memcpy(r->after.e, t->lv[h] + 8 * j, 32);
        }
        free(mark[h]);
        free(old.lv[h]);
    }
    return count;
}

void mref_prove(const mref *t, uint64_t leaf, frugal_merkle_proof *p)
{
    memset(p, 0, sizeof *p);
    p->height = t->H;
    p->leaf = leaf;
    memcpy(p->block, t->mem + 16 * leaf, 16);
    memcpy(p->root.e, t->lv[t->H], 32);
    for (unsigned h = 0; h < t->H; h++)
        memcpy(p->siblings[h].e, t->lv[h] + 8 * ((leaf >> h) ^ 1), 32);
}
