/**
 * The cap on expensive requests (verify, receipt lists, batch leaves, reports): at most `max`
 * run at once, and one more is refused at once with 503 BUSY and Retry-After. Nothing waits in
 * a queue: under overload a queue only grows, and every request in it holds a socket and its
 * memory while its client may have given up already. The cap counts work, not connections: a
 * slot is freed when the handler's work ends, even if the client went away before.
 */
import { ApiError } from './errors'

export class Capacity {
  private running = 0

  constructor (readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('the cap on expensive requests must be a positive integer')
  }

  get inUse (): number { return this.running }

  async run<T> (work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      throw new ApiError('BUSY', `${this.max} expensive requests are running already; try again in a few seconds.`)
    }
    this.running++
    try {
      return await work()
    } finally {
      this.running--
    }
  }
}
