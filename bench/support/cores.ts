/**
 * Many small writer cores in one Corestore, created the way a bench needs them: by name, a
 * few blocks each, with a bounded number of creations in flight (one at a time is ~40%
 * slower; unbounded piles up thousands of RocksDB writes at once).
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'

export const CREATE_CONCURRENCY = 64

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R> (items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** Writer cores `<prefix>-<from>` … `<prefix>-<from+count-1>`, each with `blocks` blocks. */
export async function createCores (store: Corestore, prefix: string, from: number, count: number, blocks: number): Promise<Hypercore[]> {
  const indexes = Array.from({ length: count }, (_, i) => from + i)
  return await mapLimit(indexes, CREATE_CONCURRENCY, async (i) => {
    const core = store.get({ name: `${prefix}-${i}` })
    await core.ready()
    await core.append(Array.from({ length: blocks }, (_, b) => Buffer.from(`${prefix}-${i} block ${b}`)))
    return core
  })
}

/** Appends one block to every core (so each has a new signed head). */
export async function appendToAll (cores: readonly Hypercore[], label: string): Promise<void> {
  await mapLimit(cores, CREATE_CONCURRENCY, async (core) => { await core.append(Buffer.from(`${label} ${core.length}`)) })
}
