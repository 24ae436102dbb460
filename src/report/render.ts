import { renderHtml } from './render-html'
import { renderSignedJson } from './render-json'
import { renderPdf } from './render-pdf'
import type { SignedReport } from './types'

export type ReportFormat = 'json' | 'html' | 'pdf' | 'receipts'
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'pdf', 'receipts']

const TYPES: Record<ReportFormat, string> = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8', pdf: 'application/pdf', receipts: 'application/x-ndjson' }
export const EXTENSIONS: Record<ReportFormat, string> = { json: 'json', html: 'html', pdf: 'pdf', receipts: 'receipts.jsonl' }

/**
 * One signed report in one format, with its media type: never a new report. JSON is the signed
 * document itself, `receipts` its bound receipts file, HTML and PDF render the document.
 */
export async function renderReport (signed: SignedReport, receiptsFile: Buffer, format: ReportFormat): Promise<{ contentType: string, body: Buffer }> {
  const body = format === 'json' ? renderSignedJson(signed) : format === 'receipts' ? receiptsFile : format === 'html' ? Buffer.from(renderHtml(signed)) : await renderPdf(signed, receiptsFile)
  return { contentType: TYPES[format], body }
}
