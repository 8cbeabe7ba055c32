/* The C ABI between grin-miner (cuckoo-miner) and its solver plugins.
 *
 * grin-miner loads "<plugin_name>.cuckooplugin" with dlopen and calls five symbols:
 * create_solver_ctx, destroy_solver_ctx, run_solver, stop_solver (from another
 * thread while run_solver runs) and fill_default_params. The structs below are laid
 * out byte for byte as grin-miner's plugin crate declares them with #[repr(C)]
 * (mimblewimble/grin-miner plugin/src/lib.rs), which matches the structs of Tromp's
 * reference plugins (tromp/cuckoo src/cuckatoo/cuckatoo.h). Older grin-miner
 * releases (cuckoo-miner/src/cuckoo_sys/types.rs) lacked SolverParams.cpuload, which
 * then sat in padding (same offsets), and Solution.id, which changed Solution's size;
 * this follows the current crate, the caller of today. Offsets and sizes are checked
 * by the static asserts at the end (for LP64 targets: x86-64, aarch64). Table:
 * doc/mining.md. */
#ifndef FRUGAL_PLUGIN_CUCKOO_PLUGIN_H
#define FRUGAL_PLUGIN_CUCKOO_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CUCKOO_PROOFSIZE 42
#define CUCKOO_MAX_SOLS 4
#define CUCKOO_MAX_NAME_LEN 256

typedef struct SolverParams {
    uint32_t nthreads;      /* 0: all CPUs this process may use */
    uint32_t ntrims;        /* ignored: frugal picks its trimming rounds */
    bool showcycle;         /* ignored: solutions are always returned */
    bool allrounds;         /* ignored */
    bool mutate_nonce;      /* true: write nonce+r as u32 LE into the header's last word */
    bool cpuload;           /* ignored */
    uint32_t device;        /* copied to SolverStats.device_id */
    uint32_t blocks, tpb;   /* CUDA parameters of other plugins: ignored */
    uint32_t expand, genablocks, genatpb, genbtpb, trimtpb, tailtpb, recoverblocks, recovertpb;
} SolverParams;

typedef struct Solution {
    uint64_t id;
    uint64_t nonce;
    uint64_t proof[CUCKOO_PROOFSIZE];
} Solution;

typedef struct SolverSolutions {
    uint32_t edge_bits;
    uint32_t num_sols;
    Solution sols[CUCKOO_MAX_SOLS];
} SolverSolutions;

typedef struct SolverStats {
    uint32_t device_id;
    uint32_t edge_bits;
    unsigned char plugin_name[CUCKOO_MAX_NAME_LEN]; /* filled by the caller */
    unsigned char device_name[CUCKOO_MAX_NAME_LEN];
    bool has_errored;       /* grin-miner stops this solver when set */
    unsigned char error_reason[CUCKOO_MAX_NAME_LEN];
    uint32_t iterations;    /* grin-miner overwrites it with its own count */
    uint64_t last_start_time;    /* ns since the epoch */
    uint64_t last_end_time;      /* ns since the epoch */
    uint64_t last_solution_time; /* ns the last graph took */
} SolverStats;

typedef struct SolverCtx SolverCtx;

#define CUCKOO_EXPORT __attribute__((visibility("default")))

CUCKOO_EXPORT SolverCtx *create_solver_ctx(SolverParams *params);
CUCKOO_EXPORT void destroy_solver_ctx(SolverCtx *ctx);
CUCKOO_EXPORT uint32_t run_solver(SolverCtx *ctx, const unsigned char *header, uint32_t header_len,
                                  uint64_t nonce, uint32_t range, SolverSolutions *solutions,
                                  SolverStats *stats);
CUCKOO_EXPORT void stop_solver(SolverCtx *ctx);
CUCKOO_EXPORT void fill_default_params(SolverParams *params);

/* ---- The layout, checked ---------------------------------------------------- */
_Static_assert(sizeof(bool) == 1, "Rust's bool is one byte");
_Static_assert(sizeof(SolverParams) == 56, "SolverParams size");
_Static_assert(offsetof(SolverParams, nthreads) == 0, "nthreads");
_Static_assert(offsetof(SolverParams, ntrims) == 4, "ntrims");
_Static_assert(offsetof(SolverParams, showcycle) == 8, "showcycle");
_Static_assert(offsetof(SolverParams, allrounds) == 9, "allrounds");
_Static_assert(offsetof(SolverParams, mutate_nonce) == 10, "mutate_nonce");
_Static_assert(offsetof(SolverParams, cpuload) == 11, "cpuload");
_Static_assert(offsetof(SolverParams, device) == 12, "device");
_Static_assert(offsetof(SolverParams, blocks) == 16, "blocks");
_Static_assert(offsetof(SolverParams, tpb) == 20, "tpb");
_Static_assert(offsetof(SolverParams, expand) == 24, "expand");
_Static_assert(offsetof(SolverParams, genablocks) == 28, "genablocks");
_Static_assert(offsetof(SolverParams, genatpb) == 32, "genatpb");
_Static_assert(offsetof(SolverParams, genbtpb) == 36, "genbtpb");
_Static_assert(offsetof(SolverParams, trimtpb) == 40, "trimtpb");
_Static_assert(offsetof(SolverParams, tailtpb) == 44, "tailtpb");
_Static_assert(offsetof(SolverParams, recoverblocks) == 48, "recoverblocks");
_Static_assert(offsetof(SolverParams, recovertpb) == 52, "recovertpb");
_Static_assert(sizeof(Solution) == 352, "Solution size");
_Static_assert(offsetof(Solution, id) == 0, "Solution.id");
_Static_assert(offsetof(Solution, nonce) == 8, "Solution.nonce");
_Static_assert(offsetof(Solution, proof) == 16, "Solution.proof");
_Static_assert(sizeof(SolverSolutions) == 1416, "SolverSolutions size");
_Static_assert(offsetof(SolverSolutions, edge_bits) == 0, "edge_bits");
_Static_assert(offsetof(SolverSolutions, num_sols) == 4, "num_sols");
_Static_assert(offsetof(SolverSolutions, sols) == 8, "sols");
_Static_assert(sizeof(SolverStats) == 808, "SolverStats size");
_Static_assert(offsetof(SolverStats, device_id) == 0, "device_id");
_Static_assert(offsetof(SolverStats, edge_bits) == 4, "edge_bits");
_Static_assert(offsetof(SolverStats, plugin_name) == 8, "plugin_name");
_Static_assert(offsetof(SolverStats, device_name) == 264, "device_name");
_Static_assert(offsetof(SolverStats, has_errored) == 520, "has_errored");
_Static_assert(offsetof(SolverStats, error_reason) == 521, "error_reason");
_Static_assert(offsetof(SolverStats, iterations) == 780, "iterations");
_Static_assert(offsetof(SolverStats, last_start_time) == 784, "last_start_time");
_Static_assert(offsetof(SolverStats, last_end_time) == 792, "last_end_time");
_Static_assert(offsetof(SolverStats, last_solution_time) == 800, "last_solution_time");
#endif
