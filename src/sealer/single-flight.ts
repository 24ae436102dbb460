import { SealerError } from './errors'

/** Runs at most one task at a time: a second call while one runs fails with PASS_RUNNING. */
export class SingleFlight {
  private running: Promise<unknown> | null = null

  get busy (): boolean {
    return this.running !== null
  }

  async run<T> (task: () => Promise<T>): Promise<T> {
    if (this.running !== null) throw new SealerError('PASS_RUNNING', 'A seal pass is already running; try again when it ends.')
    const p = task()
    this.running = p
    try {
      return await p
    } finally {
      this.running = null
    }
  }

  /** Resolves when the running task (if any) has ended, whatever its outcome. */
  async idle (): Promise<void> {
    await this.running?.catch(() => {})
  }
}
