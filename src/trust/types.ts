/**
 * The trust root (docs/formats.md "Trust root"): what a verifier pins, in the role of
 * Sigstore's trusted root. A verifier never takes the chain, the contract or the report signer
 * from the receipt or report it checks; it takes them from here and checks the rest itself.
 */

export interface TrustedContract {
  /** 0x address, lowercase. */
  address: string
  /** keccak256 of the contract's runtime code (0x, lowercase): HyperSeal's, checked on chain. */
  codeHash: string
  /** The block the contract was deployed in (a lower bound for log searches). */
  deployBlock: number
}

/** When a seal counts as final: after `confirmations` blocks (its own block is the first), or once at or below the chain's `finalized` block. */
export type Finality = { confirmations: number } | 'finalized'

export interface TrustedChain {
  chainId: number
  /** The embedded development chain: its local administrator can rewrite it. */
  embedded: boolean
  contracts: TrustedContract[]
  finality: Finality
  /** JSON-RPC endpoints the service suggests; a hint, never trusted (their answers are checked). */
  rpc: string[]
}

export interface TrustedLog {
  /** The public receipts log's core key, 64 lowercase hex. */
  key: string
  /** `host:port` peers that serve it over Hypercore replication; a hint. */
  peers: string[]
}

export interface TrustedReportKey {
  alg: 'ed25519'
  /** 64 lowercase hex. */
  publicKey: string
}

/** An RFC 3161 time-stamping authority (trust root v2): tokens must chain to `certificates`. */
export interface TrustedTsa {
  /** The name receipts give the TSA's anchor. */
  name: string
  /** PEM: the TSA's signing certificate or the CA it must chain to, first the one to trust, then any intermediates. */
  certificates: string
}

export interface TrustRoot {
  /** 1: chains, receipts logs and report keys; 2: and time-stamping authorities. */
  v: 1 | 2
  kind: 'hyperseal-trust-root'
  /** Who issued it, for people (e.g. the service's URL). */
  name: string
  chains: TrustedChain[]
  receiptsLogs: TrustedLog[]
  reportKeys: TrustedReportKey[]
  /** v2 only. */
  timestampAuthorities?: TrustedTsa[]
}

/** What the verifier applies for one receipt: the pinned chain and contract, and the fingerprint of the root they came from. */
export interface TrustPolicy {
  fingerprint: string
  chain: TrustedChain
  /** Every chain and TSA of the root, for a receipt's later anchors (a secondary chain, RFC 3161 tokens). */
  anchors?: { chains: readonly TrustedChain[], tsas: readonly TrustedTsa[] }
}
