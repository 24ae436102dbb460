// The subset of hypercore 11 that Hyperseal uses. The package ships no types.
declare module 'hypercore' {
  import { EventEmitter } from 'events'
  import type { Duplex } from 'stream'

  /** Hypercore's Noise secret stream (the side that carries encrypted protocol frames). */
  export interface NoiseSecretStream extends Duplex {
    /** Resolves true once the Noise handshake completes, false if the stream closes first. */
    opened: Promise<boolean>
    remotePublicKey: Buffer | null
    /** Destroys the stream when nothing arrives for `ms` (keep-alives count). */
    setTimeout (ms: number): void
    setKeepAlive (ms: number): void
  }

  /** What `Corestore#replicate(boolean)` returns: the raw side to pipe into a socket. */
  export interface ProtocolStream extends Duplex {
    noiseStream: NoiseSecretStream
  }

  /** Hypercore's in-memory view of a session's Merkle state (internal but stable in 11.x). */
  export interface SessionState {
    length: number
    fork: number
    /** The latest head signature (multisig blob for v1 manifests), null before the first append. */
    signature: Buffer | null
    /** The roots of `length`, left to right (the tree nodes `hash()` is computed from). */
    roots: TreeNode[]
    /** BLAKE2b tree hash of the session's current roots, computed in memory. */
    hash (): Buffer
  }

  /** A Merkle tree node: flat-tree index, byte size of the blocks under it, BLAKE2b hash. */
  export interface TreeNode {
    index: number
    size: number
    hash: Buffer
  }

  /** What `proof({ upgrade })` gives: the roots of `length` and the nodes growing them into the signed head. */
  export interface UpgradeProof {
    fork: number
    upgrade: {
      start: number
      length: number
      nodes: TreeNode[]
      additionalNodes: TreeNode[]
      signature: Buffer
    } | null
  }

  export interface ManifestSigner {
    signature: string
    namespace: Buffer
    publicKey: Buffer
  }

  export interface Manifest {
    version: number
    hash: string
    quorum: number
    signers: ManifestSigner[]
  }

  /** Hypercore's fork proof, as emitted with `conflict`. */
  export interface ConflictProof {
    fork: number
    upgrade: {
      start: number
      length: number
      nodes: Array<{ index: number, size: number, hash: Buffer }>
      additionalNodes?: Array<{ index: number, size: number, hash: Buffer }>
      signature: Buffer
    } | null
    manifest?: Manifest | null
    [field: string]: unknown
  }

  export interface GetOptions {
    wait?: boolean
    timeout?: number
  }

  export interface HypercoreOptions {
    key?: Buffer
    name?: string
    keyPair?: { publicKey: Buffer, secretKey: Buffer }
    createIfMissing?: boolean
  }

  export default class Hypercore extends EventEmitter {
    constructor (storage: string, key?: Buffer | null, opts?: HypercoreOptions)
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly contiguousLength: number
    readonly fork: number
    readonly writable: boolean
    readonly readable: boolean
    readonly opened: boolean
    readonly closed: boolean
    readonly closing: Promise<void> | null
    readonly manifest: Manifest | null
    readonly state: SessionState
    /** The replication peers this session has a channel with now. */
    readonly peers: readonly unknown[]
    ready (): Promise<void>
    close (): Promise<void>
    update (opts?: { wait?: boolean, force?: boolean }): Promise<boolean>
    snapshot (): Hypercore
    /** Another session of the same core; `timeout` bounds each block request it makes (ms). */
    session (opts?: { timeout?: number }): Hypercore
    has (index: number): Promise<boolean>
    get (index: number, opts?: GetOptions): Promise<Buffer | null>
    append (blocks: Buffer | Buffer[]): Promise<{ length: number, byteLength: number }>
    truncate (newLength?: number): Promise<void>
    treeHash (length?: number): Promise<Buffer>
    /** A Merkle proof from this session's state; `upgrade` proves a prefix against its signed head. */
    proof (opts: { block?: { index: number, nodes: number }, upgrade?: { start: number, length: number } }): Promise<unknown>
    getManifest (opts: { raw: true }): Buffer | null
    getManifest (opts?: { raw?: false }): Manifest | null
    /** Marks a peer search in progress; call the returned function when it is done. */
    findingPeers (): () => void

    on (event: 'truncate', listener: (ancestors: number, forkId: number) => void): this
    on (event: 'conflict', listener: (length: number, fork: number, proof: ConflictProof) => void): this
    on (event: 'append' | 'close' | 'ready', listener: () => void): this
    on (event: string, listener: (...args: never[]) => void): this
  }
}

// Hypercore's Merkle tree module, used to rebuild the remote head a conflict proof signs.
declare module 'hypercore/lib/merkle-tree' {
  import type { ConflictProof } from 'hypercore'

  export interface MerkleTreeBatch {
    length: number
    fork: number
    roots: Array<{ index: number, size: number, hash: Buffer }>
    signature: Buffer | null
    hash (): Buffer
  }

  export const MerkleTree: {
    /** Rebuilds (without checking the signature) the tree a proof carries, from nothing local. */
    verifyFullyRemote (session: Record<string, unknown>, proof: ConflictProof): MerkleTreeBatch
  }
}
