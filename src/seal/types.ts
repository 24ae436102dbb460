/**
 * The data formats of DESIGN.md ("Formats", v1). Binary fields are Buffers in memory and
 * lowercase hex in JSON (no 0x for Hypercore bytes, 0x for EVM bytes, as in DESIGN.md).
 */
import type { Agreement, TreeNodeJson } from './agreement'
import type { Anchor } from './anchor'
import type { TreeNode } from './hypercore-tree'

/** What the writer signed, captured at the moment it is sealed (Hypercore keeps only the latest). */
export interface Head {
  /** 32-byte core key = BLAKE2b(MANIFEST ‖ manifest), or a compat core's public key. */
  key: Buffer
  /** The core's length (version); a safe integer. */
  length: number
  /** The fork id; a safe integer. */
  fork: number
  /** 32-byte BLAKE2b tree hash of blocks 0..length-1. */
  treeHash: Buffer
  /** The stored signature as Hypercore keeps it (multisig blob, or raw 64 bytes for v0/compat). */
  signature: Buffer
  /** The encoded manifest (Hypercore `getManifest({ raw: true })`). */
  manifest: Buffer
  /**
   * The roots of the tree at `length` (they hash to `treeHash`). Only when the signature is a
   * quorum whose signers signed longer trees (a patch): checking it needs them. Not in the leaf.
   */
  roots?: TreeNode[]
}

export interface HeadJson {
  key: string
  length: number
  fork: number
  treeHash: string
  signature: string
  manifest: string
  roots?: TreeNodeJson[]
}

/** Where and when a batch root was sealed on chain. */
export interface SealInfo {
  chainId: number
  /** 0x-prefixed checksummed or lowercase address. */
  contract: string
  /** 0x-prefixed 32-byte root. */
  root: string
  leafCount: number
  txHash: string
  blockNumber: number
  blockHash: string
  /** Block timestamp, seconds since the epoch. */
  timestamp: number
}

/** Receipt v1 and v2: everything needed to prove one head was sealed (v2: and every later anchor of its batch). */
export interface Receipt {
  v: 1 | 2
  head: HeadJson
  seal: SealInfo
  /** StandardMerkleTree inclusion proof, 0x-prefixed 32-byte nodes. */
  proof: string[]
  /** v2 only: the later clocks that cover `seal.root` (a secondary chain, RFC 3161 tokens). */
  anchors?: Anchor[]
}

export type IncidentKind = 'rewind' | 'fork'

/** Where a sealed head was sealed: its batch root, transaction and block. */
export interface SealRef {
  root: string
  txHash: string
  blockNumber: number
}

/** A detected rewind or fork, kept with its evidence (both signed heads and whatever proof exists). */
export interface Incident {
  key: string
  kind: IncidentKind
  /** ISO 8601. */
  detectedAt: string
  /** The head we sealed (or held) before. */
  sealed: HeadJson
  /** The head that contradicts it. */
  observed: HeadJson
  /**
   * Where the two histories part: both heads are proven to hold the same blocks
   * 0..agreed.length-1 (see agreement.ts). Absent: nothing proven (length 0).
   */
  agreed?: Agreement
  /** Where `sealed` was sealed, when it was (a split view may set our unsealed head against a peer's). */
  sealedIn?: SealRef
  /** Free-form but JSON: e.g. Hypercore's conflict proof, tree hashes compared, source. */
  evidence: Record<string, unknown>
}

/**
 * A core an Autobase moved to a new key when its indexers changed (autobase `_migrateView`):
 * the new key's manifest prologue commits to the old key's first `prologue.length` blocks, so
 * the old history goes on under the new key. Checked: both keys' trees are equal at `length`.
 */
export interface MovedCore {
  role: 'system' | 'view'
  /** A view's position in the system core's info record (the application's order); absent for the system core. */
  view?: number
  from: string
  to: string
  /** The length both trees were compared at (the old replica's, at most the prologue's) and the tree hash they share there. */
  length: number
  treeHash: string
  /** The new key's manifest prologue; null only for a view that was empty before. */
  prologue: { length: number, hash: string } | null
}

/**
 * An Autobase's indexer change that moved its system core and views to new keys: not a rewind
 * (the old keys' sealed histories stay as they were, and stay verifiable) but a `migration`,
 * kept with its signed evidence: the new system core's head (signed by the new indexers'
 * quorum), whose info record names the new view keys, and each moved core's prologue link.
 */
export interface Migration {
  /** The Autobase key (its bootstrap writer's oplog core). */
  key: string
  kind: 'migration'
  /** ISO 8601. */
  detectedAt: string
  /** The new system core's signed head when the migration was checked. */
  system: HeadJson
  /** The info record at or below `system.length`: its system length, indexers' oplog keys and views (key, indexed length). */
  info: { systemLength: number, indexers: string[], views: Array<{ key: string, length: number }> }
  moved: MovedCore[]
}
