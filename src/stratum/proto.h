/* Grin stratum, protocol layer: line framing, JSON-RPC parsing into
 * frugal_stratum_msg, and request writers (public API in frugal/stratum.h).
 *
 * Parsing goes through json-c in strict mode after a lexical pre-scan of the raw
 * line: json-c silently clamps integer literals beyond 64 bits to INT64_MIN or
 * UINT64_MAX, so the pre-scan notes whether any integer literal of the line lies
 * outside [-2^63, 2^64-1]; a field that then reads as UINT64_MAX is reported out of
 * range instead of being taken. Floats are never accepted where an integer is
 * expected, so no protocol integer goes through a double.
 *
 * Classification follows Grin's node (stratumserver.rs): a line that does not
 * deserialize as an RpcRequest (bad JSON, no id/jsonrpc/method) closes the
 * connection; params that do not fit the method's struct get -32600 and the
 * connection stays. */
#ifndef FRUGAL_STRATUM_PROTO_H
#define FRUGAL_STRATUM_PROTO_H
#include <stddef.h>

/* Scans line[0..len) as JSON tokens without parsing structure. Sets *has_nul when a
 * NUL byte occurs anywhere and *overflow when an integer literal outside strings
 * lies outside [-2^63, 2^64-1]. Floats (with '.', 'e' or 'E') are skipped. */
void fr_stratum_prescan(const char *line, size_t len, int *has_nul, int *overflow);
#endif
