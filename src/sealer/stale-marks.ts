import type { StaleCore } from '../alerts'
import type { StaleMark } from '../ledger'
import type { SealerDeps } from './deps'

/**
 * Writes the pass's stale marks and tells the alert sink what changed: a core that became
 * stale, a stale core that answered again. The journal's marks are the state, so a core stale
 * on many passes (or across a restart) is told once.
 */
export async function markStale (deps: SealerDeps, changes: ReadonlyMap<string, StaleMark | null>): Promise<void> {
  // The journal's map is live: the marks before this write are copied out first.
  const marks = deps.alerts === undefined ? new Map<string, StaleMark>() : await deps.journal.staleMarks()
  const before = new Map([...changes.keys()].map((key) => [key, marks.get(key)] as const))
  await deps.journal.updateStale(changes)
  if (deps.alerts === undefined) return
  const stale: StaleCore[] = []
  const back: string[] = []
  for (const [key, mark] of changes) {
    const was = before.get(key)
    if (mark !== null && was === undefined) stale.push({ key, since: mark.since, reason: mark.reason, lastHead: mark.lastHead })
    if (mark === null && was !== undefined) back.push(key)
  }
  // One observation each for the whole pass: a peer of 10,000 cores going down is one alert.
  if (stale.length > 0) await deps.alerts.observe({ kind: 'core_stale', cores: stale })
  if (back.length > 0) await deps.alerts.observe({ kind: 'core_back', keys: back })
}
