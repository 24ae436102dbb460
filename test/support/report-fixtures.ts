/**
 * Synthetic but valid audit-report input, built in memory: real signed heads (the signing
 * helper of test/seal), real batches and receipts (buildBatch), and chain answers that agree
 * with them. Used by the builder tests and bench/report.ts.
 */
import { createHash } from 'node:crypto'
import { getProof, makeMerkleTree } from '@openzeppelin/merkle-tree/dist/core'
import { buildBatch, headToJson, leafHash, type Head, type Incident, type Receipt, type SealInfo } from '../../src/seal'
import { HYPERSEAL_CODE_HASH } from '../../src/chain'
import artifact from '../../src/chain/artifact/HyperSeal.json'
import type { ReportCoverage, ReportInput } from '../../src/report'
import { policyFor } from '../../src/trust'
import { SEALED_TOPIC, type ChainEvidence } from '../../src/verify'
import { makeWriter, signHead, type Writer } from '../seal/helpers'

export const CONTRACT = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
export const CHAIN_ID = 31337
const hash = (text: string): string => createHash('sha256').update(text).digest('hex')

export interface Synthetic {
  input: ReportInput
  writers: Writer[]
  /** Seal time (seconds) of round r. */
  timeOf: (round: number) => number
}

export interface SyntheticOptions {
  cores: number
  rounds: number
  /** Seconds between rounds, or one time per round. */
  times: number[] | { start: number, interval: number }
  schedule?: string
  confirmations?: number
}

/** `cores` writers, each sealed once per round (length r+1, fork 0), one batch per round. */
export function synthetic (opts: SyntheticOptions): Synthetic {
  const writers = Array.from({ length: opts.cores }, (_, i) => makeWriter(Buffer.from(hash(`writer ${i}`), 'hex')))
  const timeOf = (r: number): number => Array.isArray(opts.times) ? opts.times[r] : opts.times.start + r * opts.times.interval
  const receipts: ReportInput['receipts'] = {}
  for (const w of writers) receipts[w.key.toString('hex')] = []
  const batches: ReportInput['batches'] = []
  const seals: ChainEvidence['seals'] = {}
  const blocks: Record<number, { number: number, hash: string, timestamp: number }> = {}
  const txs: Record<string, NonNullable<ChainEvidence['txs'][string]>> = {}
  const costs: ReportInput['costs'] = {}
  for (let r = 0; r < opts.rounds; r++) {
    const heads: Head[] = writers.map((w, i) => signHead(w, r + 1, 0, Buffer.from(hash(`tree ${i} ${r}`), 'hex')))
    const batch = buildBatch(heads)
    const blockNumber = 10 + r
    const seal: SealInfo = {
      chainId: CHAIN_ID, contract: CONTRACT, root: batch.root, leafCount: batch.leafCount,
      txHash: '0x' + hash(`tx ${r}`), blockNumber, blockHash: '0x' + hash(`block ${blockNumber}`), timestamp: timeOf(r)
    }
    heads.forEach((h, i) => receipts[h.key.toString('hex')].push({ receipt: batch.receiptFor(i, seal) }))
    batches.push({ seq: r, root: batch.root, leafCount: batch.leafCount, leaves: [...batch.headsJson], sealedAt: new Date(seal.timestamp * 1000).toISOString(), txHash: seal.txHash, blockNumber })
    ;(seals as Record<string, unknown>)[batch.root] = { timestamp: seal.timestamp, blockNumber }
    blocks[blockNumber] = { number: blockNumber, hash: seal.blockHash, timestamp: seal.timestamp }
    txs[seal.txHash] = {
      hash: seal.txHash, to: CONTRACT, status: 1, blockNumber, blockHash: seal.blockHash,
      logs: [{ address: CONTRACT, topics: [SEALED_TOPIC, batch.root, '0x' + (r + 1).toString(16).padStart(64, '0')], data: '0x' + batch.leafCount.toString(16).padStart(64, '0') + '0'.repeat(64) }]
    }
    costs[seal.txHash] = { gasUsed: String(50_000 + r), effectiveGasPrice: '1000000000' }
  }
  const first = timeOf(0)
  const last = timeOf(opts.rounds - 1)
  const input: ReportInput = {
    generatedAt: new Date((last + 3600) * 1000).toISOString(),
    period: { from: new Date((first - 60) * 1000).toISOString(), to: new Date((last + 60) * 1000).toISOString() },
    service: { reportKey: 'aa'.repeat(32), chainId: CHAIN_ID, contract: CONTRACT, sealers: ['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'], version: '0.1.0', receiptsLog: 'bb'.repeat(32) },
    policy: { schedule: opts.schedule ?? '* * * * *', confirmations: opts.confirmations ?? 1 },
    cores: writers.map((w) => w.key.toString('hex')),
    receipts,
    batches,
    costs,
    incidents: [],
    chain: { chainId: CHAIN_ID, headBlock: 10 + opts.rounds + 5, code: { [CONTRACT]: artifact.deployedBytecode }, seals, blocks, txs },
    trust: policyFor({
      v: 1, kind: 'hyperseal-trust-root', name: 'synthetic',
      chains: [{ chainId: CHAIN_ID, embedded: false, contracts: [{ address: CONTRACT, codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }], finality: { confirmations: opts.confirmations ?? 1 }, rpc: [] }],
      receiptsLogs: [], reportKeys: []
    }, CHAIN_ID)
  }
  return { input, writers, timeOf }
}

/**
 * Round r of `synthetic`'s writers for the benches: every writer's next head, really signed, in a
 * StandardMerkleTree built as src/seal buildBatch builds it (sorted leaf hashes, OpenZeppelin's
 * makeMerkleTree and getProof), but not through it: buildBatch checks each head's signature on
 * this thread (a bench measuring re-checks needs its signature caches empty) and keeps the tree,
 * heads, JSON and leaves (the generator's garbage then dominated the report bench's heap).
 */
export function leanRound (writers: Writer[], r: number, timestamp: number): { heads: Head[], root: string, seal: SealInfo, proofOf: (i: number) => string[] } {
  const heads = writers.map((w, i) => signHead(w, r + 1, 0, Buffer.from(hash(`tree ${i} ${r}`), 'hex')))
  const hashes = heads.map(leafHash)
  const order = hashes.map((_, i) => i).sort((a, b) => (hashes[a] < hashes[b] ? -1 : 1))
  const tree = makeMerkleTree(order.map((i) => hashes[i]))
  const at = new Array<number>(heads.length)
  order.forEach((i, p) => { at[i] = tree.length - 1 - p })
  const root = tree[0]
  const blockNumber = 10 + r
  const seal: SealInfo = { chainId: CHAIN_ID, contract: CONTRACT, root, leafCount: heads.length, txHash: '0x' + hash(`tx ${r}`), blockNumber, blockHash: '0x' + hash(`block ${blockNumber}`), timestamp }
  return { heads, root, seal, proofOf: (i) => getProof(tree, at[i]) }
}

/** A rewind incident of writer `w`: sealed at `sealedLength`, then seen shorter on fork 1. */
export function rewindIncident (w: Writer, sealedLength: number, detectedAtSec: number): Incident {
  const sealed = headToJson(signHead(w, sealedLength, 0, Buffer.from(hash(`s ${sealedLength}`), 'hex')))
  const observed = headToJson(signHead(w, sealedLength - 1, 1, Buffer.from(hash(`o ${sealedLength}`), 'hex')))
  return { key: w.key.toString('hex'), kind: 'rewind', detectedAt: new Date(detectedAtSec * 1000).toISOString(), sealed, observed, evidence: { source: 'seal-pass', note: '<script>alert(1)</script>' } }
}

/** A hand-made coverage: 1440 slots of a day, the service stopped 02:00-02:30, one failed pass. */
export function handCoverage (keys: string[], day = '2025-11-24'): ReportCoverage {
  return {
    schedule: '* * * * *',
    nominalIntervalSeconds: 60,
    passes: { scheduled: 1440, run: 1409, sealed: 30, unchanged: 1378, failed: 1, missed: 31 },
    missed: [{ from: `${day}T02:00:00.000Z`, to: `${day}T02:31:00.000Z`, slots: 31 }],
    failed: [{ at: `${day}T05:00:00.000Z`, code: 'CHAIN_UNAVAILABLE', reason: 'The RPC did not answer.' }],
    downtime: [{ from: `${day}T02:00:00.000Z`, to: `${day}T02:30:00.000Z`, seconds: 1800, cause: 'stopped' }],
    downtimeSeconds: 1800,
    cores: Object.fromEntries(keys.map((k, i) => [k, {
      watched: [{ from: `${day}T00:00:00.000Z`, to: null }],
      changesSealed: 30,
      stale: i === 0 ? [{ from: `${day}T13:00:00.000Z`, to: `${day}T14:00:00.000Z`, reason: 'no peer answered' }] : [],
      longestUnsealedSeconds: i === 0 ? 3660 : 60
    }]))
  }
}

export type { Receipt }
