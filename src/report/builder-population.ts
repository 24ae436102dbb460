/**
 * Who an audit report is about and what it starts from (pure): the population of cores, each
 * core's latest receipt of all time, and how two receipts are told apart. The accumulator
 * (builder.ts) reads these before the first receipt of the period.
 */
import type { ReceiptEntry } from './builder-chunk'
import type { ReportInput } from './types'

export const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Everything but the receipts of the period; `latest`: each core's newest receipt of all time;
 * `periodKeys`: every core with a leaf in the period's batches, given when the batches come
 * without their leaves.
 */
export type ReportHeader = Omit<ReportInput, 'receipts'> & { latest: Record<string, ReceiptEntry | undefined>, periodKeys?: readonly string[] }

/** The cores a report is about: those asked for, or those watched in the period; never the receipts log. */
export function population (h: ReportHeader, from: number, to: number): string[] {
  const log = h.service.receiptsLog.toLowerCase()
  const inBatches = new Set(h.periodKeys ?? h.batches.filter((b) => Date.parse(b.sealedAt) >= from && Date.parse(b.sealedAt) < to).flatMap((b) => (b.leaves ?? []).map((l) => l.key)))
  const watched = (key: string): boolean => {
    if (inBatches.has(key)) return true
    const cov = h.coverage?.cores[key]
    if (cov !== undefined) return cov.watched.some((w) => Date.parse(w.from) < to && (w.to === null || Date.parse(w.to) > from))
    const since = h.watchedSince?.[key]
    return since === undefined || Date.parse(since) < to
  }
  const asked = h.selection !== undefined
  return [...new Set(h.cores.map((k) => k.toLowerCase()))].filter((k) => k !== log && (asked || watched(k))).sort()
}

/** The same head (key, length, fork) sealed under the same batch root. */
export function sameReceipt (a: ReceiptEntry['receipt'], b: ReceiptEntry['receipt']): boolean {
  return a.head.length === b.head.length && a.head.fork === b.head.fork && a.seal.root === b.seal.root && a.head.key === b.head.key
}

/** The identity sameReceipt compares, as one string. */
export function receiptId (r: { head: { key: string, length: number, fork: number }, seal: { root: string } }): string {
  return `${r.head.key}|${r.head.length}|${r.head.fork}|${r.seal.root}`
}

/**
 * Each core's newest receipt of all time, by key: the one sealed last, as the ledger's seal
 * index says (batch order). Within one second of block time the block decides, never the
 * length: a writer that rewinds to a shorter history, sealed in the same second as the longer
 * one, made the shorter one the latest (test/report/feed.test.ts met it once the seals got faster).
 */
export function latestOf (receipts: ReportInput['receipts']): ReportHeader['latest'] {
  const newer = (a: ReceiptEntry['receipt'], b: ReceiptEntry['receipt']): number =>
    cmp(a.seal.timestamp, b.seal.timestamp) || cmp(a.seal.blockNumber, b.seal.blockNumber) || cmp(a.head.length, b.head.length) || cmp(a.head.fork, b.head.fork)
  const latest: ReportHeader['latest'] = {}
  for (const [key, list] of Object.entries(receipts)) {
    for (const e of list) {
      const cur = latest[key]
      if (cur === undefined || newer(e.receipt, cur.receipt) > 0) latest[key] = e
    }
  }
  return latest
}
