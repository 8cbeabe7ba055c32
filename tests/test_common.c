/* Parsers, status strings, CPU names, memory figures and the thread pool. */
#include <stdatomic.h>

#include "common/mem.h"
#include "common/pool.h"
#include "frugal/common.h"
#include "harness.h"

typedef struct pool_job {
    fr_pool *pool;
    atomic_uint phase1, bad;
    unsigned seen[8];
} pool_job;

static void pool_fn(void *p, unsigned tid, unsigned nt)
{
    pool_job *j = p;
    j->seen[tid]++;
    atomic_fetch_add(&j->phase1, 1);
    fr_pool_barrier(j->pool);
    if (atomic_load(&j->phase1) != nt) /* the barrier must hold everyone */
        atomic_fetch_add(&j->bad, 1);
    fr_pool_barrier(j->pool);
}

int main(void)
{
    uint8_t out[8];
    size_t n;
    CHECK_STATUS(frugal_hex_decode("00fFa1", 6, out, sizeof out, &n), FRUGAL_OK);
    CHECK(n == 3 && out[0] == 0 && out[1] == 0xff && out[2] == 0xa1);
    CHECK_STATUS(frugal_hex_decode("abc", 3, out, sizeof out, &n), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_hex_decode("zz", 2, out, sizeof out, &n), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_hex_decode("001122334455667788", 18, out, sizeof out, &n), FRUGAL_ERR_FULL);
    CHECK(n == 0);
    char hex[7];
    frugal_hex_encode((const uint8_t *)"\x01\xab\xff", 3, hex);
    CHECK(strcmp(hex, "01abff") == 0);

    uint64_t v;
    CHECK_STATUS(frugal_parse_size("2G", &v), FRUGAL_OK);
    CHECK_EQ_U64(v, 2147483648ull);
    CHECK_STATUS(frugal_parse_size("512MiB", &v), FRUGAL_OK);
    CHECK_EQ_U64(v, 512ull << 20);
    CHECK_STATUS(frugal_parse_size("100", &v), FRUGAL_OK);
    CHECK_EQ_U64(v, 100);
    CHECK_STATUS(frugal_parse_size("4k", &v), FRUGAL_OK);
    CHECK_EQ_U64(v, 4096);
    CHECK_STATUS(frugal_parse_size("", &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_size("1.5G", &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_size("-1", &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_size("99999999999999999999", &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_size("99999999999T", &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_size("3X", &v), FRUGAL_ERR_PARSE);

    CHECK_STATUS(frugal_parse_u64("18446744073709551615", UINT64_MAX, &v), FRUGAL_OK);
    CHECK_EQ_U64(v, UINT64_MAX);
    CHECK_STATUS(frugal_parse_u64("18446744073709551616", UINT64_MAX, &v), FRUGAL_ERR_RANGE);
    CHECK_STATUS(frugal_parse_u64("0x1F", 100, &v), FRUGAL_OK);
    CHECK_EQ_U64(v, 31);
    CHECK_STATUS(frugal_parse_u64("101", 100, &v), FRUGAL_ERR_RANGE);
    CHECK_STATUS(frugal_parse_u64("12a", 1000, &v), FRUGAL_ERR_PARSE);
    CHECK_STATUS(frugal_parse_u64("0x", 1000, &v), FRUGAL_ERR_PARSE);

    for (int s = 0; s < 64; s++)
        CHECK(frugal_status_str((frugal_status)s) != NULL);
    CHECK(strcmp(frugal_status_str(FRUGAL_POW_TOO_SMALL), "edges not ascending") == 0);
    char names[32];
    CHECK(strcmp(frugal_cpu_names(0, names, sizeof names), "scalar") == 0);
    CHECK(strcmp(frugal_cpu_names(FRUGAL_CPU_AVX2 | FRUGAL_CPU_AVX512, names, sizeof names),
                 "avx2,avx512") == 0);
    frugal_cpu_allow(0);
    CHECK(frugal_cpu_features() == 0);
    frugal_cpu_allow(~0u);
    CHECK(frugal_cpu_features() == frugal_cpu_detected());

    /* memory: the tracker refuses past its limit and the peak RSS sees touched pages */
    fr_mem m;
    fr_mem_init(&m, 64 << 20);
    CHECK(fr_mem_alloc(&m, (size_t)65 << 20) == NULL);
    uint8_t *big = fr_mem_alloc(&m, (size_t)48 << 20);
    REQUIRE(big);
    CHECK(fr_mem_alloc(&m, (size_t)17 << 20) == NULL);
    CHECK_EQ_U64(m.in_use, (uint64_t)48 << 20);
    uint64_t before = frugal_peak_rss_bytes();
    memset(big, 1, (size_t)48 << 20);
    CHECK(frugal_peak_rss_bytes() >= before + (40u << 20) || before > (48u << 20));
    fr_mem_free(&m, big, (size_t)48 << 20);
    CHECK_EQ_U64(m.in_use, 0);
    CHECK_EQ_U64(m.high_water, (uint64_t)48 << 20);
    if (frugal_peak_rss_reset() == FRUGAL_OK)
        CHECK(frugal_peak_rss_bytes() < before + (40u << 20));

    for (unsigned nt = 1; nt <= 4; nt++) {
        pool_job j;
        memset(&j, 0, sizeof j);
        j.pool = fr_pool_create(nt);
        REQUIRE(j.pool);
        for (int run = 0; run < 50; run++) {
            atomic_store(&j.phase1, 0);
            fr_pool_run(j.pool, pool_fn, &j);
        }
        CHECK(atomic_load(&j.bad) == 0);
        for (unsigned t = 0; t < nt; t++)
            CHECK(j.seen[t] == 50);
        fr_pool_destroy(j.pool);
    }
    CHECK(fr_online_cpus() >= 1);
    return fr_test_result("test_common");
}
