/**
 * The audit report's receipts re-checked on worker threads (the edge of the report: the builder
 * stays pure and is handed the answers, see ReportAccumulator.add). Each worker runs the
 * builder's own recheckReceipt on the texts the builder wrote (recheck-worker.ts), so the main
 * thread only orders receipts, writes lines and counts. Any failure of a worker degrades to
 * "not checked" (`undefined`), which the builder checks itself: a worker can make a report
 * slower, never pass a receipt that does not hold.
 */
import { availableParallelism } from 'node:os'
import { extname, join } from 'node:path'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { packTexts, type ReceiptChunk, type RecheckResult } from './builder-chunk'
import type { RecheckAnswer, RecheckRequest } from './recheck-worker'

type Checks = Array<RecheckResult | undefined>

/**
 * Heap caps of a worker. A worker holds one message's texts (at most MESSAGE_MAX, as bytes
 * outside the heap), parses and checks one receipt at a time, and keeps the message's memos; it
 * checks signatures without src/seal's cache of verified heads. A small young generation keeps
 * its RSS down (bench/report.ts: 16 MB → 4 MB took ~17 MB off the peak of a 40,000-receipt run,
 * at no measurable CPU cost), and a small old one makes V8 collect it sooner (96 → 32 MB, with
 * the texts as bytes: peak RSS 317 → 275 MB for 1,000,000 receipts). A worker over its cap dies,
 * and its receipts are checked by the builder.
 */
export const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 }

/** Receipts in one message to a worker: a seal time of a large batch is sent in pieces, so a worker's heap stays bounded. */
export const MESSAGE_MAX = 2_048

/**
 * The receipts of a chunk shared out to `n` workers. Receipts under the same node three levels
 * below their batch root (the same last three proof nodes) go to one worker, so its memo folds
 * each inner node of that subtree once; the groups go, largest first, to the worker with the
 * fewest (a batch's subtrees differ up to 2:1, eight of them share out evenly). Scheduling only:
 * whatever the proofs say, every receipt is checked in full.
 */
export function shareOut (chunk: ReceiptChunk, n: number): number[][] {
  const groups = new Map<string, number[]>()
  chunk.rows.forEach((row, i) => {
    const key = `${row.root}|${row.subtree}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [i])
    else group.push(i)
  })
  const shares = Array.from({ length: n }, (): number[] => [])
  for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
    shares.reduce((least, s) => (s.length < least.length ? s : least)).push(...group)
  }
  return shares
}

/** The texts `indices` of a chunk, copied one after another into a buffer of their own (so it can be transferred). */
function pieceOf (chunk: ReceiptChunk, indices: readonly number[]): { bytes: Uint8Array, ends: number[] } {
  return packTexts(indices.map((i) => chunk.bytes.subarray(chunk.start(i), chunk.ends[i])))
}

export class RecheckPool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, { resolve: (v: Array<RecheckResult | null | undefined>) => void, count: number }>()
  private next = 0
  private broken = false

  /**
   * `size` workers (by default one per core: the main thread mostly waits on them). Close it
   * when done: workers keep the process alive. `file`: the worker's compiled script (a bench
   * running from source passes a bundle, as a build runs; see bench/report.ts).
   */
  constructor (size = availableParallelism(), file?: string) {
    // Under ts-node (tests) the worker is the .ts file and needs the same hook.
    const script = file ?? join(__dirname, `recheck-worker${extname(__filename)}`)
    const execArgv = script.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : []
    for (let i = 0; i < Math.max(1, size); i++) {
      // Workers get no environment: nothing secret reaches them.
      const worker = new Worker(script, { execArgv, env: {}, resourceLimits: WORKER_LIMITS })
      worker.on('message', (msg: RecheckAnswer) => {
        const job = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        job?.resolve(Array.isArray(msg.checks) && msg.checks.length === job.count ? msg.checks : new Array<undefined>(job.count).fill(undefined))
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

  /** The re-checks of the chunk's texts, in order, spread over the workers (`undefined`: not checked here). */
  async check (chunk: ReceiptChunk): Promise<Checks> {
    const checks: Checks = new Array<undefined>(chunk.rows.length).fill(undefined)
    if (this.broken || chunk.rows.length === 0) return checks
    const shares = shareOut(chunk, this.workers.length)
    await Promise.all(this.workers.map(async (worker, w) => {
      const share = shares[w]
      for (let from = 0; from < share.length && !this.broken; from += MESSAGE_MAX) {
        const piece = share.slice(from, from + MESSAGE_MAX)
        const answers = await this.send(worker, { id: this.next++, ...pieceOf(chunk, piece), chain: chunk.chain, trust: chunk.trust })
        piece.forEach((i, k) => { checks[i] = answers[k] ?? undefined })
      }
    }))
    return checks
  }

  private async send (worker: Worker, request: RecheckRequest): Promise<Array<RecheckResult | null | undefined>> {
    return await new Promise((resolve) => {
      this.pending.set(request.id, { resolve, count: request.ends.length })
      try {
        // The piece's bytes are its own (pieceOf): moved to the worker, not copied.
        worker.postMessage(request, [request.bytes.buffer as ArrayBuffer])
      } catch {
        // Not cloneable (never for JSON texts and chain answers): left to the main thread.
        this.pending.delete(request.id)
        resolve([])
      }
    })
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
