/**
 * The audit report's service feed as it was before it streamed (main b3223ed,
 * src/service/report-audit.ts): every receipt of every reported core loaded up front, the
 * batches listed with their leaves, the receipts file one string. Kept for one purpose: the
 * streamed feed must give the same report and the same receipts file for the same ledger.
 */
import { gatherChain, policyOf } from '../../src/evidence'
import type { AuditQuery } from '../../src/api'
import { computeCoverage, latestOf, ReportAccumulator, signReport, type BatchCost, type ReceiptEntry, type ReportInput, type SignedReport } from '../../src/report'
import type { AuditDeps } from '../../src/service/report-audit'

export async function referenceReport (deps: AuditDeps, query: AuditQuery): Promise<{ signed: SignedReport, receiptsFile: Buffer }> {
  const range = { from: query.from, to: query.to }
  const batches = await deps.log.listBatches(range)
  const watched = await deps.journal.listWatched()
  const selection = query.keys !== undefined && query.keys.length > 0 ? [...new Set(query.keys)].sort() : undefined
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
  const fromS = query.from.getTime() / 1000
  const toS = query.to.getTime() / 1000
  const inPeriod: ReceiptEntry[] = []
  for (const list of Object.values(receipts)) for (const e of list) if (e.receipt.seal.timestamp >= fromS && e.receipt.seal.timestamp < toS) inPeriod.push(e)
  inPeriod.sort((a, b) => a.receipt.seal.timestamp - b.receipt.seal.timestamp)
  const seals = new Map<string, string>()
  const blocks = new Set<number>()
  const txs = new Set<string>()
  // The one change from main: the latest receipts' seals are asked too (main failed a period
  // with a core's latest receipt outside it, for want of the chain's answer).
  const latest = latestOf(receipts)
  for (const { receipt: { seal } } of [...inPeriod, ...Object.values(latest).map((e) => e!)]) {
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
  // gatherCoverage as it was: every seal of every reported core but the receipts log.
  const period = { from: query.from.toISOString(), to: query.to.toISOString() }
  const reported = new Set(cores.filter((k) => k !== deps.identity.receiptsLog))
  const coverage = computeCoverage({
    history: (await deps.journal.passes.records()).filter((r) => !('unwatch' in r) || reported.has(r.unwatch.key)),
    seals: [...reported].flatMap((key) => (receipts[key] ?? []).map((e) => ({ key, at: new Date(e.receipt.seal.timestamp * 1000).toISOString() }))),
    watched: watched.filter((w) => reported.has(w.key)).map((w) => ({ key: w.key, addedAt: w.addedAt }))
  }, period, deps.policy.schedule)
  const acc = new ReportAccumulator({
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    period,
    service: deps.identity,
    policy: deps.policy,
    cores,
    latest,
    batches: batches.map((b) => ({ seq: b.seq, root: b.root, leafCount: b.leafCount, leaves: b.leaves, sealedAt: b.sealedAt, txHash: b.seal.txHash, blockNumber: b.seal.blockNumber })),
    costs,
    incidents,
    stale: Object.fromEntries(await deps.journal.staleMarks()),
    chain,
    trust,
    watchedSince: Object.fromEntries(watched.map((w) => [w.key, w.addedAt])),
    coverage,
    ...(selection !== undefined ? { selection } : {})
  })
  const receiptsFile = acc.add(inPeriod)
  return { signed: signReport(acc.finish(), deps.secretKey), receiptsFile }
}
