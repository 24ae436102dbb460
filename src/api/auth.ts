/**
 * Roles: `Authorization: Bearer <token>` names the caller's role. Three levels, each holding the
 * one below:
 * - public (no token): verify, receipts, proofs, the trust root, the dashboard's public parts;
 * - auditor (HYPERSEAL_AUDITOR_TOKEN): audit reports, incident evidence, peer addresses;
 * - admin (HYPERSEAL_ADMIN_TOKEN): watch, unwatch, seal, and everything else.
 * Tokens are hashed before a constant-time compare, so neither their bytes nor their length show
 * in the timing. A token in the URL is refused on every route: URLs end up in logs, proxies and
 * shell histories.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ApiError } from './errors'

export type Role = 'public' | 'auditor' | 'admin'

const RANK: Record<Role, number> = { public: 0, auditor: 1, admin: 2 }

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
const BEARER = /^Bearer +(\S+) *$/i
/** Query parameter names that carry a credential in common clients. */
export const TOKEN_QUERY_NAME = /^(access_token|token|api_key|apikey)$/i

export interface Tokens {
  admin: string
  /** Unset: no auditor role exists; reports and evidence need the admin token. */
  auditor?: string
}

/** What a request's Authorization header says about its caller. */
export type Credential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'unknown' } | { kind: 'role', role: Role }

/** Reads the caller's credential; compares against every token so the timing does not tell which matched. */
export function credentialOf (tokens: Tokens): (request: FastifyRequest) => Credential {
  const admin = sha256(tokens.admin)
  const auditor = tokens.auditor === undefined ? null : sha256(tokens.auditor)
  return (request) => {
    const header = request.headers.authorization
    if (header === undefined || header === '') return { kind: 'none' }
    const m = BEARER.exec(header)
    if (m === null) return { kind: 'malformed' }
    const given = sha256(m[1])
    const isAdmin = timingSafeEqual(given, admin)
    const isAuditor = auditor !== null && timingSafeEqual(given, auditor)
    if (isAdmin) return { kind: 'role', role: 'admin' }
    if (isAuditor) return { kind: 'role', role: 'auditor' }
    return { kind: 'unknown' }
  }
}

const NEEDS: Record<Exclude<Role, 'public'>, string> = {
  auditor: 'the auditor or the admin token',
  admin: 'the admin token'
}

/** An onRequest hook that lets through callers of at least `min`'s role. */
export function requireRole (tokens: Tokens, min: Exclude<Role, 'public'>): (request: FastifyRequest) => Promise<void> {
  const read = credentialOf(tokens)
  return async (request) => {
    const credential = read(request)
    if (credential.kind === 'none') throw new ApiError('UNAUTHORIZED', `This route needs ${NEEDS[min]}: send "Authorization: Bearer <token>".`)
    if (credential.kind === 'malformed') throw new ApiError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>".')
    if (credential.kind === 'unknown') throw new ApiError('FORBIDDEN', `The token is not valid; this route needs ${NEEDS[min]}.`)
    if (RANK[credential.role] < RANK[min]) throw new ApiError('FORBIDDEN', `The ${credential.role} token cannot use this route; it needs ${NEEDS[min]}.`)
  }
}

/**
 * The caller's role on a route open to everyone: no token is public; a valid token its role. A
 * token that is sent but valid for no role is refused (403) rather than silently read as public,
 * so a person who typed a wrong token is told instead of seeing less.
 */
export function roleOf (tokens: Tokens): (request: FastifyRequest) => Role {
  const read = credentialOf(tokens)
  return (request) => {
    const credential = read(request)
    if (credential.kind === 'role') return credential.role
    if (credential.kind === 'none') return 'public'
    if (credential.kind === 'malformed') throw new ApiError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>".')
    throw new ApiError('FORBIDDEN', 'The token is neither the auditor\'s nor the admin\'s; send none to read what is public.')
  }
}

/** At least `min`'s role. */
export function holds (role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min]
}

/** True when the request carries the admin token (admin callers are not rate limited). */
export function carriesAdminToken (adminToken: string): (request: FastifyRequest) => boolean {
  const read = credentialOf({ admin: adminToken })
  return (request) => {
    const credential = read(request)
    return credential.kind === 'role' && credential.role === 'admin'
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
