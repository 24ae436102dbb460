/**
 * Coverage of the seal schedule over a report period (issue 14 item 2): did the passes keep
 * running, which failed or were missed, when was the service down, and per core whether its
 * changes were sealed. The service records passes compactly (src/ledger); a pure function in
 * src/report turns the records of a period into this. Idle (nothing changed, passes ran) and
 * down (no pass ran) are different things and are reported as such.
 */

/** One gap in the schedule: slots where no pass ran. */
export interface MissedRun {
  from: string
  to: string
  slots: number
}

export interface FailedPass {
  at: string
  /** A closed-set code (e.g. CHAIN_UNAVAILABLE), then plain words. */
  code: string
  reason: string
}

/** The service was not running (its own stop/start records) or not heard from (`unknown`). */
export interface Downtime {
  from: string
  to: string
  seconds: number
  cause: 'stopped' | 'unknown'
}

export interface CoreCoverage {
  /** When the core was watched within the period (`to` null: still watched at the period's end). */
  watched: Array<{ from: string, to: string | null }>
  /** Changes the passes saw and sealed in the period. */
  changesSealed: number
  /** Intervals the core was `stale` (its peers did not answer in time); `to` null: still stale. */
  stale: Array<{ from: string, to: string | null, reason: string }>
  /** Longest time a change of this core waited for its seal, seconds; null when it never changed. */
  longestUnsealedSeconds: number | null
}

export interface ReportCoverage {
  schedule: string
  nominalIntervalSeconds: number
  passes: {
    /** Slots of the schedule inside the period. */
    scheduled: number
    run: number
    /** Of the passes run: sealed a batch / found nothing changed / failed. */
    sealed: number
    unchanged: number
    failed: number
    missed: number
  }
  /** At most 100 of each, earliest first; the counts above are complete. */
  missed: MissedRun[]
  failed: FailedPass[]
  downtime: Downtime[]
  downtimeSeconds: number
  /** Per watched core, by hex key. */
  cores: Record<string, CoreCoverage>
}
