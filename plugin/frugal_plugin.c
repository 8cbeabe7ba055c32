/* A grin-miner solver plugin on libfrugal.
 *
 * grin-miner passes no edge bits to a plugin, so, as in the field (one
 * cuckatoo_lean_cpu_compat_31.cuckooplugin per size), each module is built for one
 * size: FRUGAL_PLUGIN_EDGEBITS, in frugal_cuckatoo_<EB>.cuckooplugin. The solver is
 * frugal's best kind whose plan fits the budget (FRUGAL_SOLVER_AUTO), created once
 * per context with all its memory, then reused for every run_solver call.
 *
 * grin-miner's SolverParams carry no memory budget; the environment does:
 *   FRUGAL_MAX_MEM=6G   budget for the solver (K/M/G/T suffixes), none by default
 *   FRUGAL_SOLVER=kind  lean|mean|packed|slean|auto (default auto)
 * A context whose solver cannot be made (budget too small, bad variable) is still
 * returned: run_solver then reports has_errored with the reason, which grin-miner
 * logs before stopping that solver, instead of grin-miner failing on a NULL context.
 *
 * run_solver hashes header[0..header_len) as given (grin-miner: nonce 0, range 1,
 * mutate_nonce false; the nonce is already in the header) or, with mutate_nonce,
 * writes nonce+r as u32 little-endian into the header's last whole word for each r
 * of the range, as Tromp's plugins do. Every cycle is checked by frugal's verifier
 * before it is reported; at most CUCKOO_MAX_SOLS are stored, each with nonce+r.
 * stop_solver may come from any thread; the request holds until the next
 * run_solver starts. Nothing here prints. ABI: cuckoo_plugin.h, doc/mining.md. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cuckoo_plugin.h"
#include "frugal/cuckatoo.h"

#ifndef FRUGAL_PLUGIN_EDGEBITS
#error "build with -DFRUGAL_PLUGIN_EDGEBITS=<edge bits>"
#endif

struct SolverCtx {
    frugal_solver *solver;     /* NULL when it could not be made: see error */
    SolverParams params;
    atomic_int stop;
    uint32_t iterations;
    char error[CUCKOO_MAX_NAME_LEN];
    char device[CUCKOO_MAX_NAME_LEN];
};

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_text(unsigned char dst[CUCKOO_MAX_NAME_LEN], const char *src)
{
    size_t n = strlen(src);
    if (n >= CUCKOO_MAX_NAME_LEN)
        n = CUCKOO_MAX_NAME_LEN - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void fill_default_params(SolverParams *params)
{
    if (!params)
        return;
    memset(params, 0, sizeof *params);
    params->showcycle = true;
    params->cpuload = true;
}

/* The solver parameters from grin-miner's and the environment's; "" or a reason. */
static void make_solver(SolverCtx *ctx)
{
    frugal_solver_params sp;
    frugal_solver_params_default(&sp, FRUGAL_PLUGIN_EDGEBITS);
    sp.threads = ctx->params.nthreads;
    const char *mem = getenv("FRUGAL_MAX_MEM"), *kind = getenv("FRUGAL_SOLVER");
    if (mem && *mem && (frugal_parse_size(mem, &sp.max_mem) != FRUGAL_OK || !sp.max_mem)) {
        snprintf(ctx->error, sizeof ctx->error, "FRUGAL_MAX_MEM=%.64s is not a size like 6G", mem);
        return;
    }
    if (kind && *kind && frugal_solver_kind_parse(kind, &sp.kind) != FRUGAL_OK) {
        snprintf(ctx->error, sizeof ctx->error,
                 "FRUGAL_SOLVER=%.64s is not lean, mean, packed, slean or auto", kind);
        return;
    }
    frugal_solver_plan plan;
    frugal_status st = frugal_plan_solver(&sp, &plan);
    if (st == FRUGAL_OK)
        st = frugal_solver_create(&sp, &ctx->solver);
    if (st != FRUGAL_OK) {
        snprintf(ctx->error, sizeof ctx->error, "frugal C%d solver: %s: %.180s",
                 FRUGAL_PLUGIN_EDGEBITS, frugal_status_str(st), plan.text);
        return;
    }
    snprintf(ctx->device, sizeof ctx->device, "CPU (frugal %.200s)", plan.text);
}

SolverCtx *create_solver_ctx(SolverParams *params)
{
    SolverCtx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    if (params)
        ctx->params = *params;
    else
        fill_default_params(&ctx->params);
    snprintf(ctx->device, sizeof ctx->device, "CPU (frugal)");
    make_solver(ctx);
    return ctx;
}

void destroy_solver_ctx(SolverCtx *ctx)
{
    if (!ctx)
        return;
    frugal_solver_destroy(ctx->solver);
    free(ctx);
}

void stop_solver(SolverCtx *ctx)
{
    if (!ctx)
        return;
    atomic_store(&ctx->stop, 1);
    if (ctx->solver)
        frugal_solver_stop(ctx->solver);
}

static void report_error(SolverStats *stats, const char *why)
{
    if (!stats)
        return;
    stats->has_errored = true;
    set_text(stats->error_reason, why);
}

/* Stores the verified cycles of the last solve of graph nonce. */
static uint32_t store(SolverCtx *ctx, const frugal_sipkeys *keys, uint64_t nonce,
                      SolverSolutions *sols, SolverStats *stats)
{
    uint64_t edges[CUCKOO_PROOFSIZE];
    uint32_t found = 0;
    for (size_t i = 0; i < frugal_solver_count(ctx->solver); i++) {
        if (frugal_solver_solution(ctx->solver, i, edges) != FRUGAL_OK ||
            frugal_cuckatoo_verify(keys, FRUGAL_PLUGIN_EDGEBITS, edges, CUCKOO_PROOFSIZE,
                                   CUCKOO_PROOFSIZE) != FRUGAL_OK) {
            report_error(stats, "internal error: a cycle failed verification");
            continue;
        }
        found++;
        if (sols && sols->num_sols < CUCKOO_MAX_SOLS) {
            Solution *s = &sols->sols[sols->num_sols++];
            s->id = 0;
            s->nonce = nonce;
            memcpy(s->proof, edges, sizeof s->proof);
        }
    }
    return found;
}

uint32_t run_solver(SolverCtx *ctx, const unsigned char *header, uint32_t header_len,
                    uint64_t nonce, uint32_t range, SolverSolutions *sols, SolverStats *stats)
{
    if (!ctx)
        return 0;
    atomic_store(&ctx->stop, 0);
    if (sols) {
        sols->edge_bits = FRUGAL_PLUGIN_EDGEBITS;
        sols->num_sols = 0;
    }
    if (stats) {
        stats->device_id = ctx->params.device;
        stats->edge_bits = FRUGAL_PLUGIN_EDGEBITS;
        set_text(stats->device_name, ctx->device);
        stats->has_errored = false;
        stats->error_reason[0] = '\0';
    }
    const char *err = NULL;
    if (ctx->error[0])
        err = ctx->error;
    else if (!header && header_len)
        err = "no header";
    else if (ctx->params.mutate_nonce && header_len < 4)
        err = "header too short for a nonce";
    unsigned char *buf = NULL;
    if (!err && ctx->params.mutate_nonce && !(buf = malloc(header_len)))
        err = "out of memory";
    if (err) {
        report_error(stats, err);
        return 0;
    }
    if (buf)
        memcpy(buf, header, header_len);
    uint32_t found = 0;
    for (uint32_t r = 0; r < range && !atomic_load(&ctx->stop); r++) {
        frugal_sipkeys keys;
        uint64_t t0 = wall_ns();
        if (buf)
            frugal_header_put_nonce32(buf, header_len, (uint32_t)(nonce + r));
        if (frugal_cuckatoo_keys(buf ? buf : header, header_len, &keys) != FRUGAL_OK) {
            report_error(stats, "cannot hash the header");
            break;
        }
        frugal_status st = frugal_solver_solve(ctx->solver, &keys);
        uint64_t t1 = wall_ns();
        ctx->iterations++;
        if (stats) {
            stats->iterations = ctx->iterations;
            stats->last_start_time = t0;
            stats->last_end_time = t1;
            stats->last_solution_time = t1 - t0;
        }
        if (st == FRUGAL_ERR_STOPPED)
            break;
        if (st != FRUGAL_OK) {
            char why[CUCKOO_MAX_NAME_LEN];
            snprintf(why, sizeof why, "solve: %s", frugal_status_str(st));
            report_error(stats, why);
            break;
        }
        found += store(ctx, &keys, nonce + r, sols, stats);
    }
    free(buf);
    return sols ? sols->num_sols : found;
}
