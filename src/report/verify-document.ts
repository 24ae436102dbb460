/**
 * `report verify`'s checks on a file, JSON or PDF: the signature by a pinned key, the receipts
 * file bound by its hash, and for a PDF that it is exactly the rendering of the signed JSON it
 * carries (re-rendered and compared byte for byte: a printout cannot say something the signed
 * report does not). A value, never an exception.
 */
import { extractAttachments } from './pdf-attachments'
import { checkReceiptsFile } from './receipts-file'
import { renderPdf } from './render-pdf'
import { checkSignedReport, type SignatureCheckCode } from './sign'
import type { AuditReport, SignedReport } from './types'

export type DocumentCheckCode = SignatureCheckCode | 'RECEIPTS_MISMATCH' | 'PDF_ALTERED'
export type DocumentCheck =
  | { ok: true, kind: 'json' | 'pdf', signed: SignedReport, report: AuditReport, receiptsFile: Buffer | null, receiptsFrom: 'pdf' | 'given' | null }
  | { ok: false, code: DocumentCheckCode, reason: string }

export async function checkReportDocument (bytes: Buffer, trustedKeys: readonly string[], receiptsGiven?: Buffer): Promise<DocumentCheck> {
  const isPdf = bytes.subarray(0, 5).toString('latin1') === '%PDF-'
  let json: Buffer = bytes
  let embedded: Buffer | undefined
  if (isPdf) {
    const att = extractAttachments(bytes)
    if (!att.ok) return { ok: false, code: 'PDF_ALTERED', reason: att.reason }
    const file = att.files.get('report.json')
    if (file === undefined) return { ok: false, code: 'BAD_DOCUMENT', reason: 'The PDF carries no signed report (no report.json attachment).' }
    json = file
    embedded = att.files.get('receipts.jsonl')
  }
  let doc: unknown
  try {
    doc = JSON.parse(json.toString('utf8'))
  } catch (err) {
    return { ok: false, code: 'BAD_DOCUMENT', reason: `The ${isPdf ? 'attached report.json' : 'file'} is not JSON (${(err as Error).message}).` }
  }
  const sig = checkSignedReport(doc, trustedKeys)
  if (!sig.ok) return sig
  const signed = doc as SignedReport
  const receiptsFile = embedded ?? receiptsGiven ?? null
  if (receiptsFile !== null) {
    const bound = checkReceiptsFile(sig.report.receipts, receiptsFile)
    if (!bound.ok) return { ok: false, code: 'RECEIPTS_MISMATCH', reason: bound.reason }
  }
  if (isPdf) {
    let again: Buffer
    try {
      again = await renderPdf(signed, embedded)
    } catch (err) {
      return { ok: false, code: 'PDF_ALTERED', reason: `The signed report inside the PDF cannot be rendered again (${(err as Error).message}).` }
    }
    if (!again.equals(bytes)) {
      return { ok: false, code: 'PDF_ALTERED', reason: 'The PDF is not the rendering of the signed report it carries: its pages or attachments were changed after rendering (or it was rendered by another Hyperseal version; check its report.json instead).' }
    }
  }
  return { ok: true, kind: isPdf ? 'pdf' : 'json', signed, report: sig.report, receiptsFile, receiptsFrom: embedded !== undefined ? 'pdf' : receiptsGiven !== undefined ? 'given' : null }
}
