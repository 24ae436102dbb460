/**
 * What the verifier takes and gives. Everything it needs is passed in (receipts, incidents, a
 * view of the replica, the chain's raw answers, the pinned trust policy); it does no I/O.
 * Hypercore bytes are lowercase hex without 0x, EVM bytes 0x-prefixed, as in docs/formats.md.
 */
import type { Incident, Receipt, TreeNodeJson } from '../seal'
import type { TrustPolicy } from '../trust'
import type { UpgradeProof } from './prefix-proof'

export type VerdictStatus = 'verified' | 'pending' | 'behind' | 'rewind' | 'fork' | 'invalid'

/** One thing the verifier checked, in words a person can read. */
export interface Check {
  check: CheckName
  /** true: passed; false: failed (the verdict says why); null: could not be checked (says why). */
  ok: boolean | null
  detail: string
}

export type CheckName =
  | 'receipts' // every receipt is of this core and well-formed
  | 'incidents' // every incident is signed evidence with a valid agreement proof
  | 'signature' // the writer's key signed the sealed head
  | 'inclusion' // the head is a leaf of the sealed batch root
  | 'trust' // the receipt's chain and contract are the pinned ones
  | 'contract' // the contract's runtime code is HyperSeal's
  | 'sealed' // sealedAt(root) on the trusted contract
  | 'block' // the block is canonical and its time is the receipt's
  | 'transaction' // the transaction succeeded, to the contract, with exactly the Sealed(root) log
  | 'finality' // confirmations or the finalized tag
  | 'replica' // the replica's tree at the sealed length
  | 'anchor' // one later clock of the deciding receipt: a secondary chain or an RFC 3161 token

/** The chain a verdict relied on, for people and programs. */
export interface VerdictChain {
  chainId: number
  contract: string
  /** The embedded development chain: its local administrator can rewrite it. */
  embedded: boolean
  /** Confirmations of the deciding seal when it was read (its own block is the first). */
  confirmations: number
  /** What the trust policy asks: a number of confirmations, or the chain's finalized tag. */
  required: number | 'finalized'
}

/**
 * One clock that dates the deciding seal: the primary chain, a secondary chain's anchor, or an
 * RFC 3161 token. `ok` null: it could not be checked (named, never dropped, never counted).
 */
export interface Clock {
  kind: 'evm' | 'rfc3161'
  /** `primary`, or the anchor's name. */
  name: string
  chainId?: number
  /** ISO 8601: the batch root existed no later than this; null unless the clock checked. */
  time: string | null
  final: boolean
  ok: boolean | null
  detail: string
}

/** docs/formats.md "Verdict". */
export interface Verdict {
  key: string
  version: number
  status: VerdictStatus
  /** ISO 8601 of the deciding seal's block time; null when no receipt decided or it was invalid. */
  sealedAt: string | null
  /** The deciding seal meets the trust policy's finality. */
  final: boolean
  /** The receipt that decided, as given; null when none covers the version. */
  receipt: Receipt | null
  replica: { length: number, fork: number, treeHash: string | null }
  /** Every incident recorded for this core, in the order given. */
  incidents: Incident[]
  /** One or two sentences for people. */
  reason: string
  /** The pinned chain the verdict relied on; null when no seal was checked. */
  chain: VerdictChain | null
  /** Fingerprint of the trust root the verdict was checked against. */
  trust: string
  /** What was checked, in order, with the result of each. */
  checks: Check[]
  /** Every clock of the deciding seal (absent when none decided): `sealedAt` is the earliest final one that checks. */
  clocks?: Clock[]
}

/**
 * Why the verdict is what it is, as a closed set of codes (for programs: logs, metrics, tests).
 * The verdict's `status` follows from it (STATUS_OF in verify.ts); `reason` says it in words.
 */
export type Finding =
  // verified
  | 'MATCH' | 'MATCH_KEPT_PART'
  // pending
  | 'NOT_SEALED'
  // behind
  | 'REPLICA_SHORTER'
  // rewind
  | 'TRUNCATED_BELOW_SEAL' | 'TREE_DIFFERS_NEWER_FORK' | 'STALE_REPLICA' | 'REWIND_INCIDENT'
  // fork
  | 'TREE_DIFFERS_SAME_FORK' | 'FORK_INCIDENT'
  // invalid: a receipt of the list is malformed or of another core
  | 'BAD_RECEIPT' | 'OTHER_CORE'
  // invalid: the deciding receipt's own checks (checkReceipt codes; BAD_RECEIPT as above)
  | 'BAD_MANIFEST' | 'KEY_MISMATCH' | 'BAD_SIGNATURE' | 'BAD_PROOF'
  // invalid: the deciding receipt against the trust root and the chain
  | 'UNTRUSTED_CHAIN' | 'UNTRUSTED_CONTRACT' | 'WRONG_CHAIN' | 'NOT_HYPERSEAL_CODE' | 'NOT_ON_CHAIN' | 'SEAL_MISMATCH'
  | 'BLOCK_MISMATCH' | 'TX_MISMATCH'
  // invalid: a later anchor of the deciding receipt does not check (its proof, its chain, its token)
  | 'BAD_ANCHOR'
  // invalid: other evidence
  | 'BAD_INCIDENT' | 'BAD_PREFIX_PROOF' | 'PEER_PROOF_INCONCLUSIVE'

export interface Assessment {
  verdict: Verdict
  finding: Finding
}

/**
 * The replica whose history is checked: its head now, and its tree at the lengths the plan names
 * (those up to its length), from exactly one source:
 * - `treeHashAt(length)`: a trusted local replica's own tree hash (Hypercore `treeHash(length)`),
 *   precomputed by the caller (a synchronous lookup);
 * - `proofs[length]`: an untrusted remote replica's upgrade proof `{ start: 0, length }`, checked
 *   here; the verdict then reports the head the proofs prove.
 */
export interface ReplicaView {
  length: number
  fork: number
  /** The replica's tree hash at `length` (reported in the verdict only). */
  treeHash?: string | null
  treeHashAt?: (length: number) => string | null | undefined
  proofs?: Readonly<Record<number, UpgradeProof>>
}

/** `sealedAt(root)` on the trusted contract: the block and its time; null when never sealed. */
export interface SealedAtAnswer {
  timestamp: number
  blockNumber: number
}

export interface BlockEvidence {
  number: number
  hash: string
  timestamp: number
}

export interface LogEvidence {
  address: string
  topics: readonly string[]
  data: string
}

/** A mined transaction's receipt as the node gave it. */
export interface TxEvidence {
  hash: string
  /** null for a contract creation. */
  to: string | null
  /** 1 success, 0 reverted. */
  status: number
  blockNumber: number
  blockHash: string
  logs: readonly LogEvidence[]
}

/**
 * The chain's raw answers, as the caller read them from any JSON-RPC endpoint; keyed by what
 * `planVerify` names. The verifier judges them against the trust policy itself: the contract's
 * code, the block, the transaction and its log, not only the contract's own word.
 */
export interface ChainEvidence {
  /** eth_chainId of the endpoint. */
  chainId: number
  /** The latest block number when the answers were read. */
  headBlock: number
  /** The chain's `finalized` block; null when it has none. Needed when the policy asks for it. */
  finalizedBlock?: number | null
  /** eth_getCode: lowercase address → 0x runtime code. */
  code: Readonly<Record<string, string>>
  /** sealedAt(root) on the trusted contract, by lowercase 0x root. */
  seals: Readonly<Record<string, SealedAtAnswer | null>>
  /** By block number; null: no such block. */
  blocks: Readonly<Record<number, BlockEvidence | null>>
  /** By lowercase 0x transaction hash; null: no such (mined) transaction. */
  txs: Readonly<Record<string, TxEvidence | null>>
}

/** The roots of a sealed length, when the ledger kept them (they decide a peer's proof). */
export interface SealedRoots {
  length: number
  treeHash: string
  roots: readonly TreeNodeJson[]
}

/** An RFC 3161 token as the caller's check found it (src/evidence; CMS checking is asynchronous). */
export type TimestampAnswer =
  | { ok: true, time: string, tsa: string }
  | { ok: false, code: string, reason: string }

/** Answers for the deciding receipt's anchors: each secondary chain's raw answers, each token's check (by `timestampKey`). */
export interface AnchorEvidence {
  chains: Readonly<Record<number, ChainEvidence>>
  timestamps: Readonly<Record<string, TimestampAnswer>>
}

/** What the anchors of the deciding receipt need: per secondary chain what `VerifyPlan` names for the primary; each token to check. */
export interface AnchorPlan {
  chains: Array<{ chainId: number } & Pick<VerifyPlan, 'seals' | 'blockNumbers' | 'txs' | 'contracts'>>
  timestamps: Array<{ name: string, token: string, root: string }>
}

export interface VerifyInput {
  /** The core key: 64 hex characters (any case; reported in lowercase). */
  key: string
  /** The version to prove: blocks 0..version-1; a safe integer ≥ 1. */
  version: number
  /**
   * Receipts of this core, in any order: at least those `planVerify` named (the earliest seal
   * covering the version, the latest seal, the latest within the replica); more is fine.
   */
  receipts: readonly Receipt[]
  /** Incidents; those of other cores are left out of the verdict. */
  incidents?: readonly Incident[]
  /** Roots the ledger kept for sealed heads (optional; a peer's proof is judged with them). */
  sealedRoots?: readonly SealedRoots[]
  replica: ReplicaView
  chain: ChainEvidence
  /** Answers for the deciding receipt's later anchors (plan.anchors); absent: those clocks are listed as not checked. */
  anchors?: AnchorEvidence
  trust: TrustPolicy
}

/** What the caller must fetch before calling `verify` (see planVerify). */
export interface VerifyPlan {
  /** The receipt that will decide, or null (nothing covers the version, or a receipt is malformed). */
  receipt: Receipt | null
  /** Lengths whose tree hash (or, for a remote replica, upgrade proof) the replica must give, if it is that long. */
  lengths: number[]
  /** Roots whose `sealedAt` the chain evidence must answer, each on the contract its receipt names (asked only when the trust root trusts it). */
  seals: Array<{ root: string, contract: string }>
  /** Blocks whose hash and time the chain evidence must answer. */
  blockNumbers: number[]
  /** Transactions whose receipt the chain evidence must answer. */
  txs: string[]
  /** Contracts whose runtime code the chain evidence must answer. */
  contracts: string[]
  /** The deciding receipt's later anchors: other chains' answers and tokens to check (AnchorEvidence). */
  anchors: AnchorPlan
}
