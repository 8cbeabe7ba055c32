/* Thread pool: workers sleep on a condition variable between runs. The barrier spins
 * briefly (phases are short when every thread has a core) and then sleeps on a futex,
 * so that a machine with more runnable threads than cores (tests in parallel, other
 * work) does not turn each barrier into a wait for a lost timeslice. Sense reversal
 * makes it reusable at once. */
#include "common/pool.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

struct fr_pool {
    unsigned n;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    unsigned generation, running;
    int quit;
    fr_pool_fn fn;
    void *ctx;
    atomic_uint bar_count;
    atomic_uint bar_sense;
    atomic_uint bar_sleepers; /* threads in (or about to enter) the futex wait */
};

struct worker_arg {
    fr_pool *pool;
    unsigned tid;
};

static void *worker(void *p)
{
    struct worker_arg *arg = p;
    fr_pool *pool = arg->pool;
    unsigned tid = arg->tid, seen = 0;
    free(arg);
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        while (pool->generation == seen && !pool->quit)
            pthread_cond_wait(&pool->wake, &pool->mu);
        if (pool->quit) {
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
        seen = pool->generation;
        fr_pool_fn fn = pool->fn;
        void *ctx = pool->ctx;
        pthread_mutex_unlock(&pool->mu);
        fn(ctx, tid, pool->n);
        pthread_mutex_lock(&pool->mu);
        if (--pool->running == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->mu);
    }
}

fr_pool *fr_pool_create(unsigned nthreads)
{
    if (nthreads < 1)
        nthreads = 1;
    fr_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->n = nthreads;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->threads = calloc(nthreads, sizeof *pool->threads);
    if (!pool->threads) {
        free(pool);
        return NULL;
    }
    for (unsigned t = 1; t < nthreads; t++) {
        struct worker_arg *arg = malloc(sizeof *arg);
        if (!arg || (arg->pool = pool, arg->tid = t,
                     pthread_create(&pool->threads[t], NULL, worker, arg) != 0)) {
            free(arg);
            pool->n = t; /* join what was started */
            fr_pool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void fr_pool_destroy(fr_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->mu);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    for (unsigned t = 1; t < pool->n; t++)
        pthread_join(pool->threads[t], NULL);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool->threads);
    free(pool);
}

unsigned fr_pool_threads(const fr_pool *pool) { return pool->n; }

void fr_pool_run(fr_pool *pool, fr_pool_fn fn, void *ctx)
{
    if (pool->n == 1) {
        fn(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&pool->mu);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->running = pool->n - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    fn(ctx, 0, pool->n);
    pthread_mutex_lock(&pool->mu);
    while (pool->running)
        pthread_cond_wait(&pool->done, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
}

void fr_pool_barrier(fr_pool *pool)
{
    if (pool->n == 1)
        return;
    unsigned sense = atomic_load_explicit(&pool->bar_sense, memory_order_relaxed);
    if (atomic_fetch_add_explicit(&pool->bar_count, 1, memory_order_acq_rel) == pool->n - 1) {
        atomic_store_explicit(&pool->bar_count, 0, memory_order_relaxed);
        /* seq_cst on both sides (Dekker): either this load sees a sleeper, or that
         * sleeper's futex wait sees the new sense and returns at once */
        atomic_store(&pool->bar_sense, sense ^ 1);
        if (atomic_load(&pool->bar_sleepers))
            syscall(SYS_futex, &pool->bar_sense, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
        return;
    }
    for (unsigned spins = 0;
         atomic_load_explicit(&pool->bar_sense, memory_order_acquire) == sense; spins++) {
        if (spins < 500)
            __builtin_ia32_pause();
        else { /* sleeps only while the sense is still `sense` */
            atomic_fetch_add(&pool->bar_sleepers, 1);
            syscall(SYS_futex, &pool->bar_sense, FUTEX_WAIT_PRIVATE, sense, NULL, NULL, 0);
            atomic_fetch_sub(&pool->bar_sleepers, 1);
        }
    }
}

unsigned fr_online_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    return 1;
}
