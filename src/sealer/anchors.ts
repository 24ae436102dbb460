/**
 * Later anchors, each on its own cron schedule (schedule.ts drives them): more clocks for the primary batch roots
 * (src/seal anchor.ts, docs/formats.md "Receipt (v2)").
 *
 * - A secondary EVM anchor seals, on its own chain's HyperSeal contract, one root over every
 *   primary batch root recorded since its mark, waits until the seal is final by the anchor's
 *   own rule (confirmations, or the chain's `finalized` tag), then records each batch root's
 *   inclusion proof in the receipts log (append-only: the receipts stay as they were
 *   acknowledged; readers join the anchors in).
 * - A time-stamping authority gets one RFC 3161 request per batch root (with a nonce); the token
 *   is checked before it is recorded.
 *
 * Never in the way of a seal pass: only an anchor's reads and writes of the receipts log and the
 * journal run in the seal single flight (`exclusive`); its waits on another chain (a `finalized`
 * tag can take a quarter of an hour) and on a TSA run outside it, so primary passes go on. One
 * run per anchor at a time: a run asked for while one runs starts when it ends (one follows).
 *
 * No orphan roots: the secondary root and what it covers are journaled before the seal is sent
 * (anchor-intent.ts); a run first finishes a journaled root (found on chain, or sent) and only
 * then covers newer batches.
 *
 * An anchor's records change the receipts log, so the next pass seals the log's head alone (a
 * log-only batch). Such batches never trigger an anchor by themselves: the secondary chain
 * covers them only along with a batch of watched cores, and no token is asked for them. Else
 * an idle service would anchor its own anchor records forever.
 */
import { ChainError, type ChainClient } from '../chain'
import type { BatchRecord, Journal, ReceiptsLog } from '../ledger'
import { buildAnchorTree, type SealInfo } from '../seal'
import { errInfo, type Logger } from '../util'
import { clearIntent, readIntent, writeIntent, type AnchorIntent } from './anchor-intent'
import type { FaultPoint } from './faults'

interface Scheduled {
  name: string
  /** Cron expression (node-cron, as the seal schedule): when this anchor runs. */
  schedule: string
}

export interface EvmAnchorTarget extends Scheduled {
  type: 'evm'
  client: ChainClient
  chainId: number
  /** When the secondary seal is final, and so recorded: confirmations (1 = mined) or the chain's `finalized` tag. */
  finality: number | 'finalized'
  /** Bound on waiting for that finality in one run (default 10 min); past it the root stays journaled and the next run finishes it. */
  confirmTimeoutMs?: number
}

export interface TsaAnchorTarget extends Scheduled {
  type: 'rfc3161'
  /** Requests a token over the 32-byte root (RFC 3161, with a nonce) and checks it before it is kept. */
  stamp: (root: Uint8Array) => Promise<{ token: Uint8Array, time: string }>
}

export type AnchorTarget = EvmAnchorTarget | TsaAnchorTarget

export interface AnchorDeps {
  log: ReceiptsLog
  /** Where a secondary anchor's intent is kept until its records are written. */
  journal: Journal
  logger: Logger
  anchors: readonly AnchorTarget[]
  /** Crash points for the recovery trials (faults.ts). */
  fault?: (point: FaultPoint) => void
  /** Runs `fn` where no seal pass writes the receipts log (the seal single flight); default: at once. */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>
}

const exclusive = <T>(deps: AnchorDeps, fn: () => Promise<T>): Promise<T> => deps.exclusive === undefined ? fn() : deps.exclusive(fn)

export interface AnchorRun { name: string, ok: boolean, error?: unknown }

/** At most this many batch roots under one secondary root (the rest wait for the next one). */
const MAX_ROOTS = 4096

const logOnly = (log: ReceiptsLog, batch: BatchRecord): boolean => batch.leaves.every((l) => l.key === log.key.toString('hex'))

/** The batches after `throughSeq` (all when null), oldest first. */
async function batchesAfter (log: ReceiptsLog, throughSeq: number | null): Promise<BatchRecord[]> {
  const latest = await log.latestBatch()
  const from = throughSeq === null ? 0 : throughSeq + 1
  if (latest === null || latest.seq < from) return []
  const out: BatchRecord[] = []
  for (let seq = from; seq <= latest.seq && out.length < MAX_ROOTS; seq++) {
    const batch = await log.getBatch(seq)
    if (batch !== null) out.push(batch)
  }
  return out
}

const markOf = async (log: ReceiptsLog, name: string): Promise<number | null> => (await log.anchorMark(name))?.throughSeq ?? null

/** Finds the root sealed on the secondary chain, or seals it; then waits for the anchor's finality. */
async function sealSecondary (deps: AnchorDeps, target: EvmAnchorTarget, root: string, leafCount: number): Promise<SealInfo> {
  const { client } = target
  const timeoutMs = target.confirmTimeoutMs ?? 10 * 60_000
  let found = await client.findSeal(root)
  if (found === null) {
    try {
      const sent = await client.seal(root, leafCount)
      await client.waitMined(sent.txHash, timeoutMs)
    } catch (err) {
      if (!(err instanceof ChainError && err.code === 'REVERTED_ALREADY_SEALED')) throw err
    }
    deps.fault?.('anchor-after-mined')
    found = await client.findSeal(root)
    if (found === null) throw new ChainError('RPC_BAD_ANSWER', `The anchor root ${root} was mined but the chain does not report it sealed.`)
  }
  // A chain without the `finalized` tag fails here with RPC_ERROR, as the primary's wait does:
  // nothing is recorded, the root stays journaled, and the log says to count confirmations.
  await client.waitForConfirmations(found.txHash, target.finality === 'finalized' ? 'finalized' : Math.max(1, target.finality), timeoutMs)
  // Read again once final: a reorg meanwhile moves the seal.
  const final = await client.findSeal(root)
  if (final === null) throw new ChainError('RPC_BAD_ANSWER', `The anchor root ${root} disappeared while waiting for finality; the next anchor run seals it again.`)
  return { chainId: target.chainId, contract: client.contractAddress.toLowerCase(), root, leafCount: final.leafCount, txHash: final.txHash, blockNumber: final.blockNumber, blockHash: final.blockHash, timestamp: final.timestamp }
}

/** Seals the intent's root (or finds it), records its proofs and mark, then forgets the intent. */
async function finishIntent (deps: AnchorDeps, target: EvmAnchorTarget, intent: AnchorIntent): Promise<string> {
  const tree = buildAnchorTree(intent.roots)
  const seal = await sealSecondary(deps, target, tree.root, tree.leafCount)
  await exclusive(deps, async () => {
    await deps.log.appendAnchor(
      { name: target.name, throughSeq: intent.throughSeq, root: tree.root },
      intent.roots.map((batchRoot) => ({ batchRoot, anchor: { type: 'evm', name: target.name, seal, proof: tree.proofFor(batchRoot) } }))
    )
    await clearIntent(deps.journal, target.name)
  })
  deps.logger.info({ anchor: target.name, chainId: target.chainId, root: tree.root, batches: intent.roots.length, tx: seal.txHash }, 'secondary anchor sealed and final')
  return tree.root
}

/**
 * Secondary seals until the anchor covers every batch so far: first a root a crash left
 * journaled (when its mark is not written yet), then one root over the batches since the mark.
 * The roots recorded, oldest first (empty when there was nothing new).
 */
export async function runEvmAnchor (deps: AnchorDeps, target: EvmAnchorTarget): Promise<string[]> {
  const recorded: string[] = []
  const pending = await exclusive(deps, async () => {
    const intent = await readIntent(deps.journal, target.name)
    const mark = await markOf(deps.log, target.name)
    if (intent === null || mark === null || mark < intent.throughSeq) return intent
    await clearIntent(deps.journal, target.name) // recorded, then the crash came before the intent was cleared
    return null
  })
  if (pending !== null) {
    deps.logger.info({ anchor: target.name, root: pending.root, throughSeq: pending.throughSeq }, 'finishing the secondary anchor root journaled before a stop')
    recorded.push(await finishIntent(deps, target, pending))
  }
  const intent = await exclusive(deps, async (): Promise<AnchorIntent | null> => {
    const batches = await batchesAfter(deps.log, await markOf(deps.log, target.name))
    if (batches.every((b) => logOnly(deps.log, b))) return null
    const roots = [...new Set(batches.map((b) => b.root))]
    const next: AnchorIntent = { root: buildAnchorTree(roots).root, throughSeq: batches[batches.length - 1].seq, roots }
    await writeIntent(deps.journal, target.name, next) // before anything is sent
    return next
  })
  if (intent !== null) recorded.push(await finishIntent(deps, target, intent))
  return recorded
}

/** One token per batch root since the last; the roots stamped. */
export async function runTsaAnchor (deps: AnchorDeps, target: TsaAnchorTarget): Promise<string[]> {
  const stamped: string[] = []
  const batches = await exclusive(deps, async () => await batchesAfter(deps.log, await markOf(deps.log, target.name)))
  for (const batch of batches) {
    if (logOnly(deps.log, batch)) continue // covered by the next mark, unstamped
    // A fresh Uint8Array: a small Buffer is a view into a shared pool, which WebCrypto would read whole.
    const { token, time } = await target.stamp(new Uint8Array(Buffer.from(batch.root.slice(2), 'hex')))
    const anchor = { type: 'rfc3161' as const, name: target.name, token: Buffer.from(token).toString('base64'), time: new Date(time).toISOString() }
    await exclusive(deps, async () => await deps.log.appendAnchor({ name: target.name, throughSeq: batch.seq, root: batch.root }, [{ batchRoot: batch.root, anchor }]))
    stamped.push(batch.root)
  }
  if (stamped.length > 0) deps.logger.info({ anchor: target.name, batches: stamped.length }, 'batch roots time-stamped')
  return stamped
}

/**
 * Runs the anchors named (all when `names` is undefined), each on its own: one that fails is
 * logged and reported, and covers these batches at its next run (nothing is lost: every run
 * covers everything since its mark).
 */
export async function runAnchors (deps: AnchorDeps, names?: readonly string[]): Promise<AnchorRun[]> {
  const out: AnchorRun[] = []
  for (const target of deps.anchors) {
    if (names !== undefined && !names.includes(target.name)) continue
    out.push(await inLane(target, async () => {
      try {
        if (target.type === 'evm') await runEvmAnchor(deps, target)
        else await runTsaAnchor(deps, target)
        return { name: target.name, ok: true }
      } catch (err) {
        deps.logger.error({ anchor: target.name, err: errInfo(err) }, 'anchor run failed; its next run covers these batches')
        return { name: target.name, ok: false, error: err }
      }
    }))
  }
  return out
}

interface Lane { current: Promise<AnchorRun> | null, next: Promise<AnchorRun> | null }
const lanes = new WeakMap<AnchorTarget, Lane>()

/**
 * One run of an anchor at a time: a run asked for while one is going starts when it ends (so
 * it covers what came meanwhile), and every ask in between shares that one follow-up, so ticks
 * that come faster than a run ends never pile up.
 */
function inLane (target: AnchorTarget, run: () => Promise<AnchorRun>): Promise<AnchorRun> {
  let lane = lanes.get(target)
  if (lane === undefined) lanes.set(target, lane = { current: null, next: null })
  const l = lane
  const start = (): Promise<AnchorRun> => {
    const p = run().finally(() => { if (l.current === p) l.current = null })
    l.current = p
    return p
  }
  if (l.current === null) return start()
  l.next ??= l.current.then(() => {
    l.next = null
    return start()
  })
  return l.next
}
