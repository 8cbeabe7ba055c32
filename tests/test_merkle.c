/* The paged Merkle tree: every line of merkle.txt (zero roots, a leaf, a flat tree,
 * OpenVM's two-address-space root); differential tests against the plain full tree
 * of merkle_ref.c for every page_bits of small heights, dense and sparse, 1-3
 * threads, each backend (random memories and regions; updates of single leaves,
 * whole pages, scattered, dense and unsorted sets, repeated); every single-leaf
 * update of toy trees; permutation counts within the bound; memory high-water
 * marks against the planned figures. */
#include "frugal/merkle.h"
#include "harness.h"
#include "merkle_ref.h"

#define P 2013265921u

static int digest_eq(const frugal_digest *a, const frugal_digest *b)
{
    return memcmp(a->e, b->e, sizeof a->e) == 0;
}

static void parse_digest(const char *text, frugal_digest *d)
{
    char *end;
    for (int i = 0; i < 8; i++) {
        unsigned long v = strtoul(text, &end, 10);
        REQUIRE(end != text && v < P);
        d->e[i] = (uint32_t)v;
        text = end;
    }
}

static frugal_merkle *make_tree_cap(unsigned H, unsigned K, int sparse, unsigned threads,
                                    const frugal_merkle_region *reg, size_t nreg,
                                    uint64_t max_pages)
{
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, H);
    p.page_bits = K;
    p.sparse = sparse;
    p.threads = threads;
    p.max_pages = max_pages;
    frugal_merkle *t = NULL;
    frugal_status st = frugal_merkle_create(&p, reg, nreg, &t);
    if (st != FRUGAL_OK)
        fprintf(stderr, "create H=%u K=%u sparse=%d: %s\n", H, K, sparse, frugal_status_str(st));
    REQUIRE(st == FRUGAL_OK && t);
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    CHECK_EQ_U64(s.tree_bytes, frugal_merkle_tree_bytes(&p)); /* planned == allocated */
    CHECK(s.high_water_bytes <= frugal_merkle_tree_bytes(&p));
    return t;
}

static frugal_merkle *make_tree(unsigned H, unsigned K, int sparse, unsigned threads,
                                const frugal_merkle_region *reg, size_t nreg)
{
    return make_tree_cap(H, K, sparse, threads, reg, nreg, 0);
}

static frugal_digest root_of(const frugal_merkle *t)
{
    frugal_digest d;
    frugal_merkle_root(t, &d);
    return d;
}

/* ---- merkle.txt ------------------------------------------------------------- */

static void vectors(void)
{
    FILE *f = fopen(FRUGAL_VECTORS_DIR "/poseidon2/merkle.txt", "r");
    REQUIRE(f != NULL);
    char line[1024];
    int zlines = 0, other = 0;
    frugal_digest as1_root = {{0}};
    uint8_t as1[64], as2[64] = {0};
    for (int i = 0; i < 32; i++) {
        as1[2 * i] = (uint8_t)i;
        as1[2 * i + 1] = 0;
    }
    while (fgets(line, sizeof line, f)) {
        frugal_digest want, got;
        if (!strncmp(line, "Z ", 2)) {
            char *end;
            unsigned k = (unsigned)strtoul(line + 2, &end, 10);
            parse_digest(end, &want);
            CHECK_STATUS(frugal_merkle_zero_root(k, &got), FRUGAL_OK);
            CHECK(digest_eq(&got, &want));
            /* a sparse tree with no memory at all, and a dense one where it fits */
            frugal_merkle *t = make_tree_cap(k, k < 3 ? k : 3, 1, 1, NULL, 0, 1);
            got = root_of(t);
            CHECK(digest_eq(&got, &want));
            frugal_merkle_destroy(t);
            if (k <= 12) {
                t = make_tree(k, 0, 0, 2, NULL, 0);
                got = root_of(t);
                CHECK(digest_eq(&got, &want));
                frugal_merkle_destroy(t);
            }
            zlines++;
        } else if (!strncmp(line, "LEAF 1..8 ", 10)) {
            parse_digest(line + 10, &want);
            uint8_t blk[16] = {0};
            for (int i = 0; i < 8; i++)
                blk[2 * i] = (uint8_t)(i + 1);
            frugal_merkle_region r = {0, blk, 16};
            frugal_merkle *t = make_tree(0, 0, 0, 1, &r, 1);
            got = root_of(t);
            CHECK(digest_eq(&got, &want));
            frugal_merkle_destroy(t);
            other++;
        } else if (!strncmp(line, "FLAT_ROOT h3 bytes0..63 ", 24)) {
            parse_digest(line + 24, &want);
            uint8_t mem[64];
            for (int i = 0; i < 64; i++)
                mem[i] = (uint8_t)i;
            frugal_merkle_region r = {0, mem, 64};
            for (unsigned k = 0; k <= 3; k++)
                for (int sparse = 0; sparse < 2; sparse++) {
                    frugal_merkle *t = make_tree(3, k, sparse, 1 + k % 2, &r, 1);
                    got = root_of(t);
                    CHECK(digest_eq(&got, &want));
                    frugal_merkle_destroy(t);
                }
            other++;
        } else if (!strncmp(line, "OPENVM_AS1_ROOT ", 16)) {
            parse_digest(line + 16, &as1_root);
            frugal_merkle_region r = {0, as1, 64};
            frugal_merkle *t = make_tree(2, 0, 0, 1, &r, 1);
            got = root_of(t);
            CHECK(digest_eq(&got, &as1_root));
            frugal_merkle_destroy(t);
            other++;
        } else if (!strncmp(line, "OPENVM_ROOT ", 12)) {
            parse_digest(line + 12, &want);
            frugal_merkle_region r[2];
            CHECK_STATUS(frugal_merkle_openvm_region(2, 0, as1, 64, &r[0]), FRUGAL_OK);
            CHECK_STATUS(frugal_merkle_openvm_region(2, 1, as2, 64, &r[1]), FRUGAL_OK);
            CHECK_EQ_U64(r[1].offset, 64);
            for (unsigned k = 0; k <= 3; k++)
                for (int sparse = 0; sparse < 2; sparse++) {
                    frugal_merkle *t = make_tree(3, k, sparse, 2, r, 1 + (k & 1));
                    got = root_of(t);
                    CHECK(digest_eq(&got, &want));
                    frugal_merkle_destroy(t);
                }
            /* root = compress(root(AS1), Z_2), as the file says */
            frugal_digest z2;
            frugal_merkle_zero_root(2, &z2);
            CHECK_STATUS(frugal_poseidon2_compress(&as1_root, &z2, &got), FRUGAL_OK);
            CHECK(digest_eq(&got, &want));
            other++;
        }
    }
    fclose(f);
    CHECK(zlines >= 13);
    CHECK_EQ_U64(other, 4);
}

/* A smaller address space is extended upward with zero roots: its root under a
 * taller layout equals compress(...compress(root, Z_h), Z_h+1 ...). */
static void openvm_extension(fr_rng *r)
{
    uint8_t as[3][16 * 16];
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < 16 * 16; i++)
            as[a][i] = (uint8_t)fr_rng_next(r);
    frugal_digest roots[4];
    for (int a = 0; a < 3; a++) { /* each address space alone, natural height 4 */
        frugal_merkle_region reg = {0, as[a], sizeof as[a]};
        frugal_merkle *t = make_tree(4, 1, 0, 1, &reg, 1);
        roots[a] = root_of(t);
        frugal_merkle_destroy(t);
        for (unsigned h = 4; h < 6; h++) { /* extend to height 6 */
            frugal_digest z;
            frugal_merkle_zero_root(h, &z);
            frugal_poseidon2_compress(&roots[a], &z, &roots[a]);
        }
    }
    frugal_merkle_zero_root(6, &roots[3]); /* address space 3 absent */
    frugal_digest l, rr, want;
    frugal_poseidon2_compress(&roots[0], &roots[1], &l);
    frugal_poseidon2_compress(&roots[2], &roots[3], &rr);
    frugal_poseidon2_compress(&l, &rr, &want);
    frugal_merkle_region reg[3];
    for (int a = 0; a < 3; a++)
        CHECK_STATUS(frugal_merkle_openvm_region(6, (uint64_t)a, as[a], sizeof as[a], &reg[a]),
                     FRUGAL_OK);
    for (int sparse = 0; sparse < 2; sparse++) {
        frugal_merkle *t = make_tree(8, 2, sparse, 2, reg, 3); /* A = 2, Has = 6 */
        frugal_digest got = root_of(t);
        CHECK(digest_eq(&got, &want));
        frugal_merkle_destroy(t);
    }
    frugal_merkle_region bad;
    CHECK_STATUS(frugal_merkle_openvm_region(2, 0, as[0], 80, &bad), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_merkle_openvm_region(2, 0, as[0], 24, &bad), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_merkle_openvm_region(40, (uint64_t)1 << 30, as[0], 16, &bad),
                 FRUGAL_ERR_ARG);
}

/* ---- differential ---------------------------------------------------------------- */

enum { MEM_RANDOM, MEM_SPARSE, MEM_ZERO, MEM_HALF, MEM_KINDS };

static void fill_memory(fr_rng *r, uint8_t *mem, size_t len, int kind)
{
    memset(mem, 0, len);
    for (size_t i = 0; i < len; i++) {
        uint64_t x = fr_rng_next(r);
        switch (kind) {
        case MEM_RANDOM: mem[i] = (uint8_t)x; break;
        case MEM_SPARSE: mem[i] = (x % 97 == 0) ? (uint8_t)(x >> 8) : 0; break;
        case MEM_HALF: mem[i] = i < len / 3 ? (uint8_t)x : 0; break;
        default: break;
        }
    }
}

/* Up to 3 regions over [0, 16 * 2^H): random cuts, some gaps. */
static size_t random_regions(fr_rng *r, uint8_t *mem, unsigned H, frugal_merkle_region *reg,
                             int full)
{
    uint64_t blocks = (uint64_t)1 << H;
    if (full || (fr_rng_next(r) & 1)) {
        uint64_t len = full ? blocks : fr_rng_next(r) % (blocks + 1);
        reg[0] = (frugal_merkle_region){0, mem, 16 * len};
        return 1;
    }
    uint64_t a = fr_rng_next(r) % (blocks + 1), b = fr_rng_next(r) % (blocks + 1);
    if (a > b) {
        uint64_t s = a;
        a = b;
        b = s;
    }
    uint64_t gap = b + fr_rng_next(r) % (blocks - b + 1);
    reg[0] = (frugal_merkle_region){0, mem, 16 * a};
    reg[1] = (frugal_merkle_region){16 * a, mem + 16 * a, 16 * (b - a)};
    reg[2] = (frugal_merkle_region){16 * gap, mem + 16 * gap, 16 * (blocks - gap)};
    return 3;
}

static void build_case(fr_rng *r, unsigned H, int kind)
{
    size_t len = (size_t)16 << H;
    uint8_t *mem = malloc(len);
    fill_memory(r, mem, len, kind);
    frugal_merkle_region reg[3];
    size_t nreg = random_regions(r, mem, H, reg, 0);
    mref *ref = mref_build(H, reg, nreg);
    frugal_digest want;
    mref_root(ref, &want);
    for (unsigned k = 0; k <= H && k <= FRUGAL_MERKLE_PAGE_BITS_MAX; k++)
        for (int sparse = 0; sparse < 2; sparse++) {
            frugal_merkle *t = make_tree(H, k, sparse, 1 + (unsigned)(fr_rng_next(r) % 3), reg, nreg);
            frugal_digest got = root_of(t);
            CHECK(digest_eq(&got, &want));
            if (!digest_eq(&got, &want))
                fprintf(stderr, "  build H=%u k=%u sparse=%d kind=%d nreg=%zu\n", H, k, sparse, kind, nreg);
            frugal_merkle_destroy(t);
        }
    mref_free(ref);
    free(mem);
}

enum { TOUCH_ONE, TOUCH_PAGES, TOUCH_SCATTER, TOUCH_DENSE, TOUCH_ALL, TOUCH_KINDS };

/* Chooses distinct blocks (returned count), ascending unless shuffled. */
static size_t choose_blocks(fr_rng *r, unsigned H, unsigned k, int kind, uint64_t *out)
{
    uint64_t n = (uint64_t)1 << H;
    uint8_t *pick = calloc(n, 1);
    switch (kind) {
    case TOUCH_ONE: pick[fr_rng_next(r) % n] = 1; break;
    case TOUCH_PAGES:
        for (int p = 0; p < 2; p++) {
            uint64_t page = fr_rng_next(r) % (n >> k);
            for (uint64_t i = 0; i < ((uint64_t)1 << k); i++)
                pick[(page << k) + i] = 1;
        }
        break;
    case TOUCH_SCATTER:
        for (uint64_t i = 0, m = 1 + fr_rng_next(r) % (n / 4 + 1); i < m; i++)
            pick[fr_rng_next(r) % n] = 1;
        break;
    case TOUCH_DENSE:
        for (uint64_t i = 0; i < n; i++)
            pick[i] = (fr_rng_next(r) % 4) != 0;
        break;
    default: memset(pick, 1, n); break;
    }
    size_t m = 0;
    for (uint64_t i = 0; i < n; i++)
        if (pick[i])
            out[m++] = i;
    free(pick);
    if (m > 1 && (fr_rng_next(r) & 1)) /* the unsorted path */
        for (size_t i = m - 1; i > 0; i--) {
            size_t j = fr_rng_next(r) % (i + 1);
            uint64_t s = out[i];
            out[i] = out[j];
            out[j] = s;
        }
    return m;
}

static void compare_records(const frugal_merkle_record *a, const frugal_merkle_record *b, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i].index != b[i].index || a[i].level != b[i].level ||
            !digest_eq(&a[i].before, &b[i].before) || !digest_eq(&a[i].after, &b[i].after))
            bad++;
    CHECK_EQ_U64(bad, 0);
}

/* Permutations an update may spend: one per record above the pages, and inside each
 * touched page at most a full recomputation from old and from new memory. */
static uint64_t hash_bound(const frugal_merkle_record *rec, size_t n, unsigned k)
{
    uint64_t above = 0, pages = 0;
    for (size_t i = 0; i < n; i++) {
        above += rec[i].level > k;
        pages += rec[i].level == k;
    }
    return k == 0 ? above + pages : above + pages * 2 * ((2ull << k) - 1);
}

static void update_case(fr_rng *r, unsigned H, unsigned k, int mem_kind)
{
    size_t len = (size_t)16 << H;
    uint8_t *mem[2] = {malloc(len), malloc(len)};
    fill_memory(r, mem[0], len, mem_kind);
    memcpy(mem[1], mem[0], len);
    frugal_merkle_region reg[2][3];
    size_t nreg = random_regions(r, mem[0], H, reg[0], 1);
    reg[1][0] = (frugal_merkle_region){0, mem[1], len};
    mref *ref = mref_build(H, reg[0], nreg);
    frugal_merkle *t[2];
    for (int sparse = 0; sparse < 2; sparse++)
        t[sparse] = make_tree(H, k, sparse, 1 + (unsigned)(fr_rng_next(r) % 3), reg[sparse], 1);
    uint64_t n = (uint64_t)1 << H, rmax = frugal_merkle_records_max(H, n);
    uint64_t *blocks = malloc(n * sizeof *blocks);
    uint8_t *contents = malloc(16 * n);
    frugal_merkle_record *want = malloc(rmax * sizeof *want), *got = malloc(rmax * sizeof *got);
    for (int round = 0; round < 3; round++) {
        int kind = (int)(fr_rng_next(r) % TOUCH_KINDS);
        size_t m = choose_blocks(r, H, k, kind, blocks);
        for (size_t i = 0; i < 16 * m; i++) /* some blocks zero, some unchanged */
            contents[i] = (fr_rng_next(r) % 5) ? (uint8_t)fr_rng_next(r) : 0;
        if (m && fr_rng_next(r) % 4 == 0)
            memcpy(contents, ref->mem + 16 * blocks[0], 16);
        size_t nwant = mref_update(ref, blocks, contents, m, want);
        frugal_digest rwant;
        mref_root(ref, &rwant);
        for (int s = 0; s < 2; s++) {
            size_t nrec = 0;
            int own = s == 1 && round == 2; /* once without a record buffer */
            frugal_status st = frugal_merkle_update(t[s], blocks, contents, m, own ? NULL : got,
                                                    own ? 0 : rmax, &nrec);
            CHECK_STATUS(st, FRUGAL_OK);
            CHECK_EQ_U64(nrec, nwant);
            if (!own)
                compare_records(got, want, nwant);
            frugal_digest rgot = root_of(t[s]);
            CHECK(digest_eq(&rgot, &rwant));
            CHECK(memcmp(mem[s], ref->mem, len) == 0);
            frugal_merkle_stats st2;
            frugal_merkle_get_stats(t[s], &st2);
            CHECK(st2.update_hashes <= hash_bound(want, nwant, k));
            if (k == 0)
                CHECK_EQ_U64(st2.update_hashes, nwant);
            CHECK(st2.high_water_bytes <=
                  frugal_merkle_tree_bytes(frugal_merkle_get_params(t[s])) +
                      frugal_merkle_update_bytes(frugal_merkle_get_params(t[s]), n, !own));
            if (!digest_eq(&rgot, &rwant) || nrec != nwant)
                fprintf(stderr, "  update H=%u k=%u sparse=%d kind=%d m=%zu round=%d\n", H, k,
                        s, kind, m, round);
        }
    }
    free(got);
    free(want);
    free(contents);
    free(blocks);
    for (int s = 0; s < 2; s++)
        frugal_merkle_destroy(t[s]);
    mref_free(ref);
    free(mem[0]);
    free(mem[1]);
}

/* Every leaf of toy trees, every page_bits, one at a time. */
static void exhaustive(fr_rng *r)
{
    for (unsigned H = 0; H <= 5; H++)
        for (unsigned k = 0; k <= H; k++) {
            size_t len = (size_t)16 << H;
            uint8_t *mem = malloc(len);
            fill_memory(r, mem, len, MEM_RANDOM);
            frugal_merkle_region reg = {0, mem, len};
            mref *ref = mref_build(H, &reg, 1);
            frugal_merkle *t = make_tree(H, k, (int)(H & 1), 1 + H % 2, &reg, 1);
            frugal_merkle_record want[64], got[64];
            for (uint64_t leaf = 0; leaf < ((uint64_t)1 << H); leaf++) {
                uint8_t c[16];
                for (int i = 0; i < 16; i++)
                    c[i] = (uint8_t)fr_rng_next(r);
                size_t nw = mref_update(ref, &leaf, c, 1, want), ng = 0;
                CHECK_STATUS(frugal_merkle_update(t, &leaf, c, 1, got, 64, &ng), FRUGAL_OK);
                CHECK_EQ_U64(ng, nw);
                CHECK_EQ_U64(nw, H + 1);
                compare_records(got, want, nw);
                frugal_digest a = root_of(t), b;
                mref_root(ref, &b);
                CHECK(digest_eq(&a, &b));
            }
            frugal_merkle_destroy(t);
            mref_free(ref);
            free(mem);
        }
}

/* ---- memory figures ------------------------------------------------------------- */

static void memory_figures(void)
{
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, 26);
    p.threads = 2;
    uint64_t b0 = frugal_merkle_tree_bytes(&p);
    CHECK(b0 >= (uint64_t)32 << 27);
    p.page_bits = 3;
    uint64_t b3 = frugal_merkle_tree_bytes(&p);
    CHECK(b3 <= b0 / 8 + (1 << 20)); /* the target: 1/8 plus a small constant */
    p.page_bits = 5;
    CHECK(frugal_merkle_tree_bytes(&p) <= b0 / 32 + (1 << 20));
    p.sparse = 1;
    p.max_pages = 1000;
    CHECK(frugal_merkle_tree_bytes(&p) < (uint64_t)40 * 1000 * 24 + (1 << 20));
    CHECK_EQ_U64(frugal_merkle_records_max(3, 1), 4);
    CHECK_EQ_U64(frugal_merkle_records_max(3, 8), 15);
    CHECK_EQ_U64(frugal_merkle_records_max(3, 100), 15);
    CHECK_EQ_U64(frugal_merkle_records_max(3, 3), 3 + 3 + 2 + 1);
    p.page_bits = 27;
    CHECK_EQ_U64(frugal_merkle_tree_bytes(&p), 0);
}

int main(void)
{
    fr_rng rng = fr_test_rng("test_merkle", 7);
    vectors();
    openvm_extension(&rng);
    memory_figures();
    const unsigned masks[] = {~0u, FRUGAL_CPU_AVX2, 0};
    for (int b = 0; b < 3; b++) {
        frugal_cpu_allow(masks[b]);
        for (unsigned H = 0; H <= 9; H++)
            for (int kind = 0; kind < MEM_KINDS; kind++)
                if ((H + (unsigned)kind + (unsigned)b) % FR_TEST_STRIDE == 0)
                    build_case(&rng, H, kind);
        for (unsigned H = 1; H <= 8; H++)
            for (unsigned k = 0; k <= H; k++)
                if ((H + k + (unsigned)b) % FR_TEST_STRIDE == 0)
                    update_case(&rng, H, k, (int)((H + k) % MEM_KINDS));
    }
    frugal_cpu_allow(~0u);
    exhaustive(&rng);
    return fr_test_result("test_merkle");
}
