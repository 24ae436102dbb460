/**
 * The report as a PDF (pdfkit, built-in Helvetica/Courier, so no font file is read): a title
 * block, the same sections as the HTML, tables with rules, and on every page its number and the
 * signature's fingerprint, so a printed page can be matched to its signed document.
 */
import PDFDocument from 'pdfkit'
import { signatureFingerprint } from './sign'
import type { SignedReport } from './types'

type Doc = PDFKit.PDFDocument
const MARGIN = 50

function heading (doc: Doc, text: string): void {
  if (doc.y > doc.page.height - 140) doc.addPage()
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(14).fillColor('#000').text(text, MARGIN)
  const y = doc.y + 2
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.8).stroke('#333')
  doc.moveDown(0.5).font('Helvetica').fontSize(10)
}

function para (doc: Doc, text: string): void {
  doc.font('Helvetica').fontSize(10).fillColor('#000').text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN })
  doc.moveDown(0.4)
}

/** A table with a ruled header and a hairline under every row; long cells wrap; rows never split across pages. */
function table (doc: Doc, head: string[], widths: number[], rows: string[][], font = 'Courier', size = 7.5): void {
  const total = widths.reduce((a, b) => a + b, 0)
  const scale = (doc.page.width - 2 * MARGIN) / total
  const cols = widths.map((w) => w * scale)
  const drawRow = (cells: string[], bold: boolean): void => {
    doc.font(bold ? 'Helvetica-Bold' : font).fontSize(bold ? 8 : size)
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i] - 4 }))) + 4
    if (doc.y + h > doc.page.height - MARGIN - 20) {
      doc.addPage()
      if (!bold) drawRow(head, true)
      doc.font(bold ? 'Helvetica-Bold' : font).fontSize(bold ? 8 : size)
    }
    const y = doc.y
    let x = MARGIN
    cells.forEach((c, i) => { doc.text(c, x + 2, y + 2, { width: cols[i] - 4, lineBreak: true }); x += cols[i] })
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + cols.reduce((a, b) => a + b, 0), y + h).lineWidth(bold ? 0.8 : 0.3).stroke(bold ? '#000' : '#999')
    doc.x = MARGIN
    doc.y = y + h
  }
  const top = doc.y
  doc.moveTo(MARGIN, top).lineTo(doc.page.width - MARGIN, top).lineWidth(0.8).stroke('#000')
  drawRow(head, true)
  for (const r of rows) drawRow(r, false)
  doc.moveDown(0.6)
}

export async function renderPdf (signed: SignedReport): Promise<Buffer> {
  const r = signed.report
  const s = r.summary
  const fingerprint = signatureFingerprint(signed)
  // A fixed creation date keeps the bytes a function of the report.
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: 'Hyperseal audit report', CreationDate: new Date(r.generatedAt), Producer: 'hyperseal', Creator: 'hyperseal' } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => { doc.on('end', resolve); doc.on('error', reject) })

  // Title block.
  doc.rect(MARGIN, MARGIN, doc.page.width - 2 * MARGIN, 110).lineWidth(1.5).stroke('#000')
  doc.font('Helvetica-Bold').fontSize(22).text('Hyperseal audit report', MARGIN + 15, MARGIN + 15)
  doc.font('Helvetica').fontSize(11).text(`Period: ${r.period.from} to ${r.period.to} (end excluded)`, MARGIN + 15, MARGIN + 48)
  doc.text(`Generated: ${r.generatedAt}`, MARGIN + 15)
  doc.text(`Chain ${r.service.chainId}, contract ${r.service.contract}`, MARGIN + 15)
  doc.text(`Signature fingerprint: ${fingerprint}`, MARGIN + 15)
  doc.x = MARGIN
  doc.y = MARGIN + 125

  heading(doc, '1. Summary')
  const clean = s.receipts.invalid === 0 && s.incidents.fork + s.incidents.rewind === 0
  para(doc, clean ? 'No incident in the period and every receipt re-verified against the chain.'
    : `${s.incidents.rewind} rewind(s), ${s.incidents.fork} fork(s) and ${s.receipts.invalid} invalid receipt(s) in the period.`)
  table(doc, ['Fact', 'Value'], [1, 2.5], [
    ['Cores', String(s.cores)], ['Seals', String(s.seals)], ['Incidents', `${s.incidents.rewind} rewind, ${s.incidents.fork} fork`],
    ['Batches', `${s.batches} (${s.leaves} leaves)`], ['Gas used', s.gasUsed], ['Fees (wei)', s.feesWei],
    ['Receipts re-verified', `${s.receipts.verified} verified, ${s.receipts.pending} pending, ${s.receipts.invalid} invalid of ${s.receipts.total}`],
    ['Chain head at generation', String(s.chainHeadBlock)]
  ], 'Helvetica', 9)

  heading(doc, '2. Service and policy')
  table(doc, ['Field', 'Value'], [1, 2.5], [
    ['Report signing key (Ed25519)', r.service.reportKey], ['Chain id', String(r.service.chainId)], ['Contract', r.service.contract],
    ['Sealer address(es)', r.service.sealers.join(', ') || 'none'], ['Receipts log', r.service.receiptsLog], ['Service version', r.service.version],
    ['Schedule', `${r.policy.schedule} (nominal interval ${r.policy.nominalIntervalSeconds} s)`], ['Confirmations', String(r.policy.confirmations)]
  ])
  para(doc, r.policy.intervalAssumption)

  heading(doc, '3. Cores')
  // Widths in points: a full 64-hex key fits one line at 6.5 pt Courier, so it can be searched and copied.
  table(doc, ['Core', 'Seals', 'First - last', 'Longest gap (s) / missed slots', 'Latest head', 'Inc.'], [258, 30, 55, 55, 70, 27], r.cores.map((c) => [
    c.key, String(c.seals.length), c.first && c.last ? `${c.first.length}/${c.first.fork} - ${c.last.length}/${c.last.fork}` : '-',
    c.longestGapSeconds === null ? '-' : `${c.longestGapSeconds} / ${c.missedSlots}`,
    'length' in c.latestHead ? `${c.latestHead.status} ${c.latestHead.length}/${c.latestHead.fork}` : c.latestHead.status, String(c.incidents)
  ]), 'Courier', 6.5)
  para(doc, 'Lengths are shown as length/fork. A missed slot is a whole schedule interval inside the longest gap with no seal of the core.')

  heading(doc, '4. Incidents')
  if (r.incidents.length === 0) para(doc, 'No incident was detected in the period.')
  for (const i of r.incidents) {
    doc.font('Helvetica-Bold').fontSize(10).text(`${i.kind.toUpperCase()} on ${i.key}`, MARGIN).font('Helvetica').text(`Detected ${i.detectedAt}`)
    para(doc, i.meaning)
    table(doc, ['Head', 'Length', 'Fork', 'Tree hash'], [1, 1, 1, 5], [
      ['sealed', String(i.sealed.length), String(i.sealed.fork), i.sealed.treeHash], ['observed', String(i.observed.length), String(i.observed.fork), i.observed.treeHash]
    ])
    para(doc, `Evidence kept: ${Object.keys(i.evidence).sort().join(', ') || 'none'} (full evidence in the signed JSON).`)
  }

  heading(doc, '5. Batches')
  table(doc, ['Seq', 'Sealed at', 'Leaves', 'Tx', 'Block', 'Gas', 'Fee (wei)'], [0.7, 2.6, 0.8, 4, 1, 1.1, 2], r.batches.map((b) => [
    String(b.seq), b.sealedAt, String(b.leafCount), b.txHash, String(b.blockNumber), b.gasUsed ?? 'unknown', b.feeWei ?? 'unknown'
  ]))

  heading(doc, '6. Re-verification of receipts')
  para(doc, `${s.receipts.verified} verified, ${s.receipts.pending} pending, ${s.receipts.invalid} invalid of ${s.receipts.total} receipts, checked against chain ${r.service.chainId} at block ${s.chainHeadBlock}.`)
  const bad = r.receipts.filter((x) => x.status !== 'verified')
  if (bad.length > 0) {
    table(doc, ['Core', 'Length/fork', 'Status', 'Why'], [4, 1.2, 1, 5], bad.map((x) => [x.receipt.head.key, `${x.receipt.head.length}/${x.receipt.head.fork}`, x.status, x.reason ?? '']))
  }

  heading(doc, '7. How to verify independently')
  for (const line of [
    `1. Get the signed JSON of this report and run: hyperseal report verify report.json. It checks the Ed25519 signature over the RFC 8785 canonical JSON of "report" with key ${r.service.reportKey}, which must match the reportKey published at GET /v1/cores. The fingerprint on every page is the first 16 hex digits of SHA-256 of that signature.`,
    `2. Add --rpc <url> with a node of chain ${r.service.chainId} you trust: every receipt is checked again against contract ${r.service.contract}.`,
    '3. Without Hyperseal: each receipt\'s head signature is the writer\'s Ed25519 signature over Hypercore\'s tree signable; its proof is an OpenZeppelin StandardMerkleTree proof to seal.root; call sealedAt(root) on the contract and compare.',
    `4. Replicate the public receipts log ${r.service.receiptsLog} and compare its batches and incidents with this report.`
  ]) para(doc, line)

  // Footers last, once the page count is known; the bottom margin is lifted so the footer does not open a page.
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const bottom = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8).fillColor('#444')
      .text(`Hyperseal audit report - signature fingerprint ${fingerprint} - page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false })
    doc.page.margins.bottom = bottom
  }
  doc.end()
  await done
  return Buffer.concat(chunks)
}
