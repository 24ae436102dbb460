/**
 * The service's HTTP API from the browser. Answers are untrusted JSON: the verifier checks what
 * it uses, the dashboard only shows it (as text: preact escapes everything it renders). A token,
 * when there is one, goes in the Authorization header only, never in a URL.
 */

export class HttpError extends Error {
  /** `retryAfter`: seconds, from the answer's Retry-After header. */
  constructor (readonly status: number, readonly code: string, message: string, readonly retryAfter?: number) {
    super(message)
  }
}

export interface GetOptions {
  token?: string | null
  signal?: AbortSignal
}

function query (params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) q.set(name, String(value))
  const text = q.toString()
  return text === '' ? '' : `?${text}`
}

/** Tries of a request the service answered 503 BUSY (its cap on expensive requests), and the longest wait between them. */
const BUSY_TRIES = 3
const BUSY_WAIT_MAX_MS = 5_000

/**
 * GET a JSON answer; a non-2xx answer is an HttpError carrying the service's own code and
 * message. A 503 BUSY is tried again after its Retry-After (at most BUSY_TRIES in all).
 */
export async function getJson<T> (path: string, params: Record<string, string | number | undefined> = {}, opts: GetOptions = {}): Promise<{ body: T, headers: Headers }> {
  for (let tried = 1; ; tried++) {
    try {
      return await getJsonOnce<T>(path, params, opts)
    } catch (err) {
      if (!(err instanceof HttpError) || err.code !== 'BUSY' || tried >= BUSY_TRIES) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.min(BUSY_WAIT_MAX_MS, 1000 * (err.retryAfter ?? 1))))
    }
  }
}

async function getJsonOnce<T> (path: string, params: Record<string, string | number | undefined>, opts: GetOptions): Promise<{ body: T, headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let res: Response
  try {
    res = await fetch(path + query(params), { headers, credentials: 'omit', cache: 'no-store', ...(opts.signal ? { signal: opts.signal } : {}) })
  } catch (err) {
    throw new HttpError(0, 'UNREACHABLE', `The service did not answer (${(err as Error).message}).`)
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    body = null
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown, message?: unknown } } | null)?.error
    const retryAfter = Number(res.headers.get('retry-after'))
    throw new HttpError(res.status, typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`,
      typeof error?.message === 'string' ? error.message : `The service answered HTTP ${res.status}.`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined)
  }
  return { body: body as T, headers: res.headers }
}

/**
 * Every item of a list route, following `next` (a service from before paging answers one list
 * without `next`, and refuses paging parameters, so the first page is asked without them). At
 * most `maxPages` pages; `truncated` says when there was more.
 */
export async function getAll<T> (path: string, name: string, params: Record<string, string | undefined>, opts: GetOptions & { maxPages?: number } = {}): Promise<{ items: T[], truncated: boolean }> {
  const items: T[] = []
  const seen = new Set<string>()
  let cursor: string | null = null
  for (let page = 0; page < (opts.maxPages ?? 20); page++) {
    const answer: { body: Record<string, unknown> } = await getJson<Record<string, unknown>>(path, cursor === null ? params : { ...params, limit: 1000, cursor }, opts)
    const list = answer.body[name]
    if (!Array.isArray(list)) throw new HttpError(200, 'BAD_ANSWER', `The service's answer to ${path} has no list "${name}".`)
    items.push(...(list as T[]))
    const next: unknown = answer.body.next
    if (typeof next !== 'string' || next === '' || seen.has(next)) return { items, truncated: false }
    seen.add(next)
    cursor = next
  }
  return { items, truncated: true }
}

/** GET a file the person downloads (a report): the token goes in the header, the bytes into a Blob. */
export async function getBlob (path: string, params: Record<string, string>, opts: GetOptions = {}): Promise<Blob> {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const res = await fetch(path + query(params), { headers, credentials: 'omit', cache: 'no-store' })
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { error?: { code?: string, message?: string } } | null
    throw new HttpError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `The service answered HTTP ${res.status}.`)
  }
  return await res.blob()
}

/** Offers `blob` as a download named `name` (no navigation, no URL carrying anything secret). */
export function download (blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
