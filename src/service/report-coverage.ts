/**
 * Gathers what the audit report's coverage is computed from (src/report/coverage.ts): the pass
 * history, the watch list now and every seal of the reported cores. Reads only.
 */
import type { Journal } from '../ledger'
import { computeCoverage, type ReportCoverage, type ReportInput } from '../report'

export async function gatherCoverage (
  journal: Journal,
  receipts: ReportInput['receipts'],
  opts: { cores: readonly string[], receiptsLog: string, period: { from: string, to: string }, schedule: string }
): Promise<ReportCoverage> {
  // The receipts log is the service's own history, reported apart: not a watched core.
  const reported = new Set(opts.cores.filter((k) => k !== opts.receiptsLog))
  const seals = [...reported].flatMap((key) => (receipts[key] ?? []).map((e) => ({ key, at: new Date(e.receipt.seal.timestamp * 1000).toISOString() })))
  const watched = (await journal.listWatched()).filter((w) => reported.has(w.key)).map((w) => ({ key: w.key, addedAt: w.addedAt }))
  const history = (await journal.passes.records()).filter((r) => !('unwatch' in r) || reported.has(r.unwatch.key))
  return computeCoverage({ history, seals, watched }, opts.period, opts.schedule)
}
