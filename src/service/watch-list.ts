/**
 * The watch list behind the API: watching one core or many (one journal write for all), and
 * the watched cores a page at a time. Every item is parsed before anything is written.
 */
import type { CoreView, WatchItem } from '../api'
import { HeadsError, keyHex, parseKey, parsePeer, type HeadWatcher } from '../heads'
import { LedgerError, parseLabel, type Journal, type Page, type PageQuery, type ReceiptsLog, type WatchEntry, type WatchInput } from '../ledger'
import { coreView } from './views'

export interface WatchListDeps { journal: Journal, watcher: HeadWatcher, log: ReceiptsLog }

/** One item parsed at the edge; an error names the item (`cores[3]: …`) when there are several. */
function watchInput (item: WatchItem, where: string): WatchInput {
  try {
    if (typeof item !== 'object' || item === null) throw new HeadsError('BAD_KEY', 'Each core must be an object { key, peers?, label? }.')
    const key = keyHex(parseKey(item.key))
    if (item.peers !== undefined && !Array.isArray(item.peers)) throw new HeadsError('BAD_PEER', 'Peers must be a list of host:port strings.')
    const peers = (item.peers ?? []).map((p) => parsePeer(p).address)
    return { key, peers, ...(item.label === undefined ? {} : { label: parseLabel(item.label) }) }
  } catch (err) {
    if (where === '') throw err
    if (err instanceof HeadsError) throw new HeadsError(err.code, where + err.message, { cause: err })
    if (err instanceof LedgerError) throw new LedgerError(err.code, where + err.message, { cause: err })
    throw err
  }
}

export async function watchCores (deps: WatchListDeps, items: WatchItem[]): Promise<{ created: number, merged: number, cores: CoreView[] }> {
  const wanted = items.map((item, i) => watchInput(item, items.length === 1 ? '' : `cores[${i}]: `))
  // The journal first, in one write: once we answer, the watches survive a restart.
  const results = await deps.journal.addWatches(wanted)
  const latest = new Map<string, WatchEntry>()
  let created = 0
  for (const { added, entry } of results) {
    if (added) created++
    latest.set(entry.key, entry)
  }
  // Watching opens nothing (heads/watcher.ts): a new core is looked at in the background and
  // by the next pass. A core seen for the first time has no seal, so its last seal is read
  // only for the cores that were watched already.
  const cores: CoreView[] = []
  const stale = await deps.journal.staleMarks()
  for (const { added, entry } of results) {
    if (latest.get(entry.key) !== entry) continue // a key twice in one request: its last result
    latest.delete(entry.key)
    const replica = await deps.watcher.watch(entry.key, entry.peers)
    cores.push(coreView(entry, replica, added ? null : await deps.log.lastSeal(entry.key), stale.get(entry.key) ?? null))
  }
  return { created, merged: cores.length - created, cores }
}

export async function pageCores (deps: WatchListDeps, page: PageQuery): Promise<Page<CoreView>> {
  const { items, next } = await deps.journal.pageWatched(page)
  const stale = await deps.journal.staleMarks()
  const cores: CoreView[] = []
  for (const entry of items) cores.push(coreView(entry, deps.watcher.watchedCore(entry.key) ?? undefined, await deps.log.lastSeal(entry.key), stale.get(entry.key) ?? null))
  return { items: cores, next }
}

export async function listCores (deps: WatchListDeps): Promise<CoreView[]> {
  const stale = await deps.journal.staleMarks()
  const out: CoreView[] = []
  for (const entry of await deps.journal.listWatched()) {
    out.push(coreView(entry, deps.watcher.watchedCore(entry.key) ?? undefined, await deps.log.lastSeal(entry.key), stale.get(entry.key) ?? null))
  }
  return out
}
