/* Merkle proofs and the tree's error paths: proofs of every leaf of small trees
 * (every page_bits, dense and sparse) equal the plain tree's and verify; every
 * tampered field (block bits, sibling and root elements, the leaf index) fails; the
 * text form round-trips and every malformed variant is refused; each failure status
 * of create/update/prove has a case, and a failed update leaves tree and memory as
 * they were. */
#include "frugal/merkle.h"
#include "harness.h"
#include "merkle_ref.h"

#define P 2013265921u

static frugal_merkle *tree(unsigned H, unsigned K, int sparse, uint64_t max_pages,
                           const frugal_merkle_region *reg, size_t nreg, frugal_status want)
{
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, H);
    p.page_bits = K;
    p.sparse = sparse;
    p.max_pages = max_pages;
    p.threads = 2;
    frugal_merkle *t = (frugal_merkle *)1;
    CHECK_STATUS(frugal_merkle_create(&p, reg, nreg, &t), want);
    if (want != FRUGAL_OK)
        CHECK(t == NULL);
    return t;
}

static int proof_eq(const frugal_merkle_proof *a, const frugal_merkle_proof *b)
{
    if (a->height != b->height || a->leaf != b->leaf || memcmp(a->block, b->block, 16) ||
        memcmp(a->root.e, b->root.e, 32))
        return 0;
    for (unsigned h = 0; h < a->height; h++)
        if (memcmp(a->siblings[h].e, b->siblings[h].e, 32))
            return 0;
    return 1;
}

static char text[FRUGAL_MERKLE_PROOF_TEXT_MAX];

static void round_trip(const frugal_merkle_proof *pf)
{
    size_t len = 0, used = 0;
    CHECK_STATUS(frugal_merkle_proof_format(pf, text, sizeof text, &len), FRUGAL_OK);
    CHECK(len == strlen(text));
    frugal_merkle_proof back;
    CHECK_STATUS(frugal_merkle_proof_parse(text, len, &back, &used), FRUGAL_OK);
    CHECK_EQ_U64(used, len);
    CHECK(proof_eq(&back, pf));
    CHECK_STATUS(frugal_merkle_proof_parse(text, len - 1, &back, &used), FRUGAL_OK); /* no final LF */
    CHECK_STATUS(frugal_merkle_proof_format(pf, text, len, &len), FRUGAL_ERR_FULL);
}

/* Every single change to a valid proof makes it fail. */
static void tamper(const frugal_merkle_proof *good, fr_rng *r)
{
    frugal_merkle_proof pf;
    for (int bit = 0; bit < 128; bit += 1 + (int)(fr_rng_next(r) % 3)) {
        pf = *good;
        pf.block[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        CHECK_STATUS(frugal_merkle_verify(&pf), FRUGAL_ERR_PROOF);
    }
    for (unsigned h = 0; h <= good->height; h++)
        for (int e = 0; e < 8; e++) {
            pf = *good;
            uint32_t *w = h < good->height ? &pf.siblings[h].e[e] : &pf.root.e[e];
            *w = (*w + 1 + (uint32_t)(fr_rng_next(r) % 1000)) % P;
            CHECK_STATUS(frugal_merkle_verify(&pf), FRUGAL_ERR_PROOF);
            *w = P + (uint32_t)(fr_rng_next(r) % 7); /* not canonical */
            CHECK_STATUS(frugal_merkle_verify(&pf), FRUGAL_ERR_PROOF);
        }
    /* another leaf with the same path: fails unless the sibling equals the path's
     * own node there (then the swap is a true proof, as in an all-zero subtree) */
    frugal_digest node;
    frugal_poseidon2_leaf(good->block, &node);
    for (unsigned h = 0; h < good->height; h++) {
        pf = *good;
        pf.leaf ^= (uint64_t)1 << h;
        int same = memcmp(node.e, good->siblings[h].e, 32) == 0;
        CHECK_STATUS(frugal_merkle_verify(&pf), same ? FRUGAL_OK : FRUGAL_ERR_PROOF);
        if ((good->leaf >> h) & 1)
            frugal_poseidon2_compress(&good->siblings[h], &node, &node);
        else
            frugal_poseidon2_compress(&node, &good->siblings[h], &node);
    }
    pf = *good;
    pf.leaf = (uint64_t)1 << good->height;
    CHECK_STATUS(frugal_merkle_verify(&pf), FRUGAL_ERR_ARG);
    pf = *good;
    pf.height = FRUGAL_MERKLE_HEIGHT_MAX + 1;
    CHECK_STATUS(frugal_merkle_verify(&pf), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_merkle_verify(NULL), FRUGAL_ERR_ARG);
}

static void proofs(fr_rng *r)
{
    for (unsigned H = 0; H <= 7; H++)
        for (unsigned k = 0; k <= H; k++)
            for (int sparse = 0; sparse < 2; sparse++) {
                if ((H + k + (unsigned)sparse) % FR_TEST_STRIDE)
                    continue;
                size_t len = (size_t)16 << H;
                uint8_t *mem = calloc(len, 1);
                for (size_t i = 0; i < len / 2; i++) /* upper half zero: Z siblings */
                    mem[i] = (fr_rng_next(r) % 3) ? (uint8_t)fr_rng_next(r) : 0;
                frugal_merkle_region reg = {0, mem, len};
                mref *ref = mref_build(H, &reg, 1);
                frugal_merkle *t = tree(H, k, sparse, 0, &reg, 1, FRUGAL_OK);
                for (uint64_t leaf = 0; leaf < ((uint64_t)1 << H); leaf++) {
                    frugal_merkle_proof got, want;
                    CHECK_STATUS(frugal_merkle_prove(t, leaf, &got), FRUGAL_OK);
                    mref_prove(ref, leaf, &want);
                    CHECK(proof_eq(&got, &want));
                    CHECK_STATUS(frugal_merkle_verify(&got), FRUGAL_OK);
                    if (leaf % 5 == 0)
                        round_trip(&got);
                    if (leaf % 11 == 0)
                        tamper(&got, r);
                }
                frugal_merkle_proof pf;
                CHECK_STATUS(frugal_merkle_prove(t, (uint64_t)1 << H, &pf), FRUGAL_ERR_RANGE);
                frugal_merkle_destroy(t);
                mref_free(ref);
                free(mem);
            }
}

/* The text form refuses every deviation. */
static void parser(void)
{
    uint8_t mem[64];
    for (int i = 0; i < 64; i++)
        mem[i] = (uint8_t)(i * 7);
    frugal_merkle_region reg = {0, mem, sizeof mem};
    frugal_merkle *t = tree(2, 1, 0, 0, &reg, 1, FRUGAL_OK);
    frugal_merkle_proof pf, back;
    CHECK_STATUS(frugal_merkle_prove(t, 2, &pf), FRUGAL_OK);
    frugal_merkle_destroy(t);
    size_t len;
    static char good[FRUGAL_MERKLE_PROOF_TEXT_MAX], bad[2 * FRUGAL_MERKLE_PROOF_TEXT_MAX + 64];
    CHECK_STATUS(frugal_merkle_proof_format(&pf, good, sizeof good, &len), FRUGAL_OK);
    /* each edit: find -> replace (first occurrence) */
    static const char *const edits[][2] = {
        {"frugal-merkle-proof 1", "frugal-merkle-proof 2"},
        {"height 2", "height 02"},
        {"height 2", "height  2"},
        {"height 2", "height 49"},
        {"height 2", "height -2"},
        {"height 2", "Height 2"},
        {"leaf 2", "leaf 4"},
        {"leaf 2", "leaf 2 "},
        {"leaf 2", "leaf x"},
        {"leaf 2", "leaf 18446744073709551616"},
        {"block ", "block 0"},
        {"block ", "block A"},
        {"block ", "blocks "},
        {"root ", "root  "},
        {"root ", "root 2013265921 "},
        {"root ", "root 1 "},
        {"sibling ", "sibling 0"},
        {"sibling ", "sib "},
        {"\nend", "\nend "},
        {"\nend", "\nEND"},
        {"\nroot", "\n\nroot"},
        {"\nroot", "\r\nroot"},
    };
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        const char *at = strstr(good, edits[e][0]);
        REQUIRE(at);
        size_t pre = (size_t)(at - good);
        snprintf(bad, sizeof bad, "%.*s%s%s", (int)pre, good, edits[e][1], at + strlen(edits[e][0]));
        frugal_status st = frugal_merkle_proof_parse(bad, strlen(bad), &back, NULL);
        CHECK(st == FRUGAL_ERR_PARSE);
        if (st != FRUGAL_ERR_PARSE)
            fprintf(stderr, "  edit %zu (%s -> %s) gave %s\n", e, edits[e][0], edits[e][1],
                    frugal_status_str(st));
    }
    /* a sibling line short of an element, or the last element >= p */
    char *last_sib = strstr(good, "sibling ");
    REQUIRE(last_sib);
    char *eol = strchr(last_sib, '\n');
    char *sp = eol;
    while (*sp != ' ')
        sp--;
    snprintf(bad, sizeof bad, "%.*s%s", (int)(sp - good), good, eol);
    CHECK_STATUS(frugal_merkle_proof_parse(bad, strlen(bad), &back, NULL), FRUGAL_ERR_PARSE);
    snprintf(bad, sizeof bad, "%.*s 2013265921%s", (int)(sp - good), good, eol);
    CHECK_STATUS(frugal_merkle_proof_parse(bad, strlen(bad), &back, NULL), FRUGAL_ERR_PARSE);
    /* every proper prefix is truncated or malformed, never accepted */
    for (size_t cut = 0; cut + 1 < len; cut++) {
        frugal_status st = frugal_merkle_proof_parse(good, cut, &back, NULL);
        CHECK(st == FRUGAL_ERR_TRUNCATED || st == FRUGAL_ERR_PARSE);
    }
    CHECK_STATUS(frugal_merkle_proof_parse(good, 0, &back, NULL), FRUGAL_ERR_TRUNCATED);
    CHECK_STATUS(frugal_merkle_proof_parse(NULL, 0, &back, NULL), FRUGAL_ERR_TRUNCATED);
    CHECK_STATUS(frugal_merkle_proof_parse(good, len, NULL, NULL), FRUGAL_ERR_ARG);
    /* two proofs back to back: used marks the first */
    snprintf(bad, sizeof bad, "%s%s", good, good);
    size_t used = 0;
    CHECK_STATUS(frugal_merkle_proof_parse(bad, strlen(bad), &back, &used), FRUGAL_OK);
    CHECK_EQ_U64(used, len);
    CHECK(proof_eq(&back, &pf));
    CHECK_STATUS(frugal_merkle_proof_format(NULL, bad, sizeof bad, NULL), FRUGAL_ERR_ARG);
}

static void errors(fr_rng *r)
{
    uint8_t mem[16 * 64];
    for (size_t i = 0; i < sizeof mem; i++)
        mem[i] = (uint8_t)fr_rng_next(r);
    frugal_merkle_region reg = {0, mem, sizeof mem};
    /* parameters and regions */
    tree(FRUGAL_MERKLE_HEIGHT_MAX + 1, 0, 0, 0, NULL, 0, FRUGAL_ERR_ARG);
    tree(6, 7, 0, 0, &reg, 1, FRUGAL_ERR_ARG);                     /* K > H */
    tree(30, 21, 0, 0, NULL, 0, FRUGAL_ERR_ARG);                   /* K > max */
    tree(6, 2, 1, 17, &reg, 1, FRUGAL_ERR_ARG);                    /* max_pages > 2^(H-k) */
    tree(5, 0, 0, 0, &reg, 1, FRUGAL_ERR_ARG);                     /* memory beyond 16*2^H */
    frugal_merkle_region two[2] = {{512, mem, 512}, {0, mem, 512}};
    tree(6, 0, 0, 0, two, 2, FRUGAL_ERR_ARG);                      /* unsorted */
    two[0] = (frugal_merkle_region){0, mem, 512};
    two[1] = (frugal_merkle_region){496, mem, 32};
    tree(6, 0, 0, 0, two, 2, FRUGAL_ERR_ARG);                      /* overlapping */
    frugal_merkle_region odd = {8, mem, 16};
    tree(6, 0, 0, 0, &odd, 1, FRUGAL_ERR_ARG);                     /* misaligned */
    odd = (frugal_merkle_region){0, mem, 24};
    tree(6, 0, 0, 0, &odd, 1, FRUGAL_ERR_ARG);
    odd = (frugal_merkle_region){0, NULL, 16};
    tree(6, 0, 0, 0, &odd, 1, FRUGAL_ERR_ARG);
    tree(6, 1, 1, 3, &reg, 1, FRUGAL_ERR_FULL);                    /* 32 non-zero pages > 3 */
    frugal_merkle_params p;
    frugal_merkle_params_default(&p, 6);
    CHECK_STATUS(frugal_merkle_create(&p, &reg, 1, NULL), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_merkle_create(NULL, &reg, 1, (frugal_merkle **)&p), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_merkle_check_params(NULL), FRUGAL_ERR_ARG);

    /* updates: every refusal leaves tree and memory as they were */
    frugal_merkle_region half = {0, mem, sizeof mem / 2}; /* blocks 0..31 */
    for (unsigned k = 0; k <= 2; k++) {
        uint8_t before[sizeof mem];
        memcpy(before, mem, sizeof mem);
        frugal_merkle *t = tree(6, k, (int)(k & 1), 0, &half, 1, FRUGAL_OK);
        frugal_digest r0, r1;
        frugal_merkle_root(t, &r0);
        uint8_t c[3 * 16];
        memset(c, 0xab, sizeof c);
        frugal_merkle_record rec[32];
        size_t nrec = 99;
        uint64_t out_of_tree[1] = {64}, outside[1] = {40}, dup[3] = {3, 9, 3}, ok[3] = {5, 1, 3};
        CHECK_STATUS(frugal_merkle_update(t, out_of_tree, c, 1, NULL, 0, &nrec), FRUGAL_ERR_RANGE);
        CHECK_STATUS(frugal_merkle_update(t, outside, c, 1, NULL, 0, NULL), FRUGAL_ERR_RANGE);
        CHECK_STATUS(frugal_merkle_update(t, dup, c, 3, NULL, 0, NULL), FRUGAL_ERR_ARG);
        CHECK_STATUS(frugal_merkle_update(t, NULL, c, 1, NULL, 0, NULL), FRUGAL_ERR_ARG);
        CHECK_STATUS(frugal_merkle_update(t, ok, NULL, 3, NULL, 0, NULL), FRUGAL_ERR_ARG);
        CHECK_STATUS(frugal_merkle_update(NULL, ok, c, 3, NULL, 0, NULL), FRUGAL_ERR_ARG);
        CHECK_STATUS(frugal_merkle_update(t, ok, c, 3, rec, 5, &nrec), FRUGAL_ERR_FULL);
        CHECK_EQ_U64(nrec, 3 + 3 + 2 + 1 + 1 + 1 + 1); /* blocks 1,3,5: the need is reported */
        frugal_merkle_root(t, &r1);
        CHECK(memcmp(r0.e, r1.e, 32) == 0 && memcmp(mem, before, sizeof mem) == 0);
        CHECK_STATUS(frugal_merkle_update(t, ok, c, 0, NULL, 0, &nrec), FRUGAL_OK); /* n = 0 */
        CHECK_EQ_U64(nrec, 0);
        frugal_merkle_root(t, &r1);
        CHECK(memcmp(r0.e, r1.e, 32) == 0);
        if (k > 0) {
            /* memory changed behind the tree's back: detected, nothing changes */
            mem[16 * 5 + 3] ^= 1;
            CHECK_STATUS(frugal_merkle_update(t, ok, c, 3, rec, 32, &nrec), FRUGAL_ERR_STATE);
            frugal_merkle_proof pf;
            CHECK_STATUS(frugal_merkle_prove(t, 4, &pf), FRUGAL_ERR_STATE);
            CHECK_STATUS(frugal_merkle_prove(t, 20, &pf), FRUGAL_OK); /* another page */
            frugal_merkle_root(t, &r1);
            CHECK(memcmp(r0.e, r1.e, 32) == 0 && mem[16 * 5] == before[16 * 5]);
            mem[16 * 5 + 3] ^= 1;
        }
        CHECK_STATUS(frugal_merkle_update(t, ok, c, 3, rec, 32, &nrec), FRUGAL_OK);
        frugal_merkle_root(t, &r1);
        CHECK(memcmp(r0.e, r1.e, 32) != 0 && mem[16 * 5] == 0xab && mem[16 * 1 + 15] == 0xab);
        CHECK_EQ_U64(nrec, 12);
        frugal_merkle_destroy(t);
        memcpy(mem, before, sizeof mem);
    }
    /* sparse capacity: 2 pages stored, room for 3, an update touching 2 new ones */
    uint8_t sp[16 * 64] = {0};
    sp[0] = 1;
    sp[16 * 20] = 1;
    frugal_merkle_region sreg = {0, sp, sizeof sp};
    frugal_merkle *t = tree(6, 2, 1, 3, &sreg, 1, FRUGAL_OK);
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    CHECK_EQ_U64(s.stored_pages, 2);
    uint64_t two_new[2] = {40, 60}, one_new[2] = {1, 40};
    uint8_t c[32];
    memset(c, 7, sizeof c);
    frugal_digest r0, r1;
    frugal_merkle_root(t, &r0);
    CHECK_STATUS(frugal_merkle_update(t, two_new, c, 2, NULL, 0, NULL), FRUGAL_ERR_FULL);
    frugal_merkle_root(t, &r1);
    CHECK(memcmp(r0.e, r1.e, 32) == 0 && sp[16 * 40] == 0);
    CHECK_STATUS(frugal_merkle_update(t, one_new, c, 2, NULL, 0, NULL), FRUGAL_OK);
    frugal_merkle_get_stats(t, &s);
    CHECK_EQ_U64(s.stored_pages, 3);
    frugal_merkle_destroy(t);
    frugal_merkle_destroy(NULL);
}

int main(void)
{
    fr_rng rng = fr_test_rng("test_merkle_proof", 11);
    proofs(&rng);
    parser();
    errors(&rng);
    return fr_test_result("test_merkle_proof");
}
