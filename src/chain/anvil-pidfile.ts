import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileDurably } from '../util'
import { dumpAnvilState } from './anvil-state'
import { ChainError } from './errors'
import type { ChainLogger } from './logger'
import { sleep } from './rpc'

// anvil's pid is kept in <dataDir>/chain/anvil.pid. If this process is SIGKILLed, nothing can
// stop its anvil, which keeps running and rewriting the state file; the next start finds it
// here and stops it before starting a new one on the same state.

const PID_FILE = 'anvil.pid'

interface PidRecord { pid: number, parentPid: number, stateFile: string, rpcUrl?: string }

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Only on Linux can we tell a pid is still our anvil (pids are reused); elsewhere we never
 * kill. Ours has one of `paths` (of this data directory) in its command line.
 */
function isAnvilOn (pid: number, paths: string[]): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    return argv.some((a) => paths.includes(a)) && argv.some((a) => /anvil/.test(a))
  } catch {
    return false
  }
}

/** The parent pid of `pid` (Linux): an orphan has been handed to init or a subreaper. */
function parentOf (pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

function readRecord (chainDir: string): PidRecord | null {
  try {
    const r = JSON.parse(readFileSync(join(chainDir, PID_FILE), 'utf8')) as PidRecord
    const ok = [r.pid, r.parentPid].every((n) => Number.isSafeInteger(n) && n > 0) && typeof r.stateFile === 'string' &&
      (r.rpcUrl === undefined || (typeof r.rpcUrl === 'string' && /^http:\/\/(127\.0\.0\.1|\[::1\]|[0-9.]+|\[[0-9a-f:]+\]):\d{1,5}$/.test(r.rpcUrl)))
    return ok ? r : null
  } catch {
    return null
  }
}

export function writePidFile (chainDir: string, record: PidRecord): void {
  writeFileSync(join(chainDir, PID_FILE), JSON.stringify(record) + '\n')
}

export function removePidFile (chainDir: string): void {
  rmSync(join(chainDir, PID_FILE), { force: true })
}

/**
 * Stops an anvil left running on this data directory by a process that died, and refuses
 * (ANVIL_FAILED) when the process that started it is still alive: two anvils must not share
 * one state file. Its chain is saved to `stateFile` first when it still answers: blocks mined
 * after the last saved seal (none acknowledged) then stay, and recovery finds them mined
 * instead of waiting for transactions the node would no longer know. True when an anvil of
 * ours was recorded (stopped now, or already gone or going): the port it held may be held a
 * moment longer.
 */
export async function clearStaleAnvil (chainDir: string, paths: string[], stateFile: string, logger: ChainLogger): Promise<boolean> {
  const rec = readRecord(chainDir)
  if (rec === null) return false
  if (!alive(rec.pid) || !isAnvilOn(rec.pid, paths)) {
    // Gone, or going: its parent's guard may be stopping it right now (its command line goes
    // before its sockets do). Either way the port it held is ours to wait for.
    removePidFile(chainDir)
    return true
  }
  if (parentOf(rec.pid) === rec.parentPid) {
    throw new ChainError('ANVIL_FAILED', `The embedded chain in ${chainDir} is already run by process ${rec.parentPid} (anvil pid ${rec.pid}); stop that service or use another data directory.`)
  }
  logger.warn({ pid: rec.pid }, 'stopping an anvil left running by a process that died')
  if (rec.rpcUrl !== undefined) {
    try {
      await writeFileDurably(stateFile, await dumpAnvilState(rec.rpcUrl, 10_000))
    } catch (err) {
      logger.warn({ pid: rec.pid, err: (err as Error).message }, 'the orphaned anvil\'s chain could not be saved; its blocks since the last saved seal are dropped')
    }
  }
  process.kill(rec.pid, 'SIGTERM')
  // A zombie still answers kill(pid, 0) but has no command line: isAnvilOn ends the wait.
  for (let waited = 0; alive(rec.pid) && isAnvilOn(rec.pid, paths); waited += 50) {
    if (waited === 10_000) process.kill(rec.pid, 'SIGKILL')
    if (waited === 15_000) throw new ChainError('ANVIL_FAILED', `An old anvil (pid ${rec.pid}) of ${chainDir} does not stop; kill it by hand.`)
    await sleep(50)
  }
  removePidFile(chainDir)
  return true
}
