/**
 * A fast-check model of hostile HTTP requests against every route: real paths with fuzzed
 * segments, query strings, bodies of every kind (JSON, garbage, huge, wrong types) and headers
 * (content types, broken and real tokens). Shared by `npm test` (test/fuzz/api.test.ts) and the
 * runner that prints figures (bench/fuzz-api.ts).
 */
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'

export interface FuzzContext {
  app: FastifyInstance
  token: string
  /** A key the service watches, so fuzzed requests also reach deep handlers. */
  key: string
}

const segment = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 62, maxLength: 66 }),
  fc.constantFrom('0', '-1', '1.5', '1e400', '99999999999999999999', '%00', '..', '%2e%2e', 'null', '[]', '{}'),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String)
)

const routes = (key: string): fc.Arbitrary<{ method: InjectOptions['method'], url: string }> => fc.oneof(
  fc.record({ method: fc.constant('GET' as const), url: fc.constantFrom('/health', '/ready', '/metrics', '/v1/cores', '/v1/batches', '/v1/incidents', '/docs/json') }),
  fc.tuple(segment, segment).map(([a, b]) => ({ method: 'GET' as const, url: `/v1/verify/${encodeURIComponent(a)}/${encodeURIComponent(b)}` })),
  segment.map((b) => ({ method: 'GET' as const, url: `/v1/verify/${key}/${encodeURIComponent(b)}` })),
  fc.tuple(segment, segment).map(([a, b]) => ({ method: 'GET' as const, url: `/v1/receipts/${encodeURIComponent(a)}/${encodeURIComponent(b)}` })),
  segment.map((a) => ({ method: 'GET' as const, url: `/v1/cores/${encodeURIComponent(a)}/receipts` })),
  segment.map((a) => ({ method: 'DELETE' as const, url: `/v1/cores/${encodeURIComponent(a)}` })),
  fc.constantFrom({ method: 'POST' as const, url: '/v1/cores' }, { method: 'POST' as const, url: '/v1/seal' }, { method: 'POST' as const, url: '/v1/anchors/run' }),
  fc.tuple(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') as fc.Arbitrary<InjectOptions['method']>, fc.string({ maxLength: 40 }))
    .map(([method, p]) => ({ method, url: `/${encodeURIComponent(p)}` }))
)

const query = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('from', 'to', 'key', 'token', 'access_token', 'format', 'x'), segment, { maxKeys: 4 })
    .map((q) => '?' + new URLSearchParams(q).toString())
)

const body = (key: string): fc.Arbitrary<string | undefined> => fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ key: fc.oneof(segment, fc.constant(key)), peers: fc.array(segment, { maxLength: 5 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ key, peers: ['x'.repeat(n)] }))
)

const headers = (token: string): fc.Arbitrary<Record<string, string>> => fc.record({
  'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', 'nonsense', ''),
  authorization: fc.constantFrom(`Bearer ${token}`, `Bearer ${token}x`, 'Bearer ', 'Basic abc', token, '')
}, { requiredKeys: [] })

export function requestArbitrary (ctx: FuzzContext): fc.Arbitrary<InjectOptions> {
  return fc.tuple(routes(ctx.key), query, body(ctx.key), headers(ctx.token)).map(([route, q, payload, h]) => ({
    method: route.method,
    url: route.url + q,
    headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')),
    ...(payload !== undefined && route.method !== 'GET' && route.method !== 'HEAD' ? { payload } : {})
  }))
}

/** What every answer must be: never a 5xx (the chain is up here), and every 4xx in the error shape. */
export async function checkAnswer (ctx: FuzzContext, req: InjectOptions): Promise<{ status: number }> {
  const res = await ctx.app.inject(req)
  if (res.statusCode >= 500) throw new Error(`${req.method} ${String(req.url)} → ${res.statusCode}: ${res.body.slice(0, 300)}`)
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    const error = (res.json() as { error?: { code?: unknown, message?: unknown } }).error
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new Error(`${req.method} ${String(req.url)} → ${res.statusCode} without a coded error: ${res.body.slice(0, 200)}`)
  }
  return { status: res.statusCode }
}
