/**
 * Gathers an audit report's input from the ledger and the chain, feeds the pure builder the
 * receipts of the period in time order (a batch of the period at a time, with a turn of the
 * event loop between), and signs the result. Reads only: nothing here writes the ledger or
 * sends a transaction.
 */
import type { AuditQuery } from '../api'
import type { ChainClient, ChainReader } from '../chain'
import { gatherChain, policyOf, type EvidenceCache, type PinnedTrust } from '../evidence'
import { keyHex, parseKey } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import { gatherCoverage } from './report-coverage'
import {
  latestOf, ReportAccumulator, signReport, type BatchCost, type BuiltReport, type ReceiptEntry, type ReportCoverage, type ReportInput, type ServiceIdentity
} from '../report'

export interface AuditDeps {
  log: ReceiptsLog
  journal: Journal
  chain: ChainClient
  reader: ChainReader
  trust: PinnedTrust
  cache: EvidenceCache
  identity: ServiceIdentity
  policy: { schedule: string, confirmations: number | 'finalized' }
  secretKey: Buffer
  /** The pass records of the period as coverage; by default the journal's pass history (report-coverage.ts). */
  coverage?: (range: { from: Date, to: Date }) => Promise<ReportCoverage | undefined>
  now?: () => Date
}

export async function auditReport (deps: AuditDeps, query: AuditQuery): Promise<BuiltReport> {
  const range = { from: query.from, to: query.to }
  const batches = await deps.log.listBatches(range)
  const watched = await deps.journal.listWatched()
  const selection = query.keys !== undefined && query.keys.length > 0 ? [...new Set(query.keys.map((k) => keyHex(parseKey(k))))].sort() : undefined
  let cores: string[]
  if (selection !== undefined) {
    cores = selection
  } else {
    const keys = new Set(watched.map((w) => w.key))
    for (const b of batches) for (const leaf of b.leaves) keys.add(leaf.key)
    cores = [...keys].sort()
  }

  const receipts: ReportInput['receipts'] = {}
  for (const key of cores) receipts[key] = (await deps.log.receipts(key)).map((e) => ({ receipt: e.receipt, ...(e.contradicts ? { contradicts: e.contradicts } : {}) }))
  const incidents = await deps.log.listIncidents(range)

  // The receipts of the period, by seal time (the builder's order), and the chain's answers for them.
  const fromS = query.from.getTime() / 1000
  const toS = query.to.getTime() / 1000
  const inPeriod: ReceiptEntry[] = []
  for (const list of Object.values(receipts)) for (const e of list) if (e.receipt.seal.timestamp >= fromS && e.receipt.seal.timestamp < toS) inPeriod.push(e)
  inPeriod.sort((a, b) => a.receipt.seal.timestamp - b.receipt.seal.timestamp)
  const seals = new Map<string, string>()
  const blocks = new Set<number>()
  const txs = new Set<string>()
  for (const { receipt: { seal } } of inPeriod) {
    seals.set(seal.root, seal.contract.toLowerCase())
    blocks.add(seal.blockNumber)
    txs.add(seal.txHash.toLowerCase())
  }
  const trust = policyOf(deps.trust, inPeriod.map((e) => e.receipt))
  const chain = await gatherChain(deps.reader, {
    seals: [...seals].sort().map(([root, contract]) => ({ root, contract })),
    blockNumbers: [...blocks].sort((a, b) => a - b),
    txs: [...txs].sort(),
    contracts: [...new Set(seals.values())].sort()
  }, trust, deps.cache)
  const costs: Record<string, BatchCost | null> = {}
  for (const b of batches) costs[b.seal.txHash] = await deps.chain.txCost(b.seal.txHash)
  const coverage = deps.coverage !== undefined
    ? await deps.coverage(range)
    : await gatherCoverage(deps.journal, receipts, { cores, receiptsLog: deps.identity.receiptsLog, period: { from: query.from.toISOString(), to: query.to.toISOString() }, schedule: deps.policy.schedule })

  const acc = new ReportAccumulator({
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    period: { from: query.from.toISOString(), to: query.to.toISOString() },
    service: deps.identity,
    policy: deps.policy,
    cores,
    latest: latestOf(receipts),
    batches: batches.map((b) => ({ seq: b.seq, root: b.root, leafCount: b.leafCount, leaves: b.leaves, sealedAt: b.sealedAt, txHash: b.seal.txHash, blockNumber: b.seal.blockNumber })),
    costs,
    incidents,
    stale: Object.fromEntries(await deps.journal.staleMarks()),
    chain,
    trust,
    watchedSince: Object.fromEntries(watched.map((w) => [w.key, w.addedAt])),
    ...(coverage !== undefined ? { coverage } : {}),
    ...(selection !== undefined ? { selection } : {})
  })
  // Re-checking a large period takes seconds: one seal time at a time, with a turn of the event
  // loop between, so seal passes and other requests go on meanwhile.
  const parts: string[] = []
  for (let i = 0; i < inPeriod.length;) {
    let j = i + 1
    while (j < inPeriod.length && inPeriod[j].receipt.seal.timestamp === inPeriod[i].receipt.seal.timestamp && j - i < 500) j++
    while (j < inPeriod.length && inPeriod[j].receipt.seal.timestamp === inPeriod[j - 1].receipt.seal.timestamp) j++
    parts.push(acc.add(inPeriod.slice(i, j)))
    i = j
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return { signed: signReport(acc.finish(), deps.secretKey), receiptsFile: Buffer.from(parts.join(''), 'utf8') }
}
