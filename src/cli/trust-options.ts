/**
 * The options a verifying command takes to name its trust, and what it says without them. Cheap
 * to load (`--help`); reading and checking them is trust-pin.ts, loaded when a command runs.
 */
export interface TrustOptions {
  trust?: string
  contract?: string
  chainId?: string
  confirmations?: string
  finalized?: boolean
}

export const NO_TRUST = 'Give the trust root you pinned with --trust <file> (get one with `hyperseal trust export -o trust.json` from a service you trust, or from its GET /v1/trust, and compare its fingerprint over a channel you trust), or name the chain and contract yourself with --chain-id <id> --contract <address>.'

/** The default finality without a trust root: one confirmation can be reorged away on a public chain. */
export const DEFAULT_CONFIRMATIONS = 12
