/**
 * The data directory: `<dir>/LOCK` (lock-file.ts) and one Corestore at `<dir>/corestore`
 * holding the watched cores' replicas, the receipts log and the journal. Opening it takes the
 * directory for this process alone; `close()` closes the store, then releases the lock.
 */
import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Corestore from 'corestore'
import { LedgerError } from './errors'
import { acquireLock } from './lock-file'

export interface DataDir {
  /** The absolute, resolved path of the directory. */
  readonly dir: string
  readonly store: Corestore
  close (): Promise<void>
}

function unusable (dir: string, why: string, cause?: unknown): LedgerError {
  return new LedgerError('DATA_DIR_UNUSABLE', `The data directory ${dir} cannot be used: ${why}.`, { cause })
}

function prepareDir (path: string): string {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw unusable(path, `it cannot be created (${(err as Error).message})`, err)
  }
  if (!statSync(path).isDirectory()) throw unusable(path, 'it is not a directory')
  try {
    accessSync(path, constants.R_OK | constants.W_OK | constants.X_OK)
  } catch (err) {
    throw unusable(path, 'this user cannot read and write it', err)
  }
  return realpathSync(path)
}

/**
 * Corestore's device file takes a flock on `corestore/CORESTORE`; a second opener gets a plain
 * Error "File descriptor could not be locked" (no code), so the message is all there is to match.
 */
function storeError (dir: string, err: unknown): LedgerError {
  const message = (err as Error)?.message ?? String(err)
  if (/could not be locked|while lock file|resource temporarily unavailable/i.test(message)) {
    return new LedgerError('DATA_DIR_LOCKED', `The data directory ${dir} is in use: another process holds its Corestore (${message}). Stop that process or use another data directory.`, { cause: err })
  }
  return unusable(dir, `its Corestore does not open (${message})`, err)
}

export async function openDataDir (path: string): Promise<DataDir> {
  const dir = prepareDir(resolve(path))
  const lock = acquireLock(dir)
  const store = new Corestore(join(dir, 'corestore'))
  try {
    await store.ready()
  } catch (err) {
    await store.close().catch(() => {})
    lock.release()
    throw storeError(dir, err)
  }
  let closing: Promise<void> | null = null
  return {
    dir,
    store,
    close () {
      closing ??= store.close().finally(() => lock.release())
      return closing
    }
  }
}
