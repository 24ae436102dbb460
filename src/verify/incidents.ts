/**
 * The incidents of one core, checked as evidence: both heads parse, are of this core and carry
 * the writer's valid signature, they differ, and their agreement proof (where the two histories
 * part, src/seal/agreement.ts) folds into both signed trees. An incident that fails is tampered
 * evidence and makes the verdict `invalid` (never skipped). Incidents of other cores are left out.
 */
import { checkAgreement, headFromJson, verifyHeadSignature, type Agreement, type HeadJson, type Incident } from '../seal'
import { VerifyError } from './errors'
import { isRecord } from './input'

/** An incident that checked out, with its agreement parsed (length 0 when it proves none). */
export interface CheckedIncident {
  incident: Incident
  agreed: Agreement
}

export type IncidentsCheck =
  | { ok: true, incidents: Incident[], checked: CheckedIncident[] }
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

function fault (incident: Incident, key: string): string | CheckedIncident {
  if (incident.kind !== 'fork' && incident.kind !== 'rewind') return 'its kind is neither fork nor rewind'
  const sealed = signedHeadOf(incident.sealed, key)
  const observed = signedHeadOf(incident.observed, key)
  if (sealed === null || observed === null) return 'one of its heads is malformed, of another core, or not signed by the writer'
  if (sameHead(sealed, observed)) return 'its two heads are the same head'
  const agreement = checkAgreement(incident.agreed, sealed, observed)
  if (!agreement.ok) return agreement.reason
  const standIn = agreement.agreement.sealedHead
  if (standIn !== undefined && signedHeadOf(standIn, key) === null) return 'the earlier sealed head of its agreement is not signed by the writer'
  const agreed = agreement.agreement.length
  // A rewind withdraws sealed blocks (a newer fork id, and not all of the sealed history kept);
  // a fork is two trees that differ within their common length.
  if (incident.kind === 'rewind' && (observed.fork <= sealed.fork || agreed >= sealed.length)) {
    return 'a rewind needs the observed head on a newer fork id, keeping less than the sealed history'
  }
  if (incident.kind === 'fork' && agreed >= Math.min(sealed.length, observed.length)) {
    return 'it proves one head extends the other, so they do not conflict'
  }
  return { incident, agreed: agreement.agreement }
}

export function incidentsOf (key: string, list: readonly unknown[]): IncidentsCheck {
  const incidents: Incident[] = []
  for (const value of list) {
    if (!isRecord(value)) throw new VerifyError('BAD_INPUT', 'Every incident must be an object { key, kind, sealed, observed, … }.')
    if (typeof value.key === 'string' && value.key.toLowerCase() === key) incidents.push(value as unknown as Incident)
  }
  const checked: CheckedIncident[] = []
  for (const [i, incident] of incidents.entries()) {
    const result = fault(incident, key)
    if (typeof result === 'string') return { ok: false, incidents, reason: `Incident ${i} of this core is not valid evidence (${result}): the incident log was altered.` }
    checked.push(result)
  }
  return { ok: true, incidents, checked }
}
