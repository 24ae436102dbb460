/**
 * GET /docs (Swagger UI) and GET /docs/json (the OpenAPI 3 document), built from the routes'
 * own JSON schemas, so the document cannot drift from what the API validates and answers.
 * Registered before the routes: @fastify/swagger collects them with an `onRoute` hook. Routes
 * guarded by the admin hook are marked with the bearer security scheme.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { VERSION } from '../version'

export const DOCS_PREFIX = '/docs'

export function registerDocs (app: FastifyInstance, opts: { guards: unknown[] }): void {
  const isGuarded = (route: RouteOptions): boolean => {
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]
    return (hooks as unknown[]).some((hook) => opts.guards.includes(hook))
  }
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hyperseal',
        description: 'Seals Hypercore heads on an EVM chain and proves, later, that a replica\'s history matches what was sealed. Admin routes need `Authorization: Bearer <admin token>`; reports need the auditor or the admin token, which also shows peer addresses and incident evidence.',
        version: VERSION
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The admin token (HYPERSEAL_ADMIN_TOKEN, or <data dir>/admin-token), or on reading routes the auditor token (HYPERSEAL_AUDITOR_TOKEN, or <data dir>/auditor-token).' } } }
    },
    transform: ({ schema, url, route }) => ({
      url,
      schema: isGuarded(route) ? { ...schema, security: [{ bearerAuth: [] }] } as typeof schema : schema
    })
  })
  void app.register(swaggerUi, { routePrefix: DOCS_PREFIX })
}
