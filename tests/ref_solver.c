/* Slow reference solver (see ref_solver.h). Correctness argument: every cycle of L
 * edges is a closed walk that leaves e0 by V and alternates sides, so walking from
 * every edge finds it; a closed walk of L distinct edges whose endpoints pair up
 * exactly (each endpoint meets one x^1 and no equal node) is a single cycle the
 * verifier accepts. Deduplication is by the sorted edge list. */
#include "ref_solver.h"

#include <stdlib.h>
#include <string.h>

typedef struct ref {
    unsigned L, eb;
    size_t n;
    uint64_t *node[2];
    uint32_t *off[2], *adj[2]; /* adjacency: edges at each node, per side */
    uint64_t path[64];
    uint64_t *found;
    size_t nfound, cap;
} ref;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_cycle(const void *a, const void *b, void *len)
{
    const uint64_t *x = a, *y = b;
    for (unsigned i = 0; i < *(unsigned *)len; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

static int pairs_ok(const ref *r)
{
    for (unsigned s = 0; s < 2; s++)
        for (unsigned i = 0; i < r->L; i++) {
            unsigned partners = 0, same = 0;
            for (unsigned j = 0; j < r->L; j++) {
                if (j == i)
                    continue;
                partners += r->node[s][r->path[j]] == (r->node[s][r->path[i]] ^ 1);
                same += r->node[s][r->path[j]] == r->node[s][r->path[i]];
            }
            if (partners != 1 || same != 0)
                return 0;
        }
    return 1;
}

static void add(ref *r)
{
    uint64_t c[64];
    memcpy(c, r->path, r->L * sizeof *c);
    qsort(c, r->L, sizeof *c, cmp_u64);
    for (size_t i = 0; i < r->nfound; i++)
        if (memcmp(r->found + i * r->L, c, r->L * sizeof *c) == 0)
            return;
    if (r->nfound == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        r->found = realloc(r->found, r->cap * r->L * sizeof *c);
    }
    memcpy(r->found + r->nfound * r->L, c, r->L * sizeof *c);
    r->nfound++;
}

/* path[0..depth) is a walk of distinct edges; the last one is left through side. */
static void walk(ref *r, unsigned depth, unsigned side)
{
    uint64_t want = r->node[side][r->path[depth - 1]] ^ 1;
    if (depth == r->L) {
        if (side == 0 && want == r->node[0][r->path[0]] && pairs_ok(r))
            add(r);
        return;
    }
    for (uint32_t j = r->off[side][want]; j < r->off[side][want + 1]; j++) {
        uint64_t f = r->adj[side][j];
        int dup = 0;
        for (unsigned i = 0; i < depth; i++)
            dup |= r->path[i] == f;
        if (dup)
            continue;
        r->path[depth] = f;
        walk(r, depth + 1, side ^ 1);
    }
}

size_t ref_solve(const frugal_sipkeys *keys, unsigned edgebits, unsigned L, uint64_t *out,
                 size_t max)
{
    ref r;
    memset(&r, 0, sizeof r);
    r.L = L;
    r.eb = edgebits;
    r.n = (size_t)1 << edgebits;
    for (int s = 0; s < 2; s++) {
        r.node[s] = malloc(r.n * sizeof(uint64_t));
        r.off[s] = calloc(r.n + 1, sizeof(uint32_t));
        r.adj[s] = malloc(r.n * sizeof(uint32_t));
        for (size_t e = 0; e < r.n; e++) {
            r.node[s][e] = frugal_cuckatoo_node(keys, edgebits, e, (unsigned)s);
            r.off[s][r.node[s][e] + 1]++;
        }
        for (size_t x = 0; x < r.n; x++)
            r.off[s][x + 1] += r.off[s][x];
        uint32_t *fill = malloc(r.n * sizeof(uint32_t));
        memcpy(fill, r.off[s], r.n * sizeof(uint32_t));
        for (size_t e = 0; e < r.n; e++)
            r.adj[s][fill[r.node[s][e]]++] = (uint32_t)e;
        free(fill);
    }
    for (size_t e = 0; e < r.n; e++) {
        r.path[0] = e;
        walk(&r, 1, 1);
    }
    if (r.nfound > 1)
        qsort_r(r.found, r.nfound, L * sizeof(uint64_t), cmp_cycle, &L);
    size_t keep = r.nfound < max ? r.nfound : max;
    if (keep)
        memcpy(out, r.found, keep * L * sizeof *out);
    free(r.found);
    for (int s = 0; s < 2; s++) {
        free(r.node[s]);
        free(r.off[s]);
        free(r.adj[s]);
    }
    return r.nfound;
}
