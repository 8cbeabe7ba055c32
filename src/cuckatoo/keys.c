/* Header handling and siphash keys (Grin consensus: keys are the BLAKE2b-256 digest
 * of the header read as four little-endian u64; the nonce sits in the header). */
#include "common/endian.h"
#include "frugal/cuckatoo.h"
#include "hash/blake2b.h"
#include "hash/siphash.h"

frugal_status frugal_cuckatoo_keys(const uint8_t *header, size_t len, frugal_sipkeys *keys)
{
    if ((!header && len) || !keys)
        return FRUGAL_ERR_ARG;
    uint8_t digest[32];
    if (fr_blake2b_256(header, len, digest) != 0)
        return FRUGAL_ERR_INTERNAL;
    for (int i = 0; i < 4; i++)
        keys->k[i] = fr_load_le64(digest + 8 * i);
    return FRUGAL_OK;
}

size_t frugal_header_nonce_offset(size_t len) { return len < 4 ? 0 : 4 * (len / 4) - 4; }

frugal_status frugal_header_put_nonce32(uint8_t *header, size_t len, uint32_t nonce)
{
    if (!header || len < 4)
        return FRUGAL_ERR_ARG;
    fr_store_le32(header + frugal_header_nonce_offset(len), nonce);
    return FRUGAL_OK;
}

frugal_status frugal_grin_header(const uint8_t *pre_pow, size_t pre_pow_len, uint64_t nonce,
                                 uint8_t out[FRUGAL_GRIN_HEADER_BYTES])
{
    if (!pre_pow || !out || pre_pow_len != FRUGAL_GRIN_PRE_POW_BYTES)
        return FRUGAL_ERR_ARG;
    memmove(out, pre_pow, FRUGAL_GRIN_PRE_POW_BYTES);
    fr_store_be64(out + FRUGAL_GRIN_PRE_POW_BYTES, nonce);
    return FRUGAL_OK;
}

uint64_t frugal_cuckatoo_node(const frugal_sipkeys *keys, unsigned edgebits, uint64_t edge,
                              unsigned side)
{
    uint64_t mask = edgebits >= 64 ? ~0ull : (1ull << edgebits) - 1;
    return fr_siphash24(keys, 2 * edge + (side & 1)) & mask;
}
