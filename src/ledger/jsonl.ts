/**
 * Append-only files of JSON lines (the watch list, the pass history): the one reading rule they
 * share. A file starts with `{"v":1}`; a write's lines go out in one `write` and are acknowledged
 * after `datasync`, so a crash can only cut the last write: lines that do not parse at the end
 * are dropped (nothing acknowledged was in them) and the file is cut back to its last good
 * line; a bad line followed by a good one is damage, refused as CORRUPT_ENTRY.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { LedgerError } from './errors'
import { Invalid } from './validate'

export const JSONL_HEADER = '{"v":1}\n'

/** The records of `text` (parsed by `parse`), and the bytes of its good part. */
export function replayLines<T> (path: string, text: string, parse: (json: unknown) => T): { records: T[], goodBytes: number, torn: boolean } {
  if (!text.startsWith(JSONL_HEADER)) throw new LedgerError('CORRUPT_ENTRY', `The journal file ${path} does not start with {"v":1}; the data directory was damaged or tampered with.`)
  const records: T[] = []
  let good = JSONL_HEADER.length
  let bad: number | null = null
  for (let start = JSONL_HEADER.length, nl = text.indexOf('\n', start); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
    let rec: T
    try {
      rec = parse(JSON.parse(text.slice(start, nl)))
    } catch (err) {
      if (!(err instanceof SyntaxError || err instanceof Invalid)) throw err
      bad = bad ?? start
      continue
    }
    if (bad !== null) throw new LedgerError('CORRUPT_ENTRY', `The journal file ${path} has a bad record at character ${bad} before good ones; the data directory was damaged or tampered with.`)
    records.push(rec)
    good = nl + 1
  }
  return { records, goodBytes: Buffer.byteLength(text.slice(0, good)), torn: good < text.length }
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
