/**
 * The signed report as a PDF (pdfkit, built-in Helvetica/Courier, no font file read): the same
 * sections and words as the HTML (render-sections.ts), the timeline drawn as vectors from the
 * same model, the fingerprint on every page, and the signed JSON attached as `report.json` (with
 * the receipts file as `receipts.jsonl` when it is small enough to travel inside), so
 * `report verify` can check a PDF on its own. Why pdfkit and not Chromium's print: no browser on
 * a server, bytes that are a function of the report (`report verify` re-renders and compares).
 */
import PDFDocument from 'pdfkit'
import { renderSignedJson } from './render-json'
import { sections, type Block } from './render-sections'
import { signatureFingerprint } from './sign'
import { CELL_COLOURS, LEGEND, timelineModel } from './timeline-model'
import type { AuditReport, SignedReport } from './types'

type Doc = PDFKit.PDFDocument
const MARGIN = 50
/** A receipts file up to this size is attached to the PDF; a larger one travels beside it. */
export const EMBED_RECEIPTS_MAX = 32 * 1024 * 1024
const TS = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/
const HEX = /^(0x)?[0-9a-f]{40,}$/

const width = (doc: Doc): number => doc.page.width - 2 * MARGIN

function room (doc: Doc, needed: number): void {
  if (doc.y + needed > doc.page.height - MARGIN - 20) doc.addPage()
}

function heading (doc: Doc, text: string, size = 15): void {
  room(doc, 90)
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).fillColor('#000').text(text, MARGIN, doc.y, { width: width(doc) })
  if (size >= 15) {
    const y = doc.y + 2
    doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.8).stroke('#333')
  }
  doc.moveDown(0.4)
}

function para (doc: Doc, text: string, font = 'Helvetica', size = 11): void {
  doc.font(font).fontSize(size).fillColor('#000')
  room(doc, doc.heightOfString(text, { width: width(doc) }))
  doc.text(text, MARGIN, doc.y, { width: width(doc) })
  doc.moveDown(0.4)
}

/** One cell's font: timestamps on one line (shrunk if needed, never wrapped), hex in Courier. */
function cellFont (doc: Doc, text: string, w: number): { font: string, size: number, lineBreak: boolean } {
  if (TS.test(text)) {
    let size = 9.5
    while (size > 6 && doc.font('Helvetica').fontSize(size).widthOfString(text) > w) size -= 0.5
    return { font: 'Helvetica', size, lineBreak: false }
  }
  return HEX.test(text) ? { font: 'Courier', size: 8.5, lineBreak: true } : { font: 'Helvetica', size: 9.5, lineBreak: true }
}

/** A table with a ruled header; long cells wrap (hex breaks anywhere); rows never split across pages. */
function table (doc: Doc, head: string[], widths: number[], rows: string[][]): void {
  const total = widths.reduce((a, b) => a + b, 0)
  const cols = widths.map((w) => (w * width(doc)) / total)
  const height = (cells: string[], bold: boolean): number => Math.max(...cells.map((c, i) => {
    const f = bold ? { font: 'Helvetica-Bold', size: 9.5, lineBreak: true } : cellFont(doc, c, cols[i] - 6)
    doc.font(f.font).fontSize(f.size)
    return f.lineBreak ? doc.heightOfString(c, { width: cols[i] - 6 }) : f.size * 1.2
  })) + 6
  const draw = (cells: string[], bold: boolean): void => {
    const h = height(cells, bold)
    if (doc.y + h > doc.page.height - MARGIN - 20) {
      doc.addPage()
      if (!bold) draw(head, true)
    }
    const y = doc.y
    if (bold) doc.rect(MARGIN, y, width(doc), h).fill('#eeeeee')
    let x = MARGIN
    cells.forEach((c, i) => {
      const f = bold ? { font: 'Helvetica-Bold', size: 9.5, lineBreak: true } : cellFont(doc, c, cols[i] - 6)
      doc.font(f.font).fontSize(f.size).fillColor('#000').text(c, x + 3, y + 3, { width: cols[i] - 6, lineBreak: f.lineBreak })
      x += cols[i]
    })
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width(doc), y + h).lineWidth(bold ? 0.8 : 0.3).stroke(bold ? '#000' : '#999')
    doc.x = MARGIN
    doc.y = y + h
  }
  draw(head, true)
  for (const r of rows) draw(r, false)
  doc.moveDown(0.6)
}

/** The timeline as vectors: the same model and colours as the HTML's SVG. */
function timeline (doc: Doc, r: AuditReport): void {
  const m = timelineModel(r)
  const label = 105
  const rowH = 13
  const cw = (width(doc) - label) / m.bins
  room(doc, 30 + Math.min(m.rows.length, 10) * rowH)
  doc.font('Helvetica').fontSize(7.5).fillColor('#000')
  const tickY = doc.y
  for (const t of m.ticks) doc.text(t.label, MARGIN + label + t.bin * cw, tickY, { lineBreak: false })
  doc.y = tickY + 12
  for (const row of m.rows) {
    room(doc, rowH)
    const y = doc.y
    doc.font('Helvetica').fontSize(8).fillColor('#000').text(row.label, MARGIN, y + 2, { width: label - 4, lineBreak: false })
    row.cells.forEach((k, i) => doc.rect(MARGIN + label + i * cw, y, Math.max(0.4, cw - 0.8), rowH - 3).fill(CELL_COLOURS[k]))
    if (row.counts !== undefined) {
      // A count is written only where it fits its cell.
      row.counts.forEach((n, i) => { if (n > 0 && doc.font('Helvetica').fontSize(6).widthOfString(String(n)) + 2 <= cw) doc.fillColor('#fff').text(String(n), MARGIN + label + i * cw, y + 2.5, { width: cw, align: 'center', lineBreak: false }) })
    }
    for (const n of row.incidents) {
      const cx = MARGIN + label + (n.bin + 0.5) * cw
      doc.polygon([cx, y - 1], [cx + 4.5, y + (rowH - 3) / 2], [cx, y + rowH - 2], [cx - 4.5, y + (rowH - 3) / 2]).fill('#dd0000')
    }
    doc.x = MARGIN
    doc.y = y + rowH
  }
  doc.moveDown(0.5)
  let x = MARGIN
  let y = doc.y
  doc.font('Helvetica').fontSize(8)
  for (const l of [...LEGEND.map((e) => ({ colour: CELL_COLOURS[e.kind], text: e.text })), { colour: '#dd0000', text: 'incident' }]) {
    const w = doc.widthOfString(l.text) + 18
    if (x + w > MARGIN + width(doc)) { x = MARGIN; y += 13 }
    doc.rect(x, y, 9, 9).fill(l.colour).fillColor('#000').text(l.text, x + 12, y + 1, { lineBreak: false })
    x += w
  }
  doc.x = MARGIN
  doc.y = y + 16
  para(doc, `One cell per ${m.cell}.${m.note === null ? '' : ' ' + m.note}`, 'Helvetica', 9.5)
}

function block (doc: Doc, b: Block, r: AuditReport): void {
  if (b.kind === 'para') para(doc, b.text)
  else if (b.kind === 'heading') heading(doc, b.text, 12)
  else if (b.kind === 'table') table(doc, b.head, b.widths, b.rows)
  else if (b.kind === 'pre') para(doc, b.text, 'Courier', 8.5)
  else timeline(doc, r)
}

export async function renderPdf (signed: SignedReport, receiptsFile?: Buffer): Promise<Buffer> {
  const r = signed.report
  const fingerprint = signatureFingerprint(signed)
  const date = new Date(r.generatedAt)
  // A fixed creation date (and so a fixed file id) keeps the bytes a function of the report.
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: 'Hyperseal audit report', CreationDate: date, Producer: 'hyperseal', Creator: 'hyperseal' } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => { doc.on('end', resolve); doc.on('error', reject) })

  doc.file(renderSignedJson(signed), { name: 'report.json', type: 'application/json', description: 'The signed audit report this PDF renders', creationDate: date, modifiedDate: date })
  const embed = receiptsFile !== undefined && r.receipts.bytes <= EMBED_RECEIPTS_MAX
  if (embed) doc.file(receiptsFile, { name: 'receipts.jsonl', type: 'application/x-ndjson', description: 'The receipts file bound to the report by its SHA-256', creationDate: date, modifiedDate: date })

  doc.font('Helvetica-Bold').fontSize(24).text('Hyperseal audit report', MARGIN, MARGIN)
  doc.font('Helvetica').fontSize(11).text(`Period ${r.period.from} to ${r.period.to} (end excluded). Generated ${r.generatedAt}.`, { width: width(doc) })
  doc.text(`Signature fingerprint ${fingerprint}. The signed JSON of this report is attached to this PDF (report.json).`, { width: width(doc) })
  doc.moveDown(0.8)
  const top = doc.y
  doc.font('Helvetica').fontSize(12.5)
  const lines = r.headline.map((l, i) => `${i + 1}. ${l}`)
  const boxH = lines.reduce((h, l) => h + doc.heightOfString(l, { width: width(doc) - 24 }) + 6, 14)
  doc.rect(MARGIN, top, width(doc), boxH).lineWidth(1.5).stroke('#000')
  doc.y = top + 10
  lines.forEach((l, i) => {
    doc.font(i === 0 && /NOT intact/.test(l) ? 'Helvetica-Bold' : 'Helvetica').fontSize(12.5).fillColor(i === 0 && /NOT intact/.test(l) ? '#aa0000' : '#000')
      .text(l, MARGIN + 12, doc.y, { width: width(doc) - 24 })
    doc.moveDown(0.3)
  })
  doc.y = top + boxH + 6
  doc.fillColor('#000')

  for (const s of sections(r)) {
    if (s.id === 'appendix') doc.addPage()
    heading(doc, s.title)
    for (const b of s.blocks) block(doc, b, r)
    if (s.id === 'receipts') para(doc, embed ? 'The receipts file is attached to this PDF (receipts.jsonl).' : 'The receipts file is delivered beside this PDF (too large to attach, or not given when it was rendered).', 'Helvetica', 9.5)
  }

  // Footers last, once the page count is known; the bottom margin is lifted so the footer does not open a page.
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const bottom = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8.5).fillColor('#444')
      .text(`Hyperseal audit report - signature fingerprint ${fingerprint} - page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width: width(doc), align: 'center', lineBreak: false })
    doc.page.margins.bottom = bottom
  }
  doc.end()
  await done
  return Buffer.concat(chunks)
}
