/**
 * The delivery log (outbox): every accepted alert is written here, fsynced, before any receiver
 * is tried, and each delivery's end is written when it ends, so an alert accepted before a
 * crash or a stop is sent after the restart. One append-only file of JSON lines in the data
 * directory, replayed into memory at open (the model is ledger/journal-watches.ts):
 *
 *   alerts.jsonl  {"v":1}                                            first line
 *                 {"a":{id,kind,createdAt,summary,body,to:[{id,origin}]}}   an alert accepted, one delivery per receiver
 *                 {"t":{id,to,n,status,error,next}}                 attempt n of a delivery failed; the next is due at `next`
 *                 {"e":DeliveryView & {to}}                         a delivery ended (delivered, expired or dropped)
 *                 {"f":[name,on]}                                   a condition flag set or cleared (decide.ts)
 *
 * A write is one `write` and one `datasync`; a crash can only cut the last write, whose
 * unparsable tail is dropped at open (nothing acknowledged was in it); a bad line before a good
 * one is damage (OUTBOX_CORRUPT). Bounded: the alerter accepts at most `maxPending` deliveries
 * (more are dropped and counted), ended deliveries are kept for the last RECENT only, and the file
 * is rewritten with the live records when more than half of it no longer counts.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { JSONL_HEADER as HEADER, replayJsonLines, writeFileDurably } from '../util'
import { AlertsError } from './errors'
import type { AlertKind, DeliveryView } from './types'

export const OUTBOX_FILE = 'alerts.jsonl'
/** Ended deliveries kept (for `GET /v1/alerts`); older ones leave at the next compaction. */
export const RECENT = 100
const COMPACT_SLACK = 1000

export interface Receiver { id: string, origin: string }

export interface StoredAlert {
  id: string
  kind: AlertKind
  createdAt: string
  summary: string
  /** The exact JSON sent: signed as is, never re-serialized. */
  body: string
  to: Receiver[]
}

export interface Attempt { n: number, status: number | null, error: string | null, next: number }

interface Pending { alert: StoredAlert, todo: Map<string, Attempt> }

type Rec =
  | { a: StoredAlert }
  | { t: { id: string, to: string, n: number, status: number | null, error: string | null, next: string } }
  | { e: DeliveryView & { to: string } }
  | { f: [string, boolean] }

class Invalid extends Error {}

function check (ok: boolean, what: string): void {
  if (!ok) throw new Invalid(what)
}

/** Shape checks of a replayed line: enough that replay cannot crash on it or mislead the sender. */
function parseRec (v: unknown): Rec {
  check(v !== null && typeof v === 'object' && !Array.isArray(v), 'not an object')
  const r = v as Record<string, unknown>
  const keys = Object.keys(r)
  check(keys.length === 1, 'one field')
  const x = r[keys[0]] as Record<string, unknown>
  switch (keys[0]) {
    case 'a':
      check(typeof x?.id === 'string' && typeof x.kind === 'string' && typeof x.body === 'string' && typeof x.summary === 'string' && typeof x.createdAt === 'string' && Array.isArray(x.to), 'alert')
      check((x.to as unknown[]).every((t) => typeof (t as Receiver)?.id === 'string' && typeof (t as Receiver).origin === 'string'), 'receivers')
      return r as Rec
    case 't':
      check(typeof x?.id === 'string' && typeof x.to === 'string' && Number.isSafeInteger(x.n) && typeof x.next === 'string', 'attempt')
      return r as Rec
    case 'e':
      check(typeof x?.id === 'string' && typeof x.to === 'string' && typeof x.state === 'string', 'end')
      return r as Rec
    case 'f':
      check(Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'boolean', 'flag')
      return r as Rec
  }
  throw new Invalid('unknown record')
}

export class Outbox {
  private readonly pending = new Map<string, Pending>()
  private readonly flags = new Set<string>()
  private recent: DeliveryView[] = []
  private deliveries = 0
  private records = 0
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  /** True when the file was made by this open (a new data directory, or one from before alerts). */
  fresh = false

  private constructor (private readonly path: string, private handle: FileHandle) {}

  static async open (dir: string): Promise<Outbox> {
    const path = join(dir, OUTBOX_FILE)
    let text: string
    let fresh = false
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new AlertsError('OUTBOX_UNUSABLE', `The alert delivery log ${path} cannot be read (${(err as Error).message}).`, { cause: err })
      text = HEADER
      fresh = true
      await writeFileDurably(path, text)
    }
    const box = new Outbox(path, await openAppend(path))
    box.fresh = fresh
    try {
      await box.replay(text)
    } catch (err) {
      await box.handle.close()
      throw err
    }
    return box
  }

  private async replay (text: string): Promise<void> {
    const { records, goodBytes, torn } = replayJsonLines(text, parseRec, (err) => err instanceof Invalid,
      (what) => new AlertsError('OUTBOX_CORRUPT', `The alert delivery log ${this.path} ${what}; it was damaged or tampered with.`))
    for (const rec of records) this.apply(rec)
    this.records += records.length
    if (torn) {
      await this.handle.truncate(goodBytes)
      await this.handle.datasync()
    }
    if (this.wasteful()) await this.compact()
  }

  private apply (rec: Rec): void {
    if ('a' in rec) {
      this.pending.set(rec.a.id, { alert: rec.a, todo: new Map(rec.a.to.map((r) => [r.id, { n: 0, status: null, error: null, next: 0 }])) })
      this.deliveries += rec.a.to.length
    } else if ('t' in rec) {
      const p = this.pending.get(rec.t.id)
      if (p?.todo.has(rec.t.to) === true) p.todo.set(rec.t.to, { n: rec.t.n, status: rec.t.status, error: rec.t.error, next: Date.parse(rec.t.next) })
    } else if ('e' in rec) {
      const { to, ...view } = rec.e
      const p = this.pending.get(rec.e.id)
      if (p?.todo.delete(to) === true) {
        this.deliveries--
        if (p.todo.size === 0) this.pending.delete(rec.e.id)
      }
      this.recent.push(view)
      if (this.recent.length > 2 * RECENT) this.recent = this.recent.slice(-RECENT)
    } else {
      if (rec.f[1]) this.flags.add(rec.f[0])
      else this.flags.delete(rec.f[0])
    }
  }

  flag (name: string): boolean {
    return this.flags.has(name)
  }

  /** Deliveries not yet ended. */
  get pendingDeliveries (): number {
    return this.deliveries
  }

  /** Writes `recs` durably (one append, one datasync), then applies them; one writer at a time. */
  async write (recs: Rec[]): Promise<void> {
    if (recs.length === 0) return
    const run = this.queue.then(async () => {
      if (this.closed) throw new AlertsError('CLOSED', 'The alert delivery log is closed.')
      const data = Buffer.from(recs.map((r) => JSON.stringify(r) + '\n').join(''))
      try {
        await this.handle.write(data, 0, data.length, null)
        await this.handle.datasync()
      } catch (err) {
        throw new AlertsError('OUTBOX_UNUSABLE', `The alert delivery log ${this.path} cannot be written (${(err as Error).message}).`, { cause: err })
      }
      for (const r of recs) this.apply(r)
      this.records += recs.length
      if (this.wasteful()) await this.compact()
    })
    this.queue = run.catch(() => {})
    await run
  }

  accept (alert: StoredAlert, flags: Array<[string, boolean]>): Promise<void> {
    return this.write([{ a: alert }, ...flags.map(([n, on]): Rec => ({ f: [n, on] }))])
  }

  setFlags (flags: Array<[string, boolean]>): Promise<void> {
    return this.write(flags.map(([n, on]) => ({ f: [n, on] })))
  }

  failed (id: string, to: string, attempt: Attempt): Promise<void> {
    return this.write([{ t: { id, to, n: attempt.n, status: attempt.status, error: attempt.error, next: new Date(attempt.next).toISOString() } }])
  }

  ended (to: string, view: DeliveryView): Promise<void> {
    return this.write([{ e: { ...view, to } }])
  }

  /** Pending deliveries, each with its alert and its attempt so far. */
  * todo (): Generator<{ alert: StoredAlert, to: Receiver, attempt: Attempt }> {
    for (const { alert, todo } of this.pending.values()) {
      for (const [rid, attempt] of todo) yield { alert, to: alert.to.find((r) => r.id === rid)!, attempt }
    }
  }

  /** Ended deliveries, newest last (at most RECENT). */
  recentEnded (): DeliveryView[] {
    return this.recent.slice(-RECENT)
  }

  private wasteful (): boolean {
    return this.records > 2 * (this.pending.size + this.deliveries + this.flags.size + RECENT) + COMPACT_SLACK
  }

  /** Rewrites the file with what still counts: pending alerts and their attempts, recent ends, flags on. */
  private async compact (): Promise<void> {
    const recs: Rec[] = []
    for (const { alert, todo } of this.pending.values()) {
      recs.push({ a: { ...alert, to: alert.to.filter((r) => todo.has(r.id)) } })
      for (const [to, t] of todo) if (t.n > 0) recs.push({ t: { id: alert.id, to, n: t.n, status: t.status, error: t.error, next: new Date(t.next).toISOString() } })
    }
    this.recent = this.recent.slice(-RECENT)
    for (const view of this.recent) recs.push({ e: { ...view, to: '' } })
    for (const name of this.flags) recs.push({ f: [name, true] })
    await this.handle.close()
    await writeFileDurably(this.path, HEADER + recs.map((r) => JSON.stringify(r) + '\n').join(''))
    this.handle = await openAppend(this.path)
    this.records = recs.length
  }

  async close (): Promise<void> {
    if (this.closed) return
    await this.queue
    this.closed = true
    await this.handle.close()
  }
}

async function openAppend (path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a', 0o600)
  } catch (err) {
    throw new AlertsError('OUTBOX_UNUSABLE', `The alert delivery log ${path} cannot be opened for writing (${(err as Error).message}).`, { cause: err })
  }
}
