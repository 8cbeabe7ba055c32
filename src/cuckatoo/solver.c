/* The solver front end: parameters, planning across trimmer kinds, the reusable
 * solver object, results and figures. Trimmers are in lean.c (and later kinds);
 * the explicit tail and cycle search in tail.c. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"
#include "cuckatoo/tail.h"
#include "cuckatoo/trimmers.h"

struct frugal_solver {
    frugal_solver_params params;
    frugal_solver_plan plan;
    const fr_trimmer_ops *ops;
    void *state;
    fr_pool *pool;
    fr_mem mem;
    atomic_int stop;
    fr_sols sols;
    frugal_solver_stats stats;
};

static const char *const kind_names[] = {"auto", "lean", "mean", "packed", "slean"};

const char *frugal_solver_kind_name(frugal_solver_kind kind)
{
    return (unsigned)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : NULL;
}

frugal_status frugal_solver_kind_parse(const char *name, frugal_solver_kind *kind)
{
    if (!name || !kind)
        return FRUGAL_ERR_ARG;
    for (unsigned i = 0; i < sizeof kind_names / sizeof *kind_names; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (frugal_solver_kind)i;
            return FRUGAL_OK;
        }
    }
    return FRUGAL_ERR_PARSE;
}

void frugal_solver_params_default(frugal_solver_params *p, unsigned edgebits)
{
    memset(p, 0, sizeof *p);
    p->edgebits = edgebits;
    p->cycle_len = FRUGAL_CYCLE_DEFAULT;
    p->kind = FRUGAL_SOLVER_AUTO;
}

/* Kinds in the order auto prefers them (fastest first). */
static const fr_trimmer_ops *const by_speed[] = {&fr_mean_ops, &fr_packed_ops, &fr_slean_ops,
                                                  &fr_lean_ops};

static const fr_trimmer_ops *ops_for(frugal_solver_kind kind)
{
    for (size_t i = 0; i < sizeof by_speed / sizeof *by_speed; i++)
        if (by_speed[i]->kind == kind)
            return by_speed[i];
    return NULL;
}

static void human_bytes(uint64_t b, char *buf, size_t len)
{
    if (b >= ((uint64_t)1 << 30))
        snprintf(buf, len, "%.2f GiB", (double)b / (double)((uint64_t)1 << 30));
    else
        snprintf(buf, len, "%.1f MiB", (double)b / (double)(1 << 20));
}

static void describe(frugal_solver_plan *plan)
{
    char bytes[32];
    human_bytes(plan->planned_bytes, bytes, sizeof bytes);
    snprintf(plan->text, sizeof plan->text, "%s, %u threads, %u pass%s, %u bucket bits, %s",
             frugal_solver_kind_name(plan->kind), plan->threads, plan->passes,
             plan->passes == 1 ? "" : "es", plan->bucket_bits, bytes);
}

frugal_status frugal_plan_solver(const frugal_solver_params *p, frugal_solver_plan *plan)
{
    if (!p || !plan)
        return FRUGAL_ERR_ARG;
    memset(plan, 0, sizeof *plan);
    if (p->edgebits < FRUGAL_EDGEBITS_MIN || p->edgebits > FRUGAL_EDGEBITS_MAX ||
        p->cycle_len < FRUGAL_CYCLE_MIN || p->cycle_len > FRUGAL_CYCLE_MAX || (p->cycle_len & 1) ||
        p->threads > 256 || !frugal_solver_kind_name(p->kind) || p->bucket_slack < -0.5 ||
        p->bucket_slack > 10 ||
        (p->bucket_node_bits &&
         (p->bucket_node_bits < FRUGAL_BUCKET_NODE_BITS_MIN ||
          p->bucket_node_bits > FRUGAL_BUCKET_NODE_BITS_MAX ||
          p->bucket_node_bits + FRUGAL_BUCKETS_BITS_MIN > p->edgebits ||
          p->bucket_node_bits + FRUGAL_BUCKETS_BITS_MAX < p->edgebits)))
        return FRUGAL_ERR_ARG;
    unsigned threads = p->threads ? p->threads : fr_online_cpus();
    if (threads > 256)
        threads = 256;
    if (p->kind != FRUGAL_SOLVER_AUTO) {
        const fr_trimmer_ops *ops = ops_for(p->kind);
        if (!ops) {
            snprintf(plan->text, sizeof plan->text, "solver %s is not available",
                     frugal_solver_kind_name(p->kind));
            return FRUGAL_ERR_UNSUPPORTED;
        }
        frugal_status st = ops->plan(p, threads, plan);
        describe(plan);
        return st;
    }
    uint64_t smallest = UINT64_MAX;
    for (size_t i = 0; i < sizeof by_speed / sizeof *by_speed; i++) {
        frugal_status st = by_speed[i]->plan(p, threads, plan);
        describe(plan);
        if (st == FRUGAL_OK)
            return FRUGAL_OK;
        if (st != FRUGAL_ERR_BUDGET)
            return st;
        if (plan->planned_bytes < smallest)
            smallest = plan->planned_bytes;
    }
    char need[32], have[32];
    human_bytes(smallest, need, sizeof need);
    human_bytes(p->max_mem, have, sizeof have);
    plan->planned_bytes = smallest;
    snprintf(plan->text, sizeof plan->text,
             "no solver fits %s for edge bits %u: the smallest needs %s", have, p->edgebits, need);
    return FRUGAL_ERR_BUDGET;
}

frugal_status frugal_solver_create(const frugal_solver_params *p, frugal_solver **out)
{
    if (!out)
        return FRUGAL_ERR_ARG;
    *out = NULL;
    frugal_solver_plan plan;
    frugal_status st = frugal_plan_solver(p, &plan);
    if (st != FRUGAL_OK)
        return st;
    frugal_solver *s = calloc(1, sizeof *s);
    if (!s)
        return FRUGAL_ERR_NOMEM;
    s->params = *p;
    s->plan = plan;
    s->ops = ops_for(plan.kind);
    /* the budget covers the solver's memory; the fixed overhead is part of the plan */
    fr_mem_init(&s->mem, p->max_mem ? p->max_mem - FR_SOLVER_OVERHEAD_BYTES : 0);
    s->pool = fr_pool_create(plan.threads);
    if (!s->pool) {
        free(s);
        return FRUGAL_ERR_NOMEM;
    }
    st = s->ops->create(&s->params, &s->plan, &s->mem, &s->state);
    if (st != FRUGAL_OK) {
        fr_pool_destroy(s->pool);
        free(s);
        return st;
    }
    fr_sols_reset(&s->sols, p->cycle_len);
    *out = s;
    return FRUGAL_OK;
}

const frugal_solver_plan *frugal_solver_get_plan(const frugal_solver *s) { return &s->plan; }

void fr_log_round(fr_solve_ctx *ctx, unsigned round, uint64_t alive, uint64_t before,
                  const char *phase)
{
    frugal_solver_stats *st = ctx->stats;
    if (round < FRUGAL_STATS_MAX_ROUNDS)
        st->alive[round] = alive;
    if (alive != before)
        ctx->last_kill_round = (int)round;
    if (ctx->progress) {
        frugal_progress pr = {round, alive, fr_now() - ctx->t0, phase};
        ctx->progress(ctx->progress_user, &pr);
    }
}

frugal_status frugal_solver_solve(frugal_solver *s, const frugal_sipkeys *keys)
{
    if (!s || !keys)
        return FRUGAL_ERR_ARG;
    atomic_store(&s->stop, 0);
    memset(&s->stats, 0, sizeof s->stats);
    fr_sols_reset(&s->sols, s->params.cycle_len);
    fr_solve_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.edgebits = s->params.edgebits;
    ctx.cycle_len = s->params.cycle_len;
    ctx.nedges = (uint64_t)1 << ctx.edgebits;
    ctx.mask = (uint32_t)(ctx.nedges - 1);
    ctx.keys = keys;
    ctx.pool = s->pool;
    ctx.mem = &s->mem;
    ctx.stop = &s->stop;
    ctx.sip = fr_sip_select();
    ctx.stats = &s->stats;
    ctx.last_kill_round = -1;
    ctx.t0 = fr_now();
    ctx.progress = s->params.progress;
    ctx.progress_user = s->params.progress_user;
    frugal_status st = s->ops->solve(s->state, &ctx, &s->sols);
    s->stats.rounds = (unsigned)(ctx.last_kill_round + 1);
    s->stats.seconds = fr_now() - ctx.t0;
    s->stats.arena_high_water = s->mem.high_water + FR_SOLVER_OVERHEAD_BYTES;
    if (st != FRUGAL_OK) {
        fr_sols_reset(&s->sols, s->params.cycle_len);
        return st;
    }
    fr_sols_sort(&s->sols);
    return FRUGAL_OK;
}

size_t frugal_solver_count(const frugal_solver *s) { return s ? s->sols.count : 0; }

frugal_status frugal_solver_solution(const frugal_solver *s, size_t i, uint64_t *edges)
{
    if (!s || !edges)
        return FRUGAL_ERR_ARG;
    if (i >= s->sols.count)
        return FRUGAL_ERR_RANGE;
    const uint32_t *c = s->sols.edges + i * s->sols.len;
    for (unsigned k = 0; k < s->sols.len; k++)
        edges[k] = c[k];
    return FRUGAL_OK;
}

void frugal_solver_stop(frugal_solver *s)
{
    if (s)
        atomic_store(&s->stop, 1);
}

void frugal_solver_get_stats(const frugal_solver *s, frugal_solver_stats *stats)
{
    if (s && stats)
        *stats = s->stats;
}

void frugal_solver_destroy(frugal_solver *s)
{
    if (!s)
        return;
    s->ops->destroy(s->state, &s->mem);
    fr_pool_destroy(s->pool);
    fr_sols_free(&s->sols);
    free(s);
}
