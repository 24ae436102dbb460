/**
 * How the commands reach a running service: the API's URL (--api, else HYPERSEAL_HOST and
 * HYPERSEAL_PORT, else http://127.0.0.1:8480), the admin token (HYPERSEAL_ADMIN_TOKEN, else
 * the file the service wrote in its data directory), and one JSON request that turns every
 * failure into a CliError (unreachable, an error answer, or something that is not our API).
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isIP } from 'node:net'
import { ADMIN_TOKEN_FILE, DEFAULTS } from '../config'
import type { ClientOptions } from './client-options'
import { CliError } from './errors'

export type { ClientOptions } from './client-options'

/** The API's base URL, validated. A wildcard listen address is reached on loopback. */
export function apiBase (opts: ClientOptions, env: NodeJS.ProcessEnv): URL {
  let text = opts.api
  if (text === undefined) {
    let host = env.HYPERSEAL_HOST || DEFAULTS.host
    if (host === '0.0.0.0') host = '127.0.0.1'
    if (host === '::') host = '::1'
    text = `http://${isIP(host) === 6 ? `[${host}]` : host}:${env.HYPERSEAL_PORT || DEFAULTS.port}`
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError('BAD_INPUT', `The API address ${JSON.stringify(text)} is not a URL; give one like http://127.0.0.1:8480.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('BAD_INPUT', `The API address must be http:// or https://, got ${url.protocol}`)
  if (url.username !== '' || url.password !== '') throw new CliError('BAD_INPUT', 'Do not put credentials in the API address; the admin token comes from HYPERSEAL_ADMIN_TOKEN or the data directory.')
  if (url.search !== '' || url.hash !== '') throw new CliError('BAD_INPUT', 'The API address must not have a query or a fragment.')
  return url
}

/** The admin token: HYPERSEAL_ADMIN_TOKEN, else <data dir>/admin-token. Never printed. */
export function adminToken (opts: ClientOptions, env: NodeJS.ProcessEnv): string {
  const check = (token: string, where: string): string => {
    if (token.length === 0 || /[\s\u0000-\u001f\u007f]/.test(token)) throw new CliError('NO_TOKEN', `The admin token in ${where} is empty or has spaces or control characters.`)
    return token
  }
  if (env.HYPERSEAL_ADMIN_TOKEN) return check(env.HYPERSEAL_ADMIN_TOKEN, 'HYPERSEAL_ADMIN_TOKEN')
  const file = join(resolve(opts.data ?? (env.HYPERSEAL_DATA || DEFAULTS.dataDir)), ADMIN_TOKEN_FILE)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`
    throw new CliError('NO_TOKEN', `No admin token: set HYPERSEAL_ADMIN_TOKEN, or point --data or HYPERSEAL_DATA at the service's data directory (${file} ${why}).`)
  }
  return check(text.trim(), file)
}

/** --timeout in milliseconds (whole seconds, 1 to 86400). */
export function timeoutMs (opts: ClientOptions, defaultSec: number): number {
  if (opts.timeout === undefined) return defaultSec * 1000
  if (!/^[1-9]\d{0,4}$/.test(opts.timeout) || Number(opts.timeout) > 86_400) {
    throw new CliError('BAD_INPUT', `--timeout must be whole seconds from 1 to 86400, got ${JSON.stringify(opts.timeout)}.`)
  }
  return Number(opts.timeout) * 1000
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  body?: unknown
  token?: string
  timeoutMs: number
  /** Statuses that are answers, not errors (e.g. 503 from /ready). */
  accept?: number[]
}

export interface ApiAnswer { status: number, body: unknown }

/** One request to the API. Every failure is a CliError; an error answer keeps the service's code. */
export async function request (base: URL, req: ApiRequest): Promise<ApiAnswer> {
  const res = await send(base, req, { accept: 'application/json' })
  const text = await res.text().catch(() => '')
  const body = parseJson(text)
  if (res.ok || req.accept?.includes(res.status)) {
    if (body === undefined && res.status !== 204) throw notOurApi(base, res.status)
    return { status: res.status, body }
  }
  throw errorAnswer(base, res, body)
}

/** One GET whose answer is a document (JSON, HTML or PDF bytes), not an API object; failures as `request`'s. */
export async function fetchDocument (base: URL, path: string, token: string, timeoutMs: number): Promise<Buffer> {
  return (await fetchDocumentWithHeaders(base, path, token, timeoutMs)).body
}

/** The same, with the answer's headers (a report's id travels in one). */
export async function fetchDocumentWithHeaders (base: URL, path: string, token: string, timeoutMs: number): Promise<{ body: Buffer, headers: Headers }> {
  const res = await send(base, { method: 'GET', path, token, timeoutMs }, {})
  const body = Buffer.from(await res.arrayBuffer())
  if (res.ok) return { body, headers: res.headers }
  throw errorAnswer(base, res, parseJson(body.toString('utf8')))
}

async function send (base: URL, req: ApiRequest, headers: Record<string, string>): Promise<Response> {
  const url = new URL(base.pathname.replace(/\/$/, '') + req.path, base)
  if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`
  if (req.body !== undefined) headers['content-type'] = 'application/json'
  try {
    return await fetch(url, {
      method: req.method,
      headers,
      // Never follow a redirect: it could carry the token to another host.
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {})
    })
  } catch (err) {
    const e = err as Error & { cause?: { code?: string, message?: string } }
    const why = e.name === 'TimeoutError' ? `did not answer within ${req.timeoutMs / 1000} s` : `cannot be reached (${e.cause?.code ?? e.cause?.message ?? e.message})`
    throw new CliError('UNREACHABLE', `The Hyperseal service at ${base.origin} ${why}; is \`hyperseal start\` running there? (--api, HYPERSEAL_HOST, HYPERSEAL_PORT)`, { cause: err })
  }
}

function parseJson (text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The service's error answer as a CliError: 400 is the caller's input (BAD_INPUT); 503/504
 * with Retry-After means the service, its chain RPC or its peers cannot answer now
 * (SERVICE_UNAVAILABLE, exit 4: trying again may help); anything else SERVICE_ERROR.
 */
function errorAnswer (base: URL, res: Response, body: unknown): CliError {
  const error = (body as { error?: { code?: unknown, message?: unknown } } | undefined)?.error
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return notOurApi(base, res.status)
  const opts = { status: res.status, serviceCode: error.code }
  if (res.status === 400) return new CliError('BAD_INPUT', error.message, opts)
  if ((res.status === 503 || res.status === 504) && res.headers.has('retry-after')) return new CliError('SERVICE_UNAVAILABLE', error.message, opts)
  return new CliError('SERVICE_ERROR', error.message, opts)
}

function notOurApi (base: URL, status: number): CliError {
  return new CliError('BAD_ANSWER', `${base.origin} answered HTTP ${status} with something that is not the Hyperseal API; check --api.`)
}
