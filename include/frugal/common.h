/* frugal/common.h: status codes, CPU features, memory figures and small parsers
 * shared by every part of libfrugal.
 *
 * Conventions of the whole API:
 * - Functions that can fail return frugal_status; FRUGAL_OK is 0. On failure,
 *   outputs are left in the state each function documents (usually untouched).
 * - Nothing in the library prints or exits; messages are for the caller to show.
 * - Unless a function says otherwise it is thread-safe for distinct objects and
 *   does not allocate.
 */
#ifndef FRUGAL_COMMON_H
#define FRUGAL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FRUGAL_BUILDING) && defined(__GNUC__)
#define FRUGAL_API __attribute__((visibility("default")))
#else
#define FRUGAL_API
#endif

#define FRUGAL_VERSION_MAJOR 0
#define FRUGAL_VERSION_MINOR 1
#define FRUGAL_VERSION_PATCH 0

/* Every status any frugal function returns. Codes are stable across releases. */
typedef enum frugal_status {
    FRUGAL_OK = 0,
    FRUGAL_ERR_ARG = 1,          /* an argument is outside its documented range */
    FRUGAL_ERR_PARSE = 2,        /* malformed input text or bytes */
    FRUGAL_ERR_NOMEM = 3,        /* the operating system refused an allocation */
    FRUGAL_ERR_BUDGET = 4,       /* no plan fits the memory budget */
    FRUGAL_ERR_IO = 5,           /* a file or socket operation failed */
    FRUGAL_ERR_UNSUPPORTED = 6,  /* the CPU or the build lacks what was asked */
    FRUGAL_ERR_STOPPED = 7,      /* a stop request ended the call early */
    FRUGAL_ERR_FULL = 8,         /* a fixed-capacity buffer would overflow */
    FRUGAL_ERR_RANGE = 9,        /* an index or address lies outside the object */
    FRUGAL_ERR_PROOF = 10,       /* a Merkle proof does not verify */
    FRUGAL_ERR_PROTOCOL = 11,    /* a peer broke the stratum protocol */
    FRUGAL_ERR_INTERNAL = 12,    /* a broken invariant (a bug in frugal) */
    FRUGAL_ERR_TRUNCATED = 13,   /* input ended early */
    FRUGAL_ERR_STATE = 14,       /* the object is not in a state that allows the call */

    /* Outcomes of frugal_cuckatoo_verify(), one per way a proof can be wrong. */
    FRUGAL_POW_TOO_BIG = 32,      /* an edge index is >= 2^edgebits */
    FRUGAL_POW_TOO_SMALL = 33,    /* edge indices are not strictly ascending */
    FRUGAL_POW_NON_MATCHING = 34, /* endpoints cannot pair up (xor test fails) */
    FRUGAL_POW_BRANCH = 35,       /* an endpoint meets more than one other edge */
    FRUGAL_POW_DEAD_END = 36,     /* an endpoint meets no other edge */
    FRUGAL_POW_SHORT_CYCLE = 37,  /* the edges form a cycle shorter than the proof */
    FRUGAL_POW_WRONG_LENGTH = 38  /* the proof does not hold cycle-length edges */
} frugal_status;

/* A short English description of a status ("edges not ascending", ...); never NULL. */
FRUGAL_API const char *frugal_status_str(frugal_status status);

/* The library version as "MAJOR.MINOR.PATCH". */
FRUGAL_API const char *frugal_version(void);

/* ---- CPU features and backend choice ------------------------------------- */

#define FRUGAL_CPU_AVX2 (1u << 0)   /* AVX2, usable by the OS (XSAVE state enabled) */
#define FRUGAL_CPU_AVX512 (1u << 1) /* AVX-512 F, BW, VL, usable by the OS */

/* The features this CPU and OS offer, read once with CPUID/XGETBV. */
FRUGAL_API unsigned frugal_cpu_detected(void);

/* The features backends may use now: detected & the mask set by frugal_cpu_allow()
 * (all by default). Every dispatcher in the library reads this. */
FRUGAL_API unsigned frugal_cpu_features(void);

/* Restricts the backends to `mask` (0 forces the portable scalar code). Meant for
 * tests and benchmarks; takes effect for calls that start afterwards. */
FRUGAL_API void frugal_cpu_allow(unsigned mask);

/* Writes the names of `features` ("avx2,avx512" or "scalar") into buf (NUL-ended,
 * truncated to len) and returns buf. */
FRUGAL_API char *frugal_cpu_names(unsigned features, char *buf, size_t len);

/* ---- Memory figures (Linux /proc; 0 where unavailable) ------------------- */

/* Peak resident set size of this process so far, in bytes (VmHWM). */
FRUGAL_API uint64_t frugal_peak_rss_bytes(void);

/* Current resident set size of this process, in bytes (VmRSS). */
FRUGAL_API uint64_t frugal_rss_bytes(void);

/* Resets the peak RSS figure to the current RSS (writes 5 to /proc/self/clear_refs).
 * Returns FRUGAL_OK, or FRUGAL_ERR_UNSUPPORTED when the kernel refuses. */
FRUGAL_API frugal_status frugal_peak_rss_reset(void);

/* ---- Small parsers ------------------------------------------------------- */

/* Decodes hexadecimal text (even length, digits and a-f/A-F, no prefix, no spaces).
 * hex: hexlen characters (not necessarily NUL-ended). out: room for outcap bytes.
 * On success *outlen = hexlen / 2. Returns FRUGAL_ERR_PARSE for odd length or a
 * non-hex character, FRUGAL_ERR_FULL when outcap is too small; *outlen is then 0. */
FRUGAL_API frugal_status frugal_hex_decode(const char *hex, size_t hexlen, uint8_t *out,
                                           size_t outcap, size_t *outlen);

/* Writes 2*len lowercase hex digits and a NUL into out (room for 2*len+1). */
FRUGAL_API void frugal_hex_encode(const uint8_t *bytes, size_t len, char *out);

/* Parses a byte count: decimal digits with an optional suffix K, M, G, T (powers of
 * 1024; "KiB"/"KB"/"k" spellings accepted, B alone allowed). "2G" = 2147483648.
 * Returns FRUGAL_ERR_PARSE for anything else or an overflow of 64 bits. */
FRUGAL_API frugal_status frugal_parse_size(const char *text, uint64_t *bytes);

/* Parses an unsigned decimal (or 0x-prefixed hex) integer that must fit `max`.
 * The whole string must be the number. FRUGAL_ERR_PARSE or FRUGAL_ERR_RANGE. */
FRUGAL_API frugal_status frugal_parse_u64(const char *text, uint64_t max, uint64_t *value);

#ifdef __cplusplus
}
#endif
#endif
