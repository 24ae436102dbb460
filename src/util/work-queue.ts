/**
 * Work done in the background, at most `concurrency` items at a time, first queued first done;
 * an item queued again while it waits is done once (queued again once taken, it runs again).
 * `run` must not throw.
 */
export class WorkQueue<T> {
  private readonly queued = new Set<T>()
  private running = 0
  private closed = false

  constructor (private readonly concurrency: number, private readonly run: (item: T) => Promise<void>) {}

  has (item: T): boolean { return this.queued.has(item) }

  add (item: T): void {
    if (this.closed) return
    this.queued.add(item)
    while (this.running < this.concurrency && this.queued.size > 0) {
      this.running++
      void this.work().finally(() => { this.running-- })
    }
  }

  delete (item: T): void { this.queued.delete(item) }

  /** Drops what is queued; items already running end on their own. */
  close (): void {
    this.closed = true
    this.queued.clear()
  }

  private async work (): Promise<void> {
    for (let item = this.next(); item !== undefined && !this.closed; item = this.next()) await this.run(item)
  }

  private next (): T | undefined {
    const first = this.queued.values().next()
    if (first.done === true) return undefined
    this.queued.delete(first.value)
    return first.value
  }
}
