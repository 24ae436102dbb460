/**
 * The per-core timeline as data, drawn the same way by the HTML (SVG) and the PDF (pdfkit
 * vector): one row for the service (passes ran / down / missed / failed), then one row per core
 * (sealed / idle / stale / service down, incidents marked) on the report's bins. Beyond
 * MAX_CORE_ROWS cores the cores are aggregated into one row (how many sealed in each bin),
 * and only the cores with an incident or a stale interval keep their own row: a thousand cores
 * stay legible on one page.
 */
import type { ReportCoverage } from './coverage-types'
import type { AuditReport } from './types'

export const MAX_CORE_ROWS = 40
/** Cores with an incident or stale interval drawn on their own when aggregated. */
export const MAX_FLAGGED_ROWS = 20

export type CellKind = 'sealed' | 'idle' | 'stale' | 'down' | 'up' | 'missed' | 'failed' | 'none'

export interface TimelineRow {
  label: string
  /** Full name for the tooltip / alt text (a core's full key). */
  title: string
  cells: CellKind[]
  /** For the aggregate row: how many cores sealed in each bin. */
  counts?: number[]
  incidents: Array<{ bin: number, kind: 'rewind' | 'fork', at: string }>
}

export interface TimelineModel {
  bins: number
  binSeconds: number
  unit: AuditReport['timeline']['unit']
  ticks: Array<{ bin: number, label: string }>
  rows: TimelineRow[]
  /** Says what was aggregated, or null. */
  note: string | null
  /** What one cell is: "hour", "2 minutes". */
  cell: string
}

function overlaps (from: number, to: number, binFrom: number, binTo: number): boolean {
  return from < binTo && to > binFrom
}

function tickLabel (ms: number, unit: AuditReport['timeline']['unit']): string {
  const t = new Date(ms).toISOString()
  return unit === 'minute' ? t.slice(11, 16) : unit === 'hour' ? `${t.slice(5, 10)} ${t.slice(11, 13)}h` : t.slice(0, 10)
}

export function timelineModel (r: AuditReport): TimelineModel {
  const from = Date.parse(r.period.from)
  const end = Date.parse(r.period.to)
  const { bins, binSeconds, unit } = r.timeline
  const binAt = (i: number): [number, number] => [from + i * binSeconds * 1000, Math.min(end, from + (i + 1) * binSeconds * 1000)]
  const binOf = (iso: string): number => Math.max(0, Math.min(bins - 1, Math.floor((Date.parse(iso) - from) / (binSeconds * 1000))))
  const cov: ReportCoverage | null = r.coverage
  const down = new Array<boolean>(bins).fill(false)
  const service: CellKind[] = new Array<CellKind>(bins).fill(cov === null ? 'none' : 'up')
  if (cov !== null) {
    for (let i = 0; i < bins; i++) {
      const [a, b] = binAt(i)
      if (cov.missed.some((m) => overlaps(Date.parse(m.from), Date.parse(m.to), a, b))) service[i] = 'missed'
      if (cov.failed.some((f) => Date.parse(f.at) >= a && Date.parse(f.at) < b)) service[i] = 'failed'
      if (cov.downtime.some((d) => overlaps(Date.parse(d.from), Date.parse(d.to), a, b))) { service[i] = 'down'; down[i] = true }
    }
  }
  const rows: TimelineRow[] = [{ label: cov === null ? 'Passes: no records' : 'Service passes', title: 'The seal passes of the service', cells: service, incidents: [] }]

  const coreRow = (c: AuditReport['cores'][number]): TimelineRow => {
    const stale = cov?.cores[c.key]?.stale ?? (c.stale === null ? [] : [{ from: c.stale.since, to: null, reason: c.stale.reason }])
    const cells = c.activity.map((n, i): CellKind => {
      const [a, b] = binAt(i)
      if (n > 0) return 'sealed'
      if (stale.some((s) => overlaps(Date.parse(s.from), s.to === null ? end : Date.parse(s.to), a, b))) return 'stale'
      return down[i] ? 'down' : 'idle'
    })
    const incidents = r.incidents.filter((n) => n.key === c.key).map((n) => ({ bin: binOf(n.detectedAt), kind: n.kind, at: n.detectedAt }))
    return { label: `${c.key.slice(0, 8)}…${c.key.slice(-6)}`, title: c.key, cells, incidents }
  }

  let note: string | null = null
  if (r.cores.length <= MAX_CORE_ROWS) {
    rows.push(...r.cores.map(coreRow))
  } else {
    const counts = new Array<number>(bins).fill(0)
    for (const c of r.cores) c.activity.forEach((n, i) => { if (n > 0) counts[i]++ })
    const cells = counts.map((n, i): CellKind => (n > 0 ? 'sealed' : down[i] ? 'down' : 'idle'))
    const allIncidents = r.incidents.map((n) => ({ bin: binOf(n.detectedAt), kind: n.kind, at: n.detectedAt }))
    rows.push({ label: `All ${r.cores.length} cores`, title: `Cores that sealed a change in each ${unit}`, cells, counts, incidents: allIncidents })
    const flagged = r.cores.filter((c) => c.incidents > 0 || c.stale !== null || (cov?.cores[c.key]?.stale.length ?? 0) > 0)
    rows.push(...flagged.slice(0, MAX_FLAGGED_ROWS).map(coreRow))
    note = `${r.cores.length} cores are drawn as one row (the number in a cell is how many sealed a change in it); ` +
      `${Math.min(flagged.length, MAX_FLAGGED_ROWS)} core(s) with an incident or a stale interval have their own row${flagged.length > MAX_FLAGGED_ROWS ? ` (${flagged.length - MAX_FLAGGED_ROWS} more in the cores table)` : ''}.`
  }
  const every = Math.max(1, Math.ceil(bins / 8))
  const ticks = Array.from({ length: Math.ceil(bins / every) }, (_, k) => ({ bin: k * every, label: tickLabel(binAt(k * every)[0], unit) }))
  const unitSeconds = { minute: 60, hour: 3600, day: 86_400, week: 604_800 }[unit]
  const cell = binSeconds === unitSeconds ? unit : `${binSeconds / unitSeconds} ${unit}s`
  return { bins, binSeconds, unit, ticks, rows, note, cell }
}

export const CELL_COLOURS: Record<CellKind, string> = {
  sealed: '#1f5fa0', idle: '#eef2f6', stale: '#e08a00', down: '#8a8a8a', up: '#7fbf7f', missed: '#f2c14e', failed: '#c0392b', none: '#ffffff'
}

export const LEGEND: Array<{ kind: CellKind, text: string }> = [
  { kind: 'up', text: 'passes ran' }, { kind: 'missed', text: 'a pass was missed' }, { kind: 'failed', text: 'a pass failed' },
  { kind: 'down', text: 'service down' }, { kind: 'sealed', text: 'change sealed' }, { kind: 'idle', text: 'no change (idle)' },
  { kind: 'stale', text: 'core unreachable (stale)' }
]
