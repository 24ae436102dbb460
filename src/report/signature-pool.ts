/**
 * Head signatures of an audit report checked on worker threads (the edge of the report: the
 * builder stays pure and is handed the answers, see SignatureVerdict). Ed25519 is the largest
 * single cost of a report's re-check; the other cores check the next batch's heads while the
 * main thread re-checks the current one. Any failure of a worker degrades to "not checked"
 * (`undefined`), which the builder checks itself: a worker can make a report slower, never
 * let a bad signature through.
 */
import { availableParallelism } from 'node:os'
import { extname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { SignatureVerdict } from './builder-receipts'

type Verdicts = Array<SignatureVerdict | undefined>

export class SignaturePool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, { resolve: (v: Verdicts) => void, count: number }>()
  private next = 0
  private broken = false

  /**
   * `size` workers (by default one per core: the main thread mostly waits on them or parses).
   * Close it when done: workers keep the process alive. `file`: the worker's compiled script
   * (a bench running under ts-node passes a bundle, as a build runs; see bench/report.ts).
   */
  constructor (size = availableParallelism(), file?: string) {
    // Under ts-node (tests) the worker is the .ts file and needs the same hook.
    const ext = extname(__filename)
    const script = file ?? join(__dirname, `signature-worker${ext}`)
    const execArgv = script.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : []
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(script, { execArgv, env: {} })
      worker.on('message', (msg: { id: number, verdicts: Verdicts }) => {
        const job = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        job?.resolve(msg.verdicts)
      })
      worker.on('error', () => { this.fail() })
      worker.on('exit', () => { this.fail() })
      this.workers.push(worker)
    }
  }

  /** False once a worker failed or the pool closed: every answer since is "not checked" (the builder checks those itself). */
  get healthy (): boolean {
    return !this.broken
  }

  /** The verdicts of `heads` (untrusted head JSON), in order, spread over the workers. */
  async check (heads: readonly unknown[]): Promise<Verdicts> {
    if (this.broken || heads.length === 0) return new Array<undefined>(heads.length).fill(undefined)
    const per = Math.ceil(heads.length / this.workers.length)
    const parts = await Promise.all(this.workers.map(async (worker, w) => {
      const slice = heads.slice(w * per, (w + 1) * per)
      if (slice.length === 0) return []
      const id = this.next++
      return await new Promise<Verdicts>((resolve) => {
        this.pending.set(id, { resolve, count: slice.length })
        try {
          worker.postMessage({ id, heads: slice })
        } catch {
          // Not cloneable (never JSON): left to the main thread.
          this.pending.delete(id)
          resolve(new Array<undefined>(slice.length).fill(undefined))
        }
      })
    }))
    return parts.flat()
  }

  async close (): Promise<void> {
    this.broken = true
    await Promise.all(this.workers.map(async (w) => await w.terminate()))
    this.fail()
  }

  /** A worker failed or the pool closed: every answer still awaited becomes "not checked". */
  private fail (): void {
    this.broken = true
    for (const [id, job] of this.pending) {
      this.pending.delete(id)
      job.resolve(new Array<undefined>(job.count).fill(undefined))
    }
  }
}
