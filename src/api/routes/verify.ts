import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Verdict } from '../../verify'
import { ApiError } from '../errors'
import { parseLength } from '../query'
import { emptyQuery, errorResponses, verdict, verifyParams } from '../schemas'
import type { RouteContext } from './context'

/**
 * `GET /v1/verify/:key/:version`: the verdict for blocks 0..version-1 of a watched core, on the
 * service's replica (updated from its peers first, with a short bound). Every status is a 200;
 * 400 for a malformed key or version, 404 for a core this service does not watch, 503 BUSY past
 * the cap on expensive requests. A verdict the service kept (its inputs unchanged, nothing the
 * chain can still change: `ServicePort.cachedVerify`) is answered at once, outside the cap.
 */
export function verifyRoutes (app: FastifyInstance, { service, expensive }: RouteContext): void {
  // A kept verdict is the same object on every hit: its JSON is written once, through the
  // route's own response schema, and sent as it is after that.
  const written = new WeakMap<Verdict, string>()
  const sendKept = async (reply: FastifyReply, kept: Verdict): Promise<FastifyReply> => {
    let body = written.get(kept)
    if (body === undefined) {
      body = String(reply.serialize(kept))
      written.set(kept, body)
    }
    return await reply.type('application/json; charset=utf-8').send(body)
  }

  app.get<{ Params: { key: string, version: string } }>('/v1/verify/:key/:version', {
    schema: { params: verifyParams, querystring: emptyQuery, response: { 200: verdict, ...errorResponses } }
  }, async (request, reply) => {
    const version = parseLength(request.params.version)
    if (version === 0) throw new ApiError('BAD_REQUEST', 'version must be at least 1: version v means blocks 0..v-1.')
    const kept = service.cachedVerify(request.params.key, version)
    if (kept !== null) return await sendKept(reply, kept)
    return await expensive.run(() => service.verify(request.params.key, version))
  })
}
