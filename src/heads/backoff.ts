/** How a peer connection is retried. */
export interface BackoffOptions {
  /** First retry delay. */
  baseMs: number
  /** Upper bound of any delay. */
  maxMs: number
}

/**
 * Exponential backoff with "equal jitter": the n-th consecutive failure waits a random time in
 * [d/2, d] where d = min(maxMs, baseMs·2^n). The jitter keeps many watchers (or many peers of
 * one watcher) from reconnecting in lockstep after a shared outage; the lower half keeps a
 * floor so a refusing peer is never hammered.
 */
export function backoffDelay (failures: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(failures, 52))
  return Math.round(exp / 2 + random() * (exp / 2))
}
