/* Keys from headers match every vector file; nonce placement and Grin headers. */
#include "frugal/cuckatoo.h"
#include "harness.h"
#include "vectors.h"

static void check_file(const char *file, size_t header_len)
{
    cuckatoo_vector *v;
    size_t n = read_cuckatoo_vectors(file, &v);
    for (size_t i = 0; i < n; i++) {
        frugal_sipkeys k;
        vector_keys_from_zero_header(header_len, v[i].nonce, &k);
        CHECK(memcmp(&k, &v[i].keys, sizeof k) == 0);
    }
    printf("test_keys: %zu keys of %s match\n", n, file);
    free(v);
}

int main(void)
{
    check_file("cuckatoo/grin80.txt", 80);
    const char *z[] = {"cuckatoo/zero246-c19.txt", "cuckatoo/zero246-c20.txt",
                       "cuckatoo/zero246-c22.txt", "cuckatoo/zero246-c24.txt",
                       "cuckatoo/zero246-c25.txt"};
    for (int i = 0; i < 5; i++)
        check_file(z[i], 246);
    CHECK_EQ_U64(frugal_header_nonce_offset(80), 76);
    CHECK_EQ_U64(frugal_header_nonce_offset(246), 240);
    CHECK_EQ_U64(frugal_header_nonce_offset(7), 0);
    uint8_t h[8] = {0};
    CHECK_STATUS(frugal_header_put_nonce32(h, 3, 1), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_header_put_nonce32(h, 8, 0x04030201), FRUGAL_OK);
    CHECK(h[4] == 1 && h[5] == 2 && h[6] == 3 && h[7] == 4);
    uint8_t pre[FRUGAL_GRIN_PRE_POW_BYTES], out[FRUGAL_GRIN_HEADER_BYTES];
    for (int i = 0; i < FRUGAL_GRIN_PRE_POW_BYTES; i++)
        pre[i] = (uint8_t)i;
    CHECK_STATUS(frugal_grin_header(pre, 237, 1, out), FRUGAL_ERR_ARG);
    CHECK_STATUS(frugal_grin_header(pre, sizeof pre, 0x0102030405060708ull, out), FRUGAL_OK);
    CHECK(memcmp(out, pre, sizeof pre) == 0);
    CHECK(out[238] == 1 && out[245] == 8);
    CHECK_STATUS(frugal_cuckatoo_keys(NULL, 5, NULL), FRUGAL_ERR_ARG);
    return fr_test_result("test_keys");
}
