/**
 * The signed report as one self-contained HTML file (no script, no external resource), in the
 * same order and words as the PDF: the five-line headline, the timeline, coverage, cores,
 * incidents, receipts, the service's own history, parameters, controls, then the appendix.
 * Every string from the report goes through `esc`; timestamps never wrap, long values do.
 */
import { sections } from './render-sections'
import { signatureFingerprint } from './sign'
import { CELL_COLOURS, LEGEND, timelineModel } from './timeline-model'
import type { AuditReport, SignedReport } from './types'

export function esc (value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const TS = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/
const cell = (c: string): string => `<td${TS.test(c) ? ' class="ts"' : /^[0-9a-f]{40,}$|^0x[0-9a-f]{40,}$/.test(c) ? ' class="hex"' : ''}>${esc(c)}</td>`

function table (head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`
}

const LABEL = 150
const WIDTH = 960
const ROW = 18

/** The timeline as SVG: the same model the PDF draws (timeline-model.ts). */
export function timelineSvg (report: AuditReport): string {
  const m = timelineModel(report)
  const cw = (WIDTH - LABEL - 10) / m.bins
  const top = 22
  const rows = m.rows.map((row, r) => {
    const y = top + r * ROW
    const cells = row.cells.map((k, i) => `<rect class="cell ${k}" x="${(LABEL + i * cw).toFixed(1)}" y="${y}" width="${Math.max(0.5, cw - 1).toFixed(1)}" height="${ROW - 4}" fill="${CELL_COLOURS[k]}"><title>${esc(`${row.title}: ${k}`)}</title></rect>`).join('')
    // A count is written only where it fits its cell (9 px digits are ~5.5 px wide).
    const counts = row.counts === undefined ? '' : row.counts.map((n, i) => n > 0 && String(n).length * 5.5 + 3 <= cw ? `<text class="count" x="${(LABEL + (i + 0.5) * cw).toFixed(1)}" y="${y + ROW - 8}" text-anchor="middle">${n}</text>` : '').join('')
    const marks = row.incidents.map((n) => {
      const cx = LABEL + (n.bin + 0.5) * cw
      return `<path class="incident" d="M${cx.toFixed(1)} ${y - 2} l5 ${ROW / 2} l-5 ${ROW / 2} l-5 ${-ROW / 2} z"><title>${esc(`${n.kind} detected ${n.at}`)}</title></path>`
    }).join('')
    return `<g class="core-row" data-key="${esc(row.title)}"><text class="label" x="4" y="${y + ROW - 7}">${esc(row.label)}</text>${cells}${counts}${marks}</g>`
  }).join('')
  const height = top + m.rows.length * ROW + 6
  const ticks = m.ticks.map((t) => `<text class="tick" x="${(LABEL + t.bin * cw).toFixed(1)}" y="14">${esc(t.label)}</text>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(`Timeline, one cell per ${m.unit}`)}">${ticks}${rows}</svg>` +
    `<p class="legend">${LEGEND.map((l) => `<span><i style="background:${CELL_COLOURS[l.kind]}"></i>${esc(l.text)}</span>`).join(' ')} <span><b class="diamond">◆</b> incident</span></p>` +
    `<p>${esc(`One cell per ${m.cell}.`)}${m.note === null ? '' : ' ' + esc(m.note)}</p>`
}

const STYLE = `body{font:16px/1.5 "DejaVu Sans",Arial,sans-serif;color:#111;max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:28px;margin-bottom:.2em}h2{font-size:21px;border-bottom:1px solid #999;margin-top:1.8em}h3{font-size:17px}
.fp{font-family:"DejaVu Sans Mono",monospace;background:#f2f2f2;padding:0 .3em}
ol.headline{font-size:18px;border:2px solid #333;padding:.8em 1em .8em 2.2em}ol.headline li{margin:.3em 0}ol.headline li.bad{color:#a00;font-weight:bold}
table{border-collapse:collapse;width:100%;font-size:14px;margin:.5em 0}th,td{border-bottom:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eee}td.ts{white-space:nowrap}td.hex{font-family:"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.timeline text{font:11px "DejaVu Sans",sans-serif}.timeline .count{fill:#fff;font-size:9px}.timeline .incident{fill:#d00;stroke:#fff}
.legend span{margin-right:1em;white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #999}.diamond{color:#d00}
pre,code{font:13px "DejaVu Sans Mono",monospace}pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere}
@media print{body{margin:0;max-width:none}section{break-inside:auto}h2{break-after:avoid}tr{break-inside:avoid}}`

export function renderHtml (signed: SignedReport): string {
  const r = signed.report
  const fp = signatureFingerprint(signed)
  const bad = r.summary.receipts.invalid + r.summary.incidents.fork + r.summary.incidents.rewind > 0
  const body = sections(r).map((s) => {
    const parts = s.blocks.map((b) => {
      if (b.kind === 'para') return `<p>${esc(b.text)}</p>`
      if (b.kind === 'table') return table(b.head, b.rows)
      if (b.kind === 'pre') return `<pre>${esc(b.text)}</pre>`
      if (b.kind === 'heading') return `<h3>${esc(b.text)}</h3>`
      return timelineSvg(r)
    }).join('\n')
    return `<section id="${s.id}"><h2>${esc(s.title)}</h2>\n${parts}</section>`
  }).join('\n')
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(`Hyperseal audit report ${r.period.from} to ${r.period.to}`)}</title><style>${STYLE}</style></head><body>
<h1>Hyperseal audit report</h1><p>${esc(`Period ${r.period.from} to ${r.period.to} (end excluded). Generated ${r.generatedAt}.`)} Signature fingerprint <span class="fp">${esc(fp)}</span>.</p>
<ol class="headline" id="headline">${r.headline.map((l, i) => `<li${i === 0 && bad ? ' class="bad"' : ''}>${esc(l)}</li>`).join('')}</ol>
${body}
<footer><p>${esc(`Signature fingerprint ${fp} (first 16 hex of SHA-256 of the report's Ed25519 signature). This page renders the signed JSON report; the PDF of the same report carries that JSON as an attachment.`)}</p></footer>
</body></html>
`
}
