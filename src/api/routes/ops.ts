import type { FastifyInstance } from 'fastify'
import { API_RULES } from '../error-rules'
import { RETRY_AFTER_SECONDS } from '../errors'
import { errorResponses, emptyQuery, notReady, readiness as readinessSchema } from '../schemas'
import type { RouteContext } from './context'

const passStatus = {
  type: 'object',
  required: ['passes'],
  properties: {
    passes: {
      type: 'object',
      required: ['last', 'failedInARow'],
      properties: {
        last: {
          type: ['object', 'null'],
          required: ['at', 'outcome'],
          properties: { at: { type: 'string' }, outcome: { type: 'string', enum: ['sealed', 'unchanged', 'failed'] }, code: { type: 'string' } }
        },
        failedInARow: { type: 'integer' }
      }
    }
  }
} as const

/** Liveness, readiness and Prometheus metrics: no auth (no secrets in them), for probes and scrapers. */
export function opsRoutes (app: FastifyInstance, { service, metrics, readiness }: RouteContext): void {
  app.get('/health', {
    schema: {
      querystring: emptyQuery,
      response: { 200: { type: 'object', required: ['status', 'uptimeSeconds'], properties: { status: { type: 'string' }, uptimeSeconds: { type: 'integer' } } }, ...errorResponses }
    }
  }, async () => service.health())

  app.get('/ready', {
    schema: { querystring: emptyQuery, response: { ...errorResponses, 200: readinessSchema, 503: notReady } }
  }, async (_request, reply) => {
    // The latest background check (readiness.ts): a probe never waits on the chain.
    const { ready, checks } = await readiness.current()
    if (ready) return { ready, checks }
    const failed = Object.entries(checks).filter(([, c]) => !c.ok).map(([name, c]) => (c.detail ? `${name} (${c.detail})` : name))
    const rule = API_RULES.NOT_READY
    return reply.code(rule.status).header('retry-after', String(RETRY_AFTER_SECONDS)).send({
      ready,
      checks,
      error: { code: rule.code, message: `The service is not ready: ${failed.join(', ')}.` }
    })
  })

  // The seal passes at a glance (`hyperseal status`): no auth, like /ready (a time, a word, a code).
  app.get('/v1/status', {
    schema: { querystring: emptyQuery, response: { 200: passStatus, ...errorResponses } }
  }, async () => ({ passes: service.passStatus() }))

  app.get('/metrics', {
    schema: { querystring: emptyQuery, response: { 200: { type: 'string' }, ...errorResponses } }
  }, async (_request, reply) => {
    const text = await metrics.metrics()
    return reply.type(metrics.contentType).send(text)
  })
}
