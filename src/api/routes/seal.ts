import type { FastifyInstance } from 'fastify'
import { errorResponses, emptyQuery, passResult } from '../schemas'
import type { RouteContext } from './context'

/** Runs a seal pass now (admin); 409 PASS_RUNNING while one runs (the cron's or another caller's). */
export function sealRoutes (app: FastifyInstance, { service, admin }: RouteContext): void {
  app.post('/v1/seal', {
    onRequest: admin,
    schema: { querystring: emptyQuery, response: { 200: passResult, ...errorResponses } }
  }, async () => await service.sealNow())
}
