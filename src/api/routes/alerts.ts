import type { FastifyInstance } from 'fastify'
import { errorResponses, emptyQuery } from '../schemas'
import type { RouteContext } from './context'

const nullableString = { type: ['string', 'null'] } as const

const delivery = {
  type: 'object',
  required: ['id', 'kind', 'createdAt', 'summary', 'receiver', 'state', 'attempts', 'lastStatus', 'lastError', 'at'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    createdAt: { type: 'string' },
    summary: { type: 'string' },
    receiver: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'expired', 'dropped'] },
    attempts: { type: 'integer' },
    lastStatus: { type: ['integer', 'null'] },
    lastError: nullableString,
    at: { type: 'string' }
  }
} as const

const overview = {
  type: 'object',
  required: ['receivers', 'signing', 'publicKey', 'pending', 'maxPending', 'deliveries'],
  properties: {
    receivers: { type: 'array', items: { type: 'string' } },
    signing: { type: ['string', 'null'], enum: ['hmac-sha256', 'ed25519', null] },
    publicKey: nullableString,
    pending: { type: 'integer' },
    maxPending: { type: 'integer' },
    deliveries: { type: 'array', items: delivery }
  }
} as const

const testAnswers = {
  type: 'object',
  required: ['answers'],
  properties: {
    answers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['receiver', 'ok', 'status', 'answer', 'error'],
        properties: { receiver: { type: 'string' }, ok: { type: 'boolean' }, status: { type: ['integer', 'null'] }, answer: { type: 'string' }, error: nullableString }
      }
    }
  }
} as const

/**
 * Alerts (admin): `GET /v1/alerts` the receivers (origins only: a webhook URL's path may hold a
 * token), how alerts are signed, and the recent deliveries with their state; `POST
 * /v1/alerts/test` sends a test alert to every receiver now and returns their answers.
 */
export function alertRoutes (app: FastifyInstance, { service, admin }: RouteContext): void {
  app.get('/v1/alerts', {
    onRequest: admin,
    schema: { querystring: emptyQuery, response: { 200: overview, ...errorResponses } }
  }, async () => service.alertsOverview())

  app.post('/v1/alerts/test', {
    onRequest: admin,
    schema: { querystring: emptyQuery, response: { 200: testAnswers, ...errorResponses } }
  }, async () => ({ answers: await service.testAlerts() }))
}
