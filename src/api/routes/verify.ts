import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Verdict } from '../../verify'
import { ApiError } from '../errors'
import { parseLength } from '../query'
import { emptyQuery, errorResponses, verdict, verifyParams } from '../schemas'
import type { RouteContext } from './context'
import { holds, type Role } from '../auth'
import { shownVerdict } from '../role-views'

/**
 * `GET /v1/verify/:key/:version`: the verdict for blocks 0..version-1 of a watched core, on the
 * service's replica (updated from its peers first, with a short bound). Every status is a 200;
 * 400 for a malformed key or version, 404 for a core this service does not watch, 503 BUSY past
 * the cap on expensive requests. A verdict the service kept (its inputs unchanged, nothing the
 * chain can still change: `ServicePort.cachedVerify`) is answered at once, outside the cap.
 */
export function verifyRoutes (app: FastifyInstance, { service, expensive, role }: RouteContext): void {
  // A kept verdict is the same object on every hit: its JSON is written once per view (the
  // public one withholds incident evidence: role-views.ts), through the route's own response
  // schema, and sent as it is after that.
  const written = { full: new WeakMap<Verdict, string>(), public: new WeakMap<Verdict, string>() }
  const sendKept = async (reply: FastifyReply, kept: Verdict, caller: Role): Promise<FastifyReply> => {
    const views = holds(caller, 'auditor') ? written.full : written.public
    let body = views.get(kept)
    if (body === undefined) {
      body = String(reply.serialize(shownVerdict(caller, kept)))
      views.set(kept, body)
    }
    return await reply.type('application/json; charset=utf-8').send(body)
  }

  app.get<{ Params: { key: string, version: string } }>('/v1/verify/:key/:version', {
    schema: {
      summary: 'The verdict for version `version` of a watched core, Hyperbee or Hyperdrive',
      description: 'A core\'s version is its length: blocks 0..version-1. A Hyperbee\'s version is its core\'s length (block 0 is its header, each put or del one block), so version v of a bee is version v of its core. A Hyperdrive\'s version is its db\'s; the verdict (`kind`, `parts`) proves the db at that version and the blobs core at the length that version references, `verified` only when both are.',
      params: verifyParams,
      querystring: emptyQuery,
      response: { 200: verdict, ...errorResponses }
    }
  }, async (request, reply) => {
    const version = parseLength(request.params.version)
    if (version === 0) throw new ApiError('BAD_REQUEST', 'version must be at least 1: version v means blocks 0..v-1.')
    const caller = role(request)
    const kept = service.cachedVerify(request.params.key, version)
    if (kept !== null) return await sendKept(reply, kept, caller)
    return shownVerdict(caller, await expensive.run(() => service.verify(request.params.key, version)))
  })
}
