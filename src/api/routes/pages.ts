/**
 * The browser pages: `/` (the dashboard) and `/verify` (the verifier), and their content-hashed
 * assets under `/assets/`. HTML is `no-cache` (always revalidated, so a new build shows at once);
 * an asset's name changes with its content, so it is `immutable` for a year. Every page carries
 * the Content-Security-Policy of csp.ts and refuses to be framed.
 */
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ASSETS, PAGES, SITE_DIR } from '../../web'
import { contentSecurityPolicy, httpOrigin } from '../csp'
import { ApiError } from '../errors'
import { errorResponses } from '../schemas'
import type { RouteContext } from './context'

const IMMUTABLE = 'public, max-age=31536000, immutable'

const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin'
}

/** What a page URL may carry: the verifier's question and the origin of the RPC it reads. */
const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', maxLength: 200 },
    version: { type: 'string', maxLength: 20 },
    rpc: { type: 'string', maxLength: 300 }
  }
} as const

export async function pageRoutes (app: FastifyInstance, { service }: RouteContext, site: string = SITE_DIR): Promise<void> {
  await app.register(fastifyStatic, {
    root: join(site, ASSETS),
    prefix: `/${ASSETS}/`,
    index: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (reply) => {
      void reply.header('cache-control', IMMUTABLE).header('x-content-type-options', 'nosniff')
    }
  })

  for (const [path, file] of Object.entries(PAGES)) {
    app.get<{ Querystring: { rpc?: string } }>(path, {
      schema: { hide: true, querystring: pageQuery, response: { ...errorResponses } }
    }, async (request, reply) => {
      let html: string
      try {
        html = await readFile(join(site, file), 'utf8')
      } catch {
        throw new ApiError('PAGES_NOT_BUILT', `${join(site, file)} is missing.`)
      }
      const rpc = request.query.rpc
      if (rpc !== undefined && httpOrigin(rpc) === null) throw new ApiError('BAD_REQUEST', 'rpc must be the http(s) origin of a JSON-RPC endpoint, such as https://rpc.example.org.')
      const hints = service.trust().root.chains.flatMap((c) => c.rpc)
      return reply.headers({ ...PAGE_HEADERS, 'content-security-policy': contentSecurityPolicy(rpc === undefined ? hints : [...hints, rpc]) })
        .type('text/html; charset=utf-8').send(html)
    })
  }
}
