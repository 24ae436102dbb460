/**
 * The pass history: every seal pass, every start and clean stop of the service, every core's
 * stale/back transition and every unwatch, kept so that an audit report can say for any period
 * how many passes the schedule called for, which ran, failed or were missed, and when the
 * service was down (issue 14 item 2; the report side is src/report/coverage.ts).
 *
 *   passes.jsonl       {"v":1}                                                 first line
 *                      {"start":{at,schedule,intervalSeconds}}                 the service started
 *                      {"stop":{at}}                                           it stopped cleanly
 *                      {"run":{from,to,passes,sealed,unchanged,failed,checked,changed,stale,batches?,code?,reason?}}
 *                      {"stale":{key,at,reason}} · {"back":{key,at}}           a core went stale, came back
 *                      {"unwatch":{key,at,addedAt}}                            a core was unwatched
 *   passes-open.json   {"v":1,"run":{…},"last":"sealed"|"unchanged"|"failed"}  the run still open
 *
 * Passes are aggregated into runs (pass-records.ts): a pass extends the open run when it has the
 * same kind (ok, or failed with the same code), starts in the same slot of the schedule as the
 * run's last pass or the next one, and on the same UTC day. So a healthy service writes about one
 * line a day, and a gap in the passes always shows as a gap between runs. The open run lives in
 * its own small file, replaced whole at each pass (writeFileDurably: a crash leaves the old or the
 * new one); it is appended to the history when the next pass breaks it, at a stop or a start. A
 * crash between that append and the replacement leaves the same run in both files: the copy in
 * the small file is then ignored (same `from` as the history's last run).
 *
 * The JSON-lines file follows jsonl.ts: a torn last write is dropped, damage refused. Nothing is
 * ever compacted: the history is what an auditor reads, and it grows with events, not passes.
 */
import type { FileHandle } from 'node:fs/promises'
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncPath, writeFileDurably } from '../util'
import { LedgerError } from './errors'
import { appendLines, cutTornTail, Serial, JSONL_HEADER, openAppend, readText, replayLines } from './jsonl'
import { parseHistoryRecord, parseRun, recordWords, type HistoryRecord, type PassRun } from './pass-records'
import { Invalid, oneOf, record } from './validate'

export const PASS_FILE = 'passes.jsonl'
export const OPEN_RUN_FILE = 'passes-open.json'
/** The slot length runs are cut by until a start record says the schedule (the default schedule's). */
const DEFAULT_INTERVAL_SECONDS = 60

export type PassOutcomeKind = 'sealed' | 'unchanged' | 'failed'

export interface PassInput {
  /** When the pass started. */
  at: Date
  outcome: PassOutcomeKind
  checked: number
  changed: number
  stale: number
  /** The receipts-log batch a sealed pass wrote. */
  batch?: number
  /** A failed pass: its error code and message (URLs are cut out before it is kept). */
  code?: string
  reason?: string
}

export interface PassSummary {
  last: { at: string, outcome: PassOutcomeKind, code?: string } | null
  /** Passes failed since the last one that did not. */
  failedInARow: number
}

interface OpenRun { run: PassRun, last: PassOutcomeKind }

const line = (r: HistoryRecord): string => JSON.stringify(r)

export class PassHistory {
  private readonly serial = new Serial()
  private bytes: number

  private constructor (
    private readonly path: string,
    private readonly openPath: string,
    private handle: FileHandle,
    private current: OpenRun | null,
    private lastClosed: PassRun | null,
    private intervalMs: number,
    bytes: number
  ) {
    this.bytes = bytes
  }

  static async open (dir: string): Promise<PassHistory> {
    const path = join(dir, PASS_FILE)
    const openPath = join(dir, OPEN_RUN_FILE)
    let text = await readText(path)
    if (text === null) {
      await writeFileDurably(path, JSONL_HEADER)
      text = JSONL_HEADER
    }
    const handle = await openAppend(path)
    try {
      const { records, goodBytes, torn } = replayLines(path, text, parseHistoryRecord)
      if (torn) await cutTornTail(handle, goodBytes)
      let lastClosed: PassRun | null = null
      let interval = DEFAULT_INTERVAL_SECONDS
      for (const r of records) {
        if ('run' in r) lastClosed = r.run
        if ('start' in r) interval = r.start.intervalSeconds
      }
      let current = await readOpenRun(openPath)
      // Appended already, by a pass or a stop that crashed before replacing the small file.
      if (current !== null && current.run.from === lastClosed?.from) current = null
      return new PassHistory(path, openPath, handle, current, lastClosed, interval * 1000, goodBytes)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** The service started: the open run (a crash ended it) is closed, then the start recorded. */
  async recordStart (schedule: string, intervalSeconds: number, at = new Date()): Promise<void> {
    await this.exclusive(async () => {
      await this.closeRun([{ start: { at: at.toISOString(), schedule, intervalSeconds: Math.max(1, Math.round(intervalSeconds)) } }])
      this.intervalMs = Math.max(1, Math.round(intervalSeconds)) * 1000
    })
  }

  /** The service stops cleanly: the open run is closed, then the stop recorded. */
  async recordStop (at = new Date()): Promise<void> {
    await this.exclusive(() => this.closeRun([{ stop: { at: at.toISOString() } }]))
  }

  /** One pass: extends the open run, or closes it and opens a new one. */
  async recordPass (input: PassInput): Promise<void> {
    await this.exclusive(async () => {
      const prev = this.current?.run
      const failed = input.outcome === 'failed'
      const code = failed ? (input.code ?? 'UNKNOWN') : undefined
      const at = input.at.toISOString()
      let run: PassRun
      if (prev !== undefined && this.extends(prev, input.at, code)) {
        run = {
          ...prev,
          to: at,
          passes: prev.passes + 1,
          sealed: prev.sealed + (input.outcome === 'sealed' ? 1 : 0),
          unchanged: prev.unchanged + (input.outcome === 'unchanged' ? 1 : 0),
          failed: prev.failed + (failed ? 1 : 0),
          checked: prev.checked + input.checked,
          changed: prev.changed + input.changed,
          stale: Math.max(prev.stale, input.stale)
        }
        if (input.batch !== undefined) run.batches = [prev.batches?.[0] ?? input.batch, input.batch]
      } else {
        await this.closeRun([])
        run = {
          from: at,
          to: at,
          passes: 1,
          sealed: input.outcome === 'sealed' ? 1 : 0,
          unchanged: input.outcome === 'unchanged' ? 1 : 0,
          failed: failed ? 1 : 0,
          checked: input.checked,
          changed: input.changed,
          stale: input.stale,
          ...(input.batch !== undefined ? { batches: [input.batch, input.batch] as [number, number] } : {}),
          ...(code !== undefined ? { code, reason: recordWords(input.reason ?? '') } : {})
        }
      }
      const next: OpenRun = { run: parseRun(run), last: input.outcome }
      await writeFileDurably(this.openPath, JSON.stringify({ v: 1, ...next }))
      this.current = next
    })
  }

  /** Stale/back transitions and unwatches, appended as they are. */
  async recordCores (records: readonly HistoryRecord[]): Promise<void> {
    if (records.length === 0) return
    const checked = records.map((r) => {
      try {
        return parseHistoryRecord(JSON.parse(line(r)))
      } catch (err) {
        throw new LedgerError('BAD_INPUT', `A pass-history record is malformed (${(err as Error).message}).`)
      }
    })
    await this.exclusive(async () => { this.bytes += await appendLines(this.handle, checked.map(line)) })
  }

  /** Every record, oldest write first, the open run last. */
  async records (): Promise<HistoryRecord[]> {
    return await this.exclusive(async () => {
      const text = await readText(this.path) ?? JSONL_HEADER
      const { records } = replayLines(this.path, text, parseHistoryRecord)
      if (this.current !== null) records.push({ run: this.current.run })
      return records
    })
  }

  summary (): PassSummary {
    const run = this.current?.run ?? this.lastClosed
    if (run === null) return { last: null, failedInARow: 0 }
    const outcome: PassOutcomeKind = this.current?.last ?? (run.failed > 0 ? 'failed' : run.sealed > 0 ? 'sealed' : 'unchanged')
    return {
      last: { at: run.to, outcome, ...(run.code !== undefined ? { code: run.code } : {}) },
      failedInARow: run.failed
    }
  }

  /** The history file's size in bytes (the open run's small file aside). */
  get fileBytes (): number {
    return this.bytes
  }

  async close (): Promise<void> {
    await this.serial.close(() => this.handle.close())
  }

  private exclusive<T> (fn: () => Promise<T>): Promise<T> {
    return this.serial.run(fn)
  }

  /** Same kind, the same or the next slot of the schedule, the same UTC day. */
  private extends (run: PassRun, at: Date, code: string | undefined): boolean {
    if (run.code !== code) return false
    const t = at.getTime()
    const last = Date.parse(run.to)
    if (t < last) return false
    if (Math.floor(t / this.intervalMs) > Math.floor(last / this.intervalMs) + 1) return false
    return at.toISOString().slice(0, 10) === run.from.slice(0, 10)
  }

  /** Appends the open run (if any) and `after` in one write, then forgets the open run. */
  private async closeRun (after: HistoryRecord[]): Promise<void> {
    const lines = [...(this.current !== null ? [line({ run: this.current.run })] : []), ...after.map(line)]
    if (lines.length === 0) return
    this.bytes += await appendLines(this.handle, lines)
    if (this.current !== null) {
      this.lastClosed = this.current.run
      this.current = null
      await unlink(this.openPath).catch(() => {})
      await fsyncPath(join(this.openPath, '..'))
    }
  }
}

async function readOpenRun (path: string): Promise<OpenRun | null> {
  const text = await readText(path)
  if (text === null) return null
  try {
    const r = record(JSON.parse(text), 'the open pass run', ['v', 'run', 'last'])
    if (r.v !== 1) throw new Invalid('the open pass run has an unknown version')
    return { run: parseRun(r.run), last: oneOf(r.last, 'last', ['sealed', 'unchanged', 'failed'] as const) }
  } catch (err) {
    if (!(err instanceof SyntaxError || err instanceof Invalid)) throw err
    throw new LedgerError('CORRUPT_ENTRY', `The journal file ${path} is damaged (${err.message}); it is replaced whole, so a crash cannot cut it: the data directory was damaged or tampered with.`)
  }
}
