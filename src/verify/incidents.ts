/**
 * The incidents of one core, checked as evidence: both heads parse, are of this core and carry
 * the writer's valid signature, and they differ. An incident that fails is tampered evidence
 * and makes the verdict `invalid` (never skipped). Incidents of other cores are left out.
 */
import { headFromJson, verifyHeadSignature, type HeadJson, type Incident } from '../seal'
import { VerifyError } from './errors'
import { isRecord } from './input'

export type IncidentsCheck =
  | { ok: true, incidents: Incident[] }
  | { ok: false, incidents: Incident[], reason: string }

/** Same (length, fork, tree): the same history at the same length. */
export function sameHead (a: Pick<HeadJson, 'length' | 'fork' | 'treeHash'>, b: Pick<HeadJson, 'length' | 'fork' | 'treeHash'>): boolean {
  return a.length === b.length && a.fork === b.fork && a.treeHash === b.treeHash
}

function signedHeadOf (value: unknown, key: string): HeadJson | null {
  try {
    const head = headFromJson(value)
    if (head.key.toString('hex') !== key) return null
    verifyHeadSignature(head)
    return value as HeadJson
  } catch {
    return null
  }
}

function fault (incident: Incident, key: string): string | null {
  if (incident.kind !== 'fork' && incident.kind !== 'rewind') return 'its kind is neither fork nor rewind'
  const sealed = signedHeadOf(incident.sealed, key)
  const observed = signedHeadOf(incident.observed, key)
  if (sealed === null || observed === null) return 'one of its heads is malformed, of another core, or not signed by the writer'
  if (sameHead(sealed, observed)) return 'its two heads are the same head'
  return null
}

export function incidentsOf (key: string, list: readonly unknown[]): IncidentsCheck {
  const incidents: Incident[] = []
  for (const value of list) {
    if (!isRecord(value)) throw new VerifyError('BAD_INPUT', 'Every incident must be an object { key, kind, sealed, observed, … }.')
    if (typeof value.key === 'string' && value.key.toLowerCase() === key) incidents.push(value as unknown as Incident)
  }
  for (const [i, incident] of incidents.entries()) {
    const why = fault(incident, key)
    if (why !== null) return { ok: false, incidents, reason: `Incident ${i} of this core is not valid evidence (${why}): the incident log was altered.` }
  }
  return { ok: true, incidents }
}
