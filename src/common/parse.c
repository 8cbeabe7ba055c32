/* Strict parsers for the text the CLI and the protocol layers accept: hex, byte
 * counts with binary suffixes, and 64-bit integers. Each either consumes its whole
 * input or fails; none reads past the length it is given. */
#include "frugal/common.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

frugal_status frugal_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outcap,
                                size_t *outlen)
{
    if (outlen)
        *outlen = 0;
    if (!hex || (hexlen && !out) || (hexlen & 1))
        return hex ? FRUGAL_ERR_PARSE : FRUGAL_ERR_ARG;
    if (hexlen / 2 > outcap)
        return FRUGAL_ERR_FULL;
    for (size_t i = 0; i < hexlen; i += 2) {
        int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return FRUGAL_ERR_PARSE;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (outlen)
        *outlen = hexlen / 2;
    return FRUGAL_OK;
}

void frugal_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

frugal_status frugal_parse_u64(const char *text, uint64_t max, uint64_t *value)
{
    if (!text || !value)
        return FRUGAL_ERR_ARG;
    unsigned base = 10;
    const char *p = text;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!*p)
        return FRUGAL_ERR_PARSE;
    uint64_t v = 0;
    for (; *p; p++) {
        int d = hexval(*p);
        if (d < 0 || (unsigned)d >= base)
            return FRUGAL_ERR_PARSE;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            return FRUGAL_ERR_RANGE;
        v = v * base + (unsigned)d;
    }
    if (v > max)
        return FRUGAL_ERR_RANGE;
    *value = v;
    return FRUGAL_OK;
}

frugal_status frugal_parse_size(const char *text, uint64_t *bytes)
{
    if (!text || !bytes)
        return FRUGAL_ERR_ARG;
    const char *p = text;
    uint64_t v = 0;
    if (*p < '0' || *p > '9')
        return FRUGAL_ERR_PARSE;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return FRUGAL_ERR_PARSE;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    unsigned shift = 0;
    switch (*p) {
    case 'k': case 'K': shift = 10; p++; break;
    case 'm': case 'M': shift = 20; p++; break;
    case 'g': case 'G': shift = 30; p++; break;
    case 't': case 'T': shift = 40; p++; break;
    default: break;
    }
    if (shift && (p[0] == 'i' || p[0] == 'I') && (p[1] == 'B' || p[1] == 'b'))
        p += 2;
    else if (*p == 'B' || *p == 'b')
        p++;
    if (*p)
        return FRUGAL_ERR_PARSE;
    if (shift && v > (UINT64_MAX >> shift))
        return FRUGAL_ERR_PARSE;
    *bytes = v << shift;
    return FRUGAL_OK;
}
