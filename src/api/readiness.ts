/**
 * `/ready` without waiting on the chain: the service's readiness (storage, recovery, a chain
 * RPC call) is checked in the background every `refreshMs`, each check bounded by
 * `timeoutMs`, and a probe gets the latest answer at once. Only the very first probe waits, for
 * the first check (at most `timeoutMs`). The checks start with that first probe, so an API
 * that nobody probes sends no RPC call, and stop when the app closes. A check still running
 * when the next is due is not doubled: its timeout has already marked the service not ready,
 * and its own answer replaces that when it comes.
 */
import type { ServicePort } from './service-port'

export type Readiness = Awaited<ReturnType<ServicePort['ready']>>

export interface ReadinessOptions {
  /** How often the background check runs (default 5 s). */
  refreshMs?: number
  /** How long one check may take before the service counts as not ready (default 2 s). */
  timeoutMs?: number
}

const notReady = (detail: string): Readiness => ({ ready: false, checks: { service: { ok: false, detail } } })

export class ReadinessCache {
  private answer: Readiness | null = null
  private first: Promise<void> | null = null
  private running = false
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly refreshMs: number
  private readonly timeoutMs: number

  constructor (private readonly check: () => Promise<Readiness>, opts: ReadinessOptions = {}) {
    this.refreshMs = opts.refreshMs ?? 5_000
    this.timeoutMs = opts.timeoutMs ?? 2_000
  }

  /** The latest answer of the background check. */
  async current (): Promise<Readiness> {
    if (this.answer === null) {
      if (this.first === null) {
        this.first = this.refresh()
        if (!this.closed) {
          this.timer = setInterval(() => { void this.refresh() }, this.refreshMs)
          this.timer.unref()
        }
      }
      await this.first
    }
    return this.answer!
  }

  close (): void {
    this.closed = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** Resolves when this check answered or timed out, whichever comes first. */
  private refresh (): Promise<void> {
    if (this.running) return Promise.resolve()
    this.running = true
    const checked = this.check().catch(() => notReady('the readiness check failed'))
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs)
      timer.unref()
    })
    // The check's own answer, whenever it comes, is the latest one.
    void checked.then((answer) => {
      clearTimeout(timer)
      this.answer = answer
      this.running = false
    })
    return Promise.race([checked, timedOut]).then((won) => {
      if (won === 'timeout' && this.running) this.answer = notReady(`no answer within ${this.timeoutMs} ms`)
    })
  }
}
