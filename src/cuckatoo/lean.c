/* The lean trimmer (Tromp's "lean" solver, Cuckatoo flavour): one bit per edge for
 * the live set and one bit per node of the side being trimmed.
 *
 * Round on side s: clear the node bitmap; mark the endpoint x of every live edge;
 * then kill every live edge whose partner x^1 is unmarked. Both passes hash every
 * live edge. Threads own contiguous ranges of the edge bitmap, so kills need no
 * atomics; marks go to random nodes and use an atomic OR when threads share it.
 *
 * Memory: 2^EB/8 bytes of edge bitmap plus 2^EB/8 of node bitmap, which the tail
 * reuses as its arena once few edges remain: 2^EB/4 bytes in all (512 MiB at C31). */
#include <stdatomic.h>
#include <string.h>

#include "cuckatoo/tail.h"
#include "cuckatoo/trimmers.h"

#define BATCH 1024

typedef struct lean {
    uint64_t *alive;     /* nedges bits */
    uint64_t *nodes;     /* nedges bits; later the tail arena */
    uint64_t words;      /* nedges / 64 (>= 1) */
    uint64_t arena_bytes;
    uint64_t switch_n;   /* hand over to the tail at or below this many live edges */
} lean;

typedef struct round_job {
    lean *L;
    fr_solve_ctx *ctx;
    unsigned side;
    fr_pool *pool;
    uint64_t counts[256];
    atomic_int abort; /* a stop was seen: every thread leaves at the next barrier */
} round_job;

static uint64_t arena_bytes_for(unsigned eb)
{
    uint64_t bitmap = (((uint64_t)1 << eb) + 7) / 8;
    uint64_t small = fr_tail_bytes((uint64_t)1 << (eb < 16 ? eb : 16));
    return bitmap > small ? bitmap : small;
}

static uint64_t switch_for(uint64_t arena, uint64_t nedges)
{
    uint64_t lo = 0, hi = nedges; /* largest n with fr_tail_bytes(n) <= arena */
    while (lo < hi) {
        uint64_t mid = (lo + hi + 1) / 2;
        if (fr_tail_bytes(mid) <= arena)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static frugal_status lean_plan(const frugal_solver_params *p, unsigned threads,
                               frugal_solver_plan *plan)
{
    uint64_t n = (uint64_t)1 << p->edgebits;
    uint64_t words = (n + 63) / 64;
    uint64_t arena = arena_bytes_for(p->edgebits);
    plan->kind = FRUGAL_SOLVER_LEAN;
    plan->planned_bytes = words * 8 + arena + 4096 + FR_SOLVER_OVERHEAD_BYTES;
    plan->threads = threads;
    plan->passes = 1;
    plan->bucket_bits = 0;
    plan->packed_rounds = 0;
    return p->max_mem && plan->planned_bytes > p->max_mem ? FRUGAL_ERR_BUDGET : FRUGAL_OK;
}

static frugal_status lean_create(const frugal_solver_params *p, const frugal_solver_plan *plan,
                                 fr_mem *mem, void **state)
{
    lean *L = fr_mem_alloc(mem, sizeof *L);
    if (!L)
        return FRUGAL_ERR_NOMEM;
    uint64_t n = (uint64_t)1 << p->edgebits;
    L->words = (n + 63) / 64;
    L->arena_bytes = arena_bytes_for(p->edgebits);
    L->switch_n = switch_for(L->arena_bytes, n);
    L->alive = fr_mem_alloc(mem, L->words * 8);
    L->nodes = fr_mem_alloc(mem, L->arena_bytes);
    if (!L->alive || !L->nodes) {
        fr_mem_free(mem, L->alive, L->words * 8);
        fr_mem_free(mem, L->nodes, L->arena_bytes);
        fr_mem_free(mem, L, sizeof *L);
        return FRUGAL_ERR_NOMEM;
    }
    *state = L;
    return FRUGAL_OK;
}

static void lean_destroy(void *state, fr_mem *mem)
{
    lean *L = state;
    if (!L)
        return;
    fr_mem_free(mem, L->alive, L->words * 8);
    fr_mem_free(mem, L->nodes, L->arena_bytes);
    fr_mem_free(mem, L, sizeof *L);
}

/* Collects the live edges of alive words [w, w_end) into buf, up to BATCH of them;
 * returns how many and advances *w / *bits past what it took. */
static size_t gather(const uint64_t *alive, uint64_t *w, uint64_t w_end, uint64_t *bits,
                     uint32_t *buf)
{
    size_t k = 0;
    while (*w < w_end) {
        uint64_t b = *bits;
        while (b && k < BATCH) {
            buf[k++] = (uint32_t)(*w * 64 + (uint64_t)__builtin_ctzll(b));
            b &= b - 1;
        }
        *bits = b;
        if (b)
            return k; /* buffer full mid-word */
        if (++*w < w_end)
            *bits = alive[*w];
        if (k + 64 > BATCH)
            return k;
    }
    return k;
}

static void mark_worker(void *p, unsigned tid, unsigned nt)
{
    round_job *j = p;
    lean *L = j->L;
    fr_solve_ctx *ctx = j->ctx;
    uint64_t lo = L->words * tid / nt, hi = L->words * (tid + 1) / nt;
    memset(L->nodes + lo, 0, (hi - lo) * 8);
    fr_pool_barrier(j->pool);
    uint32_t buf[BATCH], xs[BATCH];
    uint64_t w = lo, bits = lo < hi ? L->alive[lo] : 0;
    for (unsigned batch = 0; w < hi; batch++) {
        if ((batch & 255) == 0 && fr_stopped(ctx)) {
            atomic_store(&j->abort, 1);
            break;
        }
        size_t k = gather(L->alive, &w, hi, &bits, buf);
        ctx->sip->nodes(ctx->keys, buf, k, j->side, ctx->mask, xs);
        if (nt == 1) {
            for (size_t i = 0; i < k; i++)
                L->nodes[xs[i] >> 6] |= 1ull << (xs[i] & 63);
        } else {
            for (size_t i = 0; i < k; i++) {
                uint64_t bit = 1ull << (xs[i] & 63);
                _Atomic uint64_t *word = (_Atomic uint64_t *)&L->nodes[xs[i] >> 6];
                if (!(atomic_load_explicit(word, memory_order_relaxed) & bit))
                    atomic_fetch_or_explicit(word, bit, memory_order_relaxed);
            }
        }
    }
    fr_pool_barrier(j->pool);
    if (atomic_load(&j->abort))
        return; /* the same for every thread after the barrier */
    /* check: kill edges whose partner is unmarked; threads own their alive words */
    uint64_t count = 0;
    w = lo;
    bits = lo < hi ? L->alive[lo] : 0;
    for (unsigned batch = 0; w < hi; batch++) {
        if ((batch & 255) == 0 && fr_stopped(ctx)) {
            atomic_store(&j->abort, 1); /* no barrier follows: leave alone */
            return;
        }
        size_t k = gather(L->alive, &w, hi, &bits, buf);
        ctx->sip->nodes(ctx->keys, buf, k, j->side, ctx->mask, xs);
        for (size_t i = 0; i < k; i++) {
            uint32_t y = xs[i] ^ 1;
            if (!((L->nodes[y >> 6] >> (y & 63)) & 1))
                L->alive[buf[i] >> 6] &= ~(1ull << (buf[i] & 63));
        }
    }
    for (uint64_t i = lo; i < hi; i++)
        count += (uint64_t)__builtin_popcountll(L->alive[i]);
    j->counts[tid] = count;
}

static frugal_status lean_solve(void *state, fr_solve_ctx *ctx, fr_sols *sols)
{
    lean *L = state;
    uint64_t n = ctx->nedges, alive = n;
    fr_bitmap_fill(L->alive, L->words, n);
    unsigned r = 0, idle = 0;
    round_job job;
    memset(&job, 0, sizeof job);
    job.L = L;
    job.ctx = ctx;
    job.pool = ctx->pool;
    unsigned nt = fr_pool_threads(ctx->pool);
    while (alive > L->switch_n && idle < 2) {
        if (fr_stopped(ctx))
            return FRUGAL_ERR_STOPPED;
        job.side = r & 1;
        fr_pool_run(ctx->pool, mark_worker, &job);
        if (atomic_load(&job.abort))
            return FRUGAL_ERR_STOPPED;
        uint64_t now = 0;
        for (unsigned t = 0; t < nt; t++)
            now += job.counts[t];
        idle = now == alive ? idle + 1 : 0;
        fr_log_round(ctx, r, now, alive, "trim");
        alive = now;
        r++;
    }
    /* hand the live edges, ascending, to the tail in the node bitmap's place */
    return fr_tail_from_bitmap(ctx, L->alive, L->words, alive, L->nodes, L->arena_bytes, r, sols);
}

const fr_trimmer_ops fr_lean_ops = {FRUGAL_SOLVER_LEAN, lean_plan, lean_create, lean_solve,
                                    lean_destroy};
