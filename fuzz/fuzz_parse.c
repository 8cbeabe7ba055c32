/* Fuzz target: the text parsers (hex, sizes, integers) and header options.
 * Properties: no crash; decoded hex re-encodes to the lowercase input. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "frugal/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    uint8_t out[512];
    size_t n = 0;
    if (frugal_hex_decode(s, size, out, sizeof out, &n) == FRUGAL_OK) {
        char *back = malloc(2 * n + 1);
        frugal_hex_encode(out, n, back);
        for (size_t i = 0; i < 2 * n; i++) {
            char c = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
            if (back[i] != c)
                abort();
        }
        free(back);
    }
    uint64_t v;
    frugal_parse_size(s, &v);
    frugal_parse_u64(s, UINT64_MAX, &v);
    header_spec spec;
    header_default(&spec);
    if (size > 0) {
        int opt = OPT_HEADER_LEN + (data[0] % 3);
        if (header_option(&spec, opt, s + 1, "fuzz") == 0) {
            frugal_sipkeys k;
            header_keys(&spec, 1, &k);
        }
    }
    free(s);
    return 0;
}
