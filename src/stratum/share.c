/* Share check, job headers and pool strings for Grin stratum (see share.h). */
#include "stratum/share.h"

#include <stdio.h>
#include <string.h>

#include "common/endian.h"
#include "hash/blake2b.h"

frugal_status frugal_stratum_job_header(const frugal_stratum_job *job, uint64_t nonce,
                                        uint8_t *out, size_t cap, size_t *len)
{
    if (len)
        *len = 0;
    if (!job || !out || !len || job->pre_pow_len == 0 ||
        job->pre_pow_len > FRUGAL_STRATUM_PRE_POW_MAX)
        return FRUGAL_ERR_ARG;
    if (cap < job->pre_pow_len + 8)
        return FRUGAL_ERR_FULL;
    memcpy(out, job->pre_pow, job->pre_pow_len);
    fr_store_be64(out + job->pre_pow_len, nonce);
    *len = job->pre_pow_len + 8;
    return FRUGAL_OK;
}

frugal_status frugal_stratum_proof_pack(const uint64_t *edges, size_t n, unsigned edgebits,
                                        uint8_t *out, size_t cap, size_t *len)
{
    if (len)
        *len = 0;
    if ((!edges && n) || !out || !len || edgebits < 1 || edgebits > 63 || n > SIZE_MAX / 64)
        return FRUGAL_ERR_ARG;
    size_t need = (n * edgebits + 7) / 8;
    if (cap < need)
        return FRUGAL_ERR_FULL;
    for (size_t i = 0; i < n; i++)
        if (edges[i] >> edgebits)
            return FRUGAL_ERR_RANGE;
    memset(out, 0, need);
    for (size_t i = 0; i < n; i++) {
        uint64_t e = edges[i], pos = (uint64_t)i * edgebits;
        size_t byte = (size_t)(pos >> 3);
        unsigned shift = (unsigned)(pos & 7);
        out[byte] |= (uint8_t)(e << shift);
        /* the bits of e not yet placed, from bit 8 - shift upwards */
        uint64_t rest = e >> (8 - shift);
        for (int left = (int)edgebits - (int)(8 - shift); left > 0; left -= 8, rest >>= 8)
            out[++byte] |= (uint8_t)rest;
    }
    *len = need;
    return FRUGAL_OK;
}

frugal_status frugal_stratum_proof_hash(const uint64_t *edges, size_t n, unsigned edgebits,
                                        uint8_t hash[32])
{
    uint8_t packed[(FRUGAL_STRATUM_POW_MAX * 63 + 7) / 8];
    size_t len;
    if (!hash || n > FRUGAL_STRATUM_POW_MAX)
        return FRUGAL_ERR_ARG;
    frugal_status st = frugal_stratum_proof_pack(edges, n, edgebits, packed, sizeof packed, &len);
    if (st != FRUGAL_OK)
        return st;
    return fr_blake2b_256(packed, len, hash) == 0 ? FRUGAL_OK : FRUGAL_ERR_INTERNAL;
}

uint64_t frugal_stratum_hash_difficulty(const uint8_t hash[32])
{
    uint64_t h = fr_load_be64(hash);
    if (h <= 1)
        return UINT64_MAX; /* 2^64 / max(h, 1) = 2^64, capped */
    /* 2^64 = q*h + r + 1 with q, r of (2^64-1)/h */
    uint64_t q = UINT64_MAX / h, r = UINT64_MAX % h;
    return r == h - 1 ? q + 1 : q;
}

frugal_status frugal_stratum_share_difficulty(const uint64_t *edges, size_t n, unsigned edgebits,
                                              uint64_t *difficulty)
{
    uint8_t hash[32];
    if (!difficulty)
        return FRUGAL_ERR_ARG;
    frugal_status st = frugal_stratum_proof_hash(edges, n, edgebits, hash);
    if (st == FRUGAL_OK)
        *difficulty = frugal_stratum_hash_difficulty(hash);
    return st;
}

int fr_stratum_job_digest(const frugal_stratum_job *job, uint8_t digest[32])
{
    return fr_blake2b_256(job->pre_pow, job->pre_pow_len, digest);
}

frugal_status frugal_stratum_pool_parse(const char *text, char *host, size_t hostcap,
                                        unsigned *port)
{
    if (!text || !host || !port || hostcap == 0)
        return FRUGAL_ERR_ARG;
    host[0] = '\0';
    const char *h = text, *colon;
    size_t hlen;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':')
            return FRUGAL_ERR_PARSE;
        h = text + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon)
            return FRUGAL_ERR_PARSE;
        hlen = (size_t)(colon - text);
        if (memchr(text, ':', hlen))
            return FRUGAL_ERR_PARSE; /* an IPv6 address needs brackets */
    }
    if (hlen == 0 || memchr(h, ' ', hlen))
        return FRUGAL_ERR_PARSE;
    const char *p = colon + 1;
    unsigned long v = 0;
    if (!*p)
        return FRUGAL_ERR_PARSE;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return FRUGAL_ERR_PARSE;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return FRUGAL_ERR_PARSE;
    }
    if (v == 0)
        return FRUGAL_ERR_PARSE;
    if (hlen >= hostcap)
        return FRUGAL_ERR_FULL;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (unsigned)v;
    return FRUGAL_OK;
}
