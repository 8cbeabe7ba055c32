/* Fuzz target: stratum input. The bytes go through a framer (4 KiB lines, so the
 * overlong path is reached) in chunks whose size the first byte picks, and every
 * line through the parser; the whole input is also parsed as one line. A parsed
 * submit or login request is written back with the writers and parsed again: the
 * values must come back exactly. The raw bytes also feed the share check as
 * (edge bits, edges). Properties: no crash, statuses within the documented sets. */
#include <stdlib.h>
#include <string.h>

#include "frugal/stratum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static frugal_stratum_msg msg, again;
static char out[FRUGAL_STRATUM_POW_MAX * 21 + 4 * FRUGAL_STRATUM_TEXT_MAX * 6 + 512];

static void roundtrip(void)
{
    size_t len;
    frugal_status st = FRUGAL_ERR_ARG;
    if (msg.method == FRUGAL_STRATUM_SUBMIT && !msg.is_response)
        st = frugal_stratum_write_submit(out, sizeof out, &len, 1, &msg.submit);
    else if (msg.method == FRUGAL_STRATUM_LOGIN && !msg.is_response)
        st = frugal_stratum_write_login(out, sizeof out, &len, 1, msg.login.login, msg.login.pass,
                                        msg.login.agent);
    else
        return;
    if (st != FRUGAL_OK || frugal_stratum_parse(out, len - 1, &again, NULL, 0) != FRUGAL_OK)
        abort();
    if (msg.method == FRUGAL_STRATUM_SUBMIT &&
        memcmp(&again.submit, &msg.submit, sizeof msg.submit) != 0)
        abort();
    if (msg.method == FRUGAL_STRATUM_LOGIN && memcmp(&again.login, &msg.login, sizeof msg.login) != 0)
        abort();
}

static void parse_line(const char *line, size_t len)
{
    char err[FRUGAL_STRATUM_TEXT_MAX];
    frugal_status st = frugal_stratum_parse(line, len, &msg, err, sizeof err);
    if (st != FRUGAL_OK && st != FRUGAL_ERR_PARSE && st != FRUGAL_ERR_PROTOCOL)
        abort();
    if (st != FRUGAL_OK && err[0] == '\0')
        abort(); /* every failure says why */
    if (st == FRUGAL_OK)
        roundtrip();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    frugal_stratum_framer *f;
    if (frugal_stratum_framer_create(4096, &f) != FRUGAL_OK)
        abort();
    size_t chunk = 1 + (size ? data[0] % 97 : 0);
    for (size_t off = 0; off < size;) {
        size_t n = size - off < chunk ? size - off : chunk, used, len;
        const char *line;
        frugal_status st = frugal_stratum_framer_feed(f, (const char *)data + off, n, &used, &line, &len);
        if ((st != FRUGAL_OK && st != FRUGAL_ERR_FULL) || used == 0 || used > n)
            abort();
        off += used;
        if (line)
            parse_line(line, len);
    }
    frugal_status fin = frugal_stratum_framer_finish(f);
    if (fin != FRUGAL_OK && fin != FRUGAL_ERR_TRUNCATED)
        abort();
    frugal_stratum_framer_destroy(f);
    parse_line((const char *)data, size);

    if (size >= 2) {
        size_t n = (size - 2) / 8;
        if (n > FRUGAL_STRATUM_POW_MAX)
            n = FRUGAL_STRATUM_POW_MAX;
        uint64_t edges[FRUGAL_STRATUM_POW_MAX], d;
        memcpy(edges, data + 2, n * 8);
        frugal_status st = frugal_stratum_share_difficulty(edges, n, data[1] % 70, &d);
        if (st != FRUGAL_OK && st != FRUGAL_ERR_RANGE && st != FRUGAL_ERR_ARG)
            abort();
    }
    return 0;
}
