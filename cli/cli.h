/* Shared pieces of the frugal command-line tool. Conventions: results go to stdout,
 * progress and messages to stderr; exit 0 on success, 1 when a checked thing is
 * invalid (a proof, a share), 2 for bad usage or bad input. */
#ifndef FRUGAL_CLI_H
#define FRUGAL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/cuckatoo.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2

/* Every subcommand: argc/argv start at the subcommand's name. Returns the exit code. */
int cmd_solve(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_merkle(int argc, char **argv);
int cmd_mine(int argc, char **argv);

/* Prints "frugal <cmd>: <message>\n" to stderr (printf-style). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* How the graph's header is made from the command line. */
typedef enum { HDR_ZERO, HDR_BYTES, HDR_GRIN } header_mode;

typedef struct header_spec {
    header_mode mode;
    size_t len;          /* header bytes (246 for HDR_GRIN) */
    uint8_t bytes[4096]; /* HDR_BYTES: the bytes; HDR_GRIN: the 238-byte pre-PoW */
} header_spec;

/* Header options shared by solve, verify and mine. */
enum { OPT_HEADER_LEN = 1000, OPT_HEADER, OPT_GRIN_PRE_POW };

/* Initialises spec to the default: 80 zero bytes. */
void header_default(header_spec *spec);

/* Applies one header option (OPT_*) with its argument. Returns 0, or prints why and
 * returns -1. A second header option replaces the first. */
int header_option(header_spec *spec, int opt, const char *arg, const char *cmd);

/* The largest nonce the spec can carry (2^32-1, or 2^64-1 for Grin headers). */
uint64_t header_max_nonce(const header_spec *spec);

/* Builds the header for nonce and derives the keys. */
frugal_status header_keys(const header_spec *spec, uint64_t nonce, frugal_sipkeys *keys);

/* Parses an unsigned integer option within [min, max]; prints why and returns -1. */
int parse_uint_opt(const char *cmd, const char *name, const char *arg, uint64_t min,
                   uint64_t max, uint64_t *out);

/* Parses --cpu scalar|avx2|avx512 and restricts the library's backends. */
int cpu_option(const char *cmd, const char *arg);

/* Writes "1.50 GiB"-style text. */
void fmt_bytes(uint64_t bytes, char *buf, size_t len);
#endif
