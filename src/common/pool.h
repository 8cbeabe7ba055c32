/* A fixed pool of worker threads that run one function on every thread at once.
 *
 * fr_pool_run(pool, fn, ctx) calls fn(ctx, tid, n) on n threads (the caller is
 * tid 0) and returns when all have returned. Inside fn, fr_pool_barrier() waits for
 * the other threads of the same run. Work inside a run is split by the caller,
 * statically by tid or dynamically with an atomic counter. A run is the unit of
 * parallelism of every phase of the solvers and the tree builder. */
#ifndef FRUGAL_COMMON_POOL_H
#define FRUGAL_COMMON_POOL_H

typedef struct fr_pool fr_pool;
typedef void (*fr_pool_fn)(void *ctx, unsigned tid, unsigned nthreads);

/* Creates a pool of nthreads >= 1 (nthreads - 1 new threads). NULL when the threads
 * or memory cannot be had. */
fr_pool *fr_pool_create(unsigned nthreads);

/* Joins the workers and frees the pool; NULL is ignored. */
void fr_pool_destroy(fr_pool *pool);

/* The number of threads that run each call. */
unsigned fr_pool_threads(const fr_pool *pool);

/* Runs fn on every thread of the pool and waits for all. Not reentrant: one run at a
 * time per pool, from the thread that created it. */
void fr_pool_run(fr_pool *pool, fr_pool_fn fn, void *ctx);

/* Waits until every thread of the current run has called it (a reusable barrier). */
void fr_pool_barrier(fr_pool *pool);

/* The number of CPUs this process may run on (at least 1). */
unsigned fr_online_cpus(void);
#endif
