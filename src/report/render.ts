import type { Readable } from 'node:stream'
import { renderHtml } from './render-html'
import { renderSignedJson } from './render-json'
import { renderPdf } from './render-pdf'
import { EMBED_RECEIPTS_MAX } from './render-pdf'
import type { ReceiptsFileRef } from './receipts-store'
import type { SignedReport } from './types'

export type ReportFormat = 'json' | 'html' | 'pdf' | 'receipts'
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'pdf', 'receipts']

const TYPES: Record<ReportFormat, string> = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8', pdf: 'application/pdf', receipts: 'application/x-ndjson' }
export const EXTENSIONS: Record<ReportFormat, string> = { json: 'json', html: 'html', pdf: 'pdf', receipts: 'receipts.jsonl' }

/**
 * One signed report in one format, with its media type: never a new report. JSON is the signed
 * document itself, `receipts` its bound receipts file (a stream when it is a stored file), HTML
 * and PDF render the document (the PDF reads the file back only when it attaches it).
 */
export async function renderReport (signed: SignedReport, receiptsFile: Buffer, format: ReportFormat): Promise<{ contentType: string, body: Buffer }>
export async function renderReport (signed: SignedReport, receiptsFile: Buffer | ReceiptsFileRef, format: ReportFormat): Promise<{ contentType: string, body: Buffer | Readable }>
export async function renderReport (signed: SignedReport, receiptsFile: Buffer | ReceiptsFileRef, format: ReportFormat): Promise<{ contentType: string, body: Buffer | Readable }> {
  const file = Buffer.isBuffer(receiptsFile) ? null : receiptsFile
  let body: Buffer | Readable
  if (format === 'json') body = renderSignedJson(signed)
  else if (format === 'receipts') body = file === null ? receiptsFile as Buffer : file.stream()
  else if (format === 'html') body = Buffer.from(renderHtml(signed))
  else body = await renderPdf(signed, file === null ? receiptsFile as Buffer : file.bytes <= EMBED_RECEIPTS_MAX ? await file.read() : undefined)
  return { contentType: TYPES[format], body }
}
