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

/** What a page URL may carry: the verifier's question and the origins of the RPCs it reads (its chain's, and `<chainId>:<origin>,…` of the later clocks' chains). */
const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', maxLength: 200 },
    version: { type: 'string', maxLength: 20 },
    rpc: { type: 'string', maxLength: 300 },
    anchors: { type: 'string', maxLength: 2000 }
  }
} as const

const MAX_ANCHOR_ORIGINS = 8

/** The origins of `anchors=<chainId>:<origin>,…`; BAD_REQUEST for anything else. */
function anchorOrigins (text: string | undefined): string[] {
  if (text === undefined) return []
  const items = text.split(',')
  if (items.length > MAX_ANCHOR_ORIGINS) throw new ApiError('BAD_REQUEST', `anchors names at most ${MAX_ANCHOR_ORIGINS} chains.`)
  return items.map((item) => {
    const match = /^([1-9][0-9]{0,14}):(.+)$/.exec(item)
    const origin = match === null ? null : httpOrigin(match[2])
    if (origin === null) throw new ApiError('BAD_REQUEST', 'anchors must list <chain id>:<http(s) origin of a JSON-RPC endpoint>, separated by commas.')
    return origin
  })
}

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
    app.get<{ Querystring: { rpc?: string, anchors?: string } }>(path, {
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
      const anchors = anchorOrigins(request.query.anchors)
      const hints = service.trust().root.chains.flatMap((c) => c.rpc)
      return reply.headers({ ...PAGE_HEADERS, 'content-security-policy': contentSecurityPolicy([...hints, ...(rpc === undefined ? [] : [rpc]), ...anchors]) })
        .type('text/html; charset=utf-8').send(html)
    })
  }
}
