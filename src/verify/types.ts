/**
 * What the verifier takes and gives. Everything it needs is passed in (receipts, a view of the
 * replica, a view of the chain); it does no I/O. Hypercore bytes are lowercase hex without 0x,
 * EVM bytes 0x-prefixed, as in DESIGN.md "Formats".
 */
import type { Incident, Receipt } from '../seal'
import type { UpgradeProof } from './prefix-proof'

export type VerdictStatus = 'verified' | 'pending' | 'behind' | 'rewind' | 'fork' | 'invalid'

/** DESIGN.md "Formats": the verdict, exactly. */
export interface Verdict {
  key: string
  version: number
  status: VerdictStatus
  /** ISO 8601 of the deciding seal's block time; null when no receipt decided or it was invalid. */
  sealedAt: string | null
  /** The deciding seal has the required confirmations (or is at or below the finalized block). */
  final: boolean
  /** The receipt that decided, as given; null when none covers the version. */
  receipt: Receipt | null
  replica: { length: number, fork: number, treeHash: string | null }
  /** Every incident recorded for this core, in the order given. */
  incidents: Incident[]
  /** One sentence for people. */
  reason: string
}

/**
 * Why the verdict is what it is, as a closed set of codes (for programs: logs, metrics, tests).
 * The verdict's `status` follows from it; `reason` says it in words.
 */
export type Finding =
  // verified
  | 'MATCH'
  // pending
  | 'NOT_SEALED'
  // behind
  | 'REPLICA_SHORTER' | 'REPLICA_ON_OLDER_FORK'
  // rewind
  | 'TRUNCATED_BELOW_SEAL' | 'TREE_DIFFERS_NEWER_FORK' | 'REWIND_INCIDENT'
  // fork
  | 'TREE_DIFFERS_SAME_FORK' | 'FORK_INCIDENT'
  // invalid: a receipt of the list is malformed or of another core
  | 'BAD_RECEIPT' | 'OTHER_CORE'
  // invalid: the deciding receipt's own checks (checkReceipt codes; BAD_RECEIPT as above)
  | 'BAD_MANIFEST' | 'KEY_MISMATCH' | 'BAD_SIGNATURE' | 'BAD_PROOF'
  // invalid: the deciding receipt against the chain
  | 'WRONG_CHAIN' | 'WRONG_CONTRACT' | 'NOT_ON_CHAIN' | 'SEAL_MISMATCH' | 'BLOCK_HASH_MISMATCH'
  // invalid: other evidence
  | 'BAD_INCIDENT' | 'BAD_PREFIX_PROOF'

export interface Assessment {
  verdict: Verdict
  finding: Finding
}

/**
 * The replica whose history is checked. `length`/`fork` are what it holds now. The tree hash at
 * the sealed length comes from exactly one source, and only when `length` reaches it:
 * - `treeHashAt(length)`: a trusted local replica's own tree hash (Hypercore `treeHash(length)`),
 *   precomputed by the caller for the lengths `planVerify` names (a synchronous lookup);
 * - `prefixProof`: an untrusted remote replica's upgrade proof `{ start: 0, length: sealed }`,
 *   checked here with `verifyPrefixProof`; the verdict then reports the head the proof proves.
 */
export interface ReplicaView {
  length: number
  fork: number
  /** The replica's tree hash at `length` (reported in the verdict only). */
  treeHash?: string | null
  treeHashAt?: (length: number) => string | null | undefined
  prefixProof?: UpgradeProof
}

/** `sealedAt(root)` (contract state), plus what the root's `Sealed` event says, when fetched. */
export interface SealAnswer {
  timestamp: number
  blockNumber: number
  /** The transaction that emitted `Sealed(root, …)`: checked against the receipt when given. */
  txHash?: string
  /** The event's leaf count: checked against the receipt when given. */
  leafCount?: number
}

/**
 * The chain as the caller read it. Answers are keyed by what `planVerify` names: `seals` by
 * lowercase 0x root (null: never sealed), `blockHashes` by block number (the canonical hash;
 * null: no such block). Without `blockHashes` the receipt's block hash is not checked.
 */
export interface ChainView {
  chainId: number
  /** The HyperSeal contract the caller trusts. */
  contract: string
  /** The latest block number when the answers were read. */
  headBlock: number
  /** Confirmations (the seal's block counts as one) after which a seal is final. */
  confirmationsRequired: number
  /** The chain's `finalized` block, if it has that tag: seals at or below it are final. */
  finalizedBlock?: number
  seals: Readonly<Record<string, SealAnswer | null>>
  blockHashes?: Readonly<Record<number, string | null>>
}

export interface VerifyInput {
  /** The core key: 64 hex characters (any case; reported in lowercase). */
  key: string
  /** The version to prove: blocks 0..version-1; a safe integer ≥ 1. */
  version: number
  /** Every receipt known for this core, in any order. */
  receipts: readonly Receipt[]
  /** Incidents; those of other cores are left out of the verdict. */
  incidents?: readonly Incident[]
  replica: ReplicaView
  chain: ChainView
}

/** What the caller must fetch before calling `verify` (see planVerify). */
export interface VerifyPlan {
  /** The receipt that will decide, or null (nothing covers the version, or a receipt is malformed). */
  receipt: Receipt | null
  /** Lengths whose tree hash the replica must supply (if it is at least that long). */
  lengths: number[]
  /** Roots whose `sealedAt` the chain view must answer. */
  roots: string[]
  /** Blocks whose canonical hash the chain view should answer (for the block hash check). */
  blockNumbers: number[]
}
