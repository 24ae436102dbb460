import type { InflightBatch } from '../ledger'
import { buildBatch, headToJson, type Head, type Incident, type SealInfo } from '../seal'
import { readHead } from '../heads'
import { alreadySealed, collectHeads } from './collect'
import type { SealerDeps, SealPhase } from './deps'
import { contradictionKey, contradictionsOf, finalizeBatch, type Contradictions } from './finalize'
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
  skipped: Array<{ key: string, reason: string }>
  incidents: Incident[]
  startedAt: string
  finishedAt: string
}

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

/** The receipts log's own head, when it moved since its last seal: sealed with every batch. */
async function logHead (deps: SealerDeps): Promise<Head | null> {
  const head = readHead(deps.log.core)
  if (head === null || await alreadySealed(deps.log, headToJson(head))) return null
  return head
}

/**
 * One seal pass: settle unfinished batches; capture every watched head; skip the unchanged;
 * check the changed against their last seal (incidents); build one batch of them plus the
 * receipts log's head; journal it; seal it; wait for finality; write the receipts.
 * Throws when the chain fails: the batch stays journaled and the next pass settles it.
 */
export async function runSealPass (deps: SealerDeps): Promise<PassOutcome> {
  const startedAt = new Date().toISOString()
  const recovered = await timed(deps, 'recover', () => resolveUnfinished(deps))
  const collected = await timed(deps, 'collect', () => collectHeads(deps))
  const done = (batch: PassOutcome['batch']): PassOutcome =>
    ({ batch, recovered, skipped: collected.skipped, incidents: collected.incidents, startedAt, finishedAt: new Date().toISOString() })
  if (collected.candidates.length === 0) return done(null)

  const { batch, leaves, contradictions } = await timed(deps, 'build', async () => {
    const own = await logHead(deps)
    const heads = collected.candidates.map((c) => c.head).concat(own === null ? [] : [own])
    const batch = buildBatch(heads)
    const contradictions: Contradictions = new Map()
    for (const c of collected.candidates) {
      if (c.contradicts) contradictions.set(contradictionKey(headToJson(c.head)), c.contradicts)
    }
    return { batch, leaves: [...batch.headsJson], contradictions }
  })
  const inflight = await timed(deps, 'journal', () => deps.journal.prepareBatch({ root: batch.root, leaves }))
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
