import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors'
import { batchesQuery, incidentsQuery, leavesPage, batchesPage, incidentsPage, pageQuery, seqParams } from '../list-schemas'
import { parseLength, parsePage, parseRange } from '../query'
import { errorResponses, emptyQuery, receipt, receiptParams } from '../schemas'
import type { RouteContext } from './context'
import { shownIncident } from '../role-views'

interface ListQuery { limit?: string, cursor?: string, from?: string, to?: string, key?: string }

/** Read-only views of the public receipts log: batches, a batch's leaves, incidents, one receipt. */
export function ledgerRoutes (app: FastifyInstance, { service, expensive, role }: RouteContext): void {
  app.get<{ Querystring: ListQuery }>('/v1/batches', {
    schema: { querystring: batchesQuery, response: { 200: batchesPage, ...errorResponses } }
  }, async (request) => {
    const { items, next } = await service.pageBatches(parseRange(request.query), parsePage(request.query))
    return { batches: items, next }
  })

  app.get<{ Params: { seq: string }, Querystring: ListQuery }>('/v1/batches/:seq/leaves', {
    schema: { params: seqParams, querystring: pageQuery, response: { 200: leavesPage, ...errorResponses } }
  }, async (request) => await expensive.run(async () => {
    const { items, next } = await service.pageBatchLeaves(parseLength(request.params.seq), parsePage(request.query))
    return { leaves: items, next }
  }))

  app.get<{ Querystring: ListQuery }>('/v1/incidents', {
    schema: { querystring: incidentsQuery, response: { 200: incidentsPage, ...errorResponses } }
  }, async (request) => {
    const range = parseRange(request.query)
    const key = request.query.key
    const shown = role(request)
    const { items, next } = await service.pageIncidents(key === undefined ? range : { ...range, key }, parsePage(request.query))
    return { incidents: items.map((i) => shownIncident(shown, i)), next }
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
