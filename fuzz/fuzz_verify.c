/* Fuzz target: verifier input. The bytes are parsed as frugal verify's stdin
 * (Solution lines and JSON objects); every proof that parses is verified against a
 * fixed key; and the raw bytes are also read as (edgebits, length, edges) and given
 * to the verifier directly. Property: no crash, and statuses stay in the enum. */
#include <stdlib.h>
#include <string.h>

#include "frugal/cuckatoo.h"
#include "proofs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(frugal_status st)
{
    if (st != FRUGAL_OK && st != FRUGAL_ERR_ARG && (st < FRUGAL_POW_TOO_BIG || st > FRUGAL_POW_WRONG_LENGTH))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const frugal_sipkeys k = {{1, 2, 3, 4}};
    proof_list list = {0};
    char err[256];
    if (proofs_parse_text(&list, (const char *)data, size, 19, err, sizeof err) == 0)
        for (size_t i = 0; i < list.count; i++)
            check(frugal_cuckatoo_verify(&k, list.items[i].edgebits, list.items[i].edges,
                                         list.items[i].n, 42));
    proofs_free(&list);
    if (size >= 2) {
        unsigned eb = data[0] % 70, len = data[1];
        size_t n = (size - 2) / 8;
        uint64_t *edges = malloc((n ? n : 1) * sizeof *edges);
        memcpy(edges, data + 2, n * 8);
        check(frugal_cuckatoo_verify(&k, eb, edges, n, len));
        free(edges);
    }
    return 0;
}
