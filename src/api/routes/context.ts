import type { FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'
import type { Role } from '../auth'
import type { Capacity } from '../capacity'
import type { ReadinessCache } from '../readiness'
import type { ServicePort } from '../service-port'

/** What every group of routes gets: the service, the role guards and reader, the metrics registry, the shared caps. */
export interface RouteContext {
  service: ServicePort
  admin: (request: FastifyRequest) => Promise<void>
  /** The auditor or the admin token. */
  auditor: (request: FastifyRequest) => Promise<void>
  /** The caller's role on a route open to everyone (403 for a token valid for no role). */
  role: (request: FastifyRequest) => Role
  metrics: Registry
  /** Runs the work of an expensive request under the cap (BUSY past it). */
  expensive: Capacity
  readiness: ReadinessCache
}
