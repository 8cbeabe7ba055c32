/* Grin stratum, share check and headers: the job header (pre_pow || nonce as u64
 * big-endian), Grin's proof packing and hash (core/src/pow/types.rs: Proof::pack_nonces
 * and Proof::hash), the unscaled share difficulty (ProofOfWork::to_unscaled_difficulty),
 * and "HOST:PORT" pool strings. Public API in frugal/stratum.h.
 *
 * Packing: edge i occupies bits i*EB .. (i+1)*EB-1 of a little-endian bit string,
 * zero-padded to whole bytes. For EB = 5, edges a, b:
 *
 *   byte 0: b2 b1 b0 a4 a3 a2 a1 a0     byte 1: 0 0 0 0 0 0 b4 b3   (bit 7 ... bit 0)
 */
#ifndef FRUGAL_STRATUM_SHARE_H
#define FRUGAL_STRATUM_SHARE_H
#include <stdint.h>

#include "frugal/stratum.h"

/* digest = BLAKE2b-256 of job->pre_pow: the identity of a job's header, used to tell
 * whether a job offered after a reconnection is the one a share was mined on.
 * Returns 0, or -1 if libsodium fails. */
int fr_stratum_job_digest(const frugal_stratum_job *job, uint8_t digest[32]);
#endif
