/* Explicit trimming to the fixpoint and exhaustive cycle search (see tail.h). */
#include "cuckatoo/tail.h"

#include <string.h>

#include "common/time.h"

#define NONE 0xffffffffu
#define DEAD 0x80000000u /* in ed[2e]: edge e is dead */

/* Per side. nd holds, for each dense node d, its live edge count nd[2d] (bit 31 is
 * the cycle search's visited mark) next to its partner's id nd[2d+1], so that a
 * kill costs one cache line per side. */
typedef struct side_view {
    uint32_t *off, *list, *nd, *pend;
    uint32_t nd_count;        /* distinct nodes */
    uint32_t head, tail;      /* pending FIFO */
} side_view;

typedef struct tail_state {
    fr_solve_ctx *ctx;
    uint64_t n;
    uint32_t *edges, *UV[2];
    uint32_t *ed;             /* per edge: dense U id (bit 31: dead), dense V id */
    side_view side[2];
    uint64_t *sort_a, *sort_b;
    /* cycle search */
    uint32_t path[FRUGAL_CYCLE_MAX];
    uint32_t e0;
    fr_sols *sols;
    frugal_status err;
} tail_state;

static uint64_t align64(uint64_t x) { return (x + 63) & ~(uint64_t)63; }

uint64_t fr_tail_bytes(uint64_t n)
{
    uint64_t per = align64(4 * n) * 3 + align64(8 * n) +
                   2 * (align64(4 * (n + 1)) + align64(4 * n) * 2 + align64(8 * n)) +
                   2 * align64(8 * n);
    return per + 4096;
}

static void carve(tail_state *t, void *arena, uint64_t n)
{
    uint8_t *p = arena;
#define TAKE(ptr, bytes) (ptr = (void *)p, p += align64(bytes))
    TAKE(t->edges, 4 * n);
    TAKE(t->UV[0], 4 * n);
    TAKE(t->UV[1], 4 * n);
    TAKE(t->ed, 8 * n);
    for (int s = 0; s < 2; s++) {
        side_view *v = &t->side[s];
        TAKE(v->off, 4 * (n + 1));
        TAKE(v->list, 4 * n);
        TAKE(v->nd, 8 * n);
        TAKE(v->pend, 4 * n);
    }
    TAKE(t->sort_a, 8 * n);
    TAKE(t->sort_b, 8 * n);
#undef TAKE
}

/* Stable LSD radix sort of keys by their high 32 bits, in 8-bit digits. */
static uint64_t *radix_sort_high(uint64_t *a, uint64_t *b, uint64_t n, unsigned keybits)
{
    for (unsigned shift = 32; shift < 32 + keybits; shift += 8) {
        uint64_t count[256] = {0};
        for (uint64_t i = 0; i < n; i++)
            count[(a[i] >> shift) & 255]++;
        uint64_t sum = 0;
        for (int d = 0; d < 256; d++) {
            uint64_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 255]++] = a[i];
        uint64_t *tmp = a;
        a = b;
        b = tmp;
    }
    return a;
}

/* Dense ids, edge lists by node, partners and counts for one side. */
static void build_side(tail_state *t, unsigned s)
{
    side_view *v = &t->side[s];
    const uint32_t *X = t->UV[s];
    uint64_t n = t->n;
    for (uint64_t i = 0; i < n; i++)
        t->sort_a[i] = (uint64_t)X[i] << 32 | i;
    const uint64_t *sorted = radix_sort_high(t->sort_a, t->sort_b, n, t->ctx->edgebits);
    uint32_t nd = 0, prev_node = 0;
    for (uint64_t j = 0; j < n; j++) {
        uint32_t node = (uint32_t)(sorted[j] >> 32), e = (uint32_t)sorted[j];
        if (j == 0 || node != prev_node) {
            v->off[nd] = (uint32_t)j;
            v->nd[2 * nd] = 0;
            v->nd[2 * nd + 1] = node; /* the node value until partners are resolved */
            nd++;
            prev_node = node;
        }
        v->list[j] = e;
        t->ed[2 * e + s] = nd - 1;
        v->nd[2 * (nd - 1)]++;
    }
    v->off[nd] = (uint32_t)n;
    v->nd_count = nd;
    /* x^1 is the next distinct value (x even) or the previous one (x odd). Resolve
     * from the end so that every value is read before it is overwritten. */
    uint32_t next_val = 0, have_next = 0;
    for (uint32_t d = nd; d-- > 0;) {
        uint32_t x = v->nd[2 * d + 1], p = NONE;
        if (!(x & 1)) {
            if (have_next && next_val == (x ^ 1))
                p = d + 1;
        } else if (d > 0 && v->nd[2 * (d - 1) + 1] == (x ^ 1)) {
            p = d - 1;
        }
        next_val = x;
        have_next = 1;
        v->nd[2 * d + 1] = p;
    }
    v->head = v->tail = 0;
    for (uint32_t d = 0; d < nd; d++)
        if (v->nd[2 * d + 1] == NONE)
            v->pend[v->tail++] = d;
}

static void kill_edge(tail_state *t, uint32_t e)
{
    uint32_t *ed = t->ed + 2 * (uint64_t)e;
    ed[0] |= DEAD;
    for (unsigned s = 0; s < 2; s++) {
        side_view *v = &t->side[s];
        uint32_t d = ed[s] & ~DEAD;
        if (--v->nd[2 * d] == 0 && v->nd[2 * d + 1] != NONE)
            v->pend[v->tail++] = v->nd[2 * d + 1];
    }
}

static inline int is_alive(const tail_state *t, uint32_t e) { return !(t->ed[2 * (uint64_t)e] & DEAD); }

static inline uint32_t dense(const tail_state *t, uint32_t e, unsigned s)
{
    return t->ed[2 * (uint64_t)e + s] & ~DEAD;
}

typedef struct hash_job {
    tail_state *t;
} hash_job;

static void hash_worker(void *p, unsigned tid, unsigned nt)
{
    tail_state *t = ((hash_job *)p)->t;
    uint64_t lo = t->n * tid / nt, hi = t->n * (tid + 1) / nt;
    for (unsigned s = 0; s < 2; s++)
        t->ctx->sip->nodes(t->ctx->keys, t->edges + lo, hi - lo, s, t->ctx->mask, t->UV[s] + lo);
}

/* Kills the live edges among cand[0..m), software-pipelined: peeling is random access
 * into arrays far bigger than the caches, so the edge records are prefetched 16
 * candidates ahead and, once they have arrived, the two node records 8 ahead.
 * Returns how many it killed. */
static uint64_t kill_batch(tail_state *t, const uint32_t *cand, size_t m)
{
    uint64_t killed = 0;
    for (size_t i = 0; i < m; i++) {
        if (i + 16 < m)
            __builtin_prefetch(t->ed + 2 * (uint64_t)cand[i + 16], 1);
        if (i + 8 < m) {
            const uint32_t *ed = t->ed + 2 * (uint64_t)cand[i + 8];
            __builtin_prefetch(t->side[0].nd + 2 * (uint64_t)(ed[0] & ~DEAD), 1);
            __builtin_prefetch(t->side[1].nd + 2 * (uint64_t)ed[1], 1);
        }
        if (is_alive(t, cand[i])) {
            kill_edge(t, cand[i]);
            killed++;
        }
    }
    return killed;
}

/* Runs rounds until no node is pending on either side. */
static frugal_status trim_to_fixpoint(tail_state *t, unsigned first_round)
{
    enum { CH = 4096 };
    uint32_t cand[CH];
    uint64_t alive = t->n;
    for (unsigned r = first_round;; r++) {
        side_view *v = &t->side[r & 1];
        if (v->head == v->tail && t->side[(r & 1) ^ 1].head == t->side[(r & 1) ^ 1].tail)
            return FRUGAL_OK;
        if ((r & 63) == 0 && fr_stopped(t->ctx))
            return FRUGAL_ERR_STOPPED;
        uint64_t before = alive;
        uint32_t end = v->tail;
        size_t m = 0;
        while (v->head < end) {
            uint32_t d = v->pend[v->head];
            uint32_t lo = v->off[d], hi = v->off[d + 1];
            if (hi - lo > CH - m) {
                alive -= kill_batch(t, cand, m); /* make room, then take the node */
                m = 0;
                if (hi - lo > CH) { /* a node of huge degree: its edges in pieces */
                    for (uint32_t j = lo; j < hi; j += CH)
                        alive -= kill_batch(t, v->list + j, hi - j < CH ? hi - j : CH);
                    v->head++;
                    continue;
                }
            }
            memcpy(cand + m, v->list + lo, (hi - lo) * sizeof *cand);
            m += hi - lo;
            v->head++;
        }
        alive -= kill_batch(t, cand, m);
        fr_log_round(t->ctx, r, alive, before, "tail");
    }
}

/* Walks from the last path edge c (path holds k edges) out through side s. */
static void extend(tail_state *t, unsigned k, uint32_t c, unsigned s)
{
    side_view *v = &t->side[s];
    uint32_t d = dense(t, c, s), p = v->nd[2 * d + 1];
    if (p == NONE)
        return;
    if (k == t->ctx->cycle_len) { /* s is U here: close at e0's U node */
        if (p == dense(t, t->e0, 0)) {
            uint32_t cyc[FRUGAL_CYCLE_MAX];
            for (unsigned i = 0; i < k; i++)
                cyc[i] = t->edges[t->path[i]];
            if (fr_sols_add(t->sols, cyc) != FRUGAL_OK)
                t->err = FRUGAL_ERR_NOMEM;
        }
        return;
    }
    /* bit 31 of a node's count is its visited mark */
    if (v->nd[2 * d] & 0x80000000u)
        return;
    v->nd[2 * d] |= 0x80000000u;
    v->nd[2 * p] |= 0x80000000u;
    for (uint32_t j = v->off[p]; j < v->off[p + 1]; j++) {
        uint32_t f = v->list[j];
        if (f > t->e0 && is_alive(t, f)) {
            t->path[k] = f;
            extend(t, k + 1, f, s ^ 1);
        }
    }
    v->nd[2 * d] &= 0x7fffffffu;
    v->nd[2 * p] &= 0x7fffffffu;
}

static frugal_status find_cycles(tail_state *t)
{
    side_view *u = &t->side[0];
    for (uint32_t e = 0; e < t->n; e++) {
        if (!is_alive(t, e))
            continue;
        if ((e & 1023) == 0 && fr_stopped(t->ctx))
            return FRUGAL_ERR_STOPPED;
        uint32_t d = dense(t, e, 0), p = u->nd[2 * d + 1];
        if (p == NONE)
            continue;
        t->e0 = e;
        t->path[0] = e;
        u->nd[2 * d] |= 0x80000000u;
        u->nd[2 * p] |= 0x80000000u;
        extend(t, 1, e, 1);
        u->nd[2 * d] &= 0x7fffffffu;
        u->nd[2 * p] &= 0x7fffffffu;
        if (t->err)
            return t->err;
    }
    return FRUGAL_OK;
}

frugal_status fr_tail_run(fr_solve_ctx *ctx, void *arena, uint64_t n, unsigned first_round,
                          fr_sols *sols)
{
    tail_state t;
    memset(&t, 0, sizeof t);
    t.ctx = ctx;
    t.n = n;
    t.sols = sols;
    carve(&t, arena, n);
    ctx->stats->tail_edges = n;
    if (n == 0)
        return FRUGAL_OK;
    hash_job job = {&t};
    fr_pool_run(ctx->pool, hash_worker, &job);
    build_side(&t, 0);
    build_side(&t, 1);
    frugal_status st = trim_to_fixpoint(&t, first_round);
    if (st != FRUGAL_OK)
        return st;
    double t1 = fr_now();
    ctx->stats->trim_seconds = t1 - ctx->t0;
    if (ctx->progress) {
        frugal_progress pr = {ctx->stats->rounds, 0, t1 - ctx->t0, "cycles"};
        uint64_t a = 0;
        for (uint64_t i = 0; i < n; i++)
            a += is_alive(&t, (uint32_t)i);
        pr.edges_alive = a;
        ctx->progress(ctx->progress_user, &pr);
    }
    st = find_cycles(&t);
    ctx->stats->cycle_seconds = fr_now() - t1;
    return st;
}

frugal_status fr_tail_from_bitmap(fr_solve_ctx *ctx, const uint64_t *alive, uint64_t words,
                                  uint64_t live, void *arena, uint64_t arena_bytes,
                                  unsigned first_round, fr_sols *sols)
{
    uint64_t need = fr_tail_bytes(live);
    void *own = NULL;
    if (need > arena_bytes) {
        own = fr_mem_alloc(ctx->mem, need);
        if (!own)
            return FRUGAL_ERR_BUDGET;
        arena = own;
    }
    uint32_t *out = fr_tail_edges(arena);
    uint64_t k = 0;
    for (uint64_t w = 0; w < words; w++)
        for (uint64_t b = alive[w]; b; b &= b - 1)
            out[k++] = (uint32_t)(w * 64 + (uint64_t)__builtin_ctzll(b));
    frugal_status st = fr_tail_run(ctx, arena, k, first_round, sols);
    fr_mem_free(ctx->mem, own, need);
    return st;
}
