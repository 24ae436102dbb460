/**
 * Files that survive a crash whole: a new version is written to a temp file, fsynced, renamed
 * over the old one, and the directory fsynced, so a crash at any point leaves the old version
 * or the new one, never a torn file. `node:fs` is loaded on first use, so the pure modules that
 * import this folder for its error base class load no I/O module.
 */
import { dirname } from 'node:path'

async function fs (): Promise<typeof import('node:fs/promises')> {
  return await import('node:fs/promises')
}

/** fsync of a file or directory (a directory's fsync makes the renames in it durable). */
export async function fsyncPath (path: string): Promise<void> {
  const handle = await (await fs()).open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Replaces `file` with `data` so that a crash at any point leaves one complete version. */
export async function writeFileDurably (file: string, data: string | Uint8Array): Promise<void> {
  const { open, rename } = await fs()
  const temp = `${file}.tmp`
  const handle = await open(temp, 'w', 0o600)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temp, file)
  await fsyncPath(dirname(file))
}
