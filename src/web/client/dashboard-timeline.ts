/**
 * The seal timeline over a chosen period: heads sealed and batches per hour (a day) or per day
 * (a week, a month), drawn with uPlot on a canvas. A canvas says nothing to a screen reader, so
 * the same figures are given as a sentence and a table beside it.
 */
import 'uplot/dist/uPlot.min.css'
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import type { BatchRow } from './api-types'
import { count } from './format'

export const PERIODS = { '24h': { label: 'the last 24 hours', ms: 24 * 3600_000, bucket: 3600_000 }, '7d': { label: 'the last 7 days', ms: 7 * 86400_000, bucket: 86400_000 }, '30d': { label: 'the last 30 days', ms: 30 * 86400_000, bucket: 86400_000 } } as const
export type Period = keyof typeof PERIODS

export interface Buckets { starts: number[], heads: number[], batches: number[] }

/** Batches counted into the period's buckets, oldest first (bucket starts in epoch seconds). */
export function bucketsOf (batches: readonly BatchRow[], period: Period, now = Date.now()): Buckets {
  const { ms, bucket } = PERIODS[period]
  const end = Math.ceil(now / bucket) * bucket
  const n = Math.round(ms / bucket)
  const out: Buckets = { starts: [], heads: [], batches: [] }
  for (let i = 0; i < n; i++) {
    out.starts.push((end - (n - i) * bucket) / 1000)
    out.heads.push(0)
    out.batches.push(0)
  }
  for (const b of batches) {
    const i = Math.floor((Date.parse(b.sealedAt) - (end - n * bucket)) / bucket)
    if (i < 0 || i >= n) continue
    out.heads[i] += b.leafCount
    out.batches[i] += 1
  }
  return out
}

function Chart ({ data }: { data: Buckets }): VNode {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (el === null) return
    const plot = new uPlot({
      width: Math.max(320, el.clientWidth),
      height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.25)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.25)' } }],
      series: [
        {},
        { label: 'heads sealed', stroke: '#1d5fa8', fill: 'rgba(29,95,168,0.35)', paths: uPlot.paths.bars!({ size: [0.8, 60] }) },
        // Batches as points: a line between buckets would suggest seals in between.
        { label: 'batches', stroke: '#a8551d', width: 2, paths: () => null, points: { show: true, size: 9, fill: '#a8551d' } }
      ]
    }, [data.starts, data.heads, data.batches], el)
    return () => plot.destroy()
  }, [data])
  return html`<div class="chart" ref=${box} aria-hidden="true"></div>`
}

export function Timeline (props: { period: Period, onPeriod: (p: Period) => void, buckets: Buckets, truncated: boolean }): VNode {
  const { buckets } = props
  const heads = buckets.heads.reduce((a, b) => a + b, 0)
  const batches = buckets.batches.reduce((a, b) => a + b, 0)
  const unit = PERIODS[props.period].bucket === 3600_000 ? 'hour' : 'day'
  return html`
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Seal timeline</h2>
      <div class="field"><label for="period">Period</label>
        <select id="period" value=${props.period} onChange=${(e: Event) => props.onPeriod((e.target as HTMLSelectElement).value as Period)}>
          ${Object.entries(PERIODS).map(([value, p]) => html`<option value=${value}>${p.label}</option>`)}
        </select></div>
      <p data-timeline-summary>${count(batches)} batches sealed ${count(heads)} heads in ${PERIODS[props.period].label} (per ${unit} below).${props.truncated ? ' Only the first pages of batches are counted.' : ''}</p>
      <${Chart} data=${buckets} />
      <details><summary>The figures as a table</summary>
        <table><thead><tr><th scope="col">${unit} from</th><th scope="col">heads</th><th scope="col">batches</th></tr></thead>
          <tbody>${buckets.starts.map((s, i) => buckets.batches[i] === 0 ? null : html`<tr><td>${new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC</td><td>${buckets.heads[i]}</td><td>${buckets.batches[i]}</td></tr>`)}</tbody>
        </table></details>
    </section>`
}
