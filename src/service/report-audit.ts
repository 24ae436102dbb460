/**
 * Gathers an audit report's input from the ledger and the chain, feeds the pure builder the
 * receipts of the period in time order, and signs the result. Streamed (report-feed.ts): the
 * batches of the period are listed without their leaves, each seal time's receipts are read
 * when the builder gets to them (re-checked on worker threads meanwhile, when the period is
 * large), and the receipts file goes to a temporary file as it is made. Reads only:
 * nothing here writes the ledger or sends a transaction.
 */
import type { AuditQuery } from '../api'
import type { ChainClient, ChainReader } from '../chain'
import { gatherChain, policyOf, type EvidenceCache, type PinnedTrust } from '../evidence'
import { keyHex, parseKey } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import type { Receipt } from '../seal'
import { gatherCoverage } from './report-coverage'
import { bySealTime, periodBatches, scanLeaves, windowReceipts } from './report-feed'
import {
  ReceiptsFileRef, RecheckPool, ReportAccumulator, signReport, type BatchCost, type BuiltReport, type ReceiptChunk, type ReceiptEntry, type RecheckResult, type ReportCoverage, type ServiceIdentity
} from '../report'

/** From this many receipts in a period, receipts are re-checked on worker threads (starting them costs more below). */
export const POOL_MIN_RECEIPTS = 4_096

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
  /** Worker threads for the receipts' re-check from this many receipts on (POOL_MIN_RECEIPTS; Infinity: never). */
  poolMinReceipts?: number
}

type Window = { chunk: ReceiptChunk, checks: Promise<Array<RecheckResult | undefined> | undefined> }

export async function auditReport (deps: AuditDeps, query: AuditQuery): Promise<BuiltReport> {
  const range = { from: query.from, to: query.to }
  const period = { from: query.from.toISOString(), to: query.to.toISOString() }
  const batches = await periodBatches(deps.log, range)
  const watched = await deps.journal.listWatched()
  const selection = query.keys !== undefined && query.keys.length > 0 ? [...new Set(query.keys.map((k) => keyHex(parseKey(k))))].sort() : undefined
  const asked = selection === undefined ? null : new Set(selection)
  const log = deps.identity.receiptsLog
  // One pass over the leaves: the cores of the period and their seal times (no receipt read).
  const scan = await scanLeaves(deps.log, batches, (key) => key !== log && (asked === null || asked.has(key)), (key) => asked === null || asked.has(key))
  const cores = selection ?? [...new Set([...watched.map((w) => w.key), ...scan.keys])].sort()

  // Each core's newest receipt of all time (the latest head's status), and its seal before the
  // period (coverage's longest unsealed interval): two indexed reads a core.
  const latest: Record<string, ReceiptEntry | undefined> = {}
  const before = new Map<string, number[]>()
  for (const key of cores) {
    const e = await deps.log.latestSealBefore(key)
    if (e !== null) latest[key] = { receipt: e.receipt, ...(e.contradicts !== undefined ? { contradicts: e.contradicts } : {}) }
    const times = scan.times.get(key)
    if (key === log) continue
    const prior = times === undefined ? null : await deps.log.latestSealBefore(key, scan.firstSeq.get(key))
    before.set(key, [...(prior === null ? [] : [prior.receipt.seal.timestamp * 1000]), ...(times ?? [])])
  }
  const incidents = await deps.log.listIncidents(range)

  // The chain's answers for the seals of the report's receipts: the batches that hold a core of
  // the report, and each core's latest receipt (its head's status now), which may lie outside
  // the period (before this, such a period failed for want of the answer).
  const held = batches.filter((b) => scan.held.has(b.seq))
  const sealsAsked = [...held.map((b) => b.seal), ...Object.values(latest).map((e) => e!.receipt.seal)]
  // The chain of the period's first receipt, as before (policyOf reads only the seal).
  const trust = policyOf(deps.trust, held.slice(0, 1).map((b) => ({ seal: b.seal }) as Receipt))
  const chain = await gatherChain(deps.reader, chainQuestion(sealsAsked), trust, deps.cache)
  const costs: Record<string, BatchCost | null> = {}
  for (const b of batches) costs[b.seal.txHash] = await deps.chain.txCost(b.seal.txHash)
  const coverage = deps.coverage !== undefined
    ? await deps.coverage(range)
    : await gatherCoverage(deps.journal, before, { cores, receiptsLog: log, period, schedule: deps.policy.schedule })

  const acc = new ReportAccumulator({
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    period,
    service: deps.identity,
    policy: deps.policy,
    cores,
    latest,
    periodKeys: [...scan.keys],
    batches: batches.map((b) => ({ seq: b.seq, root: b.root, leafCount: b.leafCount, sealedAt: b.sealedAt, txHash: b.seal.txHash, blockNumber: b.seal.blockNumber })),
    costs,
    incidents,
    stale: Object.fromEntries(await deps.journal.staleMarks()),
    chain,
    trust,
    watchedSince: Object.fromEntries(watched.map((w) => [w.key, w.addedAt])),
    ...(coverage !== undefined ? { coverage } : {}),
    ...(selection !== undefined ? { selection } : {})
  })
  const reported = new Set(acc.population)
  const receipts = [...reported].reduce((n, k) => n + (scan.times.get(k)?.length ?? 0), 0)
  const pool = receipts >= (deps.poolMinReceipts ?? POOL_MIN_RECEIPTS) ? new RecheckPool() : null
  const file = await ReceiptsFileRef.writer()
  try {
    // One seal time at a time, the next one read (and re-checked by the pool) while
    // the builder re-checks this one; a turn of the event loop between, so seal passes and other
    // requests go on meanwhile.
    const groups = bySealTime(batches)
    const load = (i: number): Promise<Window> => windowReceipts(deps.log, groups[i], reported).then((entries) => {
      const chunk = acc.prepare(entries)
      return { chunk, checks: pool === null ? Promise.resolve(undefined) : pool.check(chunk) }
    })
    let next: Promise<Window> | null = groups.length > 0 ? load(0) : null
    for (let i = 0; next !== null; i++) {
      const current = await next
      next = i + 1 < groups.length ? load(i + 1) : null
      // Awaited on the next turn; a failure meanwhile is not an unhandled rejection.
      next?.catch(() => {})
      await file.write(acc.add(current.chunk, await current.checks))
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    const report = acc.finish()
    return { signed: signReport(report, deps.secretKey), receiptsFile: await file.done() }
  } catch (err) {
    await file.abort()
    throw err
  } finally {
    await pool?.close()
  }
}

/** What gatherChain is asked for a set of seals: each root, block, transaction and contract once, sorted. */
function chainQuestion (seals: ReadonlyArray<Receipt['seal']>): Parameters<typeof gatherChain>[1] {
  const roots = new Map(seals.map((s) => [s.root, s.contract.toLowerCase()]))
  return {
    seals: [...roots].sort().map(([root, contract]) => ({ root, contract })),
    blockNumbers: [...new Set(seals.map((s) => s.blockNumber))].sort((a, b) => a - b),
    txs: [...new Set(seals.map((s) => s.txHash.toLowerCase()))].sort(),
    contracts: [...new Set(roots.values())].sort()
  }
}
