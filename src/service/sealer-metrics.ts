import type { Registry } from 'prom-client'
import type { Journal, ReceiptsLog } from '../ledger'
import { createSealerMetrics, type SealerMetrics } from '../sealer'

/**
 * The sealer's metrics, starting from the ledger: `hyperseal_incidents_total` counts every
 * incident recorded (each once, across restarts), the stale gauge the cores marked now.
 */
export async function openMetrics (registry: Registry, log: ReceiptsLog, journal: Journal): Promise<{ registry: Registry, sealer: SealerMetrics }> {
  const sealer = createSealerMetrics(registry)
  for (const incident of await log.listIncidents()) sealer.incidents.inc({ kind: incident.kind })
  sealer.staleCores.set((await journal.staleMarks()).size)
  const passes = journal.passes.summary()
  if (passes.last !== null) sealer.lastPassTime.set(Date.parse(passes.last.at) / 1000)
  sealer.failedPassesInARow.set(passes.failedInARow)
  return { registry, sealer }
}
