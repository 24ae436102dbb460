/**
 * One process per data directory: `<dir>/LOCK`, created with O_CREAT|O_EXCL, names its
 * holder (pid, host, boot id, process start time). Node has no flock(2), so a holder that died
 * without cleaning up is detected instead: same host and boot, and the pid is gone or now
 * belongs to a process that started at another time (pid reuse, e.g. pid 1 in a restarted
 * container). A lock from another host is never taken over: we cannot see its processes.
 *
 * Taking over a stale lock renames it aside and retries the exclusive create. Two processes
 * racing over the same stale lock could in theory both win; Corestore's own flock on
 * `corestore/CORESTORE` is the backstop that still refuses the second (see data-dir.ts).
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LedgerError } from './errors'

interface LockInfo {
  pid: number
  host: string
  bootId: string | null
  startTime: string | null
  acquiredAt: string
  token: string
}

export interface DirLock {
  release (): void
}

/** A lock file still empty after this long was left by a process that died while creating it. */
const HALF_WRITTEN_MS = 10_000
/** Directories this process holds, so a second open in the same process is refused too. */
const held = new Set<string>()

function readOr (path: string, fallback: string | null): string | null {
  try {
    return readFileSync(path, 'utf-8').trim()
  } catch {
    return fallback
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (Linux only). */
function startTimeOf (pid: number): string | null {
  const stat = readOr(`/proc/${pid}/stat`, null)
  if (stat === null) return null
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
}

function ownInfo (): LockInfo {
  return {
    pid: process.pid,
    host: hostname(),
    bootId: readOr('/proc/sys/kernel/random/boot_id', null),
    startTime: startTimeOf(process.pid),
    acquiredAt: new Date().toISOString(),
    token: randomBytes(16).toString('hex')
  }
}

function parse (raw: string): LockInfo | null {
  try {
    const info = JSON.parse(raw) as LockInfo
    return Number.isSafeInteger(info.pid) && info.pid > 0 && typeof info.host === 'string' ? info : null
  } catch {
    return null
  }
}

function isLive (holder: LockInfo, dir: string): boolean {
  if (holder.host !== hostname()) return true
  const bootId = readOr('/proc/sys/kernel/random/boot_id', null)
  if (holder.bootId !== null && bootId !== null && holder.bootId !== bootId) return false
  if (holder.pid === process.pid) return held.has(dir)
  try {
    process.kill(holder.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const now = startTimeOf(holder.pid)
  return holder.startTime === null || now === null || holder.startTime === now
}

function lockedError (dir: string, holder: LockInfo | null): LedgerError {
  const who = holder === null
    ? 'another process that is creating its lock'
    : `process ${holder.pid} on ${holder.host} (since ${String(holder.acquiredAt)})`
  return new LedgerError('DATA_DIR_LOCKED', `The data directory ${dir} is in use by ${who}. Stop that process or use another data directory; if it is certainly gone, delete ${join(dir, 'LOCK')}.`)
}

/** Moves a stale lock aside, unless it changed since we judged it (then puts it back). */
function setAside (path: string, judged: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch {
    return // someone else moved it first
  }
  if (readOr(aside, '') !== judged) {
    try { linkSync(aside, path) } catch { /* a newer lock exists; the store's flock still guards */ }
  }
  unlinkSync(aside)
}

export function acquireLock (dir: string): DirLock {
  const path = join(dir, 'LOCK')
  for (let attempt = 0; attempt < 5; attempt++) {
    const info = ownInfo()
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LedgerError('DATA_DIR_UNUSABLE', `The lock file ${path} cannot be created (${(err as Error).message}); check the directory's permissions.`, { cause: err })
      }
      const raw = readOr(path, null)
      const stat = statSync(path, { throwIfNoEntry: false })
      if (raw === null || stat === undefined) continue // released meanwhile
      const holder = parse(raw)
      const halfWritten = holder === null && Date.now() - stat.mtimeMs < HALF_WRITTEN_MS
      if (halfWritten || (holder !== null && isLive(holder, dir))) throw lockedError(dir, holder)
      setAside(path, raw)
      continue
    }
    try {
      writeSync(fd, JSON.stringify(info) + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    held.add(dir)
    return { release: () => release(dir, path, info.token) }
  }
  throw lockedError(dir, parse(readOr(path, '') ?? ''))
}

function release (dir: string, path: string, token: string): void {
  if (!held.delete(dir)) return
  // Remove the file only if it is still ours (it may have been taken over as stale).
  if (parse(readOr(path, '') ?? '')?.token !== token) return
  try { unlinkSync(path) } catch { /* removed by hand meanwhile: nothing left to release */ }
}
