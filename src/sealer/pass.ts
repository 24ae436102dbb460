import type { InflightBatch } from '../ledger'
import { buildBatch, headToJson, treeNodeToJson, type Head, type Incident, type SealInfo, type TreeNode } from '../seal'
import { readHeadAndRoots } from '../heads'
import { cutBatch, leafBytes } from './batch-cap'
import { alreadySealed, collectHeads, type Collected } from './collect'
import { DEFAULT_CORE_BUDGET_MS, DEFAULT_PASS_BUDGET_MS, type SealerDeps, type SealPhase } from './deps'
import { contradictionKey, contradictionsOf, finalizeBatch, type Contradictions } from './finalize'
import { recordPass, type PassCounts } from './pass-record'
import { checkRecentSeals, type Resealed } from './reseal'
import { markStale } from './stale-marks'
import { driveToFinal } from './submit'

export interface PassOutcome {
  batch: {
    root: string
    leafCount: number
    seal: SealInfo
    heads: Array<{ key: string, length: number, fork: number }>
  } | null
  /** Batches left unfinished by an earlier pass or process, settled before this pass. */
  recovered: string[]
  /** Acknowledged seals the chain had forgotten, sealed again before this pass. */
  resealed: Resealed[]
  skipped: Array<{ key: string, reason: string }>
  incidents: Incident[]
  startedAt: string
  finishedAt: string
}

/** Share of the pass budget for collecting heads; the rest is for building, journaling and sending. */
const COLLECT_SHARE = 0.8

/**
 * Settles every batch the journal holds unfinished: after a crash, or a pass that failed
 * (RPC down). Mined ones are recorded, lost ones resent; nothing is sealed twice.
 */
export async function resolveUnfinished (deps: SealerDeps): Promise<string[]> {
  const roots: string[] = []
  for (const b of await deps.journal.listUnfinished()) {
    deps.logger.info({ root: b.root, state: b.state }, 'settling an unfinished batch from the journal')
    await settle(deps, b, await contradictionsOf(deps, b.leaves))
    roots.push(b.root)
  }
  return roots
}

async function settle (deps: SealerDeps, b: InflightBatch, contradictions: Contradictions): Promise<SealInfo> {
  const seal = await driveToFinal(deps, b)
  await finalizeBatch(deps, b, seal, contradictions)
  return seal
}

async function timed<T> (deps: SealerDeps, phase: SealPhase, step: () => Promise<T>): Promise<T> {
  if (deps.onPhase === undefined) return await step()
  const start = performance.now()
  try {
    return await step()
  } finally {
    deps.onPhase(phase, performance.now() - start)
  }
}

/**
 * The receipts log's own head, when this batch must carry it: with every batch of changed
 * cores, and alone when the log changed since its last seal by more than that seal's own
 * receipts (an incident). Never for those receipts alone: that would seal the log forever.
 */
async function logHead (deps: SealerDeps, withOthers: boolean): Promise<{ head: Head, roots: TreeNode[] } | null> {
  if (!withOthers && !await deps.log.unsealedChanges()) return null
  const own = readHeadAndRoots(deps.log.core)
  if (own === null) return null
  return await alreadySealed(deps.log, headToJson(own.head)) ? null : own
}

export interface PassOptions {
  /** Check recent final seals on chain first (the start-up check, when the service's did not run). */
  checkSeals?: boolean
}

/**
 * One seal pass: settle unfinished batches; capture the head of every core that may have
 * changed (collect.ts) within the pass budget (stale cores skipped and marked); skip the
 * unchanged; check the changed against their last seal (incidents); build one batch of them plus the receipts log's head; journal it; seal it;
 * wait for finality; write the receipts. The budget bounds everything up to sending the
 * transaction; settling earlier batches and waiting for confirmations have their own timeouts.
 * Throws when the chain fails: the batch stays journaled and the next pass settles it.
 */
export async function runSealPass (deps: SealerDeps, opts: PassOptions = {}): Promise<PassOutcome> {
  // Every pass, whatever its end, goes into the pass history (the audit report's coverage).
  const at = new Date()
  const counts: PassCounts = { checked: 0, changed: 0, stale: 0 }
  let outcome: PassOutcome
  try {
    outcome = await sealPass(deps, opts, at, counts)
  } catch (error) {
    await recordPass(deps, at, counts, { error })
    throw error
  }
  await recordPass(deps, at, counts, { batchRoot: outcome.batch?.root ?? null })
  return outcome
}

/** Where the next pass's batch cut resumes, by watcher (batch-cap.ts). */
const resumeAfter = new WeakMap<object, string>()

/**
 * The candidates one batch takes (batch-cap.ts): those left out are not settled, so the watcher
 * names them again and the next pass takes them first; the skipped list says why.
 */
function capBatch (deps: SealerDeps, collected: Collected): Collected {
  const cut = cutBatch(collected.candidates, (c) => c.head.key.toString('hex'), (c) => leafBytes(c.head), resumeAfter.get(deps.watcher) ?? null, deps.batchLeafBytes)
  if (cut.resumeAfter === null) {
    resumeAfter.delete(deps.watcher)
    return collected
  }
  resumeAfter.set(deps.watcher, cut.resumeAfter)
  const left = new Set(cut.left.map((c) => c.head.key.toString('hex')))
  deps.logger.warn({ kept: cut.kept.length, left: left.size }, 'batch full: the other changed cores wait for the next pass')
  return {
    ...collected,
    candidates: cut.kept,
    settled: collected.settled.filter((s) => !left.has(s.key)),
    skipped: [...collected.skipped, ...[...left].map((key) => ({ key, reason: `left for the next pass: this pass's batch took ${cut.kept.length} heads, as many as one record of the receipts log holds` }))]
  }
}

async function sealPass (deps: SealerDeps, opts: PassOptions, at: Date, counts: PassCounts): Promise<PassOutcome> {
  const startedAt = at.toISOString()
  const recovered = await timed(deps, 'recover', () => resolveUnfinished(deps))
  const resealed = opts.checkSeals === true ? await timed(deps, 'recover', () => checkRecentSeals(deps)) : []
  const budget = deps.passBudgetMs ?? DEFAULT_PASS_BUDGET_MS
  const deadline = Date.now() + budget * COLLECT_SHARE
  const coreBudgetMs = Math.min(deps.coreBudgetMs ?? DEFAULT_CORE_BUDGET_MS, budget * COLLECT_SHARE)
  const collected = capBatch(deps, await timed(deps, 'collect', () => collectHeads(deps, { deadline, coreBudgetMs })))
  await markStale(deps, collected.stale)
  const staleNow = (await deps.journal.staleMarks()).size
  deps.metrics?.staleCores.set(staleNow)
  Object.assign(counts, { checked: collected.candidates.length + collected.skipped.length, changed: collected.candidates.length, stale: staleNow })
  const done = (batch: PassOutcome['batch']): PassOutcome =>
    ({ batch, recovered, resealed, skipped: collected.skipped, incidents: collected.incidents, startedAt, finishedAt: new Date().toISOString() })
  // What the pass found is kept (stale marks written, the batch journaled): the watcher may
  // stop pointing the next pass at those cores.
  const settle = (): void => { for (const { key, head } of collected.settled) deps.watcher.settle(key, head) }

  const own = await logHead(deps, collected.candidates.length > 0)
  if (collected.candidates.length === 0 && own === null) {
    settle()
    return done(null)
  }
  const { batch, roots, contradictions } = await timed(deps, 'build', async () => {
    const heads = collected.candidates.map((c) => c.head).concat(own === null ? [] : [own.head])
    const roots = collected.candidates.map((c) => c.roots).concat(own === null ? [] : [own.roots]).map((r) => r.map(treeNodeToJson))
    const batch = buildBatch(heads)
    const contradictions: Contradictions = new Map()
    for (const c of collected.candidates) {
      if (c.contradicts) contradictions.set(contradictionKey(headToJson(c.head)), c.contradicts)
    }
    return { batch, roots, contradictions }
  })
  const leaves = [...batch.headsJson]
  const inflight = await timed(deps, 'journal', () => deps.journal.prepareBatch({ root: batch.root, leaves, roots }))
  settle()
  deps.fault?.('after-journal')
  // settle(), split so that the chain and the receipts are timed apart.
  const seal = await timed(deps, 'chain', () => driveToFinal(deps, inflight))
  await timed(deps, 'receipts', () => finalizeBatch(deps, inflight, seal, contradictions, batch))
  return done({
    root: batch.root,
    leafCount: batch.leafCount,
    seal,
    heads: leaves.map(({ key, length, fork }) => ({ key, length, fork }))
  })
}
