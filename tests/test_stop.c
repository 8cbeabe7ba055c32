/* frugal_solver_stop from another thread ends a running solve with
 * FRUGAL_ERR_STOPPED and no results, and the same solver then solves the next graph
 * correctly (same cycles and round counts as a fresh solver). Usage: test_stop KIND */
#include <pthread.h>
#include <time.h>

#include "common/time.h"
#include "harness.h"
#include "solve_util.h"
#include "vectors.h"

typedef struct stopper {
    frugal_solver *s;
    double delay;
} stopper;

static void *stop_later(void *p)
{
    stopper *st = p;
    struct timespec ts = {0, (long)(st->delay * 1e9)};
    nanosleep(&ts, NULL);
    frugal_solver_stop(st->s);
    return NULL;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 2);
    frugal_solver_kind kind;
    REQUIRE(frugal_solver_kind_parse(argv[1], &kind) == FRUGAL_OK);
    const unsigned eb = 25;
    frugal_solver *s = su_create(kind, eb, 42, 2);
    static solve_result res, fresh;
    frugal_sipkeys k;
    vector_keys_from_zero_header(246, 3, &k);
    for (int round = 0; round < 3; round++) {
        stopper st = {s, 0.02 + 0.03 * round};
        pthread_t th;
        REQUIRE(pthread_create(&th, NULL, stop_later, &st) == 0);
        double t0 = fr_now();
        su_solve(s, &k, eb, 42, &res);
        double took = fr_now() - t0;
        pthread_join(th, NULL);
        printf("test_stop %s: stop after %.0f ms returned in %.0f ms: %s\n", argv[1],
               st.delay * 1e3, took * 1e3, frugal_status_str(res.status));
        CHECK_STATUS(res.status, FRUGAL_ERR_STOPPED);
        CHECK_EQ_U64(res.count, 0);
    }
    /* the stopped solver still solves correctly: nonce 6 of zero246-c25 has cycles */
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors("cuckatoo/zero246-c25.txt", &v);
    size_t idx = 0;
    while (idx < n && v[idx].nsols == 0)
        idx++;
    REQUIRE(idx < n);
    vector_keys_from_zero_header(246, v[idx].nonce, &k);
    su_solve(s, &k, eb, 42, &res);
    frugal_solver *f = su_create(kind, eb, 42, 2);
    su_solve(f, &k, eb, 42, &fresh);
    CHECK_STATUS(res.status, FRUGAL_OK);
    CHECK_EQ_U64(res.count, v[idx].nsols);
    CHECK_EQ_U64(res.count, fresh.count);
    CHECK(memcmp(res.sols, fresh.sols, sizeof res.sols) == 0);
    CHECK_EQ_U64(res.stats.rounds, fresh.stats.rounds);
    frugal_solver_destroy(f);
    frugal_solver_destroy(s);
    free(v);
    return fr_test_result("test_stop");
}
