/**
 * The one path every incident takes into the receipts log, whichever detector found it (the
 * pass's prefix check, its peer probe, Hypercore's conflict event): it fills in what the
 * detector could not know (`sealedIn`, an `agreed` of length 0 when nothing was proven), lets
 * the log keep one incident per identity (kind + the pair of heads; a fork in either order), and
 * counts and logs only incidents that are new. A restart that meets the same fork again, or two
 * detectors that see it in one pass, change nothing.
 */
import type { AlertSink } from '../alerts'
import { incidentIdentity, type ReceiptsLog } from '../ledger'
import { NO_AGREEMENT, type HeadJson, type Incident, type SealRef } from '../seal'
import type { Logger } from '../util'
import type { SealerMetrics } from './metrics'

export interface IncidentDeps {
  log: ReceiptsLog
  logger: Logger
  metrics?: SealerMetrics
  alerts?: AlertSink
}

/** Where exactly this head was sealed (its latest receipt), or null when it never was. */
async function sealedInOf (log: ReceiptsLog, head: HeadJson): Promise<SealRef | null> {
  const entries = await log.receiptsAt(head.key, head.length)
  let found: SealRef | null = null
  let batch = -1
  for (const e of entries) {
    const h = e.receipt.head
    if (h.fork !== head.fork || h.treeHash !== head.treeHash || e.batch < batch) continue
    batch = e.batch
    found = { root: e.receipt.seal.root, txHash: e.receipt.seal.txHash, blockNumber: e.receipt.seal.blockNumber }
  }
  return found
}

/** Records `incident` once; returns the stored incident (the earlier one when it was known). */
export async function recordIncident (deps: IncidentDeps, incident: Incident): Promise<Incident> {
  const sealedIn = incident.sealedIn ?? await sealedInOf(deps.log, incident.sealed)
  const full: Incident = {
    ...incident,
    agreed: incident.agreed ?? NO_AGREEMENT,
    ...(sealedIn !== null ? { sealedIn } : {})
  }
  const { created, incident: stored } = await deps.log.appendIncident(full)
  if (!created) {
    deps.logger.debug({ key: incident.key, kind: incident.kind }, 'incident already recorded')
    return stored
  }
  deps.metrics?.incidents.inc({ kind: incident.kind })
  deps.logger.error({
    key: incident.key,
    kind: incident.kind,
    sealedLength: incident.sealed.length,
    observedLength: incident.observed.length,
    agreedLength: stored.agreed?.length ?? 0
  }, `${incident.kind.toUpperCase()} detected: the writer's history no longer matches its seal`)
  // Only a new incident: the log's exactly-once is the alert's too (the service's start tells
  // any whose alert a crash cut off, service/alert-monitor.ts).
  await deps.alerts?.observe({ kind: 'incident', incident: stored, identity: incidentIdentity(stored) })
  return stored
}
