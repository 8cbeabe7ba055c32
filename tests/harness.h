/* A minimal test harness: CHECK macros that count failures and keep going, a
 * reproducible random generator whose seed every random test prints, and the
 * location of the shared vectors. A test program returns fr_test_result(). */
#ifndef FRUGAL_TESTS_HARNESS_H
#define FRUGAL_TESTS_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fr_test_failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            fr_test_failures++;                                                            \
        }                                                                                  \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                 \
    do {                                                                                   \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                   \
        if (a_ != b_) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%" PRIu64 " vs %" PRIu64 ")\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                                   \
            fr_test_failures++;                                                            \
        }                                                                                  \
    } while (0)

#define CHECK_STATUS(expr, want)                                                           \
    do {                                                                                   \
        frugal_status got_ = (expr);                                                       \
        if (got_ != (want)) {                                                              \
            fprintf(stderr, "%s:%d: %s returned %d (%s), wanted %s\n", __FILE__, __LINE__,  \
                    #expr, (int)got_, frugal_status_str(got_), #want);                     \
            fr_test_failures++;                                                            \
        }                                                                                  \
    } while (0)

#define REQUIRE(cond)                                                                      \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);     \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

static inline int fr_test_result(const char *name)
{
    if (fr_test_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, fr_test_failures);
    else
        printf("%s: all checks passed\n", name);
    return fr_test_failures ? 1 : 0;
}

/* splitmix64: the seeded generator of every random test. */
typedef struct fr_rng {
    uint64_t s;
} fr_rng;

static inline uint64_t fr_rng_next(fr_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The seed from FRUGAL_TEST_SEED, or `fallback`; printed so a failure can be rerun. */
static inline fr_rng fr_test_rng(const char *name, uint64_t fallback)
{
    const char *env = getenv("FRUGAL_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : fallback;
    printf("%s: seed %" PRIu64 " (set FRUGAL_TEST_SEED to rerun)\n", name, seed);
    fr_rng r = {seed};
    return r;
}

/* Sanitizer builds run the heavy loops on a sample (every `stride`-th case). */
#ifdef FRUGAL_SANITIZED
#define FR_TEST_STRIDE 4
#else
#define FR_TEST_STRIDE 1
#endif

#ifndef FRUGAL_VECTORS_DIR
#define FRUGAL_VECTORS_DIR "../shared/vectors"
#endif
#endif
