/* frugal/stratum.h: Grin's stratum mining protocol, without and with sockets.
 *
 * Grin's stratum (the node's servers/src/mining/stratumserver.rs; the miner's
 * grin-miner src/bin/client.rs; doc/mining.md here) is JSON-RPC 2.0 over TCP, one
 * JSON object per line ('\n'-terminated). The miner sends requests "login"
 * {login, pass, agent}, "getjobtemplate", "submit" {height, job_id, nonce,
 * edge_bits, pow[42]}, "keepalive" and "status"; the server answers each with
 * {id, jsonrpc, method, result, error} echoing the method, and pushes "job"
 * {height, job_id, difficulty, pre_pow} requests of its own. The graph's header is
 * the pre_pow bytes followed by the nonce as a big-endian u64.
 *
 * Two layers:
 * - The protocol layer (frugal_stratum_framer_*, frugal_stratum_parse,
 *   frugal_stratum_write_*, the share check) touches no socket: bytes go in, parsed
 *   messages and outgoing lines come out. Pure functions unless noted; thread-safe
 *   for distinct objects.
 * - The client (frugal_stratum_client_*) owns one TCP connection at a time to one of
 *   a list of pools: it logs in, follows jobs, submits shares, reconnects with
 *   backoff and fails over down the list. It is driven by frugal_stratum_client_poll
 *   from a single thread and reports what happened as events.
 *
 * Every integer the protocol carries (nonce, height, job_id, difficulty, pow) is read
 * and written as an exact 64-bit integer, never through a double.
 */
#ifndef FRUGAL_STRATUM_H
#define FRUGAL_STRATUM_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FRUGAL_STRATUM_LINE_MAX 65536     /* longest line accepted (bytes, newline excluded) */
#define FRUGAL_STRATUM_PRE_POW_MAX 1024   /* longest pre_pow accepted, in bytes (Grin: 238) */
#define FRUGAL_STRATUM_POW_MAX 256        /* most edges a submit may carry (Grin: 42) */
#define FRUGAL_STRATUM_TEXT_MAX 256       /* strings (login, messages) incl. the NUL */
#define FRUGAL_STRATUM_ID_MAX 64          /* request ids incl. the NUL */

/* Error codes of Grin's stratum server (stratumserver.rs, RpcError). */
#define FRUGAL_STRATUM_ERR_SYNCING (-32000)          /* "Node is syncing - Please wait" */
#define FRUGAL_STRATUM_ERR_LOGIN_FIRST (-32500)      /* documented, not sent by the node */
#define FRUGAL_STRATUM_ERR_LOW_DIFFICULTY (-32501)   /* "Share rejected due to low difficulty" */
#define FRUGAL_STRATUM_ERR_CANNOT_VALIDATE (-32502)  /* "Failed to validate solution" */
#define FRUGAL_STRATUM_ERR_TOO_LATE (-32503)         /* "Solution submitted too late" */
#define FRUGAL_STRATUM_ERR_INVALID_REQUEST (-32600)  /* "Invalid Request" */
#define FRUGAL_STRATUM_ERR_METHOD_NOT_FOUND (-32601) /* "Method not found" */

typedef enum frugal_stratum_method {
    FRUGAL_STRATUM_UNKNOWN = 0, /* any other method name (kept in msg.method_name) */
    FRUGAL_STRATUM_LOGIN,
    FRUGAL_STRATUM_GETJOBTEMPLATE,
    FRUGAL_STRATUM_JOB,
    FRUGAL_STRATUM_SUBMIT,
    FRUGAL_STRATUM_KEEPALIVE,
    FRUGAL_STRATUM_STATUS
} frugal_stratum_method;

/* "login", "getjobtemplate", ...; NULL for FRUGAL_STRATUM_UNKNOWN or a bad value. */
FRUGAL_API const char *frugal_stratum_method_name(frugal_stratum_method method);

/* A job: what to mine. The header of nonce n is pre_pow || n as u64 big-endian. */
typedef struct frugal_stratum_job {
    uint64_t height;
    uint64_t job_id;     /* the node's index of this block version at this height */
    uint64_t difficulty; /* least share difficulty the pool accepts */
    size_t pre_pow_len;  /* 1..FRUGAL_STRATUM_PRE_POW_MAX */
    uint8_t pre_pow[FRUGAL_STRATUM_PRE_POW_MAX];
    unsigned pool;       /* set by the client: index of the pool that sent it (else 0) */
} frugal_stratum_job;

/* The parameters of a "submit" request: one share. */
typedef struct frugal_stratum_submit {
    uint64_t height;
    uint64_t job_id;
    uint64_t nonce;
    unsigned edge_bits;
    size_t pow_len; /* entries of pow; Grin's proofs have 42 */
    uint64_t pow[FRUGAL_STRATUM_POW_MAX];
} frugal_stratum_submit;

/* The parameters of a "login" request. */
typedef struct frugal_stratum_login {
    char login[FRUGAL_STRATUM_TEXT_MAX];
    char pass[FRUGAL_STRATUM_TEXT_MAX];
    char agent[FRUGAL_STRATUM_TEXT_MAX];
} frugal_stratum_login;

/* The result of a "status" request: the pool's view of this worker. */
typedef struct frugal_stratum_worker_status {
    char id[FRUGAL_STRATUM_ID_MAX];
    uint64_t height, difficulty, accepted, rejected, stale;
} frugal_stratum_worker_status;

/* One parsed line. A request (or server push) has "method" and optional "params";
 * a response also has "result" and/or "error". Only the payload that matches the
 * method and direction is filled; the rest is zero. */
typedef struct frugal_stratum_msg {
    int is_response;                    /* 1: the line had "result" or "error" */
    frugal_stratum_method method;
    char method_name[FRUGAL_STRATUM_ID_MAX]; /* as received (truncated to fit) */
    char id[FRUGAL_STRATUM_ID_MAX];     /* a string id's text, or an integer id in decimal */
    int id_is_string;
    int has_error;                      /* response: "error" was an object */
    int64_t error_code;
    char error_message[FRUGAL_STRATUM_TEXT_MAX];
    int has_result_text;                /* response: "result" was a string ("ok", ...) */
    char result_text[FRUGAL_STRATUM_TEXT_MAX];
    frugal_stratum_job job;             /* "job" request, or "getjobtemplate" result */
    frugal_stratum_submit submit;       /* "submit" request */
    frugal_stratum_login login;         /* "login" request */
    frugal_stratum_worker_status status; /* "status" result */
} frugal_stratum_msg;

/* ---- Framing: bytes in, lines out ---------------------------------------- */

typedef struct frugal_stratum_framer frugal_stratum_framer;

/* Creates a framer for lines of at most max_line bytes (0 = FRUGAL_STRATUM_LINE_MAX).
 * Allocates max_line + 1 bytes. FRUGAL_ERR_ARG, FRUGAL_ERR_NOMEM; *framer NULL then. */
FRUGAL_API frugal_status frugal_stratum_framer_create(size_t max_line,
                                                      frugal_stratum_framer **framer);

/* Consumes bytes of data[0..len) up to and including the first '\n' (or all of them)
 * and sets *consumed. When that completes a line, *line points at it (without the
 * '\n' and a trailing '\r', NUL-terminated, valid until the next call) and *line_len
 * holds its length; otherwise *line is NULL. Returns FRUGAL_OK, or FRUGAL_ERR_FULL
 * once when a line grows past max_line: its bytes are then skipped up to its '\n'
 * (the caller decides whether to keep the connection; the client drops it).
 * Empty lines are returned as lines of length 0. */
FRUGAL_API frugal_status frugal_stratum_framer_feed(frugal_stratum_framer *framer,
                                                    const char *data, size_t len,
                                                    size_t *consumed, const char **line,
                                                    size_t *line_len);

/* Ends the stream (the peer closed): FRUGAL_ERR_TRUNCATED if a partial line (bytes
 * without their '\n') was pending, else FRUGAL_OK. Either way the framer is empty
 * afterwards and ready for a new stream. */
FRUGAL_API frugal_status frugal_stratum_framer_finish(frugal_stratum_framer *framer);

/* Frees the framer; NULL is ignored. */
FRUGAL_API void frugal_stratum_framer_destroy(frugal_stratum_framer *framer);

/* ---- Parsing ------------------------------------------------------------- */

/* Parses one line (without its newline; need not be NUL-terminated) into msg.
 * Returns:
 * - FRUGAL_OK: msg is filled. An unknown method is not an error (method is then
 *   FRUGAL_STRATUM_UNKNOWN; a server answers it with -32601).
 * - FRUGAL_ERR_PARSE: not a JSON-RPC message at all: bad JSON, trailing bytes, a NUL
 *   byte, not an object, or a missing or ill-typed "id", "jsonrpc" or "method".
 *   Grin's node drops the connection on such a line; so does the client.
 * - FRUGAL_ERR_PROTOCOL: a well-formed message whose params or result lack a field or
 *   hold a wrong type, a negative or out-of-64-bit-range integer, an oversized string
 *   or array, or bad hex. msg's id, method and method_name are filled so a server can
 *   answer -32600 (Invalid Request); the connection is kept.
 * err (may be NULL) receives a one-line reason ("submit: nonce is not an unsigned
 * 64-bit integer"). Allocates temporarily (json-c); never keeps anything. */
FRUGAL_API frugal_status frugal_stratum_parse(const char *line, size_t len,
                                              frugal_stratum_msg *msg, char *err,
                                              size_t errlen);

/* ---- Writing requests (each line ends with '\n') ------------------------- */
/* Each writes one request line with the id as a decimal string (as grin-miner does)
 * into out (cap bytes, NUL-terminated) and sets *len to its length without the NUL.
 * FRUGAL_ERR_FULL if cap is too small (*len is then 0), FRUGAL_ERR_ARG for NULL
 * pointers or a method that takes other params. */

/* "getjobtemplate", "keepalive" or "status", with params null. */
FRUGAL_API frugal_status frugal_stratum_write_request(char *out, size_t cap, size_t *len,
                                                      uint64_t id, frugal_stratum_method method);

/* "login" with the three strings (NULL = ""), escaped as JSON strings. */
FRUGAL_API frugal_status frugal_stratum_write_login(char *out, size_t cap, size_t *len,
                                                    uint64_t id, const char *login,
                                                    const char *pass, const char *agent);

/* "submit" with share's fields; FRUGAL_ERR_ARG if pow_len > FRUGAL_STRATUM_POW_MAX. */
FRUGAL_API frugal_status frugal_stratum_write_submit(char *out, size_t cap, size_t *len,
                                                     uint64_t id,
                                                     const frugal_stratum_submit *share);

/* ---- Headers and the share check ----------------------------------------- */

/* Writes job's header for nonce (pre_pow then the nonce as u64 big-endian) into out
 * (cap bytes); *len = pre_pow_len + 8. FRUGAL_ERR_FULL if cap is too small,
 * FRUGAL_ERR_ARG for a job with no pre_pow. */
FRUGAL_API frugal_status frugal_stratum_job_header(const frugal_stratum_job *job, uint64_t nonce,
                                                   uint8_t *out, size_t cap, size_t *len);

/* The bytes Grin hashes for a proof: the n edge indices packed little-endian at
 * edgebits bits each (edge i at bits i*edgebits .. (i+1)*edgebits-1), zero-padded to
 * a whole byte: (n*edgebits + 7)/8 bytes. edgebits 1..63; every edge < 2^edgebits
 * (else FRUGAL_ERR_RANGE). FRUGAL_ERR_FULL if cap is too small. */
FRUGAL_API frugal_status frugal_stratum_proof_pack(const uint64_t *edges, size_t n,
                                                   unsigned edgebits, uint8_t *out, size_t cap,
                                                   size_t *len);

/* hash = BLAKE2b-256 of frugal_stratum_proof_pack's bytes (Grin's Proof::hash).
 * Statuses as for the packing (n at most FRUGAL_STRATUM_POW_MAX), FRUGAL_ERR_INTERNAL
 * if libsodium fails. */
FRUGAL_API frugal_status frugal_stratum_proof_hash(const uint64_t *edges, size_t n,
                                                   unsigned edgebits, uint8_t hash[32]);

/* The difficulty of a proof hash, as Grin's node computes a share's unscaled
 * difficulty: H = the hash's first 8 bytes read big-endian; floor(2^64 / max(H, 1)),
 * capped at 2^64 - 1. */
FRUGAL_API uint64_t frugal_stratum_hash_difficulty(const uint8_t hash[32]);

/* *difficulty = frugal_stratum_hash_difficulty(frugal_stratum_proof_hash(...)). A
 * share is worth submitting when this reaches the job's difficulty. */
FRUGAL_API frugal_status frugal_stratum_share_difficulty(const uint64_t *edges, size_t n,
                                                         unsigned edgebits,
                                                         uint64_t *difficulty);

/* ---- Pools ---------------------------------------------------------------- */

/* Splits "HOST:PORT" (or "[IPv6]:PORT") into host (NUL-terminated, hostcap bytes) and
 * port (1..65535). FRUGAL_ERR_PARSE for anything else, FRUGAL_ERR_FULL if the host
 * does not fit. */
FRUGAL_API frugal_status frugal_stratum_pool_parse(const char *text, char *host, size_t hostcap,
                                                   unsigned *port);

/* ---- The client ------------------------------------------------------------ */

typedef struct frugal_stratum_client_params {
    const char *const *pools; /* "HOST:PORT" each, tried in order; copied at create */
    size_t npools;            /* 1..16 */
    const char *login;        /* NULL or "": no login request (as grin-miner) */
    const char *pass;         /* NULL = "" */
    const char *agent;        /* NULL = "frugal/<version>" */
    unsigned connect_timeout_ms; /* per connection attempt; default 5000 */
    unsigned keepalive_ms;    /* a keepalive request every so often; default 30000 */
    unsigned idle_timeout_ms; /* nothing received for this long: reconnect; default 90000 */
    unsigned status_ms;       /* a status request every so often; 0 = never (default) */
    unsigned backoff_min_ms;  /* first retry delay; doubles per failure; default 250 */
    unsigned backoff_max_ms;  /* cap of the retry delay; default 8000 */
    unsigned tries_per_pool;  /* failed attempts in a row before the next pool; default 3 */
    unsigned queue_max;       /* shares held unanswered at most; default 256 */
} frugal_stratum_client_params;

/* Fills params with the defaults above and no pools. */
FRUGAL_API void frugal_stratum_client_params_default(frugal_stratum_client_params *params);

typedef enum frugal_stratum_event_kind {
    FRUGAL_STRATUM_EV_NONE = 0,      /* the poll timed out */
    FRUGAL_STRATUM_EV_CONNECTED,     /* connected to pool; login and getjobtemplate sent */
    FRUGAL_STRATUM_EV_CONNECT_FAILED,/* an attempt failed; text says why; a retry is due */
    FRUGAL_STRATUM_EV_DISCONNECTED,  /* the connection ended; text says why */
    FRUGAL_STRATUM_EV_JOB,           /* a new job (clean: drop the graph being solved) */
    FRUGAL_STRATUM_EV_SHARE,         /* a share's fate is known: see result */
    FRUGAL_STRATUM_EV_STATUS,        /* the pool answered a status request */
    FRUGAL_STRATUM_EV_ERROR          /* the pool sent something wrong or an error answer */
} frugal_stratum_event_kind;

typedef enum frugal_stratum_share_result {
    FRUGAL_SHARE_ACCEPTED = 0, /* result "ok" */
    FRUGAL_SHARE_BLOCK,        /* result "blockfound - <hash>": accepted, and a block */
    FRUGAL_SHARE_STALE,        /* error -32503: the job was gone when it arrived */
    FRUGAL_SHARE_REJECTED,     /* any other error (-32501 low difficulty, -32502 invalid) */
    FRUGAL_SHARE_DROPPED,      /* never sent: its job was no longer offered by then */
    FRUGAL_SHARE_LOST          /* sent, but the connection ended before the answer; not
                                  sent again, since the pool may have counted it */
} frugal_stratum_share_result;

/* "accepted", "block", "stale", "rejected", "dropped", "lost"; NULL for a bad value. */
FRUGAL_API const char *frugal_stratum_share_result_name(frugal_stratum_share_result result);

typedef struct frugal_stratum_event {
    frugal_stratum_event_kind kind;
    unsigned pool;                      /* the pool concerned */
    frugal_stratum_job job;             /* EV_JOB */
    int clean;                          /* EV_JOB: first job, or height or pool changed */
    frugal_stratum_share_result result; /* EV_SHARE */
    frugal_stratum_submit share;        /* EV_SHARE: the share's parameters */
    uint64_t share_difficulty;          /* EV_SHARE: computed when it was submitted */
    int64_t code;                       /* EV_SHARE/EV_ERROR: the pool's error code, or 0 */
    frugal_stratum_worker_status status; /* EV_STATUS */
    char text[FRUGAL_STRATUM_TEXT_MAX]; /* why, for people */
} frugal_stratum_event;

/* Counters since the client was created. */
typedef struct frugal_stratum_client_stats {
    int connected;             /* a connection is up */
    unsigned pool;             /* the pool in use or being tried */
    int have_job;              /* a job was received on this connection */
    uint64_t height, job_id, difficulty; /* of the latest job */
    uint64_t connects;         /* connections made */
    uint64_t failovers;        /* moves to another pool of the list */
    uint64_t submitted;        /* submit requests sent */
    uint64_t accepted, blocks, stale, rejected, dropped, lost;
    uint64_t queued;           /* shares waiting to be sent now */
    uint64_t inflight;         /* shares sent and not answered now */
} frugal_stratum_client_stats;

typedef struct frugal_stratum_client frugal_stratum_client;

/* Creates a client and validates the pools; connects on the first poll. Allocates.
 * FRUGAL_ERR_ARG (no pools, too many, NULL), FRUGAL_ERR_PARSE (a pool is not
 * HOST:PORT), FRUGAL_ERR_NOMEM. *client is NULL on failure. */
FRUGAL_API frugal_status frugal_stratum_client_create(const frugal_stratum_client_params *params,
                                                      frugal_stratum_client **client);

/* Does the client's I/O for up to timeout_ms milliseconds and returns at the first
 * event (FRUGAL_STRATUM_EV_NONE when none came in time). Several events may be
 * ready at once: each call returns one. A signal that interrupts the wait ends the
 * call early with EV_NONE. Connection attempts happen inside this call and may
 * block it up to connect_timeout_ms; with timeout_ms 0 the call only handles what
 * is ready (events, bytes, timers) and never connects, so it returns at once.
 * Returns FRUGAL_OK, or FRUGAL_ERR_ARG. */
FRUGAL_API frugal_status frugal_stratum_client_poll(frugal_stratum_client *client, int timeout_ms,
                                                    frugal_stratum_event *event);

/* Queues a share of job (a job from an EV_JOB event of this client) for sending. It is
 * sent at once if connected, else after reconnecting provided the pool offers the
 * same job (same pool, height, job_id and pre_pow) again; otherwise it is reported
 * as FRUGAL_SHARE_DROPPED. Each share is sent at most once. Returns FRUGAL_OK,
 * FRUGAL_ERR_ARG (n > FRUGAL_STRATUM_POW_MAX, bad pointers, job->pool unknown),
 * FRUGAL_ERR_RANGE (the proof's difficulty is below job->difficulty: never sent),
 * FRUGAL_ERR_FULL (queue_max shares are waiting). */
FRUGAL_API frugal_status frugal_stratum_client_submit(frugal_stratum_client *client,
                                                      const frugal_stratum_job *job,
                                                      uint64_t nonce, unsigned edge_bits,
                                                      const uint64_t *pow, size_t n);

/* Copies the counters. */
FRUGAL_API void frugal_stratum_client_get_stats(const frugal_stratum_client *client,
                                                frugal_stratum_client_stats *stats);

/* The pool string ("HOST:PORT") of pool i, or NULL. */
FRUGAL_API const char *frugal_stratum_client_pool(const frugal_stratum_client *client, unsigned i);

/* Closes the connection and frees the client; NULL is ignored. Shares still queued
 * or in flight are forgotten (see the stats first). */
FRUGAL_API void frugal_stratum_client_destroy(frugal_stratum_client *client);

#ifdef __cplusplus
}
#endif
#endif
