/* Memory budgets: auto picks the fastest kind whose plan fits, the plan is a pure
 * function checked before allocation, the solver's own high-water mark stays within
 * the plan, and the process's peak RSS growth (measured in-process) stays within the
 * budget. Usage: test_budget EB BUDGET ASKED_KIND EXPECTED_KIND (EXPECTED "none": the
 * plan and the creation are refused with FRUGAL_ERR_BUDGET). */
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"

int main(int argc, char **argv)
{
    REQUIRE(argc == 5);
    unsigned eb = (unsigned)atoi(argv[1]);
    uint64_t budget;
    REQUIRE(frugal_parse_size(argv[2], &budget) == FRUGAL_OK);
    frugal_solver_params p;
    frugal_solver_params_default(&p, eb);
    p.max_mem = budget;
    p.threads = 2;
    REQUIRE(frugal_solver_kind_parse(argv[3], &p.kind) == FRUGAL_OK);
    if (eb >= 12) { /* a bucket size is taken as asked, or refused when out of range */
        frugal_solver_params q = p;
        frugal_solver_plan qp;
        q.kind = FRUGAL_SOLVER_PACKED;
        q.max_mem = 0;
        q.bucket_node_bits = eb - 5;
        CHECK_STATUS(frugal_plan_solver(&q, &qp), FRUGAL_OK);
        CHECK(qp.bucket_bits == 5);
        q.bucket_node_bits = eb - 1; /* a single bucket bit */
        CHECK_STATUS(frugal_plan_solver(&q, &qp), FRUGAL_ERR_ARG);
        q.bucket_node_bits = 5;
        CHECK_STATUS(frugal_plan_solver(&q, &qp), FRUGAL_ERR_ARG);
    }
    frugal_solver_plan plan;
    frugal_status st = frugal_plan_solver(&p, &plan);
    printf("test_budget C%u %s: %s (%s)\n", eb, argv[2], plan.text, frugal_status_str(st));
    if (strcmp(argv[4], "none") == 0) {
        CHECK_STATUS(st, FRUGAL_ERR_BUDGET);
        frugal_solver *s = NULL;
        CHECK_STATUS(frugal_solver_create(&p, &s), FRUGAL_ERR_BUDGET);
        CHECK(s == NULL);
        CHECK(plan.planned_bytes > budget);
        return fr_test_result("test_budget");
    }
    frugal_solver_kind want;
    REQUIRE(frugal_solver_kind_parse(argv[4], &want) == FRUGAL_OK);
    CHECK_STATUS(st, FRUGAL_OK);
    CHECK(plan.kind == want);
    CHECK(plan.planned_bytes <= budget);
    /* the same plan twice: planning is a pure function */
    frugal_solver_plan again;
    frugal_plan_solver(&p, &again);
    CHECK(again.planned_bytes == plan.planned_bytes && again.kind == plan.kind);

    int rss_ok = frugal_peak_rss_reset() == FRUGAL_OK;
    uint64_t base = frugal_rss_bytes();
    frugal_solver *s = NULL;
    REQUIRE(frugal_solver_create(&p, &s) == FRUGAL_OK);
    static solve_result res;
    for (unsigned nonce = 0; nonce < 3; nonce++) {
        frugal_sipkeys k;
        vector_keys_from_zero_header(246, nonce, &k);
        su_solve(s, &k, eb, 42, &res);
        CHECK_STATUS(res.status, FRUGAL_OK);
        CHECK(res.stats.arena_high_water <= plan.planned_bytes);
    }
    uint64_t peak = frugal_peak_rss_bytes();
    printf("test_budget: planned %llu, high water %llu, peak RSS growth %llu (budget %llu)\n",
           (unsigned long long)plan.planned_bytes, (unsigned long long)res.stats.arena_high_water,
           (unsigned long long)(peak - base), (unsigned long long)budget);
    if (rss_ok)
        CHECK(peak - base <= budget);
    frugal_solver_destroy(s);
    return fr_test_result("test_budget");
}
