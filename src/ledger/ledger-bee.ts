/**
 * A Hyperbee on a named core of the Corestore, as the receipts log and the journal use it:
 * utf-8 keys, JSON values, every write under the bee's write lock and made durable before it
 * resolves (see sync.ts). Values are read and written as raw bytes so that a tampered entry
 * becomes a coded CORRUPT_ENTRY instead of a JSON exception deep in Hyperbee, and so that the
 * append-only check compares bytes.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import Hyperbee, { type HyperbeeBatch, type HyperbeeEntry } from 'hyperbee'
import { mapLimit } from '../util'
import { LedgerError } from './errors'
import { storeSync, type Sync } from './sync'

const RAW = { valueEncoding: 'binary' } as const

export interface Entry {
  key: string
  /** Parsed JSON, not yet validated. */
  value: unknown
}

export interface Range {
  gte: string
  lt: string
  reverse?: boolean
  limit?: number
}

export type PutResult = 'written' | 'same'

function encode (value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

function decode (key: string, raw: unknown): unknown {
  try {
    if (!Buffer.isBuffer(raw)) throw new Error('not bytes')
    return JSON.parse(raw.toString('utf-8'))
  } catch (err) {
    throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${key} is not valid JSON; the data directory was damaged or tampered with.`, { cause: err })
  }
}

/** An entry whose value is decoded when asked (a value that is not JSON fails then). */
export interface LazyEntry {
  key: string
  value (): unknown
}

async function collectLazy (stream: AsyncIterable<HyperbeeEntry>): Promise<LazyEntry[]> {
  const out: LazyEntry[] = []
  for await (const entry of stream) {
    const key = String(entry.key)
    const raw = entry.value
    out.push({ key, value: () => decode(key, raw) })
  }
  return out
}

async function collect (stream: AsyncIterable<HyperbeeEntry>): Promise<Entry[]> {
  const out: Entry[] = []
  for await (const entry of stream) {
    const key = String(entry.key)
    out.push({ key, value: decode(key, entry.value) })
  }
  return out
}

/** Reads a write runs side by side (each a B-tree walk mostly waiting on storage). */
const READ_CONCURRENCY = 32
/** Keys whose B-tree paths are loaded together before they are put one after another. */
const PREFETCH_CHUNK = 1024

/** Reads and writes inside one locked Hyperbee batch; nothing is stored until it returns. */
export class WriteTx {
  constructor (private readonly batch: HyperbeeBatch, private readonly appendOnly: boolean) {}

  /**
   * `read` over `items`, READ_CONCURRENCY at a time, results in order. Only for reads: a put
   * must not run beside them (a Hyperbee batch's puts go one after another).
   */
  async readMany<T, R> (items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
    return await mapLimit(items, READ_CONCURRENCY, read)
  }

  /**
   * Puts keys the caller knows are new, in the order given: keys that name a batch not yet
   * written (its seq is past the last batch's, inside the same locked write), so putOnce's read
   * is skipped. A put walks the key's B-tree path, one
   * storage read after another for nodes not cached; the paths of each chunk are first loaded
   * side by side (reads of the same keys: the puts then find the nodes in Hyperbee's cache).
   * What is written, and in which order, is what putting them one by one writes.
   */
  async putManyNew (entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    for (let from = 0; from < entries.length; from += PREFETCH_CHUNK) {
      const chunk = entries.slice(from, from + PREFETCH_CHUNK)
      await this.readMany(chunk, async ([key]) => await this.batch.get(key, RAW))
      for (const [key, value] of chunk) await this.batch.put(key, encode(value), RAW)
    }
  }

  async get (key: string): Promise<unknown> {
    const entry = await this.batch.get(key, RAW)
    return entry === null ? undefined : decode(key, entry.value)
  }

  range (range: Range): Promise<Entry[]> {
    return collect(this.batch.createReadStream(range, RAW))
  }

  /** Writes a new key; an existing key must already hold exactly these bytes. */
  async putOnce (key: string, value: unknown): Promise<PutResult> {
    const bytes = encode(value)
    const existing = await this.batch.get(key, RAW)
    if (existing !== null) {
      if (Buffer.isBuffer(existing.value) && existing.value.equals(bytes)) return 'same'
      throw new LedgerError('APPEND_ONLY', `The ledger entry ${key} exists with other content; the receipts log is append-only and is never rewritten.`)
    }
    await this.batch.put(key, bytes, RAW)
    return 'written'
  }

  async put (key: string, value: unknown): Promise<void> {
    this.mutable()
    await this.batch.put(key, encode(value), RAW)
  }

  async del (key: string): Promise<void> {
    this.mutable()
    await this.batch.del(key, RAW)
  }

  private mutable (): void {
    if (this.appendOnly) throw new LedgerError('APPEND_ONLY', 'The receipts log is append-only: entries are never changed or deleted.')
  }
}

export class LedgerBee {
  private closed = false
  private readonly pending = new Set<Promise<unknown>>()

  private constructor (
    readonly bee: Hyperbee,
    private readonly sync: Sync,
    private readonly appendOnly: boolean,
    private readonly what: string
  ) {}

  static async open (store: Corestore, coreName: string, opts: { appendOnly: boolean, what: string }): Promise<LedgerBee> {
    const sync = storeSync(store)
    const bee = new Hyperbee(store.get({ name: coreName }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await bee.ready()
    if (!bee.writable) {
      await bee.close()
      throw new LedgerError('DATA_DIR_UNUSABLE', `The ${opts.what} core ${coreName} is not writable in this Corestore; open the data directory that created it.`)
    }
    return new LedgerBee(bee, sync, opts.appendOnly, opts.what)
  }

  /**
   * A read-only bee over any core holding a receipts log, e.g. a sparse replica of a service's
   * log that an independent verifier reads block by block from its peers. Writes are refused.
   */
  static async openReadOnly (core: Hypercore, what: string): Promise<LedgerBee> {
    const bee = new Hyperbee(core, { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await bee.ready()
    const refuse: Sync = async () => { throw new LedgerError('APPEND_ONLY', `The ${what} is opened read-only.`) }
    return new LedgerBee(bee, refuse, true, what)
  }

  async get (key: string): Promise<unknown> {
    return this.track(async () => {
      const entry = await this.bee.get(key, RAW)
      return entry === null ? undefined : decode(key, entry.value)
    })
  }

  range (range: Range): Promise<Entry[]> {
    return this.track(() => collect(this.bee.createReadStream(range, RAW)))
  }

  /** `range` with values decoded on demand, for a caller that reads a wide range once and uses parts of it. */
  rangeLazy (range: Range): Promise<LazyEntry[]> {
    return this.track(() => collectLazy(this.bee.createReadStream(range, RAW)))
  }

  /** Runs `fn` under the write lock, appends what it put as one block run, then syncs. */
  write<T> (fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const batch = this.bee.batch(RAW)
      let flushed = false
      try {
        await batch.lock()
        const result = await fn(new WriteTx(batch, this.appendOnly))
        flushed = true
        await batch.flush()
        await this.sync()
        return result
      } finally {
        if (!flushed) await batch.close()
      }
    })
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.allSettled([...this.pending])
    await this.bee.close()
  }

  private track<T> (fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', `The ${this.what} is closed; open the data directory again.`))
    const promise = fn()
    this.pending.add(promise)
    const done = (): void => { this.pending.delete(promise) }
    promise.then(done, done)
    return promise
  }
}
