/**
 * Walking a paginated list of the API: `GET path?limit=…&cursor=…` until `next` is null. Each
 * page answers `{ <name>: [...], next }` (DESIGN.md "External interfaces").
 */
import { CliError } from './errors'
import { request } from './http-client'

/** The largest page the API serves: the fewest requests for a whole list. */
export const PAGE_SIZE = 1_000

export interface WalkOptions {
  timeoutMs: number
  token?: string
  limit?: number
  /** Called with each page's body (e.g. to keep fields beside the list, like `service`). */
  onPage?: (body: Record<string, unknown>) => void
}

/** Every item of the list at `path` (which may carry its own query), page by page. */
export async function* pages<T> (base: URL, path: string, name: string, opts: WalkOptions): AsyncGenerator<T[]> {
  const sep = path.includes('?') ? '&' : '?'
  let cursor: string | null = null
  for (;;) {
    const url = `${path}${sep}limit=${opts.limit ?? PAGE_SIZE}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
    const { body } = await request(base, { method: 'GET', path: url, timeoutMs: opts.timeoutMs, ...(opts.token === undefined ? {} : { token: opts.token }) })
    const page = body as Record<string, unknown>
    const items = page[name]
    const next = page.next
    if (!Array.isArray(items) || (next !== null && typeof next !== 'string')) {
      throw new CliError('BAD_ANSWER', `${base.origin} answered ${path} without a page of ${name}; is it an older Hyperseal? Check --api.`)
    }
    opts.onPage?.(page)
    yield items as T[]
    if (next === null) return
    cursor = next
  }
}

/** Every item of the list, in one array. */
export async function walkAll<T> (base: URL, path: string, name: string, opts: WalkOptions): Promise<T[]> {
  const all: T[] = []
  for await (const items of pages<T>(base, path, name, opts)) all.push(...items)
  return all
}

/** How many items the list holds, without keeping them. */
export async function countAll (base: URL, path: string, name: string, opts: WalkOptions): Promise<number> {
  let n = 0
  for await (const items of pages(base, path, name, opts)) n += items.length
  return n
}
