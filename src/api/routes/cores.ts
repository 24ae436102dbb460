import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './context'
import { shownCore } from '../role-views'
import { coreView, errorResponses, emptyQuery, keyParams, receipt, serviceInfo, watchBody } from '../schemas'

/** The watched cores: list, watch (admin), unwatch (admin), and a core's receipts. */
export function coreRoutes (app: FastifyInstance, { service, admin, role }: RouteContext): void {
  app.get('/v1/cores', {
    schema: {
      querystring: emptyQuery,
      response: {
        200: { type: 'object', required: ['cores', 'service'], properties: { cores: { type: 'array', items: coreView }, service: serviceInfo } },
        ...errorResponses
      }
    }
  }, async (request) => {
    // Peer addresses only for auditors and admins (role-views.ts).
    const shown = role(request)
    return { cores: (await service.listCores()).map((c) => shownCore(shown, c)), service: service.info() }
  })

  app.post<{ Body: { key: string, peers?: string[] } }>('/v1/cores', {
    onRequest: admin,
    schema: {
      querystring: emptyQuery,
      body: watchBody,
      response: {
        200: { type: 'object', required: ['core'], properties: { core: coreView } },
        201: { type: 'object', required: ['core'], properties: { core: coreView } },
        ...errorResponses
      }
    }
  }, async (request, reply) => {
    const { created, core } = await service.watchCore(request.body.key, request.body.peers ?? [])
    return reply.code(created ? 201 : 200).send({ core })
  })

  app.delete<{ Params: { key: string } }>('/v1/cores/:key', {
    onRequest: admin,
    schema: { params: keyParams, querystring: emptyQuery, response: { 204: { type: 'null' }, ...errorResponses } }
  }, async (request, reply) => {
    await service.unwatchCore(request.params.key)
    return reply.code(204).send()
  })

  app.get<{ Params: { key: string } }>('/v1/cores/:key/receipts', {
    schema: {
      params: keyParams,
      querystring: emptyQuery,
      response: { 200: { type: 'object', required: ['receipts'], properties: { receipts: { type: 'array', items: receipt } } }, ...errorResponses }
    }
  }, async (request) => ({ receipts: (await service.coreReceipts(request.params.key)).map((e) => e.receipt) }))
}
