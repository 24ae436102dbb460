import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors'
import { parseLength } from '../query'
import { emptyQuery, errorResponses, verdict, verifyParams } from '../schemas'
import type { RouteContext } from './context'
import { shownVerdict } from '../role-views'

/**
 * `GET /v1/verify/:key/:version`: the verdict for blocks 0..version-1 of a watched core, on the
 * service's replica (updated from its peers first, with a short bound). Every status is a 200;
 * 400 for a malformed key or version, 404 for a core this service does not watch.
 */
export function verifyRoutes (app: FastifyInstance, { service, role }: RouteContext): void {
  app.get<{ Params: { key: string, version: string } }>('/v1/verify/:key/:version', {
    schema: { params: verifyParams, querystring: emptyQuery, response: { 200: verdict, ...errorResponses } }
  }, async (request) => {
    const version = parseLength(request.params.version)
    if (version === 0) throw new ApiError('BAD_REQUEST', 'version must be at least 1: version v means blocks 0..v-1.')
    return shownVerdict(role(request), await service.verify(request.params.key, version))
  })
}
