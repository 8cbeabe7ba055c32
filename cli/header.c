/* Header options: --header-len L (zero bytes), --header HEX, --grin-pre-pow HEX. */
#include <string.h>

#include "cli.h"

void header_default(header_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->mode = HDR_ZERO;
    spec->len = 80;
}

int header_option(header_spec *spec, int opt, const char *arg, const char *cmd)
{
    size_t n = 0;
    frugal_status st;
    switch (opt) {
    case OPT_HEADER_LEN: {
        uint64_t len;
        if (parse_uint_opt(cmd, "--header-len", arg, 4, sizeof spec->bytes, &len) != 0)
            return -1;
        memset(spec->bytes, 0, sizeof spec->bytes);
        spec->mode = HDR_ZERO;
        spec->len = (size_t)len;
        return 0;
    }
    case OPT_HEADER:
        st = frugal_hex_decode(arg, strlen(arg), spec->bytes, sizeof spec->bytes, &n);
        if (st == FRUGAL_ERR_FULL) {
            cli_error(cmd, "--header: more than %zu bytes", sizeof spec->bytes);
            return -1;
        }
        if (st != FRUGAL_OK) {
            cli_error(cmd, "--header: not hex (an even number of 0-9a-f digits)");
            return -1;
        }
        if (n < 4) {
            cli_error(cmd, "--header: %zu bytes is too short to hold a nonce (need 4)", n);
            return -1;
        }
        spec->mode = HDR_BYTES;
        spec->len = n;
        return 0;
    case OPT_GRIN_PRE_POW:
        st = frugal_hex_decode(arg, strlen(arg), spec->bytes, sizeof spec->bytes, &n);
        if (st != FRUGAL_OK && st != FRUGAL_ERR_FULL) {
            cli_error(cmd, "--grin-pre-pow: not hex (an even number of 0-9a-f digits)");
            return -1;
        }
        if (st == FRUGAL_ERR_FULL || n != FRUGAL_GRIN_PRE_POW_BYTES) {
            cli_error(cmd, "--grin-pre-pow: need exactly %d bytes (%d hex digits), got %zu digits",
                      FRUGAL_GRIN_PRE_POW_BYTES, 2 * FRUGAL_GRIN_PRE_POW_BYTES, strlen(arg));
            return -1;
        }
        spec->mode = HDR_GRIN;
        spec->len = FRUGAL_GRIN_HEADER_BYTES;
        return 0;
    }
    return -1;
}

uint64_t header_max_nonce(const header_spec *spec)
{
    return spec->mode == HDR_GRIN ? UINT64_MAX : UINT32_MAX;
}

frugal_status header_keys(const header_spec *spec, uint64_t nonce, frugal_sipkeys *keys)
{
    uint8_t h[sizeof spec->bytes];
    if (spec->mode == HDR_GRIN) {
        frugal_status st = frugal_grin_header(spec->bytes, FRUGAL_GRIN_PRE_POW_BYTES, nonce, h);
        if (st != FRUGAL_OK)
            return st;
    } else {
        if (nonce > UINT32_MAX)
            return FRUGAL_ERR_RANGE;
        memcpy(h, spec->bytes, spec->len);
        frugal_header_put_nonce32(h, spec->len, (uint32_t)nonce);
    }
    return frugal_cuckatoo_keys(h, spec->len, keys);
}
