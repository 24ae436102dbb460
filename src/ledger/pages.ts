/**
 * Pages of the ledger's lists and their cursors. A cursor names the last entry key a page
 * read, so the next page starts right after it: entries appended meanwhile never shift a page
 * (they land after the cursor, or before it where the reader has passed). A cursor is opaque to
 * clients: base64url of `{"v":1,"list":<list>,"after":<entry key>}`. It carries no secret and
 * no authority, so it is not signed; a decoded cursor must name the list it is used on and an
 * entry key inside that list's index, otherwise it is BAD_CURSOR (a cursor of another list,
 * filter or batch is never read as a position in this one).
 */
import { LedgerError } from './errors'
import type { Entry, Range } from './ledger-bee'

export const PAGE_DEFAULT = 100
export const PAGE_MAX = 1_000
/** Longer than any cursor we issue (the longest entry key is ~200 characters). */
export const CURSOR_MAX_LENGTH = 1_024

export interface PageQuery {
  /** 1 to PAGE_MAX entries. */
  limit: number
  /** `next` of the previous page; absent for the first page. */
  cursor?: string
}

export interface Page<T> {
  items: T[]
  /** The cursor of the next page, or null when this page reached the end. */
  next: string | null
}

const BASE64URL = /^[A-Za-z0-9_-]+$/

function badCursor (why: string): LedgerError {
  return new LedgerError('BAD_CURSOR', `The cursor ${why}; pass the \`next\` of the previous page of this same list, or no cursor for the first page.`)
}

export function encodeCursor (list: string, after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, list, after }), 'utf8').toString('base64url')
}

/**
 * The entry key a cursor names, checked to belong to `list` and to lie in `[bounds.gte,
 * bounds.lt)`; BAD_CURSOR otherwise.
 */
export function decodeCursor (cursor: string, list: string, bounds: { gte: string, lt: string }): string {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > CURSOR_MAX_LENGTH || !BASE64URL.test(cursor)) {
    throw badCursor('is malformed')
  }
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badCursor('is malformed')
  }
  const c = json as { v?: unknown, list?: unknown, after?: unknown }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || c.v !== 1 || typeof c.list !== 'string' || typeof c.after !== 'string' || Object.keys(json).length !== 3) {
    throw badCursor('is malformed')
  }
  if (c.list !== list) throw badCursor('belongs to another list (or another filter of this one)')
  if (!(c.after >= bounds.gte && c.after < bounds.lt)) throw badCursor('does not point into this list')
  return c.after
}

/** A cursor into a list addressed by position (a batch's leaves): the last index read, below `count`. */
export function decodeIndexCursor (cursor: string, list: string, count: number): number {
  const after = decodeCursor(cursor, list, { gte: '0', lt: ':' })
  const n = /^\d{16}$/.test(after) ? Number(after) : NaN
  if (!Number.isSafeInteger(n) || n >= count) throw badCursor('does not point into this list')
  return n
}

export function checkPageQuery (page: PageQuery): void {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > PAGE_MAX) {
    throw new LedgerError('BAD_INPUT', `A page holds 1 to ${PAGE_MAX} entries, not ${String(page.limit)}.`)
  }
}

/**
 * One page of a range read. `index` is the whole index the list reads (cursors must point into
 * it), `range` the part of it the query selects (time bounds). Reads `limit + 1` entries: the
 * extra one only tells whether a next page exists.
 */
export async function readPage<T> (
  read: (range: Range) => Promise<Entry[]>,
  list: { name: string, index: { gte: string, lt: string }, range: { gte: string, lt: string } },
  page: PageQuery,
  parse: (entry: Entry) => T
): Promise<Page<T>> {
  checkPageQuery(page)
  let gte = list.range.gte
  if (page.cursor !== undefined) {
    // The smallest key after `after` in Hyperbee's bytewise order: `after` followed by a 0 byte.
    const start = decodeCursor(page.cursor, list.name, list.index) + '\u0000'
    if (start > gte) gte = start
  }
  const entries = gte >= list.range.lt ? [] : await read({ gte, lt: list.range.lt, limit: page.limit + 1 })
  const more = entries.length > page.limit
  const mine = more ? entries.slice(0, page.limit) : entries
  return { items: mine.map(parse), next: more ? encodeCursor(list.name, mine[mine.length - 1].key) : null }
}
