/**
 * What each role sees of the shared answers. Peer addresses (where writers can be reached) and
 * an incident's free-form evidence (which may name a peer) are for auditors and admins; the
 * public keeps everything a verifier checks: an incident's two signed heads, where the histories
 * part and where the sealed head was sealed.
 */
import type { Incident } from '../seal'
import type { Verdict } from '../verify'
import { holds, type Role } from './auth'
import type { CoreView } from './service-port'

export function shownCore (role: Role, core: CoreView): CoreView | Omit<CoreView, 'peers'> {
  if (holds(role, 'auditor')) return core
  const { peers: _peers, ...rest } = core
  return rest
}

export function shownIncident (role: Role, incident: Incident): Incident {
  if (holds(role, 'auditor')) return incident
  const source = incident.evidence.source
  return { ...incident, evidence: { ...(typeof source === 'string' ? { source } : {}), withheld: 'the evidence details need the auditor or the admin token' } }
}

export function shownVerdict (role: Role, verdict: Verdict): Verdict {
  return holds(role, 'auditor') ? verdict : { ...verdict, incidents: verdict.incidents.map((i) => shownIncident(role, i)) }
}
