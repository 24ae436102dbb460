/**
 * The records of the pass history (pass-history.ts), as written and as read back. A run is
 * consecutive passes of one kind (`ok`: sealed or unchanged; `failed`: with one error code),
 * one pass per slot of the schedule or closer, within one UTC day and one start of the service.
 */
import { iso, Invalid, record, text, uint } from './validate'

export interface PassRun {
  /** Start times of the run's first and last passes. */
  from: string
  to: string
  passes: number
  sealed: number
  unchanged: number
  failed: number
  /** Summed over the run's passes (cores the passes looked at, found changed). */
  checked: number
  changed: number
  /** The most cores stale at the end of one of the run's passes. */
  stale: number
  /** Receipts-log batch numbers of the first and last batch the run sealed. */
  batches?: [number, number]
  /** A failed run: the error code its passes ended with, and the first one's words. */
  code?: string
  reason?: string
}

/** The start of the service, with the schedule it ran its passes on. */
export interface StartRecord { at: string, schedule: string, intervalSeconds: number }

export type HistoryRecord =
  | { start: StartRecord }
  | { stop: { at: string } }
  | { run: PassRun }
  | { stale: { key: string, at: string, reason: string } }
  | { back: { key: string, at: string } }
  | { unwatch: { key: string, at: string, addedAt: string } }

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/
const WORDS = /^[^\n]{0,500}$/s
const SCHEDULE = /^[0-9*/,\-? A-Za-z]{1,100}$/

export function parseRun (value: unknown, where = 'the pass run'): PassRun {
  const r = record(value, where, ['from', 'to', 'passes', 'sealed', 'unchanged', 'failed', 'checked', 'changed', 'stale'], ['batches', 'code', 'reason'])
  const run: PassRun = {
    from: iso(r.from, 'from'),
    to: iso(r.to, 'to'),
    passes: uint(r.passes, 'passes'),
    sealed: uint(r.sealed, 'sealed'),
    unchanged: uint(r.unchanged, 'unchanged'),
    failed: uint(r.failed, 'failed'),
    checked: uint(r.checked, 'checked'),
    changed: uint(r.changed, 'changed'),
    stale: uint(r.stale, 'stale')
  }
  if (run.passes === 0 || run.sealed + run.unchanged + run.failed !== run.passes) throw new Invalid(`${where}: its passes are not sealed + unchanged + failed`)
  if (run.to < run.from) throw new Invalid(`${where} ends before it starts`)
  if ((run.failed > 0) !== (r.code !== undefined) || (run.failed > 0 && run.failed !== run.passes)) throw new Invalid(`${where}: a failed run has a code and only failed passes`)
  if (r.batches !== undefined) {
    if (!Array.isArray(r.batches) || r.batches.length !== 2) throw new Invalid(`${where}: batches must be [first, last]`)
    const [a, b] = [uint(r.batches[0], 'batches[0]'), uint(r.batches[1], 'batches[1]')]
    if (b < a) throw new Invalid(`${where}: batches must be [first, last]`)
    run.batches = [a, b]
  }
  if (r.code !== undefined) run.code = text(r.code, 'code', CODE)
  if (r.reason !== undefined) run.reason = text(r.reason, 'reason', WORDS)
  return run
}

const HEX64 = /^[0-9a-f]{64}$/
const hex64 = (v: unknown, where: string): string => text(v, where, HEX64)

export function parseHistoryRecord (json: unknown): HistoryRecord {
  const r = record(json, 'the pass-history record', [], ['start', 'stop', 'run', 'stale', 'back', 'unwatch'])
  const fields = Object.keys(r)
  if (fields.length !== 1) throw new Invalid('a pass-history record has exactly one field')
  const v = r[fields[0]]
  switch (fields[0]) {
    case 'start': {
      const s = record(v, 'start', ['at', 'schedule', 'intervalSeconds'])
      const intervalSeconds = uint(s.intervalSeconds, 'intervalSeconds')
      if (intervalSeconds === 0) throw new Invalid('intervalSeconds must be at least 1')
      return { start: { at: iso(s.at, 'at'), schedule: text(s.schedule, 'schedule', SCHEDULE), intervalSeconds } }
    }
    case 'stop': return { stop: { at: iso(record(v, 'stop', ['at']).at, 'at') } }
    case 'run': return { run: parseRun(v) }
    case 'stale': {
      const s = record(v, 'stale', ['key', 'at', 'reason'])
      return { stale: { key: hex64(s.key, 'key'), at: iso(s.at, 'at'), reason: text(s.reason, 'reason', WORDS) } }
    }
    case 'back': {
      const s = record(v, 'back', ['key', 'at'])
      return { back: { key: hex64(s.key, 'key'), at: iso(s.at, 'at') } }
    }
    default: {
      const s = record(v, 'unwatch', ['key', 'at', 'addedAt'])
      return { unwatch: { key: hex64(s.key, 'key'), at: iso(s.at, 'at'), addedAt: iso(s.addedAt, 'addedAt') } }
    }
  }
}

/** The stale/back transitions among `changes` to the marks `marks` (a changed reason is none). */
export function staleTransitions (marks: ReadonlyMap<string, unknown>, changes: ReadonlyArray<{ stale: string, mark: { since: string, reason: string } | null }>, at: string): HistoryRecord[] {
  const out: HistoryRecord[] = []
  for (const c of changes) {
    if (c.mark !== null && !marks.has(c.stale)) out.push({ stale: { key: c.stale, at: c.mark.since, reason: c.mark.reason } })
    if (c.mark === null && marks.has(c.stale)) out.push({ back: { key: c.stale, at } })
  }
  return out
}

/** Words from outside (an error message) fit for a record: one line, no URL (it may hold credentials), bounded. */
export function recordWords (words: string): string {
  return words.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>').replace(/\s+/g, ' ').trim().slice(0, 500)
}
