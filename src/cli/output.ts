import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { CliError } from './errors'

/** A path the user named that cannot be written: their input to fix (exit 2), not a failure. */
const BAD_PATH = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG'])

/** What a command prints on success: the answer as one JSON document with --json, else lines for people. */
export function printResult (json: boolean | undefined, value: unknown, lines: () => string[]): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : lines().map((l) => l + '\n').join(''))
}

/** Collects a repeatable option (`--peer a --peer b`). */
export function collect (value: string, previous: string[] | undefined): string[] {
  return (previous ?? []).concat([value])
}

/**
 * Writes `file` whole or not at all: a temporary file beside it (same directory, so the rename
 * cannot cross file systems), flushed to disk, then renamed over `file`. A reader never sees
 * half a report or half a receipt; a failure leaves no temporary file behind.
 */
export function writeAtomically (file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fd = openSync(tmp, 'wx', 0o644)
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, { force: true })
    const code = (err as NodeJS.ErrnoException).code
    if (code !== undefined && BAD_PATH.has(code)) throw new CliError('BAD_INPUT', `${file} cannot be written (${code}); give a path in a directory you can write to.`, { cause: err })
    throw err
  }
}
