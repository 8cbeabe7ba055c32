/* The Cuckatoo verifier (Tromp, cuckatoo.h verify(); Grin core/pow/cuckatoo.rs).
 *
 * With uvs[2i] and uvs[2i+1] the U and V endpoints of edge i, the proof is a single
 * cycle when, starting from endpoint 0, each endpoint i has exactly one other
 * endpoint k on the same side with uvs[k] = uvs[i] ^ 1 (same pair, other node), and
 * hopping i -> k^1 (the other end of that edge) returns to 0 after exactly L edges.
 * The xor test is a cheap necessary condition: each of the L/2 pairs per side xors
 * to 1, so all endpoints of a side xor to (L/2) & 1. */
#include "frugal/cuckatoo.h"
#include "hash/siphash.h"

frugal_status frugal_cuckatoo_verify(const frugal_sipkeys *keys, unsigned edgebits,
                                     const uint64_t *edges, size_t n, size_t cycle_len)
{
    if (!keys || (!edges && n) || edgebits < 1 || edgebits > FRUGAL_VERIFY_EDGEBITS_MAX ||
        cycle_len < FRUGAL_CYCLE_MIN || cycle_len > FRUGAL_CYCLE_MAX || (cycle_len & 1))
        return FRUGAL_ERR_ARG;
    if (n != cycle_len)
        return FRUGAL_POW_WRONG_LENGTH;
    const uint64_t mask = (1ull << edgebits) - 1;
    uint64_t uvs[2 * FRUGAL_CYCLE_MAX];
    uint64_t xor0 = (cycle_len / 2) & 1, xor1 = xor0;
    for (size_t i = 0; i < n; i++) {
        if (edges[i] > mask)
            return FRUGAL_POW_TOO_BIG;
        if (i && edges[i] <= edges[i - 1])
            return FRUGAL_POW_TOO_SMALL;
        xor0 ^= uvs[2 * i] = fr_siphash24(keys, 2 * edges[i]) & mask;
        xor1 ^= uvs[2 * i + 1] = fr_siphash24(keys, 2 * edges[i] + 1) & mask;
    }
    if (xor0 | xor1)
        return FRUGAL_POW_NON_MATCHING;
    const size_t ends = 2 * n;
    size_t hops = 0, i = 0;
    do {
        size_t j = i;
        for (size_t k = (i + 2) % ends; k != i; k = (k + 2) % ends) {
            if (uvs[k] >> 1 == uvs[i] >> 1) {
                if (j != i)
                    return FRUGAL_POW_BRANCH;
                j = k;
            }
        }
        if (j == i || uvs[j] == uvs[i])
            return FRUGAL_POW_DEAD_END;
        i = j ^ 1;
        hops++;
    } while (i != 0);
    return hops == cycle_len ? FRUGAL_OK : FRUGAL_POW_SHORT_CYCLE;
}
