/* Fuzz target: the Merkle proof parser (text form of frugal/merkle.h).
 * Properties: no crash; an accepted text is canonical (formatting the proof gives
 * back exactly the bytes consumed, plus the final LF when the text ended without
 * one); the formatted text parses to the same proof; verifying never crashes and
 * answers OK or "proof does not verify". */
#include <stdlib.h>
#include <string.h>

#include "frugal/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out[FRUGAL_MERKLE_PROOF_TEXT_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    frugal_merkle_proof pf, again;
    size_t used = 0, len = 0;
    const char *text = (const char *)data;
    if (frugal_merkle_proof_parse(text, size, &pf, &used) != FRUGAL_OK)
        return 0;
    if (used == 0 || used > size)
        abort();
    if (frugal_merkle_proof_format(&pf, out, sizeof out, &len) != FRUGAL_OK)
        abort();
    int lf = text[used - 1] == '\n';
    if (len != used + !lf || memcmp(out, text, used) != 0 || (!lf && out[used] != '\n'))
        abort();
    if (frugal_merkle_proof_parse(out, len, &again, &used) != FRUGAL_OK || used != len ||
        memcmp(&again, &pf, sizeof pf) != 0)
        abort();
    frugal_status st = frugal_merkle_verify(&pf);
    if (st != FRUGAL_OK && st != FRUGAL_ERR_PROOF)
        abort();
    return 0;
}
