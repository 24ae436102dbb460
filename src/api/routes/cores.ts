import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './context'
import { coresPage, migrationsList, pageQuery, receiptsPage, watchBody, watchMany, watchOne } from '../list-schemas'
import { parsePage } from '../query'
import { shownCore } from '../role-views'
import { errorResponses, emptyQuery, keyParams } from '../schemas'
import type { WatchItem } from '../service-port'

/** Room for BULK_WATCH_MAX cores with a peer and a label each (~160 bytes a core). */
export const WATCH_BODY_LIMIT = 4 * 1024 * 1024

type WatchBody = WatchItem | { cores: WatchItem[] }
type PageParams = { limit?: string, cursor?: string }

/** The watched cores: list, watch one or many (admin), unwatch (admin), a core's receipts, an Autobase's migrations. */
export function coreRoutes (app: FastifyInstance, { service, admin, expensive, role }: RouteContext): void {
  app.get<{ Querystring: PageParams }>('/v1/cores', {
    schema: { querystring: pageQuery, response: { 200: coresPage, ...errorResponses } }
  }, async (request) => {
    // Peer addresses only for auditors and admins (role-views.ts).
    const shown = role(request)
    const { items, next } = await service.pageCores(parsePage(request.query))
    return { cores: items.map((c) => shownCore(shown, c)), next, service: service.info() }
  })

  app.post<{ Body: WatchBody }>('/v1/cores', {
    onRequest: admin,
    bodyLimit: WATCH_BODY_LIMIT,
    schema: {
      querystring: emptyQuery,
      body: watchBody,
      response: { 200: { anyOf: [watchOne, watchMany] }, 201: { anyOf: [watchOne, watchMany] }, ...errorResponses }
    }
  }, async (request, reply) => {
    const body = request.body
    if ('cores' in body) {
      const result = await service.watchCores(body.cores)
      return reply.code(result.created > 0 ? 201 : 200).send(result)
    }
    const { created, core } = await service.watchCore(body.key, body.peers ?? [], body.label)
    return reply.code(created ? 201 : 200).send({ core })
  })

  app.delete<{ Params: { key: string } }>('/v1/cores/:key', {
    onRequest: admin,
    schema: { params: keyParams, querystring: emptyQuery, response: { 204: { type: 'null' }, ...errorResponses } }
  }, async (request, reply) => {
    await service.unwatchCore(request.params.key)
    return reply.code(204).send()
  })

  // Plain v1 receipts, so a page saved to a file is what `hyperseal verify --receipt` reads.
  app.get<{ Params: { key: string }, Querystring: PageParams }>('/v1/cores/:key/receipts', {
    schema: { params: keyParams, querystring: pageQuery, response: { 200: receiptsPage, ...errorResponses } }
  }, async (request) => await expensive.run(async () => {
    const { items, next } = await service.pageReceipts(request.params.key, parsePage(request.query))
    return { receipts: items.map((e) => e.receipt), next }
  }))

  // An Autobase's indexer changes (docs/formats.md "Migration"): few, so one list, unpaged.
  app.get<{ Params: { key: string } }>('/v1/cores/:key/migrations', {
    schema: { params: keyParams, querystring: emptyQuery, response: { 200: migrationsList, ...errorResponses } }
  }, async (request) => ({ migrations: await service.listMigrations(request.params.key) }))
}
