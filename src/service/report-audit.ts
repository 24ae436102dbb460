/**
 * Gathers an audit report's input from the ledger and the chain, then lets the pure builder
 * decide and signs the result. Reads only: nothing here writes the ledger or sends a
 * transaction.
 */
import type { AuditQuery } from '../api'
import type { ChainClient, ChainReader } from '../chain'
import { gatherChain, policyOf, type EvidenceCache, type PinnedTrust } from '../evidence'
import { keyHex, parseKey } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import { gatherCoverage } from './report-coverage'
import { auditReportSteps, signReport, type BatchCost, type ReportInput, type ServiceIdentity, type SignedReport } from '../report'

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
  now?: () => Date
}

export async function auditReport (deps: AuditDeps, query: AuditQuery): Promise<SignedReport> {
  const range = { from: query.from, to: query.to }
  const batches = await deps.log.listBatches(range)
  let cores: string[]
  if (query.keys !== undefined && query.keys.length > 0) {
    cores = query.keys.map((k) => keyHex(parseKey(k)))
  } else {
    const keys = new Set((await deps.journal.listWatched()).map((w) => w.key))
    for (const b of batches) for (const leaf of b.leaves) keys.add(leaf.key)
    cores = [...keys]
  }
  cores = [...new Set(cores)].sort()

  const receipts: ReportInput['receipts'] = {}
  for (const key of cores) receipts[key] = (await deps.log.receipts(key)).map((e) => ({ receipt: e.receipt, ...(e.contradicts ? { contradicts: e.contradicts } : {}) }))
  const incidents = await deps.log.listIncidents(range)

  // The chain's answers for every receipt of the period, through the one evidence path.
  const fromS = query.from.getTime() / 1000
  const toS = query.to.getTime() / 1000
  const seals = new Map<string, string>()
  const blocks = new Set<number>()
  const txs = new Set<string>()
  const contracts = new Set<string>()
  const inPeriod: ReportInput['receipts'][string] = []
  for (const list of Object.values(receipts)) {
    for (const entry of list) {
      const { seal } = entry.receipt
      if (seal.timestamp < fromS || seal.timestamp >= toS) continue
      inPeriod.push(entry)
      seals.set(seal.root, seal.contract.toLowerCase())
      blocks.add(seal.blockNumber)
      txs.add(seal.txHash.toLowerCase())
      contracts.add(seal.contract.toLowerCase())
    }
  }
  const trust = policyOf(deps.trust, inPeriod.map((e) => e.receipt))
  const chain = await gatherChain(deps.reader, {
    seals: [...seals].sort().map(([root, contract]) => ({ root, contract })),
    blockNumbers: [...blocks].sort((a, b) => a - b),
    txs: [...txs].sort(),
    contracts: [...contracts].sort()
  }, trust, deps.cache)
  const costs: Record<string, BatchCost | null> = {}
  for (const b of batches) costs[b.seal.txHash] = await deps.chain.txCost(b.seal.txHash)

  const coverage = await gatherCoverage(deps.journal, receipts, { cores, receiptsLog: deps.identity.receiptsLog, period: { from: query.from.toISOString(), to: query.to.toISOString() }, schedule: deps.policy.schedule })
  const steps = auditReportSteps({
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    period: { from: query.from.toISOString(), to: query.to.toISOString() },
    service: deps.identity,
    policy: deps.policy,
    cores,
    receipts,
    batches: batches.map((b) => ({ seq: b.seq, root: b.root, leafCount: b.leafCount, leaves: b.leaves, sealedAt: b.sealedAt, txHash: b.seal.txHash, blockNumber: b.seal.blockNumber })),
    costs,
    incidents,
    stale: Object.fromEntries(await deps.journal.staleMarks()),
    chain,
    trust,
    coverage
  })
  // Re-checking a large period takes seconds: give the event loop a turn between steps so
  // seal passes and other requests go on meanwhile.
  for (;;) {
    const step = steps.next()
    if (step.done === true) return signReport(step.value, deps.secretKey)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
