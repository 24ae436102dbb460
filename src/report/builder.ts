/**
 * The audit report builder: pure, deterministic and streaming. The service gathers what it
 * knows up front (cores, batches, incidents, coverage, the chain's answers) and then feeds the
 * receipts of the period in time order, a batch at a time; each chunk comes back as lines of
 * the receipts file (JSON Lines), and only per-core counters stay in memory, so a period of a
 * million receipts builds in constant memory. Same facts, same report and same file bytes:
 * everything is sorted, and the only clock is `generatedAt`.
 */
import { createHash, type Hash } from 'node:crypto'
import { chainFor, isRecheckResult, LINE_HEAD, lineTail, packJson, ReceiptChunk, type ReceiptEntry, type ReceiptRow, type RecheckResult } from './builder-chunk'
import { cmp, latestOf, population, receiptId, sameReceipt, type ReportHeader } from './builder-population'
import { recheckReceipt, type RecheckOptions } from './builder-receipts'
import { headline, incidentMeaning, reperform, weiToEth } from './builder-text'
import { CONTROLS } from './controls'
import { INTERVAL_ASSUMPTION, nominalIntervalSeconds } from './cron-interval'
import { timelineScale } from './timeline-scale'
import type { AuditReport, HeadStatus, ReceiptException, ReportBatch, ReportCore, ReportIncident, ReportInput, ReportReceipt } from './types'

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()
/** Receipts that do not hold are named in the report itself up to this many (all are in the file). */
export const EXCEPTIONS_LISTED = 100

export type { ReceiptEntry }

interface Point { length: number, fork: number, at: number }
const pointOut = (p: Point | null): ReportCore['first'] => p === null ? null : { length: p.length, fork: p.fork, sealedAt: iso(p.at) }

interface CoreState {
  seals: number
  gap: number | null
  lastAt: number | null
  first: Point | null
  last: Point | null
  activity: number[]
  /** The check of the core's latest receipt, when it was in the period (no map of every check: memory stays flat). */
  latest: { id: string, status: ReportReceipt['status'] } | null
}

export class ReportAccumulator {
  private readonly from: number
  private readonly to: number
  private readonly cores: string[]
  private readonly state = new Map<string, CoreState>()
  private readonly hash: Hash = createHash('sha256')
  private readonly scale: AuditReport['timeline']
  private readonly counts = { lines: 0, bytes: 0, verified: 0, pending: 0, invalid: 0 }
  private readonly exceptions: ReceiptException[] = []
  /** Roots of the batches with a receipt of a reported core added (batches given without leaves). */
  private readonly touched = new Set<string>()
  private lastTime = -Infinity
  /** Chunks prepared and not yet added (a chunk is added once, here). */
  private readonly prepared = new Set<ReceiptChunk>()
  /**
   * Buffers of added chunks, for the texts of chunks prepared later, and the one add writes the
   * lines into: a million receipts would otherwise leave ~4 MB of buffers outside the heap as
   * garbage a batch, freed only when V8 next collects (see builder-chunk.ts).
   */
  private readonly spare: Buffer[] = []
  private out = Buffer.alloc(0)
  /** Each reported core's key, as the one string rows share. */
  private readonly keys = new Map<string, string>()

  constructor (private readonly h: ReportHeader) {
    this.from = Date.parse(h.period.from)
    this.to = Date.parse(h.period.to)
    this.scale = timelineScale(this.from, this.to)
    this.cores = population(h, this.from, this.to)
    for (const k of this.cores) {
      this.keys.set(k, k)
      this.state.set(k, { seals: 0, gap: null, lastAt: null, first: null, last: null, activity: new Array<number>(this.scale.bins).fill(0), latest: null })
    }
  }

  /** The reported cores, sorted. */
  get population (): readonly string[] {
    return this.cores
  }

  /**
   * Puts a chunk of receipts (one batch, or any run of them in time order) in the report's
   * order and writes each once as JSON: receipts outside the period or of other cores are left
   * out. Changes nothing here; chunks may be prepared ahead (their checks run elsewhere
   * meanwhile), and are added in time order.
   */
  prepare (entries: readonly ReceiptEntry[]): ReceiptChunk {
    const kept: ReceiptEntry[] = []
    for (const e of entries) {
      const r = e.receipt
      if (this.state.has(r.head.key) && r.seal.timestamp * 1000 >= this.from && r.seal.timestamp * 1000 < this.to) kept.push(e)
    }
    kept.sort(({ receipt: a }, { receipt: b }) => cmp(a.seal.timestamp, b.seal.timestamp) || cmp(a.head.key, b.head.key) || cmp(a.head.length, b.head.length) || cmp(a.head.fork, b.head.fork) || cmp(a.seal.root, b.seal.root))
    // A row outlives the receipt it came from (a chunk waits for its checks), long enough for V8
    // to move it to its old generation: it holds the population's own key string, one root string
    // a batch, and a short subtree name (scheduling only: a clash merely groups two subtrees).
    const roots = new Map<string, string>()
    const rows = kept.map(({ receipt: r }): ReceiptRow => {
      const latest = this.h.latest[r.head.key]
      const proof: unknown[] = Array.isArray(r.proof) ? r.proof : []
      const root = roots.get(r.seal.root) ?? r.seal.root
      roots.set(root, root)
      return {
        key: this.keys.get(r.head.key) ?? r.head.key, length: r.head.length, fork: r.head.fork, at: r.seal.timestamp, root,
        latest: latest !== undefined && sameReceipt(latest.receipt, r), subtree: proof.slice(-3).map((n) => (typeof n === 'string' ? n.slice(2, 10) : '')).join('')
      }
    })
    const { bytes, ends } = packJson(kept.map((e) => e.receipt), this.spare.pop() ?? Buffer.alloc(0))
    const chunk = new ReceiptChunk(rows, bytes, ends, chainFor(this.h.chain, kept), this.h.trust)
    this.prepared.add(chunk)
    return chunk
  }

  /**
   * Re-checks a chunk (entries, or a chunk this accumulator prepared; a chunk never starts before
   * the previous one ended) and returns its lines of the receipts file (UTF-8: the bytes hashed,
   * made once, never one string of the chunk). `checks[i]`, when given, is the re-check of
   * `chunk.text(i)` made elsewhere by recheckReceipt (recheck-pool.ts, on worker threads): taken
   * when it has that form; a receipt without one is checked here, from its text.
   *
   * The lines are written into one buffer the accumulator reuses: they are valid until the next
   * add (write or hash them before, or copy them). The chunk's own buffer goes to a later chunk.
   */
  add (input: readonly ReceiptEntry[] | ReceiptChunk, checks?: ReadonlyArray<RecheckResult | undefined>): Buffer {
    const chunk = input instanceof ReceiptChunk ? input : this.prepare(input)
    if (!this.prepared.delete(chunk)) throw new RangeError('A chunk is added once, to the report that prepared it.')
    try {
      return this.lines(chunk, checks)
    } finally {
      // Two kept at most: one chunk is prepared ahead while another is added.
      if (this.spare.length < 2) this.spare.push(chunk.release())
      else chunk.release()
    }
  }

  private lines (chunk: ReceiptChunk, checks?: ReadonlyArray<RecheckResult | undefined>): Buffer {
    const { rows } = chunk
    if (rows.length === 0) return Buffer.alloc(0)
    if (rows[0].at < this.lastTime) throw new RangeError('Receipts must be added in time order (a chunk started before the previous one ended).')
    this.lastTime = rows[rows.length - 1].at
    const given = checks !== undefined && checks.length === rows.length ? checks : undefined
    const tails = new Array<string>(rows.length)
    let size = 0
    // Inner Merkle nodes and the chain's answers of this chunk's batches, each computed once (dropped with the chunk).
    const memo: NonNullable<RecheckOptions['memo']> = new Map()
    const chainMemo: NonNullable<RecheckOptions['chainMemo']> = new Map()
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      const made = given?.[i]
      const check = isRecheckResult(made) ? made : recheckReceipt(JSON.parse(chunk.text(i)), chunk.chain, chunk.trust, { memo, chainMemo })
      tails[i] = lineTail(check)
      size += LINE_HEAD.length + chunk.ends[i] - chunk.start(i) + Buffer.byteLength(tails[i])
      this.counts[check.status]++
      if (check.status !== 'verified' && this.exceptions.length < EXCEPTIONS_LISTED) {
        this.exceptions.push({ key: row.key, length: row.length, fork: row.fork, root: row.root, status: check.status, reason: check.reason ?? '' })
      }
      this.touched.add(row.root)
      const core = this.state.get(row.key)!
      if (row.latest) core.latest = { id: receiptId({ head: row, seal: row }), status: check.status }
      const at = row.at
      // Times stay numbers here; the ISO strings are made once per core in finish().
      const point = { length: row.length, fork: row.fork, at }
      if (core.lastAt !== null) core.gap = Math.max(core.gap ?? 0, at - core.lastAt)
      core.lastAt = at
      core.first ??= point
      core.last = point
      core.seals++
      core.activity[Math.min(this.scale.bins - 1, Math.floor((at * 1000 - this.from) / (this.scale.binSeconds * 1000)))]++
    }
    // A quarter more than this chunk needs: the next chunks are about as large.
    if (this.out.length < size) this.out = Buffer.allocUnsafeSlow(Math.ceil(size * 1.25))
    const bytes = this.out.subarray(0, size)
    let at = 0
    for (let i = 0; i < rows.length; i++) {
      at += bytes.write(LINE_HEAD, at)
      at += chunk.bytes.copy(bytes, at, chunk.start(i), chunk.ends[i])
      at += bytes.write(tails[i], at)
    }
    if (at !== size) throw new RangeError(`The receipts chunk came to ${at} bytes, not the ${size} measured.`)
    this.hash.update(bytes)
    this.counts.lines += rows.length
    this.counts.bytes += bytes.length
    return bytes
  }

  finish (): AuditReport {
    const h = this.h
    const selected = new Set(this.cores)
    const incidents: ReportIncident[] = h.incidents
      .filter((i) => selected.has(i.key) && Date.parse(i.detectedAt) >= this.from && Date.parse(i.detectedAt) < this.to)
      .map((i) => ({ ...i, meaning: incidentMeaning(i) }))
      .sort((a, b) => cmp(a.detectedAt, b.detectedAt) || cmp(a.key, b.key) || cmp(a.kind, b.kind) || cmp(JSON.stringify(a), JSON.stringify(b)))
    const batches: ReportBatch[] = h.batches
      .filter((b) => Date.parse(b.sealedAt) >= this.from && Date.parse(b.sealedAt) < this.to && (b.leaves === undefined ? this.touched.has(b.root) : b.leaves.some((l) => selected.has(l.key))))
      .sort((a, b) => a.seq - b.seq)
      .map((b) => {
        const cost = h.costs[b.txHash] ?? null
        const feeWei = cost === null ? null : (BigInt(cost.gasUsed) * BigInt(cost.effectiveGasPrice)).toString()
        return {
          seq: b.seq, root: b.root, sealedAt: b.sealedAt, leafCount: b.leafCount, txHash: b.txHash, blockNumber: b.blockNumber,
          gasUsed: cost?.gasUsed ?? null, effectiveGasPrice: cost?.effectiveGasPrice ?? null, feeWei, feeEth: feeWei === null ? null : weiToEth(feeWei)
        }
      })
    const cores = this.cores.map((key) => this.core(key, incidents))
    const feesWei = batches.reduce((n, b) => n + BigInt(b.feeWei ?? 0), 0n).toString()
    const interval = nominalIntervalSeconds(h.policy.schedule)
    const chain = { chainId: h.trust.chain.chainId, contract: h.service.contract.toLowerCase(), embedded: h.trust.chain.embedded }
    const parameters: AuditReport['parameters'] = {
      period: h.period, trustRoot: h.trust.fingerprint, chain, confirmations: h.policy.confirmations, schedule: h.policy.schedule,
      nominalIntervalSeconds: interval, cores: h.selection === undefined ? null : [...this.cores]
    }
    const body = {
      period: h.period,
      service: { ...h.service, sealers: [...new Set(h.service.sealers)].sort() },
      chain,
      policy: { schedule: h.policy.schedule, confirmations: h.policy.confirmations, nominalIntervalSeconds: interval, intervalAssumption: INTERVAL_ASSUMPTION },
      summary: {
        cores: cores.length,
        seals: cores.reduce((n, c) => n + c.seals, 0),
        incidents: { rewind: incidents.filter((i) => i.kind === 'rewind').length, fork: incidents.filter((i) => i.kind === 'fork').length },
        batches: batches.length,
        leaves: batches.reduce((n, b) => n + b.leafCount, 0),
        gasUsed: batches.reduce((n, b) => n + BigInt(b.gasUsed ?? 0), 0n).toString(),
        feesWei,
        feesEth: weiToEth(feesWei),
        batchesWithoutCost: batches.filter((b) => b.gasUsed === null).length,
        receipts: { total: this.counts.lines, verified: this.counts.verified, pending: this.counts.pending, invalid: this.counts.invalid },
        chainHeadBlock: h.chain.headBlock
      },
      coverage: h.coverage ?? null,
      incidents
    }
    return {
      v: 2,
      generatedAt: h.generatedAt,
      period: h.period,
      headline: headline(body),
      parameters,
      reperform: reperform({ parameters, period: h.period }),
      service: body.service,
      chain,
      trust: h.trust.fingerprint,
      policy: body.policy,
      summary: body.summary,
      coverage: body.coverage,
      timeline: this.scale,
      cores,
      incidents,
      receiptsLog: { key: h.service.receiptsLog, batches },
      receipts: { name: 'receipts.jsonl', sha256: this.hash.copy().digest('hex'), bytes: this.counts.bytes, lines: this.counts.lines, verified: this.counts.verified, pending: this.counts.pending, invalid: this.counts.invalid, exceptions: this.exceptions },
      controls: CONTROLS.map((c) => ({ ...c, evidence: [...c.evidence] }))
    }
  }

  private core (key: string, incidents: ReportIncident[]): ReportCore {
    const s = this.state.get(key)!
    const own = incidents.filter((i) => i.key === key)
    const latest = this.h.latest[key]
    let latestHead: ReportCore['latestHead'] = { status: 'unsealed' }
    if (latest !== undefined) {
      const r = latest.receipt
      let status: HeadStatus = s.latest?.id === receiptId(r) ? s.latest.status : recheckReceipt(r, this.h.chain, this.h.trust).status
      // A valid receipt of a core with a recorded rewind or fork is still a warning sign for its head.
      if (status !== 'invalid') {
        if (latest.contradicts === 'fork' || own.some((i) => i.kind === 'fork')) status = 'fork'
        else if (latest.contradicts === 'rewind' || own.some((i) => i.kind === 'rewind')) status = 'rewind'
      }
      latestHead = { length: r.head.length, fork: r.head.fork, sealedAt: iso(r.seal.timestamp), status }
    }
    return {
      key, seals: s.seals, longestGapSeconds: s.gap, activity: s.activity, first: pointOut(s.first), last: pointOut(s.last), latestHead,
      incidents: own.length, stale: this.h.stale?.[key] ?? null
    }
  }
}

/** The report and its receipts file, built at once from an in-memory input (tests, small periods). */
export function buildAuditReport (input: ReportInput): { report: AuditReport, receiptsFile: Buffer } {
  const { receipts, ...rest } = input
  const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
  const all = Object.values(receipts).flat()
  const receiptsFile = acc.add(all)
  return { report: acc.finish(), receiptsFile }
}
