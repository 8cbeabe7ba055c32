/* frugal/cuckatoo.h: Cuckatoo Cycle keys, verifier and solvers.
 *
 * Cuckatoo Cycle (Tromp; Grin's proof of work): a header is hashed with BLAKE2b-256
 * into four siphash keys k0..k3. The graph of edge bits EB has N = 2^EB edges; edge
 * e joins node u = siphash24(2e) & (N-1) on side U to node v = siphash24(2e+1) &
 * (N-1) on side V. A proof is L (default 42) ascending edge indices forming one
 * cycle in which consecutive edges meet at a node pair {x, x^1}: one edge ends at x,
 * the next at x^1, on the same side.
 *
 * Solvers find every such cycle of a graph. Their memory need is known before they
 * allocate (frugal_plan_solver) and bounded by a budget when one is given.
 */
#ifndef FRUGAL_CUCKATOO_H
#define FRUGAL_CUCKATOO_H

#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FRUGAL_EDGEBITS_MIN 10        /* smallest graph the solvers accept */
#define FRUGAL_EDGEBITS_MAX 32        /* largest graph the solvers accept */
#define FRUGAL_VERIFY_EDGEBITS_MAX 63 /* largest graph the verifier accepts */
#define FRUGAL_CYCLE_DEFAULT 42       /* Grin's proof size */
#define FRUGAL_CYCLE_MIN 2            /* cycle lengths are even, 2..FRUGAL_CYCLE_MAX */
#define FRUGAL_CYCLE_MAX 256
/* frugal_solver_params.bucket_node_bits, when set: 2^bits nodes per bucket, within
 * these bounds, leaving FRUGAL_BUCKETS_BITS_MIN..MAX bits of bucket index below edgebits */
#define FRUGAL_BUCKET_NODE_BITS_MIN 6
#define FRUGAL_BUCKET_NODE_BITS_MAX 28
#define FRUGAL_BUCKETS_BITS_MIN 2
#define FRUGAL_BUCKETS_BITS_MAX 16
#define FRUGAL_GRIN_PRE_POW_BYTES 238 /* Grin's pre-PoW; the u64 BE nonce follows */
#define FRUGAL_GRIN_HEADER_BYTES 246

/* siphash keys k0..k3, in the order of the BLAKE2b digest's little-endian words. */
typedef struct frugal_sipkeys {
    uint64_t k[4];
} frugal_sipkeys;

/* ---- Keys and headers ----------------------------------------------------- */

/* keys = the four little-endian u64 words of BLAKE2b-256(header[0..len)).
 * Returns FRUGAL_ERR_ARG for NULL pointers, FRUGAL_ERR_INTERNAL if libsodium fails. */
FRUGAL_API frugal_status frugal_cuckatoo_keys(const uint8_t *header, size_t len,
                                              frugal_sipkeys *keys);

/* The offset of the nonce in a header of len bytes: the last whole 4-byte word,
 * 4*floor(len/4) - 4, as Grin's and Tromp's test programs place it. len >= 4. */
FRUGAL_API size_t frugal_header_nonce_offset(size_t len);

/* Writes nonce as a u32 little-endian at frugal_header_nonce_offset(len).
 * Returns FRUGAL_ERR_ARG when len < 4. */
FRUGAL_API frugal_status frugal_header_put_nonce32(uint8_t *header, size_t len, uint32_t nonce);

/* Builds Grin's mining header: the 238-byte pre-PoW then nonce as a u64 big-endian.
 * Returns FRUGAL_ERR_ARG unless pre_pow_len == FRUGAL_GRIN_PRE_POW_BYTES. */
FRUGAL_API frugal_status frugal_grin_header(const uint8_t *pre_pow, size_t pre_pow_len,
                                            uint64_t nonce,
                                            uint8_t out[FRUGAL_GRIN_HEADER_BYTES]);

/* siphash24(keys, nonce) as Cuckatoo defines it (state v0..v3 = k0..k3). */
FRUGAL_API uint64_t frugal_siphash24(const frugal_sipkeys *keys, uint64_t nonce);

/* The endpoint of edge on side (0 = U, 1 = V) in a graph of edgebits (1..63). */
FRUGAL_API uint64_t frugal_cuckatoo_node(const frugal_sipkeys *keys, unsigned edgebits,
                                         uint64_t edge, unsigned side);

/* ---- Verifier ------------------------------------------------------------- */

/* Checks that edges[0..n) is a cycle of length cycle_len in the graph of keys and
 * edgebits (1..63). cycle_len: even, FRUGAL_CYCLE_MIN..FRUGAL_CYCLE_MAX.
 * Returns FRUGAL_OK, or the first failure found, tested in this order:
 * FRUGAL_POW_WRONG_LENGTH (n != cycle_len), FRUGAL_POW_TOO_BIG, FRUGAL_POW_TOO_SMALL
 * (not strictly ascending), FRUGAL_POW_NON_MATCHING (the endpoints' xor cannot come
 * from pairs), FRUGAL_POW_BRANCH, FRUGAL_POW_DEAD_END, FRUGAL_POW_SHORT_CYCLE.
 * FRUGAL_ERR_ARG for NULL keys/edges or parameters out of range. Pure function. */
FRUGAL_API frugal_status frugal_cuckatoo_verify(const frugal_sipkeys *keys, unsigned edgebits,
                                                const uint64_t *edges, size_t n,
                                                size_t cycle_len);

/* ---- Solvers -------------------------------------------------------------- */

typedef enum frugal_solver_kind {
    FRUGAL_SOLVER_AUTO = 0, /* the fastest kind whose plan fits the budget */
    FRUGAL_SOLVER_LEAN,     /* edge and node bitmaps: 2^EB/4 bytes, slowest */
    FRUGAL_SOLVER_MEAN,     /* buckets of explicit 32-bit edge indices */
    FRUGAL_SOLVER_PACKED,   /* buckets of sorted edge indices stored as packed gaps */
    FRUGAL_SOLVER_SLEAN     /* packed buckets filled in K passes over the node space */
} frugal_solver_kind;

/* "auto", "lean", "mean", "packed", "slean"; NULL for an unknown value. */
FRUGAL_API const char *frugal_solver_kind_name(frugal_solver_kind kind);

/* Parses one of the names above. FRUGAL_ERR_PARSE for anything else. */
FRUGAL_API frugal_status frugal_solver_kind_parse(const char *name, frugal_solver_kind *kind);

/* A progress report, passed to the callback after every trimming round. */
typedef struct frugal_progress {
    unsigned round;        /* 0-based trimming round; side = round & 1 (0 = U) */
    uint64_t edges_alive;  /* live edges after this round */
    double seconds;        /* since the solve started */
    const char *phase;     /* "trim", "tail" or "cycles" */
} frugal_progress;

/* Called on the solving thread; must not call back into the same solver but may
 * call frugal_solver_stop(). */
typedef void (*frugal_progress_fn)(void *user, const frugal_progress *progress);

typedef struct frugal_solver_params {
    unsigned edgebits;        /* FRUGAL_EDGEBITS_MIN..FRUGAL_EDGEBITS_MAX */
    unsigned cycle_len;       /* even, FRUGAL_CYCLE_MIN..MAX; default 42 */
    unsigned threads;         /* worker threads; 0 = the CPUs this process may use */
    frugal_solver_kind kind;  /* default FRUGAL_SOLVER_AUTO */
    uint64_t max_mem;         /* budget in bytes for the solver's memory; 0 = none */
    unsigned passes;          /* slean passes K; 0 = chosen from the budget */
    double bucket_slack;      /* headroom over the expected bucket sizes, -0.5..10;
                                 0 = default (0.10). A negative value under-provisions
                                 on purpose (tests use it to force the full-bucket
                                 path, which must lose nothing). */
    frugal_progress_fn progress; /* optional */
    void *progress_user;
    unsigned bucket_node_bits; /* mean/packed/slean: log2 of the nodes per bucket, whose
                                  bitmap (2^bits / 8 bytes) should stay in a core's L2;
                                  0 = default (23 from edge bits 27 up, 14 from 18,
                                  edgebits - 4 below). Else within the
                                  FRUGAL_BUCKET*_BITS_* bounds above. */
} frugal_solver_params;

/* Fills params with defaults for a graph of edgebits (the value is not checked here;
 * create/plan check it). */
FRUGAL_API void frugal_solver_params_default(frugal_solver_params *params, unsigned edgebits);

/* What a solver will do and how much memory it will hold. */
typedef struct frugal_solver_plan {
    frugal_solver_kind kind; /* the kind chosen (never AUTO) */
    uint64_t planned_bytes;  /* upper bound of the memory the solver allocates */
    unsigned threads;
    unsigned passes;         /* K for slean (1 otherwise) */
    unsigned bucket_bits;    /* log2 of buckets per side (0 for lean) */
    unsigned packed_rounds;  /* rounds run before switching to explicit edges */
    char text[256];          /* one line for people: kind, passes, buckets, bytes */
} frugal_solver_plan;

/* Plans a solver for params without allocating. FRUGAL_ERR_ARG for parameters out of
 * range, FRUGAL_ERR_BUDGET when no kind (or not the kind asked) fits max_mem; the plan
 * is filled in either case where it could be (text says why nothing fits). */
FRUGAL_API frugal_status frugal_plan_solver(const frugal_solver_params *params,
                                            frugal_solver_plan *plan);

typedef struct frugal_solver frugal_solver;

/* Creates a solver: plans, then allocates what the plan says (threads included).
 * On failure *solver is NULL. Statuses: those of frugal_plan_solver, FRUGAL_ERR_NOMEM. */
FRUGAL_API frugal_status frugal_solver_create(const frugal_solver_params *params,
                                              frugal_solver **solver);

/* The plan the solver was created with. */
FRUGAL_API const frugal_solver_plan *frugal_solver_get_plan(const frugal_solver *solver);

/* Finds every cycle of the configured length in the graph of keys. Replaces the
 * previous results. Returns FRUGAL_OK, FRUGAL_ERR_STOPPED when stopped (results are
 * then empty), FRUGAL_ERR_BUDGET if the budget proved too small during the solve.
 * One solve at a time per solver. */
FRUGAL_API frugal_status frugal_solver_solve(frugal_solver *solver, const frugal_sipkeys *keys);

/* The number of cycles the last solve found. */
FRUGAL_API size_t frugal_solver_count(const frugal_solver *solver);

/* Copies the i-th cycle (ascending edge indices, cycle_len of them) into edges.
 * Cycles are ordered by their edge lists. FRUGAL_ERR_RANGE if i >= count. */
FRUGAL_API frugal_status frugal_solver_solution(const frugal_solver *solver, size_t i,
                                                uint64_t *edges);

/* Asks a running solve to return FRUGAL_ERR_STOPPED soon (within one phase). Safe to
 * call from any thread or a signal handler; the request lasts until the next solve
 * starts. */
FRUGAL_API void frugal_solver_stop(frugal_solver *solver);

#define FRUGAL_STATS_MAX_ROUNDS 8192

/* Figures of the last solve. */
typedef struct frugal_solver_stats {
    double seconds;               /* whole solve */
    double trim_seconds;          /* trimming rounds */
    double cycle_seconds;         /* cycle search and recovery */
    unsigned rounds;              /* trimming rounds run */
    uint64_t alive[FRUGAL_STATS_MAX_ROUNDS]; /* live edges after each round */
    uint64_t tail_edges;          /* edges handed to the explicit tail */
    uint64_t arena_high_water;    /* most bytes the solver held at once */
    double bits_per_edge;         /* packed kinds: stored bits per edge after round 0 */
    uint64_t bucket_retries;      /* full buckets redone with more room */
} frugal_solver_stats;

/* Copies the figures of the last solve into stats. */
FRUGAL_API void frugal_solver_get_stats(const frugal_solver *solver, frugal_solver_stats *stats);

/* Frees the solver and joins its threads. NULL is ignored. */
FRUGAL_API void frugal_solver_destroy(frugal_solver *solver);

#ifdef __cplusplus
}
#endif
#endif
