import { renderHtml } from './render-html'
import { renderPdf } from './render-pdf'
import type { SignedReport } from './types'

export type ReportFormat = 'json' | 'html' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'pdf']

const TYPES: Record<ReportFormat, string> = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8', pdf: 'application/pdf' }

/** The document in one format, with its media type. JSON is the signed document itself. */
export async function renderReport (signed: SignedReport, format: ReportFormat): Promise<{ contentType: string, body: Buffer }> {
  const body = format === 'json' ? Buffer.from(JSON.stringify(signed, null, 2) + '\n') : format === 'html' ? Buffer.from(renderHtml(signed)) : await renderPdf(signed)
  return { contentType: TYPES[format], body }
}
