/* BLAKE2b-256 via libsodium's crypto_generichash (BLAKE2b, RFC 7693). */
#include "hash/blake2b.h"

#include <pthread.h>
#include <sodium.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_status;

static void init(void) { init_status = sodium_init() < 0 ? -1 : 0; }

int fr_blake2b_256(const uint8_t *in, size_t len, uint8_t out[32])
{
    pthread_once(&once, init);
    if (init_status)
        return -1;
    return crypto_generichash(out, 32, in, len, NULL, 0) == 0 ? 0 : -1;
}
