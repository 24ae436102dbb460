/**
 * The first half of a pass: capture the head of every core that may have changed, skip the
 * unchanged ones, and check each changed head against the core's last sealed head. A rewind or
 * fork becomes an incident; the head is still sealed, marked as a contradiction (a sealed
 * contradiction is public evidence).
 *
 * Which cores: the watcher's pending ones (heads/core-record.ts) — whose replica took a new
 * head since a pass last settled them (its observer saw the append or truncate, whether a pass,
 * a verify or a peer opened the core), those watched since the start and never settled, and
 * those restored at start and not read since — plus the stale ones that a peer can reach now.
 * Every other core is as a pass last left it: skipped without being opened.
 *
 * Each core gets a deadline inside the pass. Whatever its peers do not deliver by then (the
 * last block of an announced head, the block a prefix check needs) makes the core `stale` for
 * this pass: it is skipped, marked, and never holds up the others. A core already stale with no
 * peer connected is not waited for again until one connects.
 */
import { headToJson, type Head, type HeadJson, type Incident, type IncidentKind, type TreeNode } from '../seal'
import type { SplitView } from '../heads'
import type { ReceiptsLog, StaleMark } from '../ledger'
import type { SealerDeps } from './deps'
import { recordIncident } from './incidents'
import { probeAll, recordable, sameHead, visitsOf, type Check } from './probe'

export interface Candidate {
  head: Head
  /** The roots of the head's length, kept with its receipt. */
  roots: TreeNode[]
  contradicts?: IncidentKind
}

export interface Collected {
  candidates: Candidate[]
  skipped: Array<{ key: string, reason: string }>
  incidents: Incident[]
  /** Stale marks to set (a mark) or clear (null), by core. */
  stale: Map<string, StaleMark | null>
  /**
   * Cores looked at and concluded, with the head they were concluded at (null: none): settled
   * in the watcher once the pass has kept what it found (its batch journaled), so that a pass
   * that fails before looks at them again.
   */
  settled: Array<{ key: string, head: { length: number, fork: number } | null }>
}

/** True when exactly this head (length, fork, tree) already has a receipt. */
export async function alreadySealed (log: ReceiptsLog, head: HeadJson): Promise<boolean> {
  const entries = await log.receiptsAt(head.key, head.length)
  return entries.some((e) => sameHead(e.receipt.head, head))
}

/** A core's new stale mark; undefined when the one it holds still says it all (no journal write). */
function nextStaleMark (prev: StaleMark | undefined, reason: string, lastHead: { length: number, fork: number } | null): StaleMark | undefined {
  const head = lastHead === null ? prev?.lastHead ?? null : { length: lastHead.length, fork: lastHead.fork }
  if (prev !== undefined && prev.reason === reason && prev.lastHead?.length === head?.length && prev.lastHead?.fork === head?.fork) return undefined
  return { since: prev?.since ?? new Date().toISOString(), lastHead: head, reason }
}

export async function collectHeads (deps: SealerDeps, opts: { deadline: number, coreBudgetMs: number }): Promise<Collected> {
  const out: Collected = { candidates: [], skipped: [], incidents: [], stale: new Map(), settled: [] }
  const stale = await deps.journal.staleMarks()
  const visits = visitsOf(deps, stale)
  const probes = await probeAll(deps, visits, stale, { passDeadline: opts.deadline, coreBudgetMs: opts.coreBudgetMs })
  skipUnvisited(deps, new Set(visits.map((v) => v.key)), stale, out)
  for (const p of probes) {
    const { key } = p
    if (p.kind === 'stale') {
      const mark = nextStaleMark(stale.get(key), p.reason, p.lastHead)
      if (mark !== undefined) out.stale.set(key, mark)
      out.skipped.push({ key, reason: `stale: ${p.reason}` })
      out.settled.push({ key, head: p.lastHead === null ? null : { length: p.lastHead.length, fork: p.lastHead.fork } })
      deps.logger.warn({ key, reason: p.reason }, 'core stale: skipped for this pass')
      continue
    }
    if (p.kind === 'skipped') {
      out.skipped.push({ key, reason: p.reason })
      deps.logger.warn({ key, reason: p.reason }, 'core skipped for this pass')
      continue
    }
    // It answered: whatever made it stale is over.
    if (stale.has(key)) out.stale.set(key, null)
    for (const split of p.splits) out.incidents.push(await splitViewIncident(deps, key, p.head, split))
    if (p.kind === 'unchanged') {
      out.skipped.push({ key, reason: `unchanged since its seal at length ${p.head.length}` })
      out.settled.push({ key, head: { length: p.head.length, fork: p.head.fork } })
      continue
    }
    const { head, roots, check } = p
    if (check?.prefix.status !== 'behind') out.settled.push({ key, head: { length: head.length, fork: head.fork } })
    if (check === undefined || check.prefix.status === 'ok' || !('last' in check)) {
      out.candidates.push({ head, roots })
    } else if (check.prefix.status === 'behind') {
      out.skipped.push({ key, reason: `the replica (length ${check.prefix.replica.length}) is behind its last seal (length ${check.last.receipt.head.length})` })
    } else {
      if (recordable(check.prefix)) out.incidents.push(await prefixIncident(deps, key, head, check))
      out.candidates.push({ head, roots, contradicts: check.prefix.status })
    }
  }
  return out
}

/** Every watched core the pass did not look at: as a pass last left it. */
function skipUnvisited (deps: SealerDeps, visited: ReadonlySet<string>, stale: ReadonlyMap<string, StaleMark>, out: Collected): void {
  for (const key of deps.watcher.keys()) {
    if (visited.has(key)) continue
    const mark = stale.get(key)
    const seen = deps.watcher.lastSeen(key)
    out.skipped.push({ key, reason: mark !== undefined ? `stale: ${mark.reason}` : `unchanged since a pass last looked at it${seen === null ? '' : ` (length ${seen.length})`}` })
  }
}

async function prefixIncident (deps: SealerDeps, key: string, head: Head, { last, prefix, agreed }: Extract<Check, { last: unknown }>): Promise<Incident> {
  const seal = last.receipt.seal
  return await recordIncident(deps, {
    key,
    kind: prefix.status as IncidentKind,
    detectedAt: new Date().toISOString(),
    sealed: last.receipt.head,
    observed: headToJson(head),
    ...(agreed !== undefined ? { agreed } : {}),
    sealedIn: { root: seal.root, txHash: seal.txHash, blockNumber: seal.blockNumber },
    evidence: {
      source: 'seal-pass prefix check',
      reason: prefix.reason,
      replica: { length: prefix.replica.length, fork: prefix.replica.fork },
      ...(prefix.treeHashAtSealed ? { treeHashAtSealedLength: prefix.treeHashAtSealed.toString('hex') } : {}),
      ...(prefix.conflictSeen ? { hypercoreConflict: true } : {})
    }
  })
}

/**
 * A fork that the shared replica cannot see: a peer signing another tree for the same length
 * and fork as the head we hold (see heads/peer-probe.ts). Recorded with both signed heads; the
 * peer's head is not sealed (the ledger keeps one receipt per key, length and fork per batch).
 */
async function splitViewIncident (deps: SealerDeps, key: string, ours: Head, split: SplitView): Promise<Incident> {
  return await recordIncident(deps, {
    key,
    kind: 'fork',
    detectedAt: new Date().toISOString(),
    sealed: headToJson(ours),
    observed: headToJson(split.head),
    agreed: split.agreed,
    evidence: {
      source: 'seal-pass peer head probe',
      peer: split.peer,
      reason: `Two signatures by this core's key for length ${split.head.length}, fork ${split.head.fork}, over different trees: the key signed two histories.`
    }
  })
}
