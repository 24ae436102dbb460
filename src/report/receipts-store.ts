/**
 * Where a built report's receipts file lives: in memory (small, tests) or in a temporary file
 * written chunk by chunk as the builder re-checks the period (a million receipts are ~1.5 GB of
 * JSON Lines: never one string). The builder hashes the same chunks (ReportAccumulator), so the
 * signed report binds these bytes; renderings read them back only when they need them (the
 * `receipts` format streams them, the PDF attaches them up to EMBED_RECEIPTS_MAX).
 */
import { createReadStream } from 'node:fs'
import { mkdtemp, open, readFile, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'

export class ReceiptsFileRef {
  private released = false

  private constructor (readonly bytes: number, private readonly at: { buffer: Buffer } | { dir: string, path: string }) {}

  /** A receipts file held in memory. */
  static of (buffer: Buffer): ReceiptsFileRef {
    return new ReceiptsFileRef(buffer.length, { buffer })
  }

  /** A writer to a new temporary file; `done()` gives its ref, `abort()` removes it. */
  static async writer (): Promise<ReceiptsFileWriter> {
    const dir = await mkdtemp(join(tmpdir(), 'hyperseal-report-'))
    const path = join(dir, 'receipts.jsonl')
    const fd = await open(path, 'wx', 0o600).catch(async (err: unknown) => { await rm(dir, { recursive: true, force: true }); throw err })
    return new ReceiptsFileWriter(fd, dir, path, (bytes) => new ReceiptsFileRef(bytes, { dir, path }))
  }

  /** The whole file. */
  async read (): Promise<Buffer> {
    this.alive()
    return 'buffer' in this.at ? this.at.buffer : await readFile(this.at.path)
  }

  /** The file as a stream (the `receipts` format), without reading it whole. */
  stream (): Readable {
    this.alive()
    return 'buffer' in this.at ? Readable.from([this.at.buffer]) : createReadStream(this.at.path)
  }

  /** Drops it (a temporary file is deleted); reading it afterwards throws. */
  async release (): Promise<void> {
    this.released = true
    if ('dir' in this.at) await rm(this.at.dir, { recursive: true, force: true })
  }

  private alive (): void {
    if (this.released) throw new Error('This receipts file was released (its report is no longer kept).')
  }
}

export class ReceiptsFileWriter {
  private bytes = 0

  constructor (private readonly fd: FileHandle, private readonly dir: string, readonly path: string, private readonly made: (bytes: number) => ReceiptsFileRef) {}

  async write (bytes: Buffer | string): Promise<void> {
    if (bytes.length === 0) return
    const chunk = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes
    await this.fd.write(chunk)
    this.bytes += chunk.length
  }

  async done (): Promise<ReceiptsFileRef> {
    await this.fd.close()
    return this.made(this.bytes)
  }

  async abort (): Promise<void> {
    await this.fd.close().catch(() => {})
    await rm(this.dir, { recursive: true, force: true })
  }
}
