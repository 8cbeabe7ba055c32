/* Poseidon2 BabyBear-16: the plain reference and every backend against the published
 * known answers (kat.txt); every backend against the scalar code on random batches of
 * every length around the lane counts (permute, compress in and out of place,
 * leaves); the scalar code against the reference on random states; the public entry
 * points' statuses. */
#include "frugal/poseidon2.h"
#include "harness.h"
#include "hash/poseidon2.h"
#include "p2_ref.h"

#define P 2013265921u

typedef struct kat {
    uint32_t in[16], out[16];
} kat;

static int load_kats(kat *k, int max)
{
    FILE *f = fopen(FRUGAL_VECTORS_DIR "/poseidon2/kat.txt", "r");
    REQUIRE(f != NULL);
    char line[1024];
    int n = 0, have_in = 0;
    while (fgets(line, sizeof line, f)) {
        uint32_t *dst;
        if (!strncmp(line, "in:", 3)) {
            REQUIRE(n < max);
            dst = k[n].in;
            have_in = 1;
        } else if (!strncmp(line, "out:", 4)) {
            REQUIRE(have_in);
            dst = k[n++].out;
            have_in = 0;
        } else {
            continue;
        }
        char *p = strchr(line, ':') + 1;
        for (int i = 0; i < 16; i++) {
            char *end;
            unsigned long v = strtoul(p, &end, 10);
            REQUIRE(end != p && v < P);
            dst[i] = (uint32_t)v;
            p = end;
        }
    }
    fclose(f);
    return n;
}

static const fr_p2_backend *backends[3];
static int nbackends;

static void pick_backends(void)
{
    backends[nbackends++] = &fr_p2_scalar;
    if (frugal_cpu_detected() & FRUGAL_CPU_AVX2)
        backends[nbackends++] = &fr_p2_avx2;
    if (frugal_cpu_detected() & FRUGAL_CPU_AVX512)
        backends[nbackends++] = &fr_p2_avx512;
    printf("test_poseidon2: backends:");
    for (int i = 0; i < nbackends; i++)
        printf(" %s", backends[i]->name);
    printf("\n");
}

static void check_kats(const kat *k, int n)
{
    CHECK(n >= 5);
    for (int i = 0; i < n; i++) {
        uint32_t s[16];
        memcpy(s, k[i].in, sizeof s);
        p2_ref_permute(s);
        CHECK(memcmp(s, k[i].out, sizeof s) == 0);
        memcpy(s, k[i].in, sizeof s);
        fr_p2_permute1(s);
        CHECK(memcmp(s, k[i].out, sizeof s) == 0);
        memcpy(s, k[i].in, sizeof s);
        CHECK_STATUS(frugal_poseidon2_permute(s), FRUGAL_OK);
        CHECK(memcmp(s, k[i].out, sizeof s) == 0);
    }
    /* every backend, with the answers at every lane of batches of 1..40 states */
    enum { MAXN = 40 };
    static uint32_t batch[16 * MAXN];
    for (int b = 0; b < nbackends; b++)
        for (int len = 1; len <= MAXN; len++) {
            for (int j = 0; j < len; j++)
                memcpy(batch + 16 * j, k[(j + len) % n].in, 64);
            backends[b]->permute(batch, (size_t)len);
            for (int j = 0; j < len; j++)
                CHECK(memcmp(batch + 16 * j, k[(j + len) % n].out, 64) == 0);
        }
}

static uint32_t rand_elem(fr_rng *r)
{
    uint64_t x = fr_rng_next(r);
    switch (x & 7) { /* the edges of the field often */
    case 0: return 0;
    case 1: return P - 1;
    case 2: return (uint32_t)(x >> 40) % 4;
    case 3: return P - 1 - (uint32_t)(x >> 40) % 4;
    default: return (uint32_t)((x >> 3) % P);
    }
}

static void compare_backend(const fr_p2_backend *be, fr_rng *r)
{
    enum { MAXN = 70 };
    static uint32_t in[16 * MAXN], want[16 * MAXN], got[16 * MAXN];
    static uint8_t bytes[16 * MAXN];
    for (int len = 0; len <= MAXN; len++) {
        for (int i = 0; i < 16 * len; i++)
            in[i] = rand_elem(r);
        for (int i = 0; i < 16 * len; i++)
            bytes[i] = (fr_rng_next(r) & 3) ? (uint8_t)fr_rng_next(r) : 0xff;
        memcpy(want, in, 64 * (size_t)len);
        fr_p2_scalar.permute(want, (size_t)len);
        memcpy(got, in, 64 * (size_t)len);
        be->permute(got, (size_t)len);
        CHECK(memcmp(want, got, 64 * (size_t)len) == 0);
        fr_p2_scalar.compress(in, (size_t)len, want);
        be->compress(in, (size_t)len, got);
        CHECK(memcmp(want, got, 32 * (size_t)len) == 0);
        memcpy(got, in, 64 * (size_t)len); /* in place: a level halved */
        be->compress(got, (size_t)len, got);
        CHECK(memcmp(want, got, 32 * (size_t)len) == 0);
        fr_p2_scalar.leaves(bytes, (size_t)len, want);
        be->leaves(bytes, (size_t)len, got);
        CHECK(memcmp(want, got, 32 * (size_t)len) == 0);
    }
}

static void scalar_vs_reference(fr_rng *r)
{
    for (int t = 0; t < 300 / FR_TEST_STRIDE; t++) {
        uint32_t a[16], b[16];
        for (int i = 0; i < 16; i++)
            a[i] = b[i] = rand_elem(r);
        p2_ref_permute(a);
        fr_p2_permute1(b);
        CHECK(memcmp(a, b, sizeof a) == 0);
        uint8_t blk[16];
        for (int i = 0; i < 16; i++)
            blk[i] = (uint8_t)fr_rng_next(r);
        uint32_t d1[8], d2[8];
        p2_ref_leaf(blk, d1);
        fr_p2_leaf1(blk, d2);
        CHECK(memcmp(d1, d2, sizeof d1) == 0);
        p2_ref_compress(a, a + 8, d1);
        fr_p2_compress1(a, a + 8, d2);
        CHECK(memcmp(d1, d2, sizeof d1) == 0);
    }
}

static void public_api(const kat *k)
{
    uint32_t s[16];
    memcpy(s, k[0].in, sizeof s);
    s[5] = P;
    CHECK_STATUS(frugal_poseidon2_permute(s), FRUGAL_ERR_RANGE);
    CHECK(s[5] == P && s[0] == k[0].in[0]); /* untouched */
    CHECK_STATUS(frugal_poseidon2_permute(NULL), FRUGAL_ERR_ARG);
    uint32_t many[32];
    memcpy(many, k[1].in, 64);
    memcpy(many + 16, k[2].in, 64);
    CHECK_STATUS(frugal_poseidon2_permute_many(many, 2), FRUGAL_OK);
    CHECK(memcmp(many, k[1].out, 64) == 0 && memcmp(many + 16, k[2].out, 64) == 0);
    many[31] = 0xffffffffu;
    CHECK_STATUS(frugal_poseidon2_permute_many(many, 2), FRUGAL_ERR_RANGE);
    CHECK_STATUS(frugal_poseidon2_permute_many(NULL, 0), FRUGAL_OK);
    CHECK_STATUS(frugal_poseidon2_permute_many(NULL, 1), FRUGAL_ERR_ARG);

    frugal_digest l, r, out, pairs[4], outs[2];
    memcpy(l.e, k[0].out, 32);
    memcpy(r.e, k[1].out, 32);
    CHECK_STATUS(frugal_poseidon2_compress(&l, &r, &out), FRUGAL_OK);
    memcpy(s, k[0].out, 32);
    memcpy(s + 8, k[1].out, 32);
    p2_ref_permute(s);
    CHECK(memcmp(out.e, s, 32) == 0);
    pairs[0] = l;
    pairs[1] = r;
    pairs[2] = r;
    pairs[3] = l;
    CHECK_STATUS(frugal_poseidon2_compress_pairs(pairs, 2, outs), FRUGAL_OK);
    CHECK(memcmp(outs[0].e, out.e, 32) == 0);
    CHECK_STATUS(frugal_poseidon2_compress_pairs(pairs, 2, pairs), FRUGAL_OK); /* in place */
    CHECK(memcmp(pairs[0].e, out.e, 32) == 0 && memcmp(pairs[1].e, outs[1].e, 32) == 0);
    r.e[7] = P;
    CHECK_STATUS(frugal_poseidon2_compress(&l, &r, &out), FRUGAL_ERR_RANGE);
    CHECK_STATUS(frugal_poseidon2_compress(NULL, &r, &out), FRUGAL_ERR_ARG);

    uint8_t blocks[32] = {0};
    for (int i = 0; i < 8; i++)
        blocks[2 * i] = (uint8_t)(i + 1); /* cells 1..8, merkle.txt's LEAF */
    frugal_digest d, ds[2];
    uint32_t ref[8];
    CHECK_STATUS(frugal_poseidon2_leaf(blocks, &d), FRUGAL_OK);
    p2_ref_leaf(blocks, ref);
    CHECK(memcmp(d.e, ref, 32) == 0);
    CHECK_STATUS(frugal_poseidon2_leaves(blocks, 2, ds), FRUGAL_OK);
    CHECK(memcmp(ds[0].e, ref, 32) == 0);
    CHECK(memcmp(ds[1].e, k[1].out, 32) == 0); /* zero block: P(0^16)[0..8] */
    CHECK_STATUS(frugal_poseidon2_leaf(NULL, &d), FRUGAL_ERR_ARG);

    /* dispatch follows the allowed features */
    frugal_cpu_allow(0);
    CHECK(strcmp(frugal_poseidon2_backend(), "scalar") == 0);
    memcpy(many, k[3].in, 64);
    CHECK_STATUS(frugal_poseidon2_permute_many(many, 1), FRUGAL_OK);
    CHECK(memcmp(many, k[3].out, 64) == 0);
    frugal_cpu_allow(~0u);
    CHECK(strcmp(frugal_poseidon2_backend(), backends[nbackends - 1]->name) == 0);
}

int main(void)
{
    fr_rng rng = fr_test_rng("test_poseidon2", 4);
    p2_ref_load();
    pick_backends();
    kat k[16];
    int n = load_kats(k, 16);
    check_kats(k, n);
    CHECK(memcmp(k[1].in, (uint32_t[16]){0}, 64) == 0); /* public_api relies on it */
    for (int b = 1; b < nbackends; b++)
        compare_backend(backends[b], &rng);
    scalar_vs_reference(&rng);
    public_api(k);
    return fr_test_result("test_poseidon2");
}
