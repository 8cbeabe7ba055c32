/* Bucket trimmers: mean (explicit 32-bit entries), packed (Rice-coded gaps) and
 * slean (packed, in K passes over the node space). One engine, three plans.
 *
 * State between rounds is the master live-edge bitmap A (2^EB bits). A round on
 * side s runs K passes; pass p keeps the buckets b with b % K == p (a bucket is
 * 2^(EB-bbits) consecutive nodes, so a node pair {x, x^1} never straddles two
 * passes and each pass decides its edges alone). Per pass:
 *
 *   distribute  thread t scans its own contiguous slice of A in ascending order,
 *               hashes every live edge to its node x on side s, and appends the
 *               edges of this pass to its stream (t, b) through a small staging
 *               array per bucket. Every stream is ascending, so gaps stay small
 *               (about B / live fraction) whatever the round: no ordering trap.
 *   process     all threads walk the pass's buckets in lockstep. Thread t decodes
 *               its stream (t, b) (its blocks go straight back to its pool),
 *               re-hashes the edges and marks their nodes in its own bucket bitmap;
 *               after a barrier the copies are OR-ed into copy 0; after another,
 *               thread t kills the edges of its stream whose partner x^1 is
 *               unmarked. A kill clears a bit of A in t's own slice: no atomics.
 *
 * Why: a node bitmap over all 2^EB nodes is touched at random and is memory-latency
 * bound (the lean solver); buckets keep the bitmap in cache and the kills in
 * ascending order. Edge indices are what is stored, so nothing needs recovering.
 *
 * Memory (the plan computes it before anything is allocated):
 *   A                          2^EB / 8
 *   block pools, one per thread  the budget's rest; the tail reuses them at the end
 *   per thread: writers, staging, stash (decoded edges and nodes of one stream),
 *               two bucket bitmaps (double-buffered so one barrier per bucket
 *               suffices before a bitmap is cleared again)
 * A pool that runs dry mid-pass (a "full bucket") loses nothing: the pass's streams
 * are dropped and the round restarts with twice the passes. Rounds are idempotent
 * (a node pair either keeps all its edges or loses all on that side), so redoing
 * passes that already ran changes nothing. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "cuckatoo/kernels.h"
#include "cuckatoo/tail.h"
#include "cuckatoo/trimmers.h"
#include "pack/pack.h"

#define STAGE 64         /* staged edges per bucket before an append */
#define GATHER 1024      /* edges hashed per batch */
#define BLOCK_BYTES 4096 /* pool block size */
#define MAX_PASSES 64
#define CHUNK 4096       /* scratch for streams longer than the stash has room for */
#define GROUP_BYTES (256u << 10) /* bitmap bytes per group of buckets */
#define GROUP_STASH (512u << 10) /* stash bytes a group may ask for */
#define KILL_MIN (64u << 10)     /* smallest kill buffer worth having (entries) */
#define KILL_MAX (16u << 20)     /* largest kill buffer (entries: 64 MiB) */
#define KILL_REGION 65536        /* words of A (512 KiB) a batch is applied to at once */

typedef struct bt_thread {
    fr_pack_pool pool;
    fr_pack_writer *writers; /* [buckets] */
    uint32_t *stage;         /* [buckets * STAGE] */
    uint32_t *stage_n;       /* [buckets] */
    uint32_t *stash_e, *stash_x;
    uint32_t *kbuf;          /* [kcap] kills not yet applied to A, in segments: the
                                pool blocks the pass's streams never used */
    size_t kcap, kn;         /* room and entries in kbuf */
    unsigned nseg;           /* segments: kbuf[seg_end[s-1] .. seg_end[s]) ascending */
    size_t seg_end[64];
    uint64_t *bm[2];         /* own bucket bitmaps (copy t), double-buffered */
    uint64_t w_lo, w_hi;     /* slice of A owned */
    uint64_t kills;
    uint64_t stored_bits, stored_values;
    int full;
    int corrupt;             /* a stream failed to decode (a bug): the solve fails */
} bt_thread;

typedef struct btrim {
    int format;
    unsigned threads, bbits, lbits; /* buckets = 2^bbits of 2^lbits nodes */
    unsigned group;                 /* buckets per barrier group */
    uint64_t buckets, bm_words;
    uint64_t *alive, words;
    uint8_t *pools;                 /* one region: per-thread pools, then the tail arena */
    uint64_t pools_bytes, pool_each;
    uint32_t stash_cap;
    uint64_t switch_n;
    unsigned forced_passes;
    double slack;
    uint32_t *route;                /* per bucket: (index in its pass << 8) | pass */
    uint64_t alloc_bytes;           /* everything allocated, for the destroy */
    bt_thread *th;
    uint64_t **bm0;                 /* copy 0 of each buffer, = th[0].bm */
} btrim;

/* ---- planning ------------------------------------------------------------ */

typedef struct bt_layout {
    unsigned bbits, lbits;
    unsigned group;      /* buckets processed between two barriers */
    uint64_t fixed;      /* A + per-thread arrays */
    uint64_t per_thread; /* writers, staging, stash, bitmaps */
    uint32_t stash_cap;  /* edges of one group's streams (plus CHUNK of scratch) */
} bt_layout;

static unsigned bucket_bits_for(unsigned eb)
{
    /* Big graphs (C27 up): 2^23 nodes per bucket, a 1 MiB bitmap that stays in a
     * core's L2 while it is marked and checked at random (--bucket-bits changes it).
     * More buckets cost more traffic on the live bitmap (every bucket's kills walk
     * the thread's whole slice of it), fewer cost L2 misses; measured on the
     * development VM with huge pages, 2^23 beat 2^22, 2^24, 2^25 and 2^26 at C29
     * (13.0-13.6 s against 16.5 s with 2^25, packed) and at C31 (72 s against 86 s
     * with 2^26, slean 2G). Smaller graphs use buckets of 2^14 nodes but keep at
     * least 16 so every code path runs in tests. */
    if (eb >= 27)
        return eb - 23;
    return eb >= 18 ? eb - 14 : 4;
}

static bt_layout layout_for(unsigned eb, unsigned node_bits, unsigned threads, double slack)
{
    bt_layout L;
    L.bbits = node_bits ? eb - node_bits : bucket_bits_for(eb); /* checked when planning */
    L.lbits = eb - L.bbits;
    uint64_t n = (uint64_t)1 << eb, buckets = (uint64_t)1 << L.bbits;
    uint64_t bm_bytes = (((uint64_t)1 << L.lbits) + 63) / 64 * 8;
    /* several small buckets share a pair of barriers (fewer synchronisations), as long
     * as their bitmaps stay cache-sized and their streams fit a small stash */
    double per_bucket = (double)n / (double)buckets / threads; /* stream length, round 0 */
    double g = (double)GROUP_BYTES / (double)bm_bytes;
    if (g > GROUP_STASH / (8.0 * per_bucket))
        g = GROUP_STASH / (8.0 * per_bucket);
    L.group = g < 1 ? 1 : g > 64 ? 64 : (unsigned)g;
    if (L.group > buckets)
        L.group = (unsigned)buckets;
    double mean = per_bucket * L.group; /* edges of one group's streams at round 0 */
    /* eight standard deviations above the mean; a negative slack (tests) leaves the
     * stash short so that the chunked path for over-long streams runs */
    double cap = slack < 0 ? mean * (1.0 + slack) + 16 : mean * (1.0 + slack) + 8.0 * sqrt(mean) + 64;
    L.stash_cap = (uint32_t)(cap > 4294967295.0 ? 4294967295.0 : cap);
    L.per_thread = buckets * sizeof(fr_pack_writer) + buckets * (STAGE * 4 + 4) +
                   8ull * (L.stash_cap + CHUNK) + 2ull * L.group * bm_bytes + 4096;
    L.fixed = (n + 63) / 64 * 8 + threads * L.per_thread + buckets * 4 + 4096;
    return L;
}

/* A stream's mean gap with 2^bbits buckets and a live fraction f: each thread's
 * slice holds a fraction f of live edges, spread over 2^bbits streams. */
static double mean_gap(unsigned bbits, double f)
{
    double g = ldexp(1.0, (int)bbits) / (f > 1e-9 ? f : 1e-9);
    return g < 1 ? 1 : g;
}

/* Expected bits per stored edge: the Rice code's expected length for geometric gaps
 * (about log2(gap) + 1.6; 13.6 at 4096 buckets with every edge live). */
static double bits_per_edge(int format, unsigned bbits, double f)
{
    if (format == FR_PACK_RAW32)
        return 32.0;
    double g = mean_gap(bbits, f);
    return fr_pack_rice_bits(g, fr_pack_rice_k(g));
}

/* Bytes one thread's pool needs for `live` edges in K passes. */
static uint64_t pass_bytes(int format, unsigned bbits, unsigned threads, uint64_t n,
                           uint64_t live, unsigned K)
{
    double f = (double)live / (double)n;
    double payload = (double)live / threads / K * bits_per_edge(format, bbits, f) / 8.0;
    uint64_t streams = (((uint64_t)1 << bbits) + K - 1) / K;
    /* block headers and, on average, half a block per stream left partly filled */
    double blocks = payload / (BLOCK_BYTES - FR_PACK_HEADER_BYTES) + 0.5 * (double)streams;
    if (blocks < (double)streams + 2) /* every stream holds at least one whole block */
        blocks = (double)streams + 2;
    /* per block: the block and its bookkeeping (the pool's alignment slack is a
     * constant, counted once per pool by the caller's margin) */
    double per_block = (double)fr_pack_pool_bytes(1u << 16, BLOCK_BYTES) / 65536.0;
    return (uint64_t)(blocks * per_block + 4096.0);
}

static void fill_plan(frugal_solver_plan *plan, frugal_solver_kind kind, unsigned threads,
                      unsigned K, unsigned bbits, uint64_t bytes)
{
    plan->kind = kind;
    plan->threads = threads;
    plan->passes = K;
    plan->bucket_bits = bbits;
    plan->planned_bytes = bytes + FR_SOLVER_OVERHEAD_BYTES;
}

static frugal_status bt_plan(const frugal_solver_params *p, unsigned threads,
                             frugal_solver_plan *plan, frugal_solver_kind kind)
{
    int format = kind == FRUGAL_SOLVER_MEAN ? FR_PACK_RAW32 : FR_PACK_RICE;
    double slack = p->bucket_slack != 0 ? p->bucket_slack : 0.10;
    bt_layout L = layout_for(p->edgebits, p->bucket_node_bits, threads, slack);
    uint64_t n = (uint64_t)1 << p->edgebits;
    /* what the budget leaves for the trimmer; 1 byte when the fixed overhead alone
     * exceeds it, so that every plan is refused */
    uint64_t budget = !p->max_mem ? 0
                      : p->max_mem > FR_SOLVER_OVERHEAD_BYTES ? p->max_mem - FR_SOLVER_OVERHEAD_BYTES
                                                              : 1;
    if (kind != FRUGAL_SOLVER_SLEAN || p->passes) {
        /* mean and packed hold round 0 in one pass (K = 1); slean with K forced */
        unsigned K = kind == FRUGAL_SOLVER_SLEAN ? p->passes : 1;
        uint64_t pools = (uint64_t)((double)pass_bytes(format, L.bbits, threads, n, n, K) *
                                    (1.0 + slack)) * threads;
        uint64_t tail = fr_tail_bytes(4096);
        if (pools < tail)
            pools = tail;
        fill_plan(plan, kind, threads, K, L.bbits, L.fixed + pools);
        return budget && L.fixed + pools > budget ? FRUGAL_ERR_BUDGET : FRUGAL_OK;
    }
    /* slean: the budget (default about one byte per edge) minus the fixed part goes to
     * the pools; K per round is the fewest passes whose streams fit */
    uint64_t target = budget ? budget : n;
    uint64_t min_pools = (uint64_t)((double)pass_bytes(format, L.bbits, threads, n, n,
                                                        MAX_PASSES / 4) * (1.0 + slack)) * threads;
    uint64_t pools = target > L.fixed ? target - L.fixed : 0;
    if (pools < min_pools) {
        fill_plan(plan, kind, threads, MAX_PASSES / 4, L.bbits, L.fixed + min_pools);
        return budget ? FRUGAL_ERR_BUDGET : FRUGAL_OK;
    }
    unsigned K = 1;
    while (K < MAX_PASSES &&
           (double)pass_bytes(format, L.bbits, threads, n, n, K) * (1.0 + slack) * threads >
               (double)pools)
        K++;
    fill_plan(plan, kind, threads, K, L.bbits, L.fixed + pools);
    return FRUGAL_OK;
}

static frugal_status mean_plan(const frugal_solver_params *p, unsigned t, frugal_solver_plan *pl)
{
    return bt_plan(p, t, pl, FRUGAL_SOLVER_MEAN);
}

static frugal_status packed_plan(const frugal_solver_params *p, unsigned t,
                                 frugal_solver_plan *pl)
{
    return bt_plan(p, t, pl, FRUGAL_SOLVER_PACKED);
}

static frugal_status slean_plan(const frugal_solver_params *p, unsigned t, frugal_solver_plan *pl)
{
    return bt_plan(p, t, pl, FRUGAL_SOLVER_SLEAN);
}

/* ---- create / destroy ----------------------------------------------------- */

static void bt_destroy(void *state, fr_mem *mem)
{
    btrim *B = state;
    if (!B)
        return;
    fr_mem_free(mem, B->pools, B->pools_bytes);
    fr_mem_free(mem, B->alive, B->words * 8);
    if (B->th) {
        for (unsigned t = 0; t < B->threads; t++) {
            bt_thread *T = &B->th[t];
            fr_mem_free(mem, T->writers, B->buckets * sizeof *T->writers);
            fr_mem_free(mem, T->stage, B->buckets * STAGE * 4);
            fr_mem_free(mem, T->stage_n, B->buckets * 4);
            fr_mem_free(mem, T->stash_e, 4ull * (B->stash_cap + CHUNK));
            fr_mem_free(mem, T->stash_x, 4ull * (B->stash_cap + CHUNK));
            fr_mem_free(mem, T->bm[0], B->group * B->bm_words * 8);
            fr_mem_free(mem, T->bm[1], B->group * B->bm_words * 8);
        }
        fr_mem_free(mem, B->th, B->threads * sizeof *B->th);
    }
    fr_mem_free(mem, B->route, B->buckets * 4);
    fr_mem_free(mem, B, sizeof *B);
}

static frugal_status bt_create(const frugal_solver_params *p, const frugal_solver_plan *plan,
                               fr_mem *mem, void **state)
{
    btrim *B = fr_mem_alloc(mem, sizeof *B);
    if (!B)
        return FRUGAL_ERR_NOMEM;
    B->format = plan->kind == FRUGAL_SOLVER_MEAN ? FR_PACK_RAW32 : FR_PACK_RICE;
    B->threads = plan->threads;
    B->slack = p->bucket_slack != 0 ? p->bucket_slack : 0.10;
    bt_layout L = layout_for(p->edgebits, p->bucket_node_bits, plan->threads, B->slack);
    B->bbits = L.bbits;
    B->lbits = L.lbits;
    B->buckets = (uint64_t)1 << L.bbits;
    B->bm_words = (((uint64_t)1 << L.lbits) + 63) / 64;
    B->group = L.group;
    B->stash_cap = L.stash_cap;
    B->forced_passes = plan->kind == FRUGAL_SOLVER_SLEAN ? p->passes : 1;
    uint64_t n = (uint64_t)1 << p->edgebits;
    B->words = (n + 63) / 64;
    uint64_t total = plan->planned_bytes - FR_SOLVER_OVERHEAD_BYTES;
    B->pools_bytes = total - L.fixed;
    B->pool_each = B->pools_bytes / B->threads / 64 * 64;
    /* The tail reuses the pools; hand over once the live edges fit there and are few.
     * Late bucket rounds cost a scan of the live bitmap and a barrier per bucket
     * whatever the live count, the tail about 100 ns per edge (single-threaded,
     * random access): at C29, handing over at 2^EB / 256 edges instead of / 1024 saves
     * about 0.8 s (30 fewer rounds for 0.15 s more tail); at / 64 the tail costs more
     * than the rounds it replaces. */
    uint64_t lo = 0, hi = n >> 8;
    while (lo < hi) {
        uint64_t mid = (lo + hi + 1) / 2;
        if (fr_tail_bytes(mid) <= B->pools_bytes)
            lo = mid;
        else
            hi = mid - 1;
    }
    B->switch_n = lo;
    B->alive = fr_mem_alloc(mem, B->words * 8);
    B->pools = fr_mem_alloc(mem, B->pools_bytes);
    B->route = fr_mem_alloc(mem, B->buckets * 4);
    B->th = fr_mem_alloc(mem, B->threads * sizeof *B->th);
    if (!B->alive || !B->pools || !B->route || !B->th) {
        bt_destroy(B, mem);
        return FRUGAL_ERR_NOMEM;
    }
    memset(B->th, 0, B->threads * sizeof *B->th);
    for (unsigned t = 0; t < B->threads; t++) {
        bt_thread *T = &B->th[t];
        T->writers = fr_mem_alloc(mem, B->buckets * sizeof *T->writers);
        T->stage = fr_mem_alloc(mem, B->buckets * STAGE * 4);
        T->stage_n = fr_mem_alloc(mem, B->buckets * 4);
        T->stash_e = fr_mem_alloc(mem, 4ull * (B->stash_cap + CHUNK));
        T->stash_x = fr_mem_alloc(mem, 4ull * (B->stash_cap + CHUNK));
        T->bm[0] = fr_mem_alloc(mem, B->group * B->bm_words * 8);
        T->bm[1] = fr_mem_alloc(mem, B->group * B->bm_words * 8);
        if (!T->writers || !T->stage || !T->stage_n || !T->stash_e || !T->stash_x || !T->bm[0] ||
            !T->bm[1]) {
            bt_destroy(B, mem);
            return FRUGAL_ERR_NOMEM;
        }
        T->w_lo = B->words * t / B->threads;
        T->w_hi = B->words * (t + 1) / B->threads;
    }
    *state = B;
    return FRUGAL_OK;
}

/* ---- one round ------------------------------------------------------------ */

typedef struct round_job {
    btrim *B;
    fr_solve_ctx *ctx;
    unsigned side, K, pass, k;
    uint64_t nb;      /* buckets in this pass */
    int record;       /* add stored bytes and values to the threads' counters */
    int all_live;     /* round 0: every edge is alive, no need to read the bitmap */
    int sparse;       /* few edges per bucket: mark copy 0 directly, no merge */
    atomic_int chunked; /* a group had a stream longer than the stash (sparse mode) */
    const fr_bt_kernels *kern;
    atomic_int abort; /* a stop was seen: every thread leaves at the next barrier */
    int fault;        /* tests: report this pass full after distribute */
} round_job;

int fr_bt_fault_pass = -1, fr_bt_fault_left = 0;

static int flush_stage(bt_thread *T, uint64_t j)
{
    unsigned n = T->stage_n[j];
    T->stage_n[j] = 0;
    if (n && fr_pack_append(&T->pool, &T->writers[j], T->stage + j * STAGE, n) != FRUGAL_OK) {
        T->full = 1;
        return -1;
    }
    return 0;
}

/* Stages edges buf[i] (k <= GATHER) to the buckets of their nodes xs[i]: every
 * bucket (K = 1) or the pass's (K > 1). Returns -1 when a pool ran dry. */
static int stage_edges(const round_job *J, bt_thread *T, const uint32_t *restrict buf,
                       const uint32_t *restrict xs, size_t k)
{
    uint32_t *restrict stage = T->stage, *restrict sn = T->stage_n;
    const unsigned shift = J->B->lbits;
    if (J->K == 1) {
        for (size_t i = 0; i < k; i++) {
            uint32_t j = xs[i] >> shift, c = sn[j];
            stage[j * STAGE + c] = buf[i];
            sn[j] = ++c;
            if (c == STAGE && flush_stage(T, j))
                return -1;
        }
        return 0;
    }
    /* the pass's edges first (branch-free: which pass an edge belongs to is a coin
     * toss), with their buckets' indices in the pass */
    uint32_t pe[GATHER], pj[GATHER];
    size_t m = J->kern->pick(buf, xs, k, J->B->route, shift, J->pass, pe, pj);
    for (size_t i = 0; i < m; i++) {
        uint32_t j = pj[i], c = sn[j];
        stage[j * STAGE + c] = pe[i];
        sn[j] = ++c;
        if (c == STAGE && flush_stage(T, j))
            return -1;
    }
    return 0;
}

static void distribute(round_job *J, unsigned tid)
{
    btrim *B = J->B;
    bt_thread *T = &B->th[tid];
    fr_solve_ctx *ctx = J->ctx;
    for (uint64_t j = 0; j < J->nb; j++) {
        fr_pack_writer_init(&T->writers[j], B->format, J->k); /* format and k are valid */
        T->stage_n[j] = 0;
    }
    uint32_t buf[GATHER], xs[GATHER];
    uint64_t w = T->w_lo, bits = T->w_lo < T->w_hi ? B->alive[T->w_lo] : 0;
    const uint64_t e_hi = T->w_hi * 64 < ctx->nedges ? T->w_hi * 64 : ctx->nedges;
    uint64_t e = T->w_lo * 64; /* all_live: the next edge */
    for (unsigned batch = 0;; batch++) {
        if ((batch & 63) == 0 && fr_stopped(ctx)) {
            atomic_store(&J->abort, 1);
            return;
        }
        size_t k;
        if (J->all_live) { /* consecutive edges: no bitmap to read, sequential hashing */
            k = e_hi - e < GATHER ? (size_t)(e_hi - e) : GATHER;
            for (size_t i = 0; i < k; i++)
                buf[i] = (uint32_t)(e + i);
            ctx->sip->seq(ctx->keys, (uint32_t)e, k, J->side, ctx->mask, xs);
            e += k;
        } else {
            k = J->kern->gather(B->alive, &w, T->w_hi, &bits, buf, GATHER);
            ctx->sip->nodes(ctx->keys, buf, k, J->side, ctx->mask, xs);
        }
        if (!k)
            break;
        if (stage_edges(J, T, buf, xs, k))
            break;
    }
    for (uint64_t j = 0; j < J->nb && !T->full; j++)
        if (flush_stage(T, j) == 0)
            fr_pack_writer_finish(&T->pool, &T->writers[j]);
    if (J->record && !T->full) {
        uint64_t used = T->pool.nblocks - fr_pack_pool_free_blocks(&T->pool);
        T->stored_bits += used * BLOCK_BYTES * 8;
        for (uint64_t j = 0; j < J->nb; j++)
            T->stored_values += fr_pack_writer_count(&T->writers[j]);
    }
}

/* x[i] = the node of edge e[i] on the round's side, within its bucket. */
static void hash_local(const btrim *B, const round_job *J, const uint32_t *e, uint32_t *x,
                       size_t n)
{
    /* the bucket is the node's high bits, so its low bits are the local node */
    const uint32_t lmask = (uint32_t)(((uint64_t)1 << B->lbits) - 1);
    J->ctx->sip->nodes(J->ctx->keys, e, n, J->side, lmask, x);
}

/* Hashes edges e[0..n) to their local nodes x[0..n) and marks them in bm. */
static void hash_mark(const btrim *B, const round_job *J, const uint32_t *e, uint32_t *restrict x,
                      size_t n, uint64_t *restrict bm)
{
    hash_local(B, J, e, x, n);
    for (size_t i = 0; i < n; i++)
        bm[x[i] >> 6] |= 1ull << (x[i] & 63);
}

/* A stream too long for the stash's free room is read in CHUNK pieces into the
 * scratch past the stash, once to mark and once to check (then its blocks go back). */
static void mark_chunked(btrim *B, bt_thread *T, round_job *J, fr_pack_writer *w, uint64_t *bm)
{
    uint32_t *e = T->stash_e + B->stash_cap, *x = T->stash_x + B->stash_cap;
    fr_pack_reader r;
    size_t m;
    fr_pack_reader_init(&T->pool, &r, w, 0);
    while (fr_pack_read(&T->pool, &r, e, CHUNK, &m) == FRUGAL_OK && m)
        hash_mark(B, J, e, x, m, bm);
    if (fr_pack_reader_left(&r))
        T->corrupt = 1;
}

static uint64_t check_chunked(btrim *B, bt_thread *T, round_job *J, fr_pack_writer *w,
                              const uint64_t *all)
{
    uint32_t *e = T->stash_e + B->stash_cap, *x = T->stash_x + B->stash_cap;
    uint64_t kills = 0;
    fr_pack_reader r;
    size_t m;
    fr_pack_reader_init(&T->pool, &r, w, 1);
    while (fr_pack_read(&T->pool, &r, e, CHUNK, &m) == FRUGAL_OK && m) {
        hash_local(B, J, e, x, m);
        kills += J->kern->check(e, x, m, all, B->alive);
    }
    if (fr_pack_reader_left(&r))
        T->corrupt = 1;
    fr_pack_reader_drop(&T->pool, &r);
    return kills;
}

#define LOAD_PIECE 4096 /* values decoded, hashed and marked while in cache */

/* Decodes stream w into the stash at *used (releasing its blocks), hashes it to
 * local nodes and marks them in bm (with atomic ORs when `shared`): the stash then
 * holds its edges at stash_e + *off and their nodes at stash_x + *off, *len of
 * them. It goes a piece at a time, so each piece is hashed and marked while still
 * in cache. A stream longer than the stash's free room is left in place
 * (*len = SIZE_MAX) for the chunked path, which marks it into chunk_bm. */
static void load_stream(btrim *B, bt_thread *T, round_job *J, fr_pack_writer *w, size_t *used,
                        size_t *off, size_t *len, uint64_t *chunk_bm, uint64_t *bm, int shared)
{
    if (fr_pack_writer_count(w) > B->stash_cap - *used) {
        *len = SIZE_MAX;
        mark_chunked(B, T, J, w, chunk_bm);
        return;
    }
    *off = *used;
    uint32_t *e = T->stash_e + *used, *x = T->stash_x + *used;
    fr_pack_reader r;
    fr_pack_reader_init(&T->pool, &r, w, 1);
    size_t n = 0, m;
    while (fr_pack_read(&T->pool, &r, e + n, LOAD_PIECE, &m) == FRUGAL_OK && m) {
        hash_local(B, J, e + n, x + n, m);
        if (shared) {
            _Atomic uint64_t *abm = (_Atomic uint64_t *)bm;
            for (size_t i = n; i < n + m; i++)
                atomic_fetch_or_explicit(&abm[x[i] >> 6], 1ull << (x[i] & 63),
                                         memory_order_relaxed);
        } else {
            for (size_t i = n; i < n + m; i++)
                bm[x[i] >> 6] |= 1ull << (x[i] & 63);
        }
        n += m;
    }
    if (fr_pack_reader_left(&r)) {
        T->corrupt = 1; /* our own streams: a broken invariant */
        fr_pack_reader_drop(&T->pool, &r);
    }
    *len = n;
    *used += n;
}

/* Applies the held-back kills to the thread's slice of A. Each segment is one
 * stream's kills (or a piece of one), ascending; applied a region of A at a time,
 * every segment in turn, so that a cache line of A is fetched once per batch rather
 * than once per bucket (each bucket's kills spread over the whole slice). */
static void apply_kills(btrim *B, bt_thread *T)
{
    const uint32_t *restrict k = T->kbuf;
    uint64_t *restrict alive = B->alive;
    size_t cur[64];
    for (unsigned s = 0; s < T->nseg; s++)
        cur[s] = s ? T->seg_end[s - 1] : 0;
    for (uint64_t w = T->w_lo; w < T->w_hi; w += KILL_REGION) {
        const uint64_t lim = (w + KILL_REGION) * 64;
        for (unsigned s = 0; s < T->nseg; s++) {
            size_t c = cur[s];
            const size_t end = T->seg_end[s];
            for (; c < end && k[c] < lim; c++)
                alive[k[c] >> 6] &= ~(1ull << (k[c] & 63));
            cur[s] = c;
        }
    }
    T->kn = 0;
    T->nseg = 0;
}

/* Checks edges e (ascending) with nodes x against marks. The dead ones join the
 * thread's kill buffer (applied to A when the next stream might not fit and at the
 * end of the pass), or are cleared in A at once when the buffer cannot hold a
 * whole stream. Returns how many died. */
static uint64_t check_held(btrim *B, bt_thread *T, const round_job *J, const uint32_t *e,
                           const uint32_t *x, size_t n, const uint64_t *marks)
{
    if (n > T->kcap)
        return J->kern->check(e, x, n, marks, B->alive);
    if (T->kn + n > T->kcap || T->nseg == 64)
        apply_kills(B, T);
    size_t d = J->kern->dead(e, x, n, marks, T->kbuf + T->kn);
    T->kn += d;
    T->seg_end[T->nseg++] = T->kn;
    return d;
}

/* Sparse passes (few edges per bucket): every thread marks copy 0 directly with an
 * atomic OR (rarely contended), so there are no per-thread copies to merge, and
 * clears only the words it set once all threads have checked. Three barriers per
 * group: marks done | checks done | clears done (copy 0 is one buffer). */
static void process_sparse(round_job *J, unsigned tid, unsigned nt)
{
    btrim *B = J->B;
    bt_thread *T = &B->th[tid];
    fr_pool *pool = J->ctx->pool;
    const uint64_t W = B->bm_words, G = B->group;
    uint64_t kills = 0;
    size_t off[64], len[64];
    _Atomic uint64_t *zero = (_Atomic uint64_t *)B->th[0].bm[0];
    for (uint64_t g0 = 0; g0 < J->nb; g0 += G) {
        const uint64_t gn = J->nb - g0 < G ? J->nb - g0 : G;
        size_t used = 0;
        for (uint64_t jj = 0; jj < gn; jj++) {
            /* a stream too long for the stash is marked in chunks into this thread's
             * own copy, OR-ed into copy 0 below */
            load_stream(B, T, J, &T->writers[g0 + jj], &used, &off[jj], &len[jj],
                        T->bm[1] + jj * W, (uint64_t *)zero + jj * W, 1);
            if (len[jj] == SIZE_MAX)
                atomic_store(&J->chunked, 1);
        }
        if (tid == 0 && fr_stopped(J->ctx))
            atomic_store(&J->abort, 1);
        fr_pool_barrier(pool);
        if (atomic_load(&J->abort))
            return;
        if (atomic_load(&J->chunked)) { /* rare: fold the chunked marks into copy 0 */
            const uint64_t lo = G * W * tid / nt, hi = G * W * (tid + 1) / nt;
            for (uint64_t i = lo; i < hi; i++)
                for (unsigned t = 0; t < nt; t++) {
                    uint64_t v = B->th[t].bm[1][i];
                    if (v) {
                        atomic_fetch_or_explicit(&zero[i], v, memory_order_relaxed);
                        B->th[t].bm[1][i] = 0;
                    }
                }
            fr_pool_barrier(pool);
        }
        const uint64_t *all = (const uint64_t *)zero;
        for (uint64_t jj = 0; jj < gn; jj++) {
            if (len[jj] == SIZE_MAX)
                kills += check_chunked(B, T, J, &T->writers[g0 + jj], all + jj * W);
            else
                kills += check_held(B, T, J, T->stash_e + off[jj], T->stash_x + off[jj], len[jj],
                                    all + jj * W);
        }
        fr_pool_barrier(pool); /* everyone has checked: the marks can go */
        if (atomic_load(&J->chunked)) {
            const uint64_t lo = G * W * tid / nt, hi = G * W * (tid + 1) / nt;
            memset((uint64_t *)zero + lo, 0, (hi - lo) * 8);
            fr_pool_barrier(pool);
            if (tid == 0)
                atomic_store(&J->chunked, 0);
            fr_pool_barrier(pool);
        } else {
            for (uint64_t jj = 0; jj < gn; jj++)
                for (size_t i = 0; i < len[jj]; i++)
                    atomic_store_explicit(&zero[jj * W + (T->stash_x[off[jj] + i] >> 6)], 0,
                                          memory_order_relaxed);
            /* the next group marks the same bitmap: nobody may start before every
             * thread has cleared its marks of this one */
            fr_pool_barrier(pool);
        }
    }
    apply_kills(B, T);
    T->kills += kills;
}

/* Marks, merges and checks the pass's buckets, all threads in lockstep, a group of
 * B->group buckets at a time. Thread t marks its copy T->bm[g & 1] (one bitmap per
 * bucket of the group); after a barrier each thread ORs its slice of every copy into
 * copy 0 (thread 0's), zeroing the other copies and copy 0's other buffer (whose
 * group everyone has checked) as it goes; after a second barrier all threads check
 * against copy 0. */
static void process(round_job *J, unsigned tid, unsigned nt)
{
    btrim *B = J->B;
    bt_thread *T = &B->th[tid];
    fr_pool *pool = J->ctx->pool;
    const uint64_t W = B->bm_words, G = B->group;
    uint64_t kills = 0;
    size_t off[64], len[64];
    for (uint64_t g0 = 0, grp = 0; g0 < J->nb; g0 += G, grp++) {
        const uint64_t gn = J->nb - g0 < G ? J->nb - g0 : G;
        const unsigned buf = grp & 1;
        uint64_t *mine = T->bm[buf];
        size_t used = 0;
        for (uint64_t jj = 0; jj < gn; jj++) {
            load_stream(B, T, J, &T->writers[g0 + jj], &used, &off[jj], &len[jj], mine + jj * W,
                        mine + jj * W, 0);
        }
        uint64_t *zero = B->th[0].bm[buf];
        if (tid == 0 && fr_stopped(J->ctx))
            atomic_store(&J->abort, 1);
        if (nt > 1)
            fr_pool_barrier(pool); /* after it, every thread reads the same abort flag */
        if (atomic_load(&J->abort))
            return;
        if (nt > 1) {
            uint64_t *zprev = B->th[0].bm[buf ^ 1];
            const uint64_t lo = G * W * tid / nt, hi = G * W * (tid + 1) / nt;
            for (uint64_t i = lo; i < hi; i++) {
                uint64_t v = zero[i];
                for (unsigned t = 1; t < nt; t++) {
                    v |= B->th[t].bm[buf][i];
                    B->th[t].bm[buf][i] = 0;
                }
                zero[i] = v;
                zprev[i] = 0;
            }
            fr_pool_barrier(pool);
        }
        int sparse = 1;
        for (uint64_t jj = 0; jj < gn; jj++) {
            if (len[jj] == SIZE_MAX) {
                kills += check_chunked(B, T, J, &T->writers[g0 + jj], zero + jj * W);
                sparse = 0;
            } else {
                kills += check_held(B, T, J, T->stash_e + off[jj], T->stash_x + off[jj], len[jj],
                                    zero + jj * W);
            }
        }
        if (nt == 1) { /* one thread: clear its only copy now */
            if (sparse && used < gn * W / 8) {
                for (uint64_t jj = 0; jj < gn; jj++)
                    for (size_t i = 0; i < len[jj]; i++)
                        zero[jj * W + (T->stash_x[off[jj] + i] >> 6)] = 0;
            } else {
                memset(zero, 0, gn * W * 8);
            }
        }
    }
    if (nt > 1 && J->nb) {
        fr_pool_barrier(pool); /* the last group's copy 0 is clean once all checked it */
        uint64_t *last = B->th[0].bm[((J->nb - 1) / G) & 1];
        const uint64_t lo = G * W * tid / nt, hi = G * W * (tid + 1) / nt;
        memset(last + lo, 0, (hi - lo) * 8);
    }
    apply_kills(B, T);
    T->kills += kills;
}

static void round_worker(void *p, unsigned tid, unsigned nt)
{
    round_job *J = p;
    distribute(J, tid);
    if (J->fault && tid == 0)
        J->B->th[0].full = 1; /* seen by all after the barrier */
    fr_pool_barrier(J->ctx->pool);
    if (atomic_load(&J->abort))
        return; /* everyone sees the same flags after the barrier */
    for (unsigned t = 0; t < nt; t++)
        if (J->B->th[t].full)
            return;
    /* the streams are written: the blocks they never took hold the kill buffer (the
     * process step only releases blocks) */
    bt_thread *T = &J->B->th[tid];
    size_t bytes;
    T->kbuf = fr_pack_pool_take_fresh(&T->pool, &bytes);
    T->kcap = bytes / 4 > KILL_MAX ? KILL_MAX : bytes / 4;
    if (T->kcap < KILL_MIN)
        T->kcap = 0;
    T->kn = 0;
    T->nseg = 0;
    if (J->sparse && nt > 1)
        process_sparse(J, tid, nt);
    else
        process(J, tid, nt);
}

/* ---- the solve ------------------------------------------------------------- */

static void reset_pools(btrim *B)
{
    for (unsigned t = 0; t < B->threads; t++) {
        /* the size was checked when planning */
        fr_pack_pool_init(&B->th[t].pool, B->pools + (uint64_t)t * B->pool_each, B->pool_each,
                          BLOCK_BYTES);
        B->th[t].full = 0;
    }
}

/* The fewest passes whose streams fit each thread's pool with the slack. */
static unsigned passes_for(const btrim *B, uint64_t n, uint64_t live)
{
    if (B->forced_passes)
        return B->forced_passes;
    unsigned K = 1;
    while (K < MAX_PASSES && (double)pass_bytes(B->format, B->bbits, B->threads, n, live, K) *
                                     (1.0 + B->slack) > (double)B->pool_each)
        K++;
    return K;
}

static void set_routes(btrim *B, unsigned K)
{
    for (uint64_t b = 0; b < B->buckets; b++)
        B->route[b] = (uint32_t)((b / K) << 8 | (b % K));
}

/* One round: K passes, doubling K and starting over when a pool runs dry (nothing is
 * lost: A only changes in process, which a full pass skips, and redoing passes that
 * completed kills nothing more). Adds the kills to *killed. */
static frugal_status run_round(btrim *B, fr_solve_ctx *ctx, unsigned side, uint64_t live,
                               int record, uint64_t *killed)
{
    uint64_t n = ctx->nedges;
    unsigned K = passes_for(B, n, live);
    unsigned k = fr_pack_rice_k(mean_gap(B->bbits, (double)live / (double)n));
    /* sparse when marking would touch under an eighth of each bitmap's words, so
     * that merging whole per-thread copies would cost more than atomic marks */
    int sparse = (double)live / (double)B->buckets * 8 < (double)B->bm_words;
    round_job J = {B, ctx, side, K, 0, k, 0, record, live == n, sparse, 0,
                   fr_bt_kernels_select(), 0, 0};
    for (unsigned t = 0; t < B->threads; t++)
        B->th[t].kills = B->th[t].stored_bits = B->th[t].stored_values = 0;
    for (int attempt = 0;; attempt++) {
        set_routes(B, K);
        J.K = K;
        int full = 0;
        for (unsigned p = 0; p < K && !full; p++) {
            if (fr_stopped(ctx))
                return FRUGAL_ERR_STOPPED;
            reset_pools(B);
            J.pass = p;
            J.fault = attempt == 0 && fr_bt_fault_left > 0 && (int)p == fr_bt_fault_pass;
            fr_bt_fault_left -= J.fault;
            J.nb = (B->buckets - p + K - 1) / K;
            fr_pool_run(ctx->pool, round_worker, &J);
            if (atomic_load(&J.abort))
                return FRUGAL_ERR_STOPPED;
            for (unsigned t = 0; t < B->threads; t++) {
                full |= B->th[t].full;
                if (B->th[t].corrupt)
                    return FRUGAL_ERR_INTERNAL;
            }
        }
        if (!full)
            break;
        ctx->stats->bucket_retries++;
        if (K >= B->buckets || K >= MAX_PASSES * 16)
            return FRUGAL_ERR_BUDGET;
        K *= 2;
        /* passes that completed killed edges, and the new partition can give them to
         * another pass: read the bitmap from now on */
        J.all_live = 0;
        for (unsigned t = 0; t < B->threads; t++)
            B->th[t].stored_bits = B->th[t].stored_values = 0;
    }
    uint64_t bits = 0, values = 0;
    for (unsigned t = 0; t < B->threads; t++) {
        *killed += B->th[t].kills;
        bits += B->th[t].stored_bits;
        values += B->th[t].stored_values;
    }
    if (record && values)
        ctx->stats->bits_per_edge = (double)bits / (double)values;
    return FRUGAL_OK;
}

static frugal_status bt_solve(void *state, fr_solve_ctx *ctx, fr_sols *sols)
{
    btrim *B = state;
    uint64_t n = ctx->nedges, live = n;
    fr_bitmap_fill(B->alive, B->words, n);
    for (unsigned t = 0; t < B->threads; t++) {
        memset(B->th[t].bm[0], 0, B->group * B->bm_words * 8);
        memset(B->th[t].bm[1], 0, B->group * B->bm_words * 8);
    }
    for (unsigned t = 0; t < B->threads; t++)
        B->th[t].corrupt = 0;
    unsigned r = 0, idle = 0;
    while (live > B->switch_n && idle < 2) {
        uint64_t killed = 0;
        frugal_status st = run_round(B, ctx, r & 1, live, r == 0, &killed);
        if (st != FRUGAL_OK)
            return st;
        idle = killed ? 0 : idle + 1;
        fr_log_round(ctx, r, live - killed, live, "trim");
        live -= killed;
        r++;
    }
    /* the pools are empty now: the tail takes their memory */
    return fr_tail_from_bitmap(ctx, B->alive, B->words, live, B->pools, B->pools_bytes, r, sols);
}

const fr_trimmer_ops fr_mean_ops = {FRUGAL_SOLVER_MEAN, mean_plan, bt_create, bt_solve, bt_destroy};
const fr_trimmer_ops fr_packed_ops = {FRUGAL_SOLVER_PACKED, packed_plan, bt_create, bt_solve,
                                      bt_destroy};
const fr_trimmer_ops fr_slean_ops = {FRUGAL_SOLVER_SLEAN, slean_plan, bt_create, bt_solve,
                                     bt_destroy};
