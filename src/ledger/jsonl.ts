/**
 * Append-only files of JSON lines in the ledger (the watch list, the pass history): the reading
 * rule of util/jsonl-replay.ts with the ledger's error (CORRUPT_ENTRY), and the writes they share.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { LedgerError } from './errors'
import { Invalid } from './validate'
import { JSONL_HEADER, replayJsonLines, type Replayed } from '../util'

export { JSONL_HEADER }

/** The records of `text` (parsed by `parse`), and the bytes of its good part. */
export function replayLines<T> (path: string, text: string, parse: (json: unknown) => T): Replayed<T> {
  return replayJsonLines(text, parse, (err) => err instanceof Invalid,
    (what) => new LedgerError('CORRUPT_ENTRY', `The journal file ${path} ${what}; the data directory was damaged or tampered with.`))
}

/** Cuts what `replayLines` dropped from the end of the file, durably. */
export async function cutTornTail (handle: FileHandle, goodBytes: number): Promise<void> {
  await handle.truncate(goodBytes)
  await handle.datasync()
}

/** Appends `lines` in one write and waits until they are on disk; returns the bytes written. */
export async function appendLines (handle: FileHandle, lines: readonly string[]): Promise<number> {
  const data = Buffer.from(lines.map((l) => l + '\n').join(''))
  await handle.write(data, 0, data.length, null)
  await handle.datasync()
  return data.length
}

export async function readText (path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new LedgerError('DATA_DIR_UNUSABLE', `The journal file ${path} cannot be read (${(err as Error).message}).`, { cause: err })
  }
}

export async function openAppend (path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a', 0o600)
  } catch (err) {
    throw new LedgerError('DATA_DIR_UNUSABLE', `The journal file ${path} cannot be opened for writing (${(err as Error).message}).`, { cause: err })
  }
}

/**
 * One file's writes and reads, one after another (a read-modify-write never interleaves), and
 * none once it is closed; `close` waits for the calls before it, then runs `release`.
 */
export class Serial {
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  run<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new LedgerError('CLOSED', 'The journal is closed; open the data directory again.')
      return fn()
    })
    this.queue = run.catch(() => {})
    return run
  }

  async close (release: () => Promise<void>): Promise<void> {
    if (this.closed) return
    await this.run(async () => { this.closed = true })
    await release()
  }
}
