/**
 * Admin authentication: `Authorization: Bearer <token>` on the admin routes. Both sides are
 * hashed before a constant-time compare, so neither the token's bytes nor its length show in
 * the timing. A token in the URL is refused on every route: URLs end up in logs, proxies and
 * shell histories.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ApiError } from './errors'

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
const BEARER = /^Bearer +(\S+) *$/i
/** Query parameter names that carry a credential in common clients. */
export const TOKEN_QUERY_NAME = /^(access_token|token|api_key|apikey)$/i

/** An onRequest hook that lets only the admin token through. */
export function adminOnly (adminToken: string): (request: FastifyRequest) => Promise<void> {
  const expected = sha256(adminToken)
  return async (request) => {
    const header = request.headers.authorization
    if (header === undefined || header === '') {
      throw new ApiError('UNAUTHORIZED', 'This route needs the admin token: send "Authorization: Bearer <token>".')
    }
    const m = BEARER.exec(header)
    if (m === null) throw new ApiError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>".')
    if (!timingSafeEqual(sha256(m[1]), expected)) throw new ApiError('FORBIDDEN', 'The admin token is not valid.')
  }
}

/** True when the request carries the admin token (admin callers are not rate limited). */
export function carriesAdminToken (adminToken: string): (request: FastifyRequest) => boolean {
  const expected = sha256(adminToken)
  return (request) => {
    const m = BEARER.exec(request.headers.authorization ?? '')
    return m !== null && timingSafeEqual(sha256(m[1]), expected)
  }
}

/** An onRequest hook for every route: no credentials in the query string. */
export async function refuseTokenInQuery (request: FastifyRequest): Promise<void> {
  const query = request.query
  if (query === null || typeof query !== 'object') return
  if (Object.keys(query).some((name) => TOKEN_QUERY_NAME.test(name))) {
    throw new ApiError('TOKEN_IN_QUERY',
      'Never put a token in the URL: send it as "Authorization: Bearer <token>". URLs are logged along the way, so replace that token.')
  }
}
