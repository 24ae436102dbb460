import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { EXTENSIONS, REPORT_FORMATS, renderReport, type BuiltReport, type ReportFormat } from '../../report'
import { ApiError } from '../errors'
import { parseRange } from '../query'
import { errorResponses, reportFormatQuery, reportIdParams, reportQuery } from '../schemas'
import type { RouteContext } from './context'

interface ReportQuery { from?: string, to?: string, key?: string | string[], format?: string }

/**
 * Reports kept after they are built, so every format of one report renders that same report:
 * at most KEPT, and beyond the newest at most KEPT_BYTES of receipts files (oldest dropped first).
 */
const KEPT = 4
const KEPT_BYTES = 256 * 1024 * 1024

/** The keys of `key=a&key=b` and `key=a,b` (and both), empty entries dropped. */
function keysOf (key: string | string[] | undefined): string[] | undefined {
  if (key === undefined) return undefined
  const keys = (Array.isArray(key) ? key : [key]).flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '')
  if (keys.length > 10_000) throw new ApiError('BAD_REQUEST', 'A report covers at most 10000 keys; leave key out to cover every core.')
  return keys.length === 0 ? undefined : keys
}

function formatOf (value: string | undefined): ReportFormat {
  const format = (value ?? 'json') as ReportFormat
  if (!REPORT_FORMATS.includes(format)) throw new ApiError('BAD_REQUEST', `format must be one of ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(String(value).slice(0, 20))}.`)
  return format
}

/** A report's id: the first 32 hex of SHA-256 of its signature. */
const idOf = (built: BuiltReport): string => createHash('sha256').update(built.signed.signature.sig).digest('hex').slice(0, 32)

/**
 * `GET /v1/reports/audit?from&to[&key…][&format=json|html|pdf|receipts]` (auditor or admin): builds
 * the signed audit report of [from, to), re-verified against the chain now, and answers it in one
 * format, with its id in `x-hyperseal-report`. `GET /v1/reports/audit/:id?format=…` renders a
 * report built here before (the last KEPT), never a new one: the HTML, the PDF, the JSON and the
 * receipts file of one id are one report.
 */
export function reportRoutes (app: FastifyInstance, { service, auditor, expensive }: RouteContext): void {
  const kept = new Map<string, BuiltReport>()
  app.addHook('onClose', async () => { for (const b of kept.values()) await b.receiptsFile.release() })
  const send = async (reply: FastifyReply, id: string, built: BuiltReport, format: ReportFormat): Promise<FastifyReply> => {
    const { contentType, body } = await expensive.run(async () => await renderReport(built.signed, built.receiptsFile, format))
    const p = built.signed.report.period
    const stamp = `${p.from.slice(0, 10)}_${p.to.slice(0, 10)}`
    return reply.type(contentType).header('x-hyperseal-report', id)
      .header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="hyperseal-audit-${stamp}.${EXTENSIONS[format]}"`)
      .send(body)
  }

  app.get<{ Querystring: ReportQuery }>('/v1/reports/audit', {
    onRequest: auditor,
    schema: { querystring: reportQuery, response: { ...errorResponses } }
  }, async (request, reply) => {
    const q = request.query
    if (q.from === undefined || q.to === undefined) throw new ApiError('BAD_REQUEST', 'from and to are required: the report covers the period [from, to).')
    const format = formatOf(q.format)
    const { from, to } = parseRange(q)
    const keys = keysOf(q.key)
    // Building and re-verifying are the expensive part: under the cap.
    const built = await expensive.run(async () => await service.auditReport({ from: from!, to: to!, ...(keys ? { keys } : {}) }))
    const id = idOf(built)
    const before = kept.get(id)
    if (before !== undefined && before !== built) await before.receiptsFile.release()
    kept.delete(id)
    kept.set(id, built)
    let bytes = [...kept.values()].reduce((n, b) => n + b.receiptsFile.bytes, 0)
    for (const [old, b] of kept) {
      if (old === id || (kept.size <= KEPT && bytes <= KEPT_BYTES)) break
      kept.delete(old)
      bytes -= b.receiptsFile.bytes
      // Its receipts file is a temporary file (src/report receipts-store.ts): gone with it.
      await b.receiptsFile.release()
    }
    return await send(reply, id, built, format)
  })

  app.get<{ Params: { id: string }, Querystring: { format?: string } }>('/v1/reports/audit/:id', {
    onRequest: auditor,
    schema: { params: reportIdParams, querystring: reportFormatQuery, response: { ...errorResponses } }
  }, async (request, reply) => {
    const built = kept.get(request.params.id)
    if (built === undefined) throw new ApiError('NOT_FOUND', `No report ${request.params.id} is kept here (the last ${KEPT} built are): build it again with GET /v1/reports/audit?from&to.`)
    return await send(reply, request.params.id, built, formatOf(request.query.format))
  })
}
