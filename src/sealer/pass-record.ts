/**
 * Each pass into the journal's pass history (src/ledger/pass-history.ts), whatever its end: the
 * audit report's coverage is computed from these records. Recording never fails a pass: the
 * pass's work (receipts, stale marks) is already kept; a history that cannot be written is logged.
 */
import type { PassOutcomeKind } from '../ledger'
import { CodedError, errInfo } from '../util'
import type { SealerDeps } from './deps'

/** What a pass saw, filled in as it goes (a pass that fails early leaves zeros). */
export interface PassCounts { checked: number, changed: number, stale: number }

export async function recordPass (deps: SealerDeps, at: Date, counts: PassCounts, end: { batchRoot: string | null } | { error: unknown }): Promise<void> {
  try {
    let outcome: PassOutcomeKind
    let batch: number | undefined
    let failure: { code: string, reason: string } | undefined
    if ('error' in end) {
      outcome = 'failed'
      const err = end.error
      failure = { code: err instanceof CodedError ? String(err.code) : 'INTERNAL', reason: err instanceof Error ? err.message : String(err) }
    } else if (end.batchRoot === null) {
      outcome = 'unchanged'
    } else {
      outcome = 'sealed'
      batch = (await deps.log.batchByRoot(end.batchRoot))?.seq
    }
    await deps.journal.passes.recordPass({ at, outcome, ...counts, ...(batch !== undefined ? { batch } : {}), ...failure })
    deps.metrics?.lastPassTime.set(at.getTime() / 1000)
    deps.metrics?.failedPassesInARow.set(deps.journal.passes.summary().failedInARow)
  } catch (err) {
    deps.logger.error({ err: errInfo(err) }, 'could not record the seal pass in the pass history; the audit report will count it as missed')
  }
}
