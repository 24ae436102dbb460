/**
 * Coverage of the seal schedule over a report period, from the service's pass history (pure: no
 * I/O). How it counts, said once (docs/decisions.md has the why):
 *
 * - **Slots.** The schedule's nominal interval I (cron-interval.ts) cuts time into slots aligned
 *   to the Unix epoch (UTC): slot k is [k·I, (k+1)·I). For a fixed-interval schedule (`*`, `*\/n`
 *   in the finest field) these are exactly its ticks; for any other schedule they are an
 *   approximation at its nominal interval. `scheduled` = slots starting inside the period.
 * - **Passes.** A run of the history covers every slot from its first pass's to its last's (the
 *   history never lets a run skip a slot). `missed` = scheduled slots no run covers. `run` counts
 *   passes (a pass asked for by hand counts too, so `run` can exceed `scheduled - missed`); a run
 *   cut by the period's edge contributes in proportion to its slots inside (exact for periods
 *   aligned to UTC days: runs never cross midnight).
 * - **Downtime.** From a clean stop to the next start: `stopped`. From the last sign of life (a
 *   pass, a start) to a start with no stop between: `unknown` (a crash, a kill, a lost machine);
 *   before the first start on record, the service is not heard from either: `unknown`.
 * - **Per core**: see coverage-cores.ts.
 */
import type { HistoryRecord, PassRun } from '../ledger'
import type { Downtime, FailedPass, MissedRun, ReportCoverage } from './coverage-types'
import { coreCoverage, type CoreSeal, type WatchedNow } from './coverage-cores'
import { nominalIntervalSeconds } from './cron-interval'

export interface CoverageRecords {
  /** The pass history, every record (src/ledger pass-history.ts). */
  history: readonly HistoryRecord[]
  /**
   * Every seal of every watched core (the receipts log's own excluded), at its block's time; or,
   * by core, the seal times in ms: those of the period and the latest one before it are all the
   * coverage reads (what the service gathers, without whole receipts).
   */
  seals: readonly CoreSeal[] | ReadonlyMap<string, readonly number[]>
  /** The watch list now. */
  watched: readonly WatchedNow[]
}

/** The lists of a coverage keep at most this many entries each; their counts stay complete. */
export const COVERAGE_LIST_MAX = 100

const iso = (ms: number): string => new Date(ms).toISOString()

export function computeCoverage (records: CoverageRecords, period: { from: string, to: string }, schedule: string): ReportCoverage {
  const intervalSeconds = nominalIntervalSeconds(schedule)
  const I = intervalSeconds * 1000
  const F = Date.parse(period.from)
  const T = Math.max(F, Date.parse(period.to))
  const firstSlot = Math.ceil(F / I)
  const endSlot = Math.max(firstSlot, Math.ceil(T / I)) // exclusive
  const runs = records.history.flatMap((r) => ('run' in r ? [r.run] : [])).sort((a, b) => a.from.localeCompare(b.from))

  const passes = { scheduled: endSlot - firstSlot, run: 0, sealed: 0, unchanged: 0, failed: 0, missed: 0 }
  const failed: FailedPass[] = []
  const covered: Array<[number, number]> = []
  for (const run of runs) {
    const a = Math.floor(Date.parse(run.from) / I)
    const b = Math.floor(Date.parse(run.to) / I)
    covered.push([a, b])
    const share = shareIn(run, a, b, firstSlot, endSlot)
    if (share === null) continue
    passes.run += share.passes
    passes.sealed += share.sealed
    passes.unchanged += share.unchanged
    passes.failed += share.failed
    if (share.failed > 0 && failed.length < COVERAGE_LIST_MAX) {
      const at = Math.max(Date.parse(run.from), F)
      const more = share.failed > 1 ? ` (${share.failed} passes in a row failed with ${run.code ?? 'UNKNOWN'}, the last at ${run.to})` : ''
      failed.push({ at: iso(at), code: run.code ?? 'UNKNOWN', reason: `${run.reason ?? ''}${more}`.trim() })
    }
  }
  const missed = missedRuns(covered, firstSlot, endSlot, I, T)
  passes.missed = missed.count
  const downtime = downtimes(records.history, F, T)
  return {
    schedule,
    nominalIntervalSeconds: intervalSeconds,
    passes,
    missed: missed.list,
    failed,
    downtime: downtime.slice(0, COVERAGE_LIST_MAX),
    downtimeSeconds: downtime.reduce((s, d) => s + d.seconds, 0),
    cores: coreCoverage(records, runs, { F, T, I })
  }
}

type Share = Pick<PassRun, 'passes' | 'sealed' | 'unchanged' | 'failed'>

/**
 * The run's passes in the period's slots (a pass belongs to the slot it started in): all, none
 * (null), or in proportion to its slots inside.
 */
function shareIn (run: PassRun, a: number, b: number, firstSlot: number, endSlot: number): Share | null {
  const inside = Math.min(b, endSlot - 1) - Math.max(a, firstSlot) + 1
  if (inside <= 0) return null
  if (inside === b - a + 1) return run
  const passes = Math.max(1, Math.round(run.passes * inside / (b - a + 1)))
  const failed = run.failed > 0 ? passes : 0
  const sealed = Math.min(passes - failed, Math.round(run.sealed * passes / run.passes))
  return { passes, sealed, unchanged: passes - failed - sealed, failed }
}

/** The period's slots that no run covers, as runs of consecutive slots. */
function missedRuns (covered: Array<[number, number]>, firstSlot: number, endSlot: number, I: number, T: number): { count: number, list: MissedRun[] } {
  covered.sort((x, y) => x[0] - y[0])
  const list: MissedRun[] = []
  let count = 0
  let next = firstSlot // the first slot not yet known covered or missed
  const gap = (until: number): void => { // slots next..until-1 are missed
    if (until <= next) return
    count += until - next
    if (list.length < COVERAGE_LIST_MAX) list.push({ from: iso(next * I), to: iso(Math.min(until * I, T)), slots: until - next })
  }
  for (const [a, b] of covered) {
    if (b < next) continue
    if (a >= endSlot) break
    gap(a)
    next = Math.max(next, b + 1)
  }
  gap(endSlot)
  return { count, list }
}

/** Stopped and unknown intervals, cut to the period, earliest first. */
function downtimes (history: readonly HistoryRecord[], F: number, T: number): Downtime[] {
  const events: Array<{ t: number, kind: 'start' | 'stop' | 'alive' }> = []
  for (const r of history) {
    if ('start' in r) events.push({ t: Date.parse(r.start.at), kind: 'start' })
    else if ('stop' in r) events.push({ t: Date.parse(r.stop.at), kind: 'stop' })
    else if ('run' in r) events.push({ t: Date.parse(r.run.from), kind: 'alive' }, { t: Date.parse(r.run.to), kind: 'alive' })
  }
  // At one instant: signs of life first, then a stop, then a start.
  const order = { alive: 0, stop: 1, start: 2 }
  events.sort((x, y) => x.t - y.t || order[x.kind] - order[y.kind])
  const out: Downtime[] = []
  const push = (from: number, to: number, cause: Downtime['cause']): void => {
    const a = Math.max(from, F)
    const b = Math.min(to, T)
    if (b > a) out.push({ from: iso(a), to: iso(b), seconds: (b - a) / 1000, cause })
  }
  let lastAlive = -Infinity
  let stoppedAt: number | null = null
  for (const e of events) {
    if (e.kind === 'start') {
      if (stoppedAt !== null) push(stoppedAt, e.t, 'stopped')
      else push(lastAlive, e.t, 'unknown')
      stoppedAt = null
    } else if (e.kind === 'stop') {
      stoppedAt ??= e.t
    } else if (stoppedAt !== null) { // passes after a stop without a start: the stop ended there
      push(stoppedAt, e.t, 'stopped')
      stoppedAt = null
    }
    lastAlive = Math.max(lastAlive, e.t)
  }
  if (stoppedAt !== null) push(stoppedAt, Infinity, 'stopped')
  if (events.length === 0) push(-Infinity, Infinity, 'unknown')
  return out
}
