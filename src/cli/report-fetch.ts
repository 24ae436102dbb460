import { CliError } from './errors'

/**
 * One GET whose answer is a document (JSON, HTML or PDF bytes), not an API object: the same
 * failures as http-client's `request` (unreachable, the service's error with its code, not our
 * API), and no redirect is followed (it could carry the token elsewhere).
 */
export async function fetchReport (base: URL, path: string, token: string, timeoutMs: number): Promise<Buffer> {
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base)
  let res: Response
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    const e = err as Error & { cause?: { code?: string, message?: string } }
    const why = e.name === 'TimeoutError' ? `did not answer within ${timeoutMs / 1000} s` : `cannot be reached (${e.cause?.code ?? e.cause?.message ?? e.message})`
    throw new CliError('UNREACHABLE', `The Hyperseal service at ${base.origin} ${why}; is \`hyperseal start\` running there? (--api, HYPERSEAL_HOST, HYPERSEAL_PORT)`, { cause: err })
  }
  const body = Buffer.from(await res.arrayBuffer())
  if (res.ok) return body
  let error: { code?: unknown, message?: unknown } | undefined
  try {
    error = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown, message?: unknown } }).error
  } catch {
    error = undefined
  }
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    throw new CliError('BAD_ANSWER', `${base.origin} answered HTTP ${res.status} with something that is not the Hyperseal API; check --api.`)
  }
  throw new CliError('SERVICE_ERROR', error.message, { status: res.status, serviceCode: error.code })
}
