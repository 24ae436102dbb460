import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, type Registry } from 'prom-client'

const LABELS = ['method', 'route', 'status'] as const
type Label = typeof LABELS[number]

/** The metric of this name already on the registry (an app built twice on one registry), or a new one. */
function once<T> (registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make()
}

/**
 * Request count and duration by route pattern (`/v1/receipts/:key/:length`, never the raw
 * URL, so the label set stays small) and status. Requests that match no route count as
 * `unmatched`.
 */
export function instrumentHttp (app: FastifyInstance, registry: Registry): void {
  const registers = [registry]
  const requests = once(registry, 'hyperseal_http_requests_total', () =>
    new Counter<Label>({ name: 'hyperseal_http_requests_total', help: 'HTTP requests by method, route and status.', labelNames: LABELS, registers }))
  const duration = once(registry, 'hyperseal_http_request_duration_seconds', () =>
    new Histogram<Label>({
      name: 'hyperseal_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status.',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers
    }))
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
  })
}
