/**
 * Per-core coverage (pure). The population is every core watched at some moment of the period:
 * the watch list now (since its `addedAt`) and the unwatch records (from their `addedAt` to
 * their time); a core with seals in the period but no watch record (unwatched before the pass
 * history existed) is listed with no watch interval.
 *
 * The longest unsealed interval of a core is an upper bound, the best the records allow: a
 * change sealed at time t was made after the last moment L a pass saw the core's state and
 * succeeded (a run of sealed/unchanged passes, the core not stale) at least one slot before t,
 * after the core's previous seal, and after it was watched; it waited at most t - L. A healthy
 * core gets about one interval; a core sealed after a downtime or a stale spell gets the gap.
 */
import type { HistoryRecord, PassRun } from '../ledger'
import type { CoreCoverage } from './coverage-types'

export interface CoreSeal { key: string, at: string }
export interface WatchedNow { key: string, addedAt: string }

interface Span { from: number, to: number | null }
interface Bounds { F: number, T: number, I: number }

export function coreCoverage (
  records: { history: readonly HistoryRecord[], seals: readonly CoreSeal[] | ReadonlyMap<string, readonly number[]>, watched: readonly WatchedNow[] },
  runs: readonly PassRun[],
  { F, T, I }: Bounds
): Record<string, CoreCoverage> {
  const watches = new Map<string, Span[]>()
  const add = (key: string, span: Span): void => { watches.set(key, [...(watches.get(key) ?? []), span]) }
  for (const w of records.watched) add(w.key, { from: Date.parse(w.addedAt), to: null })
  const staleOf = new Map<string, Array<{ from: number, to: number | null, reason: string }>>()
  for (const r of [...records.history].sort((x, y) => at(x) - at(y))) {
    if ('unwatch' in r) add(r.unwatch.key, { from: Date.parse(r.unwatch.addedAt), to: Date.parse(r.unwatch.at) })
    const key = 'stale' in r ? r.stale.key : 'back' in r ? r.back.key : 'unwatch' in r ? r.unwatch.key : null
    if (key === null) continue
    const list = staleOf.get(key) ?? []
    const open = list.at(-1)?.to === null ? list.at(-1) : undefined
    if ('stale' in r && open === undefined) list.push({ from: Date.parse(r.stale.at), to: null, reason: r.stale.reason })
    if (!('stale' in r) && open !== undefined) open.to = at(r)
    staleOf.set(key, list)
  }
  const sealsOf = new Map<string, number[]>()
  if (records.seals instanceof Map) {
    for (const [key, times] of records.seals) sealsOf.set(key, [...times])
  } else {
    for (const s of records.seals as readonly CoreSeal[]) sealsOf.set(s.key, [...(sealsOf.get(s.key) ?? []), Date.parse(s.at)])
  }
  const good = runs.filter((r) => r.failed === 0).map((r) => ({ from: Date.parse(r.from), to: Date.parse(r.to) })).sort((a, b) => a.from - b.from)

  const out: Record<string, CoreCoverage> = {}
  const keys = new Set([...watches.keys(), ...sealsOf.keys()])
  for (const key of [...keys].sort()) {
    const spans = (watches.get(key) ?? []).filter((s) => s.from < T && (s.to === null || s.to > F)).sort((a, b) => a.from - b.from)
    const seals = (sealsOf.get(key) ?? []).sort((a, b) => a - b)
    const sealedIn = seals.filter((t) => t >= F && t < T)
    if (spans.length === 0 && sealedIn.length === 0) continue
    const stale = staleOf.get(key) ?? []
    let longest: number | null = null
    for (let i = 0; i < seals.length; i++) {
      const t = seals[i]
      if (t < F || t >= T) continue
      const since = Math.max(
        lastGood(good, stale, t - I),
        i > 0 ? seals[i - 1] : -Infinity,
        watchedSince(watches.get(key) ?? [], t)
      )
      if (since > -Infinity) longest = Math.max(longest ?? 0, Math.max(0, t - since) / 1000)
    }
    out[key] = {
      watched: spans.map((s) => ({ from: iso(Math.max(s.from, F)), to: s.to === null || s.to >= T ? null : iso(s.to) })),
      changesSealed: sealedIn.length,
      stale: stale.filter((s) => s.from < T && (s.to === null || s.to > F))
        .map((s) => ({ from: iso(Math.max(s.from, F)), to: s.to === null || s.to >= T ? null : iso(s.to), reason: s.reason })),
      longestUnsealedSeconds: longest
    }
  }
  return out
}

const iso = (ms: number): string => new Date(ms).toISOString()

function at (r: HistoryRecord): number {
  if ('start' in r) return Date.parse(r.start.at)
  if ('stop' in r) return Date.parse(r.stop.at)
  if ('run' in r) return Date.parse(r.run.from)
  if ('stale' in r) return Date.parse(r.stale.at)
  if ('back' in r) return Date.parse(r.back.at)
  return Date.parse(r.unwatch.at)
}

/**
 * The latest moment at or before `x` inside a good run while the core was not stale (-Infinity:
 * none). `good` is sorted by `from` and its runs do not overlap: walking back from the last run
 * that starts by `x`, the first moment found is the latest.
 */
function lastGood (good: ReadonlyArray<{ from: number, to: number }>, stale: ReadonlyArray<{ from: number, to: number | null }>, x: number): number {
  let lo = 0
  let hi = good.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (good[mid].from <= x) lo = mid + 1
    else hi = mid
  }
  for (let i = lo - 1; i >= 0; i--) {
    let c = Math.min(good[i].to, x)
    for (const s of stale) if (s.from <= c && (s.to === null || s.to > c)) c = s.from
    if (c >= good[i].from) return c
  }
  return -Infinity
}

/** When the watch that holds `t` began (-Infinity: no watch record holds it). */
function watchedSince (spans: readonly Span[], t: number): number {
  let since = -Infinity
  for (const s of spans) if (s.from <= t && (s.to === null || s.to >= t)) since = Math.max(since, s.from)
  return since
}
