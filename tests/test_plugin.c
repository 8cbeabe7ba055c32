/* The grin-miner plugins, loaded the way grin-miner loads them: dlopen the
 * .cuckooplugin, look up the five symbols, start from grin-miner's default
 * SolverParams, call fill_default_params, create a context, and call run_solver with
 * nonce 0, range 1 and mutate_nonce false on headers with the nonce already in place
 * (Grin's published graphs of grin80.txt, C15 and C19). Every cycle is checked by
 * the verifier and against the vectors. Also: mutate_nonce with a range (Tromp's
 * plugins' mode), stop_solver from another thread during a C22 run whose graph has a
 * known cycle (the stopped run reports none; the next run finds it), the stats, the
 * budget error path (FRUGAL_MAX_MEM), and that nothing but the five symbols leaks. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cuckoo_plugin.h"
#include "frugal/cuckatoo.h"
#include "harness.h"
#include "vectors.h"

typedef SolverCtx *(*create_fn)(SolverParams *);
typedef void (*destroy_fn)(SolverCtx *);
typedef uint32_t (*run_fn)(SolverCtx *, const unsigned char *, uint32_t, uint64_t, uint32_t,
                           SolverSolutions *, SolverStats *);
typedef void (*stop_fn)(SolverCtx *);
typedef void (*fill_fn)(SolverParams *);

typedef struct plugin {
    void *handle;
    create_fn create;
    destroy_fn destroy;
    run_fn run;
    stop_fn stop;
    fill_fn fill;
} plugin;

static plugin load(unsigned eb)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/frugal_cuckatoo_%u.cuckooplugin", FRUGAL_PLUGIN_DIR, eb);
    plugin p;
    p.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p.handle)
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    REQUIRE(p.handle);
    /* POSIX: a function pointer from dlsym's void* (as libloading does) */
    *(void **)&p.create = dlsym(p.handle, "create_solver_ctx");
    *(void **)&p.destroy = dlsym(p.handle, "destroy_solver_ctx");
    *(void **)&p.run = dlsym(p.handle, "run_solver");
    *(void **)&p.stop = dlsym(p.handle, "stop_solver");
    *(void **)&p.fill = dlsym(p.handle, "fill_default_params");
    REQUIRE(p.create && p.destroy && p.run && p.stop && p.fill);
    /* the library inside stays private */
    CHECK(dlsym(p.handle, "frugal_solver_create") == NULL);
    CHECK(dlsym(p.handle, "frugal_cuckatoo_verify") == NULL);
    return p;
}

/* grin-miner's SolverParams::default(), then the plugin's defaults, then config. */
static SolverParams grin_miner_params(const plugin *p, uint32_t nthreads)
{
    SolverParams params;
    memset(&params, 0, sizeof params);
    params.showcycle = true;
    params.cpuload = true;
    p->fill(&params);
    CHECK(params.mutate_nonce == false && params.showcycle == true);
    params.nthreads = nthreads;
    return params;
}

static const cuckatoo_vector *find(const cuckatoo_vector *v, size_t n, unsigned eb, uint64_t nonce)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].edgebits == eb && v[i].nonce == nonce)
            return &v[i];
    return NULL;
}

static void zero_header(unsigned char *h, size_t len, uint32_t nonce)
{
    memset(h, 0, len);
    frugal_header_put_nonce32(h, len, nonce);
}

/* Checks that sols holds exactly the vector's cycles (in any order), each verified. */
static void check_solutions(const SolverSolutions *sols, const cuckatoo_vector *v,
                            uint64_t want_nonce)
{
    CHECK_EQ_U64(sols->edge_bits, v->edgebits);
    CHECK_EQ_U64(sols->num_sols, v->nsols);
    for (uint32_t i = 0; i < sols->num_sols && i < CUCKOO_MAX_SOLS; i++) {
        CHECK_EQ_U64(sols->sols[i].nonce, want_nonce);
        CHECK_STATUS(frugal_cuckatoo_verify(&v->keys, v->edgebits, sols->sols[i].proof, 42, 42),
                     FRUGAL_OK);
        int match = 0;
        for (unsigned k = 0; k < v->nsols; k++)
            match |= memcmp(sols->sols[i].proof, v->sols[k], sizeof v->sols[k]) == 0;
        CHECK(match);
    }
}

static void test_known_graphs(const cuckatoo_vector *vec, size_t nvec)
{
    static const struct {
        unsigned eb;
        uint64_t nonce;
    } cases[] = {{15, 1546569}, {19, 68}};
    for (size_t c = 0; c < 2; c++) {
        const cuckatoo_vector *v = find(vec, nvec, cases[c].eb, cases[c].nonce);
        REQUIRE(v && v->nsols >= 1);
        plugin p = load(cases[c].eb);
        SolverParams params = grin_miner_params(&p, 2);
        SolverCtx *ctx = p.create(&params);
        REQUIRE(ctx);
        unsigned char header[80];
        zero_header(header, sizeof header, (uint32_t)cases[c].nonce);
        SolverSolutions sols;
        SolverStats stats;
        memset(&sols, 0, sizeof sols);
        memset(&stats, 0, sizeof stats);
        snprintf((char *)stats.plugin_name, sizeof stats.plugin_name, "frugal_cuckatoo_%u",
                 cases[c].eb);
        uint32_t rc = p.run(ctx, header, sizeof header, 0, 1, &sols, &stats);
        CHECK_EQ_U64(rc, v->nsols);
        check_solutions(&sols, v, 0);
        CHECK_EQ_U64(stats.edge_bits, cases[c].eb);
        CHECK(!stats.has_errored && stats.error_reason[0] == '\0');
        CHECK(strncmp((const char *)stats.device_name, "CPU (frugal", 11) == 0);
        CHECK(strncmp((const char *)stats.plugin_name, "frugal_cuckatoo_", 16) == 0);
        CHECK(stats.last_start_time > 1500000000ull * 1000000000ull); /* ns since the epoch */
        CHECK(stats.last_end_time >= stats.last_start_time);
        CHECK_EQ_U64(stats.last_solution_time, stats.last_end_time - stats.last_start_time);
        CHECK_EQ_U64(stats.iterations, 1);
        /* a second run on the same context gives the same answer */
        memset(&sols, 0, sizeof sols);
        CHECK_EQ_U64(p.run(ctx, header, sizeof header, 0, 1, &sols, &stats), v->nsols);
        check_solutions(&sols, v, 0);
        CHECK_EQ_U64(stats.iterations, 2);

        /* Tromp's mode: the plugin writes nonce+r into the header's last word */
        p.destroy(ctx);
        params.mutate_nonce = true;
        ctx = p.create(&params);
        REQUIRE(ctx);
        memset(header, 0, sizeof header);
        memset(&sols, 0, sizeof sols);
        rc = p.run(ctx, header, sizeof header, cases[c].nonce - 1, 3, &sols, &stats);
        CHECK(rc == sols.num_sols && rc >= v->nsols && rc <= CUCKOO_MAX_SOLS);
        unsigned at_nonce = 0;
        for (uint32_t i = 0; i < sols.num_sols; i++)
            if (sols.sols[i].nonce == cases[c].nonce)
                at_nonce++;
        CHECK_EQ_U64(at_nonce, v->nsols);
        CHECK(header[76] == 0 && header[79] == 0); /* the caller's header is not touched */
        p.destroy(ctx);
        dlclose(p.handle);
    }
}

typedef struct stop_job {
    plugin *p;
    SolverCtx *ctx;
    unsigned char header[246];
    SolverSolutions sols;
    SolverStats stats;
    uint32_t rc;
    atomic_int started, done;
} stop_job;

static void *run_thread(void *arg)
{
    stop_job *j = arg;
    atomic_store(&j->started, 1);
    j->rc = j->p->run(j->ctx, j->header, sizeof j->header, 0, 1, &j->sols, &j->stats);
    atomic_store(&j->done, 1);
    return NULL;
}

static void test_stop(void)
{
    cuckatoo_vector *vec;
    size_t n = read_cuckatoo_vectors("cuckatoo/zero246-c22.txt", &vec);
    const cuckatoo_vector *v = NULL;
    for (size_t i = 0; i < n && !v; i++)
        if (vec[i].nsols == 1)
            v = &vec[i];
    REQUIRE(v);
    plugin p = load(22);
    SolverParams params = grin_miner_params(&p, 2);
    stop_job *j = calloc(1, sizeof *j);
    REQUIRE(j);
    j->p = &p;
    j->ctx = p.create(&params);
    REQUIRE(j->ctx);
    zero_header(j->header, sizeof j->header, (uint32_t)v->nonce);
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, run_thread, j) == 0);
    while (!atomic_load(&j->started))
        ;
    /* grin-miner's control thread: stop until the run returns */
    struct timespec ms = {0, 1000000};
    while (!atomic_load(&j->done)) {
        nanosleep(&ms, NULL);
        p.stop(j->ctx);
    }
    pthread_join(th, NULL);
    double stopped_ms = (double)j->stats.last_solution_time / 1e6;
    CHECK_EQ_U64(j->rc, 0);
    CHECK_EQ_U64(j->sols.num_sols, 0);
    CHECK(!j->stats.has_errored); /* a stop is not an error: grin-miner would end the solver */
    /* the stop does not outlive the run: the same graph now yields its cycle */
    memset(&j->sols, 0, sizeof j->sols);
    j->rc = p.run(j->ctx, j->header, sizeof j->header, 0, 1, &j->sols, &j->stats);
    CHECK_EQ_U64(j->rc, 1);
    check_solutions(&j->sols, v, 0);
    /* a figure, not a check: how soon the stop took effect */
    printf("test_plugin: C22 run stopped after %.1f ms (a full run: %.1f ms)\n", stopped_ms,
           (double)j->stats.last_solution_time / 1e6);
    p.destroy(j->ctx);
    free(j);
    free(vec);
    dlclose(p.handle);
}

static void test_errors(void)
{
    plugin p = load(15);
    SolverParams params = grin_miner_params(&p, 1);
    setenv("FRUGAL_MAX_MEM", "1K", 1);
    SolverCtx *ctx = p.create(&params);
    unsetenv("FRUGAL_MAX_MEM");
    REQUIRE(ctx); /* a context that reports its error, not NULL */
    unsigned char header[80] = {0};
    SolverSolutions sols;
    SolverStats stats;
    memset(&sols, 0, sizeof sols);
    memset(&stats, 0, sizeof stats);
    CHECK_EQ_U64(p.run(ctx, header, sizeof header, 0, 1, &sols, &stats), 0);
    CHECK(stats.has_errored && strstr((const char *)stats.error_reason, "budget") != NULL);
    CHECK_EQ_U64(sols.num_sols, 0);
    p.destroy(ctx);
    setenv("FRUGAL_SOLVER", "fastest", 1);
    ctx = p.create(&params);
    unsetenv("FRUGAL_SOLVER");
    REQUIRE(ctx);
    CHECK_EQ_U64(p.run(ctx, header, sizeof header, 0, 1, NULL, &stats), 0);
    CHECK(stats.has_errored && strstr((const char *)stats.error_reason, "FRUGAL_SOLVER") != NULL);
    p.destroy(ctx);
    /* NULL tolerance; a NULL header with a length is an error, not a crash */
    ctx = p.create(NULL);
    REQUIRE(ctx);
    CHECK_EQ_U64(p.run(ctx, NULL, 80, 0, 1, &sols, &stats), 0);
    CHECK(stats.has_errored);
    CHECK_EQ_U64(p.run(NULL, header, 80, 0, 1, &sols, &stats), 0);
    p.stop(NULL);
    p.destroy(NULL);
    p.fill(NULL);
    p.destroy(ctx);
    dlclose(p.handle);
}

int main(void)
{
    cuckatoo_vector *vec;
    size_t n = read_cuckatoo_vectors("cuckatoo/grin80.txt", &vec);
    test_known_graphs(vec, n);
    free(vec);
    test_stop();
    test_errors();
    return fr_test_result("test_plugin");
}
