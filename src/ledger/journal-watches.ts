/**
 * The journal's watch list and stale marks: one append-only file of JSON lines beside the
 * in-flight batch files, replayed into memory at open. A Hyperbee held them before: at 100,000
 * cores a put cost ~0.8 ms (a B-tree path re-encoded and appended per key, ~250 bytes on disk
 * per core even in batches of 1,000) and reading the list back took 16 s (measured, see
 * docs/decisions.md). Here a write of any number of cores is one append and one fdatasync, and
 * every read is served from memory.
 *
 *   watches.jsonl   {"v":1}                                      first line
 *                   {"w":{key,peers,addedAt,label?}}             a core watched, or its entry changed
 *                   {"u":"<key>"}                               a core unwatched (its stale mark goes too)
 *                   {"s":"<key>","m":{since,lastHead,reason}}   a stale mark set
 *                   {"s":"<key>","m":null}                      a stale mark cleared
 *
 * A write's lines go out in one `write` and are acknowledged after `datasync`, so a crash can
 * only cut the last write: lines that do not parse at the end of the file are dropped at open
 * (nothing acknowledged was in them); a bad line followed by a good one is damage, refused as
 * CORRUPT_ENTRY. When the file holds more than twice as many records as are live (and 10,000
 * more), it is compacted: the live records written to a new file (temp, fsync, rename, fsync
 * of the directory), so its size stays within about twice the live list.
 */
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileDurably } from '../util'
import { parseStale, parseWatch, type StaleMark, type WatchEntry } from './journal-records'
import { appendLines, cutTornTail, Serial, JSONL_HEADER as HEADER, openAppend, readText, replayLines } from './jsonl'
import { Invalid, record, text } from './validate'

export const WATCH_FILE = 'watches.jsonl'
/** Records beyond twice the live ones before a compaction: small lists are never rewritten. */
const COMPACT_SLACK = 10_000
const HEX64 = /^[0-9a-f]{64}$/

/** One change to the list, as written. */
export type WatchChange =
  | { watch: WatchEntry }
  | { unwatch: string }
  | StaleChange

export interface StaleChange { stale: string, mark: StaleMark | null }

function line (change: WatchChange): string {
  if ('watch' in change) return JSON.stringify({ w: change.watch })
  if ('unwatch' in change) return JSON.stringify({ u: change.unwatch })
  return JSON.stringify({ s: change.stale, m: change.mark })
}

function parseLine (json: unknown): WatchChange {
  const r = record(json, 'the watch-list record', [], ['w', 'u', 's', 'm'])
  const fields = Object.keys(r)
  if (fields.length === 1 && r.w !== undefined) return { watch: parseWatch(r.w) }
  if (fields.length === 1 && r.u !== undefined) return { unwatch: text(r.u, 'u', HEX64) }
  if (fields.length === 2 && r.s !== undefined && r.m !== undefined) return { stale: text(r.s, 's', HEX64), mark: r.m === null ? null : parseStale(r.m) }
  throw new Invalid('the watch-list record is none of watch, unwatch or stale')
}

/** Lower bound of `key` in the sorted array. */
function lowerBound (sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Two sorted arrays as one. */
function merge (a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++]
  while (i < a.length) out[k++] = a[i++]
  while (j < b.length) out[k++] = b[j++]
  return out
}

export class WatchFile {
  private readonly entries = new Map<string, WatchEntry>()
  private readonly marks = new Map<string, StaleMark>()
  /** The watched keys in order, for pages (null until asked for), but for `added`. */
  private sorted: string[] | null = null
  /** Keys watched since `sorted` was last brought up to date, merged in when asked for. */
  private added: string[] = []
  private readonly serial = new Serial()

  /** Records in the file (to pace compactions) and its size in bytes. */
  private records = 0
  private bytes = 0

  private constructor (private readonly path: string, private handle: FileHandle) {}

  /**
   * Opens (or creates) the file in `dir`. `legacy` gives what an older journal kept in its
   * Hyperbee; it is written as the file's first content when the file does not exist yet.
   */
  static async open (dir: string, legacy: () => Promise<{ entries: WatchEntry[], marks: Array<[string, StaleMark]> }>): Promise<WatchFile> {
    const path = join(dir, WATCH_FILE)
    let text = await readText(path)
    if (text === null) {
      const { entries, marks } = await legacy()
      text = HEADER + [...entries.map((watch) => line({ watch })), ...marks.map(([stale, mark]) => line({ stale, mark }))].map((l) => l + '\n').join('')
      await writeFileDurably(path, text)
    }
    const file = new WatchFile(path, await openAppend(path))
    try {
      await file.replay(text)
    } catch (err) {
      await file.handle.close()
      throw err
    }
    return file
  }

  private async replay (text: string): Promise<void> {
    const { records, goodBytes, torn } = replayLines(this.path, text, parseLine)
    for (const change of records) this.apply(change)
    this.records = records.length
    this.bytes = goodBytes
    if (torn) await cutTornTail(this.handle, goodBytes)
    if (this.wasteful()) await this.compact()
  }

  private apply (change: WatchChange): void {
    if ('watch' in change) {
      const fresh = !this.entries.has(change.watch.key)
      this.entries.set(change.watch.key, change.watch)
      if (fresh && this.sorted !== null) this.added.push(change.watch.key)
    } else if ('unwatch' in change) {
      if (this.entries.delete(change.unwatch) && this.sorted !== null) {
        const i = lowerBound(this.sorted, change.unwatch)
        if (this.sorted[i] === change.unwatch) {
          this.sorted.splice(i, 1)
        } else { // watched and unwatched since the last merge: sort again when asked
          this.sorted = null
          this.added = []
        }
      }
      this.marks.delete(change.unwatch)
    } else if (change.mark === null) {
      this.marks.delete(change.stale)
    } else {
      this.marks.set(change.stale, change.mark)
    }
  }

  get (key: string): WatchEntry | undefined {
    return this.entries.get(key)
  }

  get size (): number {
    return this.entries.size
  }

  /** Every stale mark, by key (live: do not change it). */
  staleMarks (): ReadonlyMap<string, StaleMark> {
    return this.marks
  }

  /** The watched keys in order. */
  keys (): readonly string[] {
    if (this.sorted === null) {
      this.sorted = [...this.entries.keys()].sort()
      this.added = []
    } else if (this.added.length > 0) {
      this.sorted = merge(this.sorted, this.added.sort())
      this.added = []
    }
    return this.sorted
  }

  /** Up to `limit` entries after `after` (exclusive; from the start when null), in key order. */
  after (after: string | null, limit: number): WatchEntry[] {
    const keys = this.keys()
    let i = after === null ? 0 : lowerBound(keys, after)
    if (after !== null && keys[i] === after) i++
    return keys.slice(i, i + limit).map((k) => this.entries.get(k) as WatchEntry)
  }

  /** Runs `fn` after every earlier call has ended: read-modify-write steps never interleave. */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    return this.serial.run(fn)
  }

  /** Makes `changes` durable (one append, one datasync), then applies them. Call inside `exclusive`. */
  async write (changes: readonly WatchChange[]): Promise<void> {
    if (changes.length === 0) return
    this.bytes += await appendLines(this.handle, changes.map(line))
    this.records += changes.length
    for (const change of changes) this.apply(change)
    if (this.wasteful()) await this.compact()
  }

  /** More than half the file is records that no longer count (and it is not small). */
  private wasteful (): boolean {
    return this.records > 2 * (this.entries.size + this.marks.size) + COMPACT_SLACK
  }

  /** Rewrites the file with the live records only. */
  private async compact (): Promise<void> {
    const parts = [HEADER]
    for (const key of this.keys()) parts.push(line({ watch: this.entries.get(key) as WatchEntry }) + '\n')
    for (const [stale, mark] of this.marks) parts.push(line({ stale, mark }) + '\n')
    const data = parts.join('')
    await this.handle.close()
    await writeFileDurably(this.path, data)
    this.handle = await openAppend(this.path)
    this.bytes = Buffer.byteLength(data)
    this.records = parts.length - 1
  }

  /** The file's size in bytes (figures, tests). */
  get fileBytes (): number {
    return this.bytes
  }

  async close (): Promise<void> {
    await this.serial.close(() => this.handle.close())
  }
}
