/**
 * The report's content once, as sections of paragraphs, tables and preformatted evidence: the
 * HTML and the PDF both draw exactly these, so the two renderings say the same thing.
 */
import { durationText, shortKey } from './builder-text'
import type { AuditReport } from './types'

export type Block =
  | { kind: 'para', text: string }
  | { kind: 'heading', text: string }
  | { kind: 'table', head: string[], rows: string[][], widths: number[] }
  | { kind: 'pre', text: string }
  | { kind: 'timeline' }

export interface Section { id: string, title: string, blocks: Block[] }

const para = (text: string): Block => ({ kind: 'para', text })
const tbl = (head: string[], widths: number[], rows: string[][]): Block => ({ kind: 'table', head, rows, widths })
const head = (h: { length: number, fork: number } | null): string => (h === null ? '-' : `length ${h.length}${h.fork === 0 ? '' : `, fork ${h.fork}`}`)

function coverage (r: AuditReport): Block[] {
  const c = r.coverage
  if (c === null) return [para('The service kept no record of its seal passes for this period. A core with no seal for a while may have been idle (nothing changed) or the service may have been down: this report cannot tell which.')]
  const blocks: Block[] = [
    para('Idle is not down. A pass that runs and finds nothing changed seals nothing: that core was idle, and it is fine. A pass that did not run (service down, or missed) is a gap in monitoring. The figures below separate the two.'),
    tbl(['Passes', 'Count'], [3, 1], [
      ['Scheduled in the period', String(c.passes.scheduled)], ['Ran', String(c.passes.run)], ['  of which sealed changes', String(c.passes.sealed)],
      ['  of which found nothing changed (idle)', String(c.passes.unchanged)], ['  of which failed', String(c.passes.failed)],
      ['Missed (should have run, did not)', String(c.passes.missed)], ['Service down', c.downtimeSeconds === 0 ? 'never' : durationText(c.downtimeSeconds)]
    ])
  ]
  if (c.downtime.length > 0) blocks.push({ kind: 'heading', text: 'When the service was down' }, tbl(['From', 'To', 'Length', 'Why'], [2, 2, 1, 2], c.downtime.map((d) => [d.from, d.to, durationText(d.seconds), d.cause === 'stopped' ? 'stopped (its own record)' : 'not heard from (unknown)'])))
  if (c.missed.length > 0) blocks.push({ kind: 'heading', text: 'Missed passes' }, tbl(['From', 'To', 'Passes missed'], [2, 2, 1], c.missed.map((m) => [m.from, m.to, String(m.slots)])))
  if (c.failed.length > 0) blocks.push({ kind: 'heading', text: 'Failed passes' }, tbl(['At', 'Code', 'Why'], [1.8, 1.9, 3.3], c.failed.map((f) => [f.at, f.code, f.reason])))
  const cores = r.cores.filter((k) => c.cores[k.key] !== undefined)
  if (cores.length > 0) {
    blocks.push({ kind: 'heading', text: 'Per core' }, tbl(['Core', 'Changes sealed', 'Unreachable (stale)', 'Longest wait for a seal while changing'], [2.2, 1, 2.6, 1.6], cores.map((k) => {
      const cc = c.cores[k.key]
      const stale = cc.stale.length === 0 ? 'never' : cc.stale.map((s) => `${s.from} to ${s.to ?? 'still'}`).join('; ')
      return [shortKey(k.key), String(cc.changesSealed), stale, cc.longestUnsealedSeconds === null ? 'did not change' : durationText(cc.longestUnsealedSeconds)]
    })))
  }
  return blocks
}

export function sections (r: AuditReport): Section[] {
  const s = r.summary
  const rec = r.receipts
  const status = (c: AuditReport['cores'][number]): string => ('length' in c.latestHead ? `${c.latestHead.status}, ${head(c.latestHead)}` : c.latestHead.status)
  return [
    {
      id: 'summary', title: '1. Key figures', blocks: [tbl(['Fact', 'Value'], [1.3, 2.7], [
        ['Period', `${r.period.from} to ${r.period.to} (end excluded)`], ['Cores watched', String(s.cores)], ['Changes sealed', String(s.seals)],
        ['Incidents', `${s.incidents.rewind} rewind, ${s.incidents.fork} fork`], ['Batches on chain', `${s.batches} (${s.leaves} heads)`],
        ['Fees', `${s.feesEth} ETH${s.batchesWithoutCost > 0 ? ` (${s.batchesWithoutCost} unknown)` : ''}`],
        ['Receipts re-checked now', `${rec.verified} hold, ${rec.pending} not final yet, ${rec.invalid} no longer hold (of ${rec.lines})`],
        ['Chain', `${r.chain.chainId}${r.chain.embedded ? ' (embedded development chain: its local administrator can rewrite it)' : ''}, at block ${s.chainHeadBlock}`]
      ])]
    },
    {
      id: 'timeline', title: '2. Timeline', blocks: [{ kind: 'timeline' }]
    },
    { id: 'coverage', title: '3. Did the monitoring keep running?', blocks: coverage(r) },
    {
      id: 'cores', title: '4. Cores', blocks: [
        para('Only cores watched during the period. "Length" is how many entries a core had when sealed; "fork" appears only when the writer has restarted its history.'),
        tbl(['Core', 'Seals', 'First sealed', 'Last sealed', 'Latest head now', 'Incidents'], [2.5, 0.6, 1.4, 1.4, 1.8, 1], r.cores.map((c) => [
          c.key, String(c.seals), head(c.first), head(c.last), status(c), String(c.incidents)
        ]))
      ]
    },
    {
      id: 'incidents', title: '5. Incidents', blocks: r.incidents.length === 0
        ? [para('No incident was detected in the period.')]
        : r.incidents.flatMap((i, n): Block[] => [{ kind: 'heading', text: `${n + 1}. ${i.kind === 'fork' ? 'Fork' : 'Rewind'} of core ${shortKey(i.key)}, detected ${i.detectedAt}` }, para(i.meaning), para(`Evidence: appendix A.${n + 1}.`)])
    },
    {
      id: 'receipts', title: '6. Seal receipts', blocks: [
        para(`Every seal of the period has a receipt; each was checked again now against the chain (the writer's signature, the Merkle proof to the sealed root, the root on the contract, the block and the transaction). ${rec.verified} hold, ${rec.pending} are not final yet, ${rec.invalid} no longer hold.`),
        para(`The receipts themselves are in the file ${rec.name} (${rec.lines} lines, ${rec.bytes} bytes, SHA-256 ${rec.sha256}), bound to this signed report by that hash.`),
        ...(rec.exceptions.length === 0 ? [] : [tbl(['Core', 'Head', 'Status', 'Why'], [1.6, 1, 0.8, 4], rec.exceptions.map((e) => [shortKey(e.key), head(e), e.status, e.reason]))])
      ]
    },
    {
      id: 'receipts-log', title: '7. The service\'s own history (its receipts log)', blocks: [
        para(`The service records every batch it sealed in its own public log, ${r.receiptsLog.key}. That log is not one of the watched cores; it is the service's history, listed here batch by batch (amounts in ETH; in wei in the appendix).`),
        tbl(['Batch', 'Sealed at', 'Heads', 'Block', 'Fee (ETH)'], [0.6, 2, 0.7, 1, 1.6], r.receiptsLog.batches.map((b) => [String(b.seq), b.sealedAt, String(b.leafCount), String(b.blockNumber), b.feeEth ?? 'unknown']))
      ]
    },
    {
      id: 'parameters', title: '8. Parameters, and how to re-perform this report', blocks: [
        tbl(['Parameter', 'Value'], [1.3, 2.7], [
          ['Period', `${r.parameters.period.from} to ${r.parameters.period.to}`], ['Trust root', r.parameters.trustRoot],
          ['Chain', `${r.parameters.chain.chainId}, contract ${r.parameters.chain.contract}`], ['Confirmations', String(r.parameters.confirmations)],
          ['Schedule', `${r.parameters.schedule} (a pass every ${durationText(r.parameters.nominalIntervalSeconds)})`],
          ['Cores', r.parameters.cores === null ? 'every core watched in the period' : `${r.parameters.cores.length} asked for`]
        ]),
        { kind: 'pre', text: r.reperform.commands.join('\n') },
        ...r.reperform.notes.map(para)
      ]
    },
    {
      id: 'controls', title: '9. Controls this evidence bears on', blocks: [
        para('This report supports an assessment of the controls below; it does not certify compliance with any of them.'),
        tbl(['Framework', 'Control', 'How this report supports it', 'Sections'], [1.4, 1.2, 4, 1], r.controls.map((c) => [c.framework, `${c.control}: ${c.title}`, c.statement, c.evidence.join(', ')]))
      ]
    },
    {
      id: 'service', title: '10. Service', blocks: [tbl(['Field', 'Value'], [1.3, 2.7], [
        ['Report signing key (Ed25519)', r.service.reportKey], ['Contract', r.service.contract], ['Sealer address(es)', r.service.sealers.join(', ') || 'none'],
        ['Receipts log', r.service.receiptsLog], ['Service version', r.service.version], ['Generated', r.generatedAt]
      ]), para(r.policy.intervalAssumption)]
    },
    {
      id: 'appendix', title: 'Appendix A: evidence', blocks: [
        ...r.incidents.flatMap((i, n): Block[] => [{ kind: 'heading', text: `A.${n + 1} ${i.kind} of core ${i.key}` }, { kind: 'pre', text: JSON.stringify({ sealed: i.sealed, observed: i.observed, evidence: i.evidence }, null, 1) }]),
        { kind: 'heading', text: `A.${r.incidents.length + 1} Batches with their costs in wei` },
        tbl(['Batch', 'Transaction', 'Gas', 'Gas price (wei)', 'Fee (wei)'], [0.5, 3.2, 0.8, 1.2, 1.5], r.receiptsLog.batches.map((b) => [String(b.seq), b.txHash, b.gasUsed ?? 'unknown', b.effectiveGasPrice ?? 'unknown', b.feeWei ?? 'unknown']))
      ]
    }
  ]
}
