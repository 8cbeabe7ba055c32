/* Endian-explicit loads and stores: packed formats never cast byte buffers to wider
 * pointer types. Each compiles to a single move on x86-64. */
#ifndef FRUGAL_COMMON_ENDIAN_H
#define FRUGAL_COMMON_ENDIAN_H
#include <stdint.h>
#include <string.h>

static inline uint32_t fr_load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t fr_load_le64(const uint8_t *p)
{
    return (uint64_t)fr_load_le32(p) | (uint64_t)fr_load_le32(p + 4) << 32;
}

static inline void fr_store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline void fr_store_le64(uint8_t *p, uint64_t v)
{
    fr_store_le32(p, (uint32_t)v);
    fr_store_le32(p + 4, (uint32_t)(v >> 32));
}

static inline void fr_store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline uint64_t fr_load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}
#endif
