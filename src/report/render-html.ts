/**
 * The report as one self-contained HTML file: summary first, a timeline (inline SVG) of seals
 * and incidents per core, the tables, and how to check it all without us. Every string from
 * the report goes through `esc`; no script, no external resource.
 */
import { signatureFingerprint } from './sign'
import type { AuditReport, SignedReport } from './types'

export function esc (value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const short = (hex: string): string => (hex.length > 20 ? `${hex.slice(0, 10)}…${hex.slice(-8)}` : hex)

function table (head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
}

const ROW = 22
const LABEL = 190
const WIDTH = 960

/** One row per core: a tick per seal, a red diamond per incident, on the period's time axis. */
export function timelineSvg (report: AuditReport): string {
  const from = Date.parse(report.period.from)
  const span = Math.max(1, Date.parse(report.period.to) - from)
  const x = (iso: string): number => LABEL + ((Date.parse(iso) - from) / span) * (WIDTH - LABEL - 10)
  const rows = report.cores.map((core, i) => {
    const y = 20 + i * ROW
    const seals = core.seals.map((s) => `<line class="seal" x1="${x(s.sealedAt).toFixed(1)}" x2="${x(s.sealedAt).toFixed(1)}" y1="${y - 7}" y2="${y + 7}"><title>${esc(`seal length ${s.length} fork ${s.fork} at ${s.sealedAt}`)}</title></line>`).join('')
    const incidents = report.incidents.filter((n) => n.key === core.key).map((n) => {
      const cx = x(n.detectedAt)
      return `<path class="incident" d="M${cx.toFixed(1)} ${y - 7} l6 7 l-6 7 l-6 -7 z"><title>${esc(`${n.kind} detected ${n.detectedAt}`)}</title></path>`
    }).join('')
    return `<g class="core-row" data-key="${esc(core.key)}"><text x="4" y="${y + 4}">${esc(short(core.key))}</text><line class="axis" x1="${LABEL}" x2="${WIDTH - 10}" y1="${y}" y2="${y}"/>${seals}${incidents}</g>`
  }).join('')
  const height = 40 + report.cores.length * ROW
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Seals and incidents per core">` +
    `<text x="${LABEL}" y="${height - 6}">${esc(report.period.from)}</text><text x="${WIDTH - 10}" y="${height - 6}" text-anchor="end">${esc(report.period.to)}</text>${rows}</svg>`
}

const STYLE = `body{font:14px/1.45 Georgia,serif;color:#111;max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:26px;border-bottom:3px double #333}h2{font-size:19px;border-bottom:1px solid #999;margin-top:2em}
table{border-collapse:collapse;width:100%;font:12px/1.3 Menlo,monospace;margin:.5em 0}th,td{border-top:1px solid #bbb;border-bottom:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}.ok{color:#155724}.bad{color:#a00;font-weight:bold}.timeline text{font:11px monospace}
.timeline .axis{stroke:#ccc}.timeline .seal{stroke:#1f5fa0;stroke-width:2}.timeline .incident{fill:#c00}
code,pre{font:12px Menlo,monospace;background:#f4f4f4}pre{padding:.6em;overflow-x:auto;white-space:pre-wrap}`

export function renderHtml (signed: SignedReport): string {
  const r = signed.report
  const s = r.summary
  const verdict = s.receipts.invalid === 0 && s.incidents.fork + s.incidents.rewind === 0
  const summary = `<section id="summary"><h2>Summary</h2>
<p class="${verdict ? 'ok' : 'bad'}">${esc(verdict ? 'No incident in the period and every receipt re-verified against the chain.' : `${s.incidents.rewind} rewind(s), ${s.incidents.fork} fork(s) and ${s.receipts.invalid} invalid receipt(s) in the period.`)}</p>
${table(['Fact', 'Value'], [
    ['Period', `${r.period.from} to ${r.period.to} (end excluded)`],
    ['Cores', String(s.cores)], ['Seals', String(s.seals)],
    ['Incidents', `${s.incidents.rewind} rewind, ${s.incidents.fork} fork`],
    ['Batches', `${s.batches} (${s.leaves} leaves)`], ['Gas used', s.gasUsed], ['Fees (wei)', s.feesWei],
    ['Receipts re-verified', `${s.receipts.verified} verified, ${s.receipts.pending} pending, ${s.receipts.invalid} invalid of ${s.receipts.total}`],
    ['Chain head at generation', String(s.chainHeadBlock)]
  ])}</section>`
  const identity = table(['Field', 'Value'], [
    ['Report signing key (Ed25519)', r.service.reportKey], ['Signature fingerprint', signatureFingerprint(signed)],
    ['Chain id', String(r.service.chainId)], ['Contract', r.service.contract], ['Sealer address(es)', r.service.sealers.join(', ') || 'none'],
    ['Receipts log', r.service.receiptsLog], ['Service version', r.service.version],
    ['Schedule', `${r.policy.schedule} (nominal interval ${r.policy.nominalIntervalSeconds} s)`], ['Confirmations', String(r.policy.confirmations)]
  ])
  const cores = table(['Core', 'Seals', 'First', 'Last', 'Longest gap (s)', 'Missed slots', 'Latest head', 'Incidents'], r.cores.map((c) => [
    c.key, String(c.seals.length),
    c.first ? `${c.first.length}/${c.first.fork}` : '-', c.last ? `${c.last.length}/${c.last.fork}` : '-',
    c.longestGapSeconds === null ? '-' : String(c.longestGapSeconds), String(c.missedSlots),
    'length' in c.latestHead ? `${c.latestHead.status} (${c.latestHead.length}/${c.latestHead.fork})` : c.latestHead.status,
    String(c.incidents)
  ]))
  const incidents = r.incidents.length === 0
    ? '<p>No incident was detected in the period.</p>'
    : r.incidents.map((i) => `<div class="incident"><h3>${esc(`${i.kind} on ${i.key} at ${i.detectedAt}`)}</h3><p>${esc(i.meaning)}</p><pre>${esc(JSON.stringify({ sealed: i.sealed, observed: i.observed, evidence: i.evidence }, null, 2))}</pre></div>`).join('')
  const batches = table(['Seq', 'Sealed at', 'Leaves', 'Tx', 'Block', 'Gas', 'Gas price', 'Fee (wei)'], r.batches.map((b) => [
    String(b.seq), b.sealedAt, String(b.leafCount), b.txHash, String(b.blockNumber), b.gasUsed ?? 'unknown', b.effectiveGasPrice ?? 'unknown', b.feeWei ?? 'unknown'
  ]))
  const bad = r.receipts.filter((x) => x.status !== 'verified')
  const receipts = bad.length === 0
    ? `<p class="ok">${esc(`All ${s.receipts.total} receipts of the period verified against the chain.`)}</p>`
    : table(['Core', 'Length', 'Fork', 'Root', 'Status', 'Why'], bad.map((x) => [x.receipt.head.key, String(x.receipt.head.length), String(x.receipt.head.fork), x.receipt.seal.root, x.status, x.reason ?? '']))
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(`Hyperseal audit report ${r.period.from} to ${r.period.to}`)}</title><style>${STYLE}</style></head><body>
<h1>Hyperseal audit report</h1><p>${esc(`Period ${r.period.from} to ${r.period.to}. Generated ${r.generatedAt}.`)}</p>
${summary}
<section id="timeline"><h2>Timeline</h2><p>One row per core: a blue tick per seal, a red diamond per incident.</p>${timelineSvg(r)}</section>
<section id="service"><h2>Service and policy</h2>${identity}<p>${esc(r.policy.intervalAssumption)}</p></section>
<section id="cores"><h2>Cores</h2>${cores}</section>
<section id="incidents"><h2>Incidents</h2>${incidents}</section>
<section id="batches"><h2>Batches</h2>${batches}</section>
<section id="receipts"><h2>Re-verification of receipts</h2>${receipts}</section>
<section id="verify"><h2>How to verify independently</h2><ol>
<li>Get the signed JSON of this report (format=json) and run <code>hyperseal report verify report.json</code>: it checks the Ed25519 signature over the RFC 8785 canonical JSON of <code>report</code> with the key <code>${esc(r.service.reportKey)}</code>, which must match the <code>reportKey</code> the service publishes at <code>GET /v1/cores</code>.</li>
<li>Add <code>--rpc &lt;url&gt;</code> with a node of chain ${esc(r.service.chainId)} you trust: every receipt is checked again against the contract <code>${esc(r.service.contract)}</code> (root sealed, same block, transaction and leaf count).</li>
<li>Without Hyperseal: each receipt's head signature is the writer's Ed25519 signature over Hypercore's tree signable; its proof is an OpenZeppelin StandardMerkleTree proof to <code>seal.root</code>; call <code>sealedAt(root)</code> on the contract and compare.</li>
<li>Replicate the public receipts log <code>${esc(r.service.receiptsLog)}</code> to compare its batches and incidents with this report.</li>
</ol></section>
<footer><p>${esc(`Signature fingerprint ${signatureFingerprint(signed)} (first 16 hex of SHA-256 of the signature).`)}</p></footer>
</body></html>
`
}
