/**
 * Gathers what the audit report's coverage is computed from (src/report/coverage.ts): the pass
 * history, the watch list now and the seal times of the reported cores (those of the period
 * and the latest one before it: all coverage reads). Reads only.
 */
import type { Journal } from '../ledger'
import { computeCoverage, type ReportCoverage } from '../report'

export async function gatherCoverage (
  journal: Journal,
  /** Seal times (ms) by core, in time order. */
  sealTimes: ReadonlyMap<string, readonly number[]>,
  opts: { cores: readonly string[], receiptsLog: string, period: { from: string, to: string }, schedule: string }
): Promise<ReportCoverage> {
  // The receipts log is the service's own history, reported apart: not a watched core.
  const reported = new Set(opts.cores.filter((k) => k !== opts.receiptsLog))
  const seals = new Map([...reported].filter((key) => (sealTimes.get(key)?.length ?? 0) > 0).map((key) => [key, sealTimes.get(key)!]))
  const watched = (await journal.listWatched()).filter((w) => reported.has(w.key)).map((w) => ({ key: w.key, addedAt: w.addedAt }))
  const history = (await journal.passes.records()).filter((r) => !('unwatch' in r) || reported.has(r.unwatch.key))
  return computeCoverage({ history, seals, watched }, opts.period, opts.schedule)
}
