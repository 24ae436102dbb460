import type { FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'
import type { ServicePort } from '../service-port'

/** What every group of routes gets: the service, the admin guard, the metrics registry. */
export interface RouteContext {
  service: ServicePort
  admin: (request: FastifyRequest) => Promise<void>
  metrics: Registry
}
