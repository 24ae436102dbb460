/** How `hyperseal verify` shows a verdict: lines for people, or the verdict itself with --json. */
import type { Verdict, VerdictStatus } from '../verify'
import { CliError } from './errors'
import { printResult } from './output'

const STATUSES: readonly VerdictStatus[] = ['verified', 'pending', 'behind', 'rewind', 'fork', 'invalid']

/** The service's answer, checked to be a verdict (else it is not our API, or not this version of it). */
export function parseVerdictAnswer (base: URL, body: unknown): Verdict {
  const v = body as Partial<Verdict> | null
  const ok = typeof v === 'object' && v !== null && typeof v.key === 'string' && typeof v.version === 'number' &&
    STATUSES.includes(v.status as VerdictStatus) && typeof v.reason === 'string' && typeof v.final === 'boolean' &&
    typeof v.replica === 'object' && v.replica !== null && Array.isArray(v.incidents) && typeof v.trust === 'string' && Array.isArray(v.checks)
  if (!ok) throw new CliError('BAD_ANSWER', `${base.origin} answered something that is not a verdict; check --api.`)
  return v as Verdict
}

export function printVerdict (json: boolean, verdict: Verdict, notes: string[] = []): void {
  printResult(json, verdict, () => verdictLines(verdict, notes))
}

export function verdictLines (v: Verdict, notes: string[] = []): string[] {
  // A structure's verdict (src/verify composeStructure) names its kind and each part's own verdict.
  const { kind, parts } = v as { kind?: string, parts?: Array<Verdict & { role: string }> }
  const lines = [
    `${v.status.toUpperCase()}${v.status === 'verified' && !v.final ? ' (NOT FINAL YET)' : ''}: ${kind ?? 'core'} ${v.key} version ${v.version}`,
    `  reason:    ${v.reason}`
  ]
  for (const p of parts ?? []) lines.push(`  part:      ${p.role.padEnd(6)} ${p.status} (core ${p.key} version ${p.version}${p.sealedAt !== null ? `, sealed ${p.sealedAt}` : ''})`)
  if (v.sealedAt !== null) lines.push(`  sealed at: ${v.sealedAt} (${v.final ? 'final' : 'not final yet'}; the earliest final clock that checks)`)
  // Every clock, checked or not: one that could not be checked is named, never dropped.
  for (const c of v.clocks ?? []) {
    const where = c.kind === 'evm' ? `chain ${c.chainId ?? '?'}` : 'RFC 3161'
    const state = c.ok === true ? `${c.time ?? ''}${c.final ? ' final' : ' not final yet'}` : c.ok === false ? 'FAILS' : 'NOT CHECKED'
    lines.push(`  clock:     ${c.name} (${where}): ${state}${c.ok === true ? '' : ` (${c.detail})`}`)
  }
  if (v.chain !== null) {
    const required = v.chain.required === 'finalized' ? 'the finalized tag' : `${v.chain.required}`
    lines.push(`  chain:     ${v.chain.chainId}, contract ${v.chain.contract}, ${v.chain.confirmations} confirmations (trust root asks ${required})`)
    if (v.chain.embedded) lines.push('  WARNING:   this is the embedded development chain: its local administrator can rewrite it. Seal on a public chain for evidence others must accept.')
  }
  if (v.receipt !== null) {
    const { head, seal } = v.receipt
    lines.push(`  receipt:   head length ${head.length} fork ${head.fork}, root ${seal.root}`)
    lines.push(`             tx ${seal.txHash} in block ${seal.blockNumber} on chain ${seal.chainId}`)
  }
  lines.push(`  replica:   length ${v.replica.length} fork ${v.replica.fork}${v.replica.treeHash ? ` tree ${v.replica.treeHash}` : ''}`)
  const forks = v.incidents.filter((i) => i.kind === 'fork').length
  lines.push(`  incidents: ${v.incidents.length}${v.incidents.length > 0 ? ` (${forks} fork, ${v.incidents.length - forks} rewind)` : ''}`)
  for (const c of v.checks) lines.push(`  ${c.ok === true ? '✓' : c.ok === false ? '✗' : '?'} ${c.check.padEnd(11)} ${c.detail}`)
  for (const note of notes) lines.push(`  ${note}`)
  return lines
}
