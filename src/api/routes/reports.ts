import type { FastifyInstance } from 'fastify'
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report'
import { ApiError } from '../errors'
import { parseRange } from '../query'
import { errorResponses, reportQuery } from '../schemas'
import type { RouteContext } from './context'

interface ReportQuery { from?: string, to?: string, key?: string | string[], format?: string }

/** The keys of `key=a&key=b` and `key=a,b` (and both), empty entries dropped. */
function keysOf (key: string | string[] | undefined): string[] | undefined {
  if (key === undefined) return undefined
  const keys = (Array.isArray(key) ? key : [key]).flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '')
  if (keys.length > 10_000) throw new ApiError('BAD_REQUEST', 'A report covers at most 10000 keys; leave key out to cover every core.')
  return keys.length === 0 ? undefined : keys
}

/**
 * `GET /v1/reports/audit?from&to[&key…][&format=json|html|pdf]` (auditor or admin): the signed audit report
 * of the period [from, to), re-verified against the chain now. JSON is the signed document;
 * HTML and PDF render it.
 */
export function reportRoutes (app: FastifyInstance, { service, auditor, expensive }: RouteContext): void {
  app.get<{ Querystring: ReportQuery }>('/v1/reports/audit', {
    onRequest: auditor,
    schema: { querystring: reportQuery, response: { ...errorResponses } }
  }, async (request, reply) => {
    const q = request.query
    if (q.from === undefined || q.to === undefined) throw new ApiError('BAD_REQUEST', 'from and to are required: the report covers the period [from, to).')
    const format = (q.format ?? 'json') as ReportFormat
    if (!REPORT_FORMATS.includes(format)) throw new ApiError('BAD_REQUEST', `format must be one of ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(String(q.format).slice(0, 20))}.`)
    const { from, to } = parseRange(q)
    const keys = keysOf(q.key)
    // Building, re-verifying and rendering are the expensive part: all of it under the cap.
    const { contentType, body } = await expensive.run(async () =>
      await renderReport(await service.auditReport({ from: from!, to: to!, ...(keys ? { keys } : {}) }), format))
    const stamp = `${from!.toISOString().slice(0, 10)}_${to!.toISOString().slice(0, 10)}`
    return reply.type(contentType)
      .header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="hyperseal-audit-${stamp}.${format}"`)
      .send(body)
  })
}
