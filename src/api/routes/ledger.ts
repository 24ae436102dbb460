import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors'
import { parseLength, parseRange } from '../query'
import { batchRecord, errorResponses, incident, incidentQuery, emptyQuery, receipt, receiptParams, timeQuery } from '../schemas'
import type { RouteContext } from './context'
import { shownIncident } from '../role-views'

/** Read-only views of the public receipts log: batches, incidents, one receipt. */
export function ledgerRoutes (app: FastifyInstance, { service, role }: RouteContext): void {
  app.get<{ Querystring: { from?: string, to?: string } }>('/v1/batches', {
    schema: {
      querystring: timeQuery,
      response: { 200: { type: 'object', required: ['batches'], properties: { batches: { type: 'array', items: batchRecord } } }, ...errorResponses }
    }
  }, async (request) => ({ batches: await service.listBatches(parseRange(request.query)) }))

  app.get<{ Querystring: { from?: string, to?: string, key?: string } }>('/v1/incidents', {
    schema: {
      querystring: incidentQuery,
      response: { 200: { type: 'object', required: ['incidents'], properties: { incidents: { type: 'array', items: incident } } }, ...errorResponses }
    }
  }, async (request) => {
    const range = parseRange(request.query)
    const key = request.query.key
    const shown = role(request)
    return { incidents: (await service.listIncidents(key === undefined ? range : { ...range, key })).map((i) => shownIncident(shown, i)) }
  })

  app.get<{ Params: { key: string, length: string } }>('/v1/receipts/:key/:length', {
    schema: { params: receiptParams, querystring: emptyQuery, response: { 200: receipt, ...errorResponses } }
  }, async (request) => {
    const length = parseLength(request.params.length)
    const entry = await service.receiptAt(request.params.key, length)
    if (entry === null) throw new ApiError('NOT_FOUND', `No head of this core was sealed at length ${length}.`)
    return entry.receipt
  })
}
