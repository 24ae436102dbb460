import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger as PinoLogger } from 'pino'
import type { Registry } from 'prom-client'
import { ConfigError, DEFAULTS, type Config } from '../config'
import { errInfo } from '../util'
import rateLimit from '@fastify/rate-limit'
import { carriesAdminToken, refuseTokenInQuery, requireRole, roleOf } from './auth'
import { Capacity } from './capacity'
import { registerDocs } from './docs'
import { ApiError, toErrorAnswer } from './errors'
import { instrumentHttp } from './http-metrics'
import { apiLogger } from './logging'
import { ReadinessCache, type ReadinessOptions } from './readiness'
import { coreRoutes } from './routes/cores'
import { ledgerRoutes } from './routes/ledger'
import { opsRoutes } from './routes/ops'
import { pageRoutes } from './routes/pages'
import { reportRoutes } from './routes/reports'
import { sealRoutes } from './routes/seal'
import { trustRoutes } from './routes/trust'
import { verifyRoutes } from './routes/verify'
import { webReadRoutes } from './routes/web-reads'
import { alertRoutes } from './routes/alerts'

import { proofRoutes } from './routes/proofs'
import type { ServicePort } from './service-port'

export interface ApiDeps {
  service: ServicePort
  /** The bearer token of the admin routes (at least 16 characters). */
  adminToken: string
  /** The auditor's token (reports, incident evidence, peer addresses); unset: only the admin reads those. */
  auditorToken?: string
  /** The built web pages (`npm run build`: dist/site); false: no pages. */
  site?: string | false
  /** A pino logger (wrapped with the API's redaction), or false / unset for none. */
  logger?: PinoLogger | false
  /** The Prometheus registry served at /metrics; the API adds its HTTP metrics to it. */
  metrics: Registry
  /** Largest accepted request body in bytes (default 64 KiB: the largest real body is a watch). */
  bodyLimit?: number
  /**
   * Requests per address per window on the public routes (default: DEFAULTS.rateLimit a
   * minute); requests with the admin token are not limited. `false` turns the limit off.
   */
  rateLimit?: { max: number, timeWindowMs: number } | false
  /** Expensive requests served at once, past which the API answers 503 BUSY (default DEFAULTS.expensiveRequests). */
  expensiveRequests?: number
  /** How `/ready` refreshes its answer in the background (readiness.ts). */
  readiness?: ReadinessOptions
}

/** The API's limits as the configuration sets them (`HYPERSEAL_RATE_LIMIT`, `HYPERSEAL_EXPENSIVE_REQUESTS`). */
export function apiLimits (config: Pick<Config, 'rateLimit' | 'expensiveRequests'>): Pick<ApiDeps, 'rateLimit' | 'expensiveRequests'> {
  return {
    rateLimit: config.rateLimit === 0 ? false : { max: config.rateLimit, timeWindowMs: 60_000 },
    expensiveRequests: config.expensiveRequests
  }
}

/** The HTTP API, built but not listening: tests drive it with `inject()`, `start` calls `listen()`. */
export function buildApp (deps: ApiDeps): FastifyInstance {
  if (typeof deps.adminToken !== 'string' || deps.adminToken.length < 16) {
    throw new ConfigError('INVALID_VALUE', 'The admin token must be at least 16 characters (value not shown).')
  }
  if (deps.auditorToken !== undefined && (deps.auditorToken.length < 16 || deps.auditorToken === deps.adminToken)) {
    throw new ConfigError('INVALID_VALUE', 'The auditor token must be at least 16 characters and differ from the admin token (values not shown).')
  }
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: apiLogger(deps.logger) } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
    // Long enough for a 64-character key; anything longer cannot be a key and gets 404.
    routerOptions: { maxParamLength: 200 },
    // A client gets 30 s to send its request (slow-loris); answering may take longer (a seal pass).
    requestTimeout: 30_000,
    // Requests during close are still answered by our handlers (CLOSED → 503 in one shape).
    return503OnClosing: false,
    // One access line per request (below) instead of Fastify's two: half the logging cost on a hot verify route.
    disableRequestLogging: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } }
  }) as unknown as FastifyInstance
  // Only JSON bodies: a text/plain body is 415, not a string that fails the schema.
  app.removeContentTypeParser('text/plain')

  app.setErrorHandler((err, request, reply) => {
    const answer = toErrorAnswer(err)
    request.log[answer.level]({ err: errInfo(err), answer: answer.body.error.code, status: answer.status }, 'request failed')
    return reply.code(answer.status).headers(answer.headers).send(answer.body)
  })
  app.setNotFoundHandler((request, reply) => {
    // The path only: the query string is never echoed (nor logged).
    const path = request.url.split('?')[0].slice(0, 200)
    const answer = toErrorAnswer(new ApiError('NOT_FOUND', `There is no route ${request.method} ${path}.`))
    return reply.code(answer.status).send(answer.body)
  })
  app.addHook('onRequest', refuseTokenInQuery)
  if (deps.logger) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
    })
  }
  instrumentHttp(app, deps.metrics)

  if (deps.rateLimit !== false) {
    const limit = deps.rateLimit ?? { max: DEFAULTS.rateLimit, timeWindowMs: 60_000 }
    void app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      allowList: carriesAdminToken(deps.adminToken),
      errorResponseBuilder: (_request, context) =>
        new ApiError('RATE_LIMITED', `Too many requests from this address: at most ${context.max} per ${context.after}; try again in ${context.after}.`)
    })
  }
  const tokens = { admin: deps.adminToken, ...(deps.auditorToken !== undefined ? { auditor: deps.auditorToken } : {}) }
  const readiness = new ReadinessCache(() => deps.service.ready(), deps.readiness)
  app.addHook('onClose', async () => readiness.close())
  const ctx = {
    service: deps.service,
    admin: requireRole(tokens, 'admin'),
    auditor: requireRole(tokens, 'auditor'),
    role: roleOf(tokens),
    metrics: deps.metrics,
    expensive: new Capacity(deps.expensiveRequests ?? DEFAULTS.expensiveRequests),
    readiness
  }
  // Before the routes, so that every route's schema is collected.
  registerDocs(app, { guards: [ctx.admin, ctx.auditor] })
  // As a plugin, so the routes are added after the docs plugin has loaded and sees each one.
  void app.register(async (routes) => {
    coreRoutes(routes, ctx)
    ledgerRoutes(routes, ctx)
    sealRoutes(routes, ctx)
    opsRoutes(routes, ctx)
    verifyRoutes(routes, ctx)
    proofRoutes(routes, ctx)
    reportRoutes(routes, ctx)
    trustRoutes(routes, ctx)
    webReadRoutes(routes, ctx)
    alertRoutes(routes, ctx)
  })
  const site = deps.site
  if (site !== false) void app.register(async (pages) => await pageRoutes(pages, ctx, site))
  return app
}
