/**
 * Incidents in the receipts log (keys.ts): each under its core and under its time,
 *
 *   incident!<key>!<detectedAt>!<n>     → Incident
 *   incident-t!<detectedAt>!<key>!<n>   → Incident
 *
 * recorded once per identity (log-records.ts `incidentIdentity`), whichever detector saw it.
 */
import type { Incident } from '../seal'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import { incidentOf } from './log-entries'
import { incidentIdentity, parseIncident } from './log-records'
import { timeBounds, type TimeFilter } from './time-filter'
import { asInput, asStored, jsonValue } from './validate'

/**
 * Records an incident once per identity: its kind and its pair of heads (length, fork, tree
 * hash; a fork's pair in either order), whenever and by whichever detector it was seen. The
 * same incident again is a no-op that returns the one stored (`created` false).
 */
export async function appendIncident (bee: LedgerBee, input: Incident): Promise<{ id: string, created: boolean, incident: Incident }> {
  const incident = asInput('incident', jsonValue('incident', input), parseIncident)
  const { key, detectedAt } = incident
  const identity = incidentIdentity(incident)
  return await bee.write(async (tx) => {
    let n = 0
    for (const entry of await tx.range(K.prefixRange(K.incidentPrefix(key)))) {
      const known = asStored(entry.key, entry.value, parseIncident)
      if (incidentIdentity(known) === identity) return { id: entry.key, created: false, incident: known }
      if (known.detectedAt === detectedAt) n++
    }
    await tx.putOnce(K.incidentKey(key, detectedAt, n), incident)
    await tx.putOnce(K.incidentTimeKey(detectedAt, key, n), incident)
    return { id: K.incidentKey(key, detectedAt, n), created: true, incident }
  })
}

/** Incidents detected in [from, to), oldest first, of one core or of all. */
export async function listIncidents (bee: LedgerBee, filter: TimeFilter & { key?: string | Buffer }): Promise<Incident[]> {
  const { from, to } = timeBounds(filter)
  const range = filter.key === undefined
    ? K.prefixRange('incident-t!', from, to)
    : K.prefixRange(K.incidentPrefix(K.keyHex(filter.key)), from, to)
  const entries = await bee.range(range)
  return entries.map((e) => incidentOf(e, filter.key !== undefined))
}
