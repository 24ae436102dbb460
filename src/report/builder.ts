/**
 * The audit report builder: pure and deterministic. The service gathers the ledger's records
 * and the chain's answers (ReportInput); this decides what they say. Same input, same report:
 * everything is sorted, and the only clock is `input.generatedAt`.
 */
import type { Incident } from '../seal'
import { recheckReceipt } from './builder-receipts'
import { INTERVAL_ASSUMPTION, nominalIntervalSeconds } from './cron-interval'
import type { AuditReport, HeadStatus, ReportBatch, ReportCore, ReportIncident, ReportInput, ReportReceipt, ReportSeal } from './types'

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0)
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

export function incidentMeaning (i: Incident): string {
  if (i.kind === 'rewind') {
    return `The writer of this core went back: length ${i.sealed.length} (fork ${i.sealed.fork}) had been sealed, then the core was seen at length ${i.observed.length} (fork ${i.observed.fork}) with a history that does not extend the sealed one. Blocks covered by the earlier seal were removed or rewritten.`
  }
  return `Two different histories of this core exist, both signed by its key: the sealed head at length ${i.sealed.length} (fork ${i.sealed.fork}) and a conflicting head at length ${i.observed.length} (fork ${i.observed.fork}). Readers can be shown different data under the same key.`
}

function inPeriod (seconds: number, from: number, to: number): boolean {
  return seconds * 1000 >= from && seconds * 1000 < to
}

function coreReport (key: string, input: ReportInput, checks: Map<string, ReportReceipt>, interval: number, from: number, to: number, incidents: ReportIncident[]): ReportCore {
  const all = [...(input.receipts[key] ?? [])].sort((a, b) =>
    cmp(a.receipt.seal.timestamp, b.receipt.seal.timestamp) || cmp(a.receipt.head.length, b.receipt.head.length) || cmp(a.receipt.head.fork, b.receipt.head.fork))
  const seals: ReportSeal[] = all.filter((e) => inPeriod(e.receipt.seal.timestamp, from, to)).map(({ receipt: r }) => ({
    sealedAt: iso(r.seal.timestamp), length: r.head.length, fork: r.head.fork, root: r.seal.root, txHash: r.seal.txHash, blockNumber: r.seal.blockNumber
  }))
  let gap: number | null = null
  for (let i = 1; i < seals.length; i++) {
    const g = (Date.parse(seals[i].sealedAt) - Date.parse(seals[i - 1].sealedAt)) / 1000
    gap = gap === null ? g : Math.max(gap, g)
  }
  const own = incidents.filter((i) => i.key === key)
  const point = (s: ReportSeal | undefined): ReportCore['first'] => (s === undefined ? null : { length: s.length, fork: s.fork, sealedAt: s.sealedAt })
  const latest = all[all.length - 1]
  let latestHead: ReportCore['latestHead'] = { status: 'unsealed' }
  if (latest !== undefined) {
    const r = latest.receipt
    const check = checks.get(receiptId(r)) ?? recheckReceipt(r, input.chain, input.trust)
    let status: HeadStatus = check.status
    // A valid receipt of a core with a recorded rewind or fork is still a warning sign for its head.
    if (status !== 'invalid') {
      if (latest.contradicts === 'fork' || own.some((i) => i.kind === 'fork')) status = 'fork'
      else if (latest.contradicts === 'rewind' || own.some((i) => i.kind === 'rewind')) status = 'rewind'
    }
    latestHead = { length: r.head.length, fork: r.head.fork, sealedAt: iso(r.seal.timestamp), status }
  }
  return {
    key,
    seals,
    longestGapSeconds: gap,
    missedSlots: gap === null ? 0 : Math.max(0, Math.ceil(gap / interval) - 1),
    first: point(seals[0]),
    last: point(seals[seals.length - 1]),
    latestHead,
    incidents: own.length,
    stale: input.stale?.[key] ?? null
  }
}

function receiptId (r: { head: { key: string, length: number, fork: number }, seal: { root: string } }): string {
  return `${r.head.key}|${r.head.length}|${r.head.fork}|${r.seal.root}`
}

/** Receipts re-checked between two yields of `auditReportSteps` (~0.5-1 ms each). */
const STEP = 200

/** The report, built at once (see `auditReportSteps` for a caller that must keep its event loop free). */
export function buildAuditReport (input: ReportInput): AuditReport {
  const steps = auditReportSteps(input)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

/**
 * The same build, as a generator that yields the number of receipts checked so far every
 * STEP receipts: re-checking a receipt (Ed25519 + OpenZeppelin's Merkle verify) costs most of
 * a millisecond, so a service drives this with a pause between steps to keep answering.
 */
export function * auditReportSteps (input: ReportInput): Generator<number, AuditReport, void> {
  const from = Date.parse(input.period.from)
  const to = Date.parse(input.period.to)
  const interval = nominalIntervalSeconds(input.policy.schedule)
  const cores = [...new Set(input.cores.map((k) => k.toLowerCase()))].sort()

  const receipts: ReportReceipt[] = []
  const checks = new Map<string, ReportReceipt>()
  for (const key of cores) {
    for (const { receipt } of input.receipts[key] ?? []) {
      if (!inPeriod(receipt.seal.timestamp, from, to)) continue
      const check = recheckReceipt(receipt, input.chain, input.trust)
      const entry: ReportReceipt = { receipt, status: check.status, ...(check.reason !== undefined ? { reason: check.reason } : {}) }
      receipts.push(entry)
      checks.set(receiptId(receipt), entry)
      if (receipts.length % STEP === 0) yield receipts.length
    }
  }
  receipts.sort((a, b) => cmp(a.receipt.head.key, b.receipt.head.key) || cmp(a.receipt.seal.timestamp, b.receipt.seal.timestamp) ||
    cmp(a.receipt.head.length, b.receipt.head.length) || cmp(a.receipt.head.fork, b.receipt.head.fork) || cmp(a.receipt.seal.root, b.receipt.seal.root))

  const selected = new Set(cores)
  const incidents: ReportIncident[] = input.incidents
    .filter((i) => selected.has(i.key) && Date.parse(i.detectedAt) >= from && Date.parse(i.detectedAt) < to)
    .map((i) => ({ ...i, meaning: incidentMeaning(i) }))
    .sort((a, b) => cmp(a.detectedAt, b.detectedAt) || cmp(a.key, b.key) || cmp(a.kind, b.kind) || cmp(JSON.stringify(a), JSON.stringify(b)))

  const batches: ReportBatch[] = input.batches
    .filter((b) => Date.parse(b.sealedAt) >= from && Date.parse(b.sealedAt) < to && b.leaves.some((l) => selected.has(l.key)))
    .sort((a, b) => a.seq - b.seq)
    .map((b) => {
      const cost = input.costs[b.txHash] ?? null
      return {
        seq: b.seq, root: b.root, sealedAt: b.sealedAt, leafCount: b.leafCount, txHash: b.txHash, blockNumber: b.blockNumber,
        gasUsed: cost?.gasUsed ?? null,
        effectiveGasPrice: cost?.effectiveGasPrice ?? null,
        feeWei: cost === null ? null : (BigInt(cost.gasUsed) * BigInt(cost.effectiveGasPrice)).toString()
      }
    })

  const coreReports = cores.map((k) => coreReport(k, input, checks, interval, from, to, incidents))
  const count = (s: ReportReceipt['status']): number => receipts.filter((r) => r.status === s).length
  return {
    v: 1,
    generatedAt: input.generatedAt,
    period: input.period,
    service: { ...input.service, sealers: [...new Set(input.service.sealers)].sort() },
    chain: { chainId: input.trust.chain.chainId, contract: input.service.contract.toLowerCase(), embedded: input.trust.chain.embedded },
    trust: input.trust.fingerprint,
    policy: { schedule: input.policy.schedule, confirmations: input.policy.confirmations, nominalIntervalSeconds: interval, intervalAssumption: INTERVAL_ASSUMPTION },
    summary: {
      cores: coreReports.length,
      seals: coreReports.reduce((n, c) => n + c.seals.length, 0),
      incidents: { rewind: incidents.filter((i) => i.kind === 'rewind').length, fork: incidents.filter((i) => i.kind === 'fork').length },
      batches: batches.length,
      leaves: batches.reduce((n, b) => n + b.leafCount, 0),
      gasUsed: batches.reduce((n, b) => n + BigInt(b.gasUsed ?? 0), 0n).toString(),
      feesWei: batches.reduce((n, b) => n + BigInt(b.feeWei ?? 0), 0n).toString(),
      batchesWithoutCost: batches.filter((b) => b.gasUsed === null).length,
      receipts: { total: receipts.length, verified: count('verified'), pending: count('pending'), invalid: count('invalid') },
      chainHeadBlock: input.chain.headBlock
    },
    cores: coreReports,
    incidents,
    batches,
    receipts
  }
}
