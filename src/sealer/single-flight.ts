import { SealerError } from './errors'

/** Who holds the flight: a seal pass (or start-up recovery), or a later anchor's short log section. */
export type FlightHolder = 'pass' | 'anchor'

/**
 * Runs at most one task at a time. A pass that finds a pass running fails with PASS_RUNNING (the
 * running pass covers it). A pass that finds an anchor's log section running waits for it instead:
 * that section is milliseconds of receipts-log work, and a cron tick skipped for it would leave new
 * heads unsealed for a whole interval.
 */
export class SingleFlight {
  private running: { task: Promise<unknown>, holder: FlightHolder } | null = null

  get busy (): boolean {
    return this.running !== null
  }

  async run<T> (task: () => Promise<T>, holder: FlightHolder = 'pass'): Promise<T> {
    while (holder === 'pass' && this.running?.holder === 'anchor') await this.idle()
    if (this.running !== null) throw new SealerError('PASS_RUNNING', 'A seal pass is already running; try again when it ends.')
    const p = task()
    this.running = { task: p, holder }
    try {
      return await p
    } finally {
      this.running = null
    }
  }

  /** Resolves when the running task (if any) has ended, whatever its outcome. */
  async idle (): Promise<void> {
    await this.running?.task.catch(() => {})
  }
}
