/**
 * A structure's verdict from its parts' verdicts (DESIGN.md "Verdict": `kind` and `parts`). Pure:
 * the caller verifies each part on its own (the db at the version, the blobs core at the length
 * that version references) and passes the verdicts in. The structure is `verified` only when every
 * part is; otherwise the worst part decides (invalid, fork, rewind, pending, behind) and the reason
 * names it, so a rewind of only the blobs core is the drive's rewind. `sealedAt` is the later of
 * the parts' seals (the structure as a whole existed no later than that), `final` when all are.
 */
import type { Verdict, VerdictStatus } from './types'

export type StructureKind = 'hyperbee' | 'hyperdrive' | 'autobase'
export type PartRole = 'db' | 'blobs' | 'system' | 'view'

/** One part: its verdict, or null when the version needs nothing of it (a drive version with no blob). */
export interface PartVerdictInput {
  role: PartRole
  key: string
  version: number
  verdict: Verdict | null
  /** Why `verdict` is null, in words. */
  note?: string
}

export type PartVerdict = Verdict & { role: PartRole }

export type StructureVerdict = Verdict & {
  kind: StructureKind
  parts: PartVerdict[]
}

/** Worst first: the first status any part has decides the structure's. */
const SEVERITY: readonly VerdictStatus[] = ['invalid', 'fork', 'rewind', 'pending', 'behind', 'verified']

const NAMES: Record<StructureKind, string> = { hyperbee: 'Hyperbee', hyperdrive: 'Hyperdrive', autobase: 'Autobase' }

export function composeStructure (kind: StructureKind, key: string, version: number, inputs: readonly PartVerdictInput[]): StructureVerdict {
  if (inputs.length === 0 || inputs[0].verdict === null) throw new TypeError('the first part (the structure\'s own core) needs a verdict')
  const main = inputs[0].verdict
  const parts: PartVerdict[] = inputs.flatMap((p) => p.verdict === null ? [] : [{ ...p.verdict, role: p.role }])
  const status = SEVERITY.find((s) => parts.some((p) => p.status === s)) ?? 'verified'
  const name = `${NAMES[kind]} ${key.slice(0, 16)}… version ${version}`
  const partText = (p: PartVerdict): string => `${p.role} (${p.key.slice(0, 16)}… at ${p.version})`
  const skipped = inputs.filter((p) => p.verdict === null).map((p) => `${p.role}: ${p.note ?? 'nothing to check'}`)
  const times = parts.map((p) => p.sealedAt)
  const sealedAt = times.every((t): t is string => t !== null) ? [...times].sort().at(-1) ?? null : null
  let reason: string
  if (status === 'verified') {
    reason = `${name} verified: ${parts.map((p) => `${partText(p)} sealed ${p.sealedAt ?? '?'}`).join('; ')}${skipped.length > 0 ? `; ${skipped.join('; ')}` : ''}.`
  } else {
    const bad = parts.filter((p) => p.status === status)
    reason = `${name} is ${status}: ${bad.map((p) => `the ${partText(p)} is ${status}: ${p.reason}`).join(' ')}`
  }
  const incidents = parts.flatMap((p) => p.incidents)
  return {
    ...main,
    key,
    version,
    status,
    sealedAt,
    final: sealedAt !== null && parts.every((p) => p.final),
    incidents,
    reason,
    checks: parts.flatMap((p) => p.checks.map((c) => ({ ...c, detail: `${p.role}: ${c.detail}` }))),
    kind,
    parts
  }
}
