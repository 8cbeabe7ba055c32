/* BLAKE2b through libsodium (RFC 7693). libsodium is initialised once, lazily. */
#ifndef FRUGAL_HASH_BLAKE2B_H
#define FRUGAL_HASH_BLAKE2B_H
#include <stddef.h>
#include <stdint.h>

/* out = BLAKE2b-256(in[0..len)), unkeyed. Returns 0, or -1 if libsodium failed. */
int fr_blake2b_256(const uint8_t *in, size_t len, uint8_t out[32]);
#endif
