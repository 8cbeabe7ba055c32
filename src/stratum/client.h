/* Grin stratum client: one non-blocking TCP connection at a time to one pool of a
 * list, driven by frugal_stratum_client_poll() from a single thread (public API in
 * frugal/stratum.h; behaviour in doc/mining.md).
 *
 * Connection life:
 *   idle --(retry time)--> connect --ok--> connected: login?, getjobtemplate
 *     ^                       |fail              | lost, idle timeout, bad line,
 *     +--- backoff / next ----+------------------+ login refused
 * A failure is a failed attempt, or a connection that ended before delivering a job.
 * After tries_per_pool failures in a row on one pool the client moves to the next
 * pool at once (wrapping around); the delay before each retry doubles with the
 * failures in a row across all pools, from backoff_min_ms up to backoff_max_ms, and
 * a connection that delivered a job resets it.
 *
 * Shares: queued by frugal_stratum_client_submit(), sent when the connection has a
 * job and the share's job (pool, height, job_id, pre_pow digest) was offered on this
 * connection; otherwise dropped once the connection has a job that is not theirs.
 * A share whose request reached the kernel is never sent again: if the connection
 * ends before the answer it is reported lost; one whose bytes were still in the
 * output buffer goes back to the queue. Responses are matched to shares by id and to
 * other requests by the echoed method. */
#ifndef FRUGAL_STRATUM_CLIENT_H
#define FRUGAL_STRATUM_CLIENT_H

#define FR_STRATUM_MAX_POOLS 16           /* pools a client may list */
#define FR_STRATUM_KNOWN_JOBS 64          /* jobs remembered per connection and height */
#define FR_STRATUM_OUT_MAX (256u * 1024u) /* unsent bytes before the pool counts as stuck */
#define FR_STRATUM_GETJOB_RETRY_S 1.0     /* getjobtemplate again after an error answer */
#endif
