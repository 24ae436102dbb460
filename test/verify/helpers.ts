/**
 * A small world for verifier tests: histories with real Hypercore Merkle trees over synthetic
 * blocks (leaf = BLAKE2b(0x00 ‖ u64 len ‖ data), parents and tree hashes from src/seal), really
 * signed heads of them, batches sealed into numbered blocks with real receipts, the chain's raw
 * answers for those seals (the real HyperSeal runtime code, blocks, transactions with their
 * Sealed logs), a pinned trust policy, replica views (local and remote, with real upgrade
 * proofs), and incidents with real agreement proofs. test/verify/real-core uses a real Hypercore.
 */
import { createHash } from 'node:crypto'
import * as flat from 'flat-tree'
import sodium from 'sodium-native'
import { HYPERSEAL_CODE_HASH } from '../../src/chain'
import artifact from '../../src/chain/artifact/HyperSeal.json'
import {
  buildBatch, headToJson, parentNode, rootIndexes, treeHashOf, treeNodeToJson, type Agreement, type Head, type Incident, type Receipt, type TreeNode
} from '../../src/seal'
import { policyFor, type TrustRoot } from '../../src/trust'
import { SEALED_TOPIC, type ChainEvidence, type ReplicaView, type TxEvidence, type UpgradeProof, type VerifyInput } from '../../src/verify'
import { WRITERS, signHead, type Writer } from '../seal/helpers'

export const CHAIN_ID = 31337
export const CONTRACT = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
export const SEALER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'
export const GENESIS_TIME = 1_764_000_000
export const CODE: string = artifact.deployedBytecode

export function trustRoot (overrides: { confirmations?: number | 'finalized', contract?: string, embedded?: boolean } = {}): TrustRoot {
  const c = overrides.confirmations ?? 1
  return {
    v: 1,
    kind: 'hyperseal-trust-root',
    name: 'test',
    chains: [{
      chainId: CHAIN_ID,
      embedded: overrides.embedded ?? false,
      contracts: [{ address: overrides.contract ?? CONTRACT, codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }],
      finality: c === 'finalized' ? 'finalized' : { confirmations: c },
      rpc: []
    }],
    receiptsLogs: [],
    reportKeys: []
  }
}
export const TRUST = policyFor(trustRoot(), CHAIN_ID)

function sha256 (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

function u64 (n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}

/**
 * One line of history: its fork id and Merkle tree. A node depends only on the blocks under it,
 * so a rewritten history shares every node that lies wholly in the part it kept. Real lines hash
 * synthetic blocks into a real Hypercore tree (upgrade and agreement proofs check out);
 * `synthetic` lines name each node by a hash of (name, index) instead, so that a property test can
 * use lengths of a million without hashing a million blocks (only tree hashes are compared then).
 */
export class History {
  private readonly nodes = new Map<number, TreeNode>()
  constructor (readonly fork: number, private readonly own: (index: number, self: History) => TreeNode, private readonly base?: { from: History, keep: number }) {}

  node (index: number): TreeNode {
    if (this.base !== undefined && flat.rightSpan(index) / 2 < this.base.keep) return this.base.from.node(index)
    let n = this.nodes.get(index)
    if (n === undefined) {
      n = this.own(index, this)
      this.nodes.set(index, n)
    }
    return n
  }

  roots (length: number): TreeNode[] { return rootIndexes(length).map((i) => this.node(i)) }
  treeAt (length: number): Buffer { return treeHashOf(this.roots(length)) }

  /** Nodes that grow the roots of `a` into the roots of `b` (Hypercore's additional upgrade nodes). */
  grow (a: number, b: number): TreeNode[] {
    const rootsA = new Set(rootIndexes(a))
    const out: TreeNode[] = []
    const collect = (index: number): void => {
      if (rootsA.has(index)) return
      if (flat.leftSpan(index) / 2 >= a) { out.push(this.node(index)); return }
      collect(flat.leftChild(index))
      collect(flat.rightChild(index))
    }
    for (const r of rootIndexes(b)) collect(r)
    return out
  }
}

function nodeMaker (name: string, synthetic: boolean): (index: number, self: History) => TreeNode {
  if (synthetic) {
    return (index) => ({ index, size: 8 * (flat.rightSpan(index) / 2 - flat.leftSpan(index) / 2 + 1), hash: sha256(`${name}:node:${index}`) })
  }
  return (index, self) => {
    if (index % 2 === 1) return parentNode(index, self.node(flat.leftChild(index)), self.node(flat.rightChild(index)))
    const data = Buffer.from(`${name}:${index / 2}`)
    const hash = Buffer.alloc(32)
    sodium.crypto_generichash_batch(hash, [Buffer.from([0]), u64(data.length), data])
    return { index, size: data.length, hash }
  }
}

export function line (name: string, fork = 0, opts: { synthetic?: boolean } = {}): History {
  return new History(fork, nodeMaker(name, opts.synthetic === true))
}

/** The history a writer makes by truncating `from` to `keep` and appending other data (synthetic when `from` is). */
export function rewritten (from: History, keep: number, name: string, fork: number, opts: { synthetic?: boolean } = {}): History {
  return new History(fork, nodeMaker(name, opts.synthetic === true), { from, keep })
}

export function headOf (writer: Writer, history: History, length: number): Head {
  return signHead(writer, length, history.fork, history.treeAt(length))
}

/** A trusted local replica holding `history` up to `length`. */
export function replicaOf (history: History, length: number): ReplicaView {
  return {
    length,
    fork: history.fork,
    treeHash: length > 0 ? history.treeAt(length).toString('hex') : null,
    treeHashAt: (at) => (at >= 1 && at <= length ? history.treeAt(at).toString('hex') : undefined)
  }
}

/** What Hypercore's `proof({ upgrade: { start: 0, length: a } })` gives on a replica at `b`, signed by `writer`. */
export function upgradeProof (writer: Writer, history: History, a: number, b: number): UpgradeProof {
  return {
    fork: history.fork,
    upgrade: { start: 0, length: a, nodes: history.roots(a), additionalNodes: history.grow(a, b), signature: headOf(writer, history, b).signature }
  }
}

/** An untrusted remote replica at `length` of `history`, with an upgrade proof for each of `lengths`. */
export function remoteOf (writer: Writer, history: History, length: number, lengths: number[]): ReplicaView {
  const proofs: Record<number, UpgradeProof> = {}
  for (const l of lengths) if (l >= 1 && l <= length) proofs[l] = upgradeProof(writer, history, l, length)
  return { length, fork: history.fork, treeHash: history.treeAt(length).toString('hex'), proofs }
}

export function blockHash (block: number): string {
  return '0x' + sha256(`block ${block}`).toString('hex')
}

const word = (hex: string): string => hex.replace(/^0x/, '').padStart(64, '0')

/** A chain that seals batches, one block each, and answers for them as chain evidence. */
export class TestChain {
  headBlock = 0
  private batches = 0
  readonly seals: Record<string, { timestamp: number, blockNumber: number } | null> = {}
  readonly blocks: Record<number, { number: number, hash: string, timestamp: number } | null> = {}
  readonly txs: Record<string, TxEvidence | null> = {}

  /** Seals `heads` (plus `filler` heads of other cores) in the next block (or `block`). */
  seal (heads: Head[], opts: { block?: number, filler?: number } = {}): Receipt[] {
    const filler = Array.from({ length: opts.filler ?? 2 }, (_, i) =>
      signHead(WRITERS[5 - (i % 2)], 1000 + this.batches * 10 + i, 0, sha256(`filler ${this.batches} ${i}`)))
    this.batches++
    const batch = buildBatch([...heads, ...filler])
    const blockNumber = opts.block ?? this.headBlock + 1
    this.headBlock = Math.max(this.headBlock, blockNumber)
    const timestamp = GENESIS_TIME + 12 * blockNumber
    const txHash = '0x' + sha256(`tx ${batch.root}`).toString('hex')
    this.seals[batch.root] = { timestamp, blockNumber }
    this.blocks[blockNumber] = { number: blockNumber, hash: blockHash(blockNumber), timestamp }
    this.txs[txHash] = {
      hash: txHash,
      to: CONTRACT,
      status: 1,
      blockNumber,
      blockHash: blockHash(blockNumber),
      logs: [{ address: CONTRACT, topics: [SEALED_TOPIC, batch.root, '0x' + word(this.batches.toString(16))], data: '0x' + word(batch.leafCount.toString(16)) + word(SEALER) }]
    }
    const seal = { chainId: CHAIN_ID, contract: CONTRACT, root: batch.root, leafCount: batch.leafCount, txHash, blockNumber, blockHash: blockHash(blockNumber), timestamp }
    return heads.map((_, i) => batch.receiptFor(i, seal))
  }

  view (overrides: Partial<ChainEvidence> = {}): ChainEvidence {
    return {
      chainId: CHAIN_ID,
      headBlock: this.headBlock,
      code: { [CONTRACT]: CODE },
      seals: { ...this.seals },
      blocks: { ...this.blocks },
      txs: { ...this.txs },
      ...overrides
    }
  }
}

const nodesJson = (nodes: TreeNode[]): Agreement['roots'] => nodes.map(treeNodeToJson)

/**
 * An incident between `sealed` (length ls of history s) and `observed` (length lo of history o),
 * with a real agreement proof at `agreed` (0: none), signed by `writer`.
 */
export function incidentOf (kind: 'fork' | 'rewind', writer: Writer, s: History, ls: number, o: History, lo: number, agreed = 0, sealedIn?: Receipt, viaSealedHeadAt?: number): Incident {
  const sealed = headOf(writer, s, ls)
  const incident: Incident = {
    key: sealed.key.toString('hex'),
    kind,
    detectedAt: '2026-01-01T00:00:00.000Z',
    sealed: headToJson(sealed),
    observed: headToJson(headOf(writer, o, lo)),
    evidence: { source: 'test' }
  }
  if (agreed > 0) {
    const side = viaSealedHeadAt ?? ls
    incident.agreed = { length: agreed, roots: nodesJson(s.roots(agreed)), sealedNodes: nodesJson(s.grow(agreed, side)), observedNodes: nodesJson(o.grow(agreed, lo)) }
    if (viaSealedHeadAt !== undefined) incident.agreed.sealedHead = headToJson(headOf(writer, s, viaSealedHeadAt))
  }
  if (sealedIn !== undefined) incident.sealedIn = { root: sealedIn.seal.root, txHash: sealedIn.seal.txHash, blockNumber: sealedIn.seal.blockNumber }
  return incident
}

/**
 * The usual scenario: writer 0 on history "a", sealed at lengths 10, 20 and 30 in blocks 1, 2
 * and 3. Returns what a test needs to build a verify input.
 */
export function sealedCore (): { writer: Writer, key: string, history: History, chain: TestChain, receipts: Receipt[] } {
  const writer = WRITERS[0]
  const history = line('a')
  const chain = new TestChain()
  const receipts = [10, 20, 30].flatMap((length) => chain.seal([headOf(writer, history, length)]))
  return { writer, key: writer.key.toString('hex'), history, chain, receipts }
}

export function inputOf (parts: { key: string, version: number, receipts: Receipt[], chain: TestChain | ChainEvidence, replica: ReplicaView, incidents?: Incident[] }): VerifyInput {
  const chain = parts.chain instanceof TestChain ? parts.chain.view() : parts.chain
  return { key: parts.key, version: parts.version, receipts: parts.receipts, replica: parts.replica, chain, trust: TRUST, ...(parts.incidents ? { incidents: parts.incidents } : {}) }
}

/** The `code` of what `fn` throws, or undefined when it does not throw. */
export function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}
