import type { FastifyInstance } from 'fastify'
import { toErrorAnswer } from '../errors'
import { errorAnswer, errorResponses, emptyQuery, passResult } from '../schemas'
import type { RouteContext } from './context'

/** Anchor names as the config allows them (src/config/anchors.ts), comma-separated. */
const ANCHOR_NAMES = '^[A-Za-z0-9._:-]{1,64}(,[A-Za-z0-9._:-]{1,64}){0,63}$'

const anchorRunsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { anchors: { type: 'string', pattern: ANCHOR_NAMES, description: 'the anchors to run, comma-separated (default: every later anchor)' } }
} as const

const anchorRuns = {
  type: 'object',
  required: ['runs'],
  properties: {
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ok'],
        properties: { name: { type: 'string' }, ok: { type: 'boolean' }, error: errorAnswer.properties.error }
      }
    }
  }
} as const

/**
 * Runs a seal pass now (admin); 409 PASS_RUNNING while one runs (the cron's or another caller's).
 * Runs the later anchors now (admin): an operator retrying a failed anchor need not wait for its
 * next tick. Each run's outcome is in the answer; a failed run carries the error the API would
 * have answered for it (a 5xx kind's fixed sentence, never RPC details; those are in the log).
 */
export function sealRoutes (app: FastifyInstance, { service, admin }: RouteContext): void {
  app.post('/v1/seal', {
    onRequest: admin,
    schema: { querystring: emptyQuery, response: { 200: passResult, ...errorResponses } }
  }, async () => await service.sealNow())

  app.post<{ Querystring: { anchors?: string } }>('/v1/anchors/run', {
    onRequest: admin,
    schema: { querystring: anchorRunsQuery, response: { 200: anchorRuns, ...errorResponses } }
  }, async (req) => {
    const names = req.query.anchors === undefined ? undefined : [...new Set(req.query.anchors.split(','))]
    const runs = await service.anchorNow(names)
    return { runs: runs.map((r) => r.ok ? { name: r.name, ok: true } : { name: r.name, ok: false, error: toErrorAnswer(r.error).body.error }) }
  })
}
