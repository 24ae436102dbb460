/**
 * A small world for verifier tests: histories (the tree hash a core has at each length),
 * really signed heads of them, batches sealed into numbered blocks with real receipts
 * (buildBatch/receiptFor), the chain's answers for those seals, and replica views.
 * Tree hashes are synthetic here (the verifier only compares them); test/verify/real-core
 * and prefix-proof tests use a real Hypercore's.
 */
import { createHash } from 'node:crypto'
import { buildBatch, headToJson, type Head, type Incident, type Receipt } from '../../src/seal'
import type { ChainView, ReplicaView, SealAnswer, VerifyInput } from '../../src/verify'
import { WRITERS, signHead, type Writer } from '../seal/helpers'

export const CHAIN_ID = 31337
export const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
export const GENESIS_TIME = 1_764_000_000

function sha256 (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** One line of history: its fork id and its tree hash at every length. */
export interface History {
  fork: number
  treeAt (length: number): Buffer
}

export function line (name: string, fork = 0): History {
  return { fork, treeAt: (length) => sha256(`${name}:${length}`) }
}

/** The history a writer makes by truncating `from` to `keep` and appending other data. */
export function rewritten (from: History, keep: number, name: string, fork: number): History {
  return { fork, treeAt: (length) => (length <= keep ? from.treeAt(length) : sha256(`${name}:${length}`)) }
}

export function headOf (writer: Writer, history: History, length: number): Head {
  return signHead(writer, length, history.fork, history.treeAt(length))
}

/** A trusted local replica holding `history` up to `length`. */
export function replicaOf (history: History, length: number): ReplicaView {
  return {
    length,
    fork: history.fork,
    treeHash: history.treeAt(length).toString('hex'),
    treeHashAt: (at) => (at >= 1 && at <= length ? history.treeAt(at).toString('hex') : undefined)
  }
}

export function blockHash (block: number): string {
  return '0x' + sha256(`block ${block}`).toString('hex')
}

/** A chain that seals batches, one block each, and answers for them as a ChainView. */
export class TestChain {
  headBlock = 0
  private batches = 0
  readonly seals: Record<string, SealAnswer | null> = {}
  readonly blockHashes: Record<number, string | null> = {}

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
    this.seals[batch.root] = { timestamp, blockNumber, txHash, leafCount: batch.leafCount }
    this.blockHashes[blockNumber] = blockHash(blockNumber)
    const seal = { chainId: CHAIN_ID, contract: CONTRACT, root: batch.root, leafCount: batch.leafCount, txHash, blockNumber, blockHash: blockHash(blockNumber), timestamp }
    return heads.map((_, i) => batch.receiptFor(i, seal))
  }

  view (overrides: Partial<ChainView> = {}): ChainView {
    return {
      chainId: CHAIN_ID,
      contract: CONTRACT,
      headBlock: this.headBlock,
      confirmationsRequired: 1,
      seals: { ...this.seals },
      blockHashes: { ...this.blockHashes },
      ...overrides
    }
  }
}

export function incidentOf (kind: 'fork' | 'rewind', sealed: Head, observed: Head): Incident {
  return {
    key: sealed.key.toString('hex'),
    kind,
    detectedAt: '2026-01-01T00:00:00.000Z',
    sealed: headToJson(sealed),
    observed: headToJson(observed),
    evidence: { source: 'test' }
  }
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

export function inputOf (parts: { key: string, version: number, receipts: Receipt[], chain: TestChain | ChainView, replica: ReplicaView, incidents?: Incident[] }): VerifyInput {
  const chain = parts.chain instanceof TestChain ? parts.chain.view() : parts.chain
  return { key: parts.key, version: parts.version, receipts: parts.receipts, replica: parts.replica, chain, ...(parts.incidents ? { incidents: parts.incidents } : {}) }
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
