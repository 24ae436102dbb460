import type { FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'
import type { Capacity } from '../capacity'
import type { ReadinessCache } from '../readiness'
import type { ServicePort } from '../service-port'

/** What every group of routes gets: the service, the admin guard, the metrics registry, the shared caps. */
export interface RouteContext {
  service: ServicePort
  admin: (request: FastifyRequest) => Promise<void>
  metrics: Registry
  /** Runs the work of an expensive request under the cap (BUSY past it). */
  expensive: Capacity
  readiness: ReadinessCache
}
