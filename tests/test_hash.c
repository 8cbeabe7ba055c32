/* SipHash backends agree with the scalar code (gathered and consecutive edges, every
 * length around the lane counts, masks of every width); the scalar code agrees with
 * a textbook SipRound written independently here; BLAKE2b-256 matches RFC 7693. */
#include "frugal/cuckatoo.h"
#include "harness.h"
#include "hash/blake2b.h"
#include "hash/siphash.h"

/* An independent, deliberately plain SipHash-2-4 core with Cuckatoo's keying. */
static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
static uint64_t textbook(const uint64_t k[4], uint64_t m)
{
    uint64_t v[4] = {k[0], k[1], k[2], k[3] ^ m};
    for (int r = 0; r < 6; r++) {
        if (r == 2) {
            v[0] ^= m;
            v[2] ^= 0xff;
        }
        v[0] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32);
        v[2] += v[3]; v[3] = rotl(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = rotl(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void compare_backend(const fr_sip_backend *b, fr_rng *rng)
{
    enum { MAXN = 300 };
    uint32_t edges[MAXN], want[MAXN], got[MAXN];
    for (int trial = 0; trial < 40; trial++) {
        frugal_sipkeys k;
        for (int i = 0; i < 4; i++)
            k.k[i] = fr_rng_next(rng);
        unsigned eb = 10 + (unsigned)(fr_rng_next(rng) % 23); /* 10..32 */
        uint32_t mask = (uint32_t)(((uint64_t)1 << eb) - 1);
        size_t n = (size_t)(fr_rng_next(rng) % MAXN);
        for (size_t i = 0; i < n; i++)
            edges[i] = (uint32_t)fr_rng_next(rng) & mask;
        for (unsigned side = 0; side < 2; side++) {
            fr_sip_scalar.nodes(&k, edges, n, side, mask, want);
            b->nodes(&k, edges, n, side, mask, got);
            CHECK(memcmp(want, got, n * sizeof *got) == 0);
            uint32_t first = (uint32_t)fr_rng_next(rng) & mask;
            if ((uint64_t)first + n > (uint64_t)mask + 1)
                first = (uint32_t)(mask + 1 - n);
            fr_sip_scalar.seq(&k, first, n, side, mask, want);
            b->seq(&k, first, n, side, mask, got);
            CHECK(memcmp(want, got, n * sizeof *got) == 0);
        }
    }
}

int main(void)
{
    fr_rng rng = fr_test_rng("test_hash", 1);
    for (int i = 0; i < 1000; i++) {
        frugal_sipkeys k;
        for (int j = 0; j < 4; j++)
            k.k[j] = fr_rng_next(&rng);
        uint64_t m = fr_rng_next(&rng);
        CHECK_EQ_U64(frugal_siphash24(&k, m), textbook(k.k, m));
    }
    unsigned have = frugal_cpu_detected();
    const fr_sip_backend *all[] = {&fr_sip_avx2, &fr_sip_avx512};
    unsigned need[] = {FRUGAL_CPU_AVX2, FRUGAL_CPU_AVX512};
    for (int i = 0; i < 2; i++) {
        if ((have & need[i]) != need[i]) {
            printf("test_hash: %s not available on this CPU, skipped\n", all[i]->name);
            continue;
        }
        printf("test_hash: comparing %s with scalar\n", all[i]->name);
        compare_backend(all[i], &rng);
    }
    /* the dispatcher follows the allow-mask */
    frugal_cpu_allow(0);
    CHECK(fr_sip_select() == &fr_sip_scalar);
    frugal_cpu_allow(~0u);
    if (have & FRUGAL_CPU_AVX2) {
        frugal_cpu_allow(FRUGAL_CPU_AVX2);
        CHECK(fr_sip_select() == &fr_sip_avx2);
        frugal_cpu_allow(~0u);
    }
    /* BLAKE2b-256 of "abc" and of the empty string (RFC 7693 / reference values) */
    uint8_t d[32];
    char hex[65];
    CHECK(fr_blake2b_256((const uint8_t *)"abc", 3, d) == 0);
    frugal_hex_encode(d, 32, hex);
    CHECK(strcmp(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319") == 0);
    CHECK(fr_blake2b_256(NULL, 0, d) == 0);
    frugal_hex_encode(d, 32, hex);
    CHECK(strcmp(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8") == 0);
    return fr_test_result("test_hash");
}
