/**
 * Later anchors, each on its own schedule (every N seal passes): after the primary seal, more
 * clocks for the same batch roots (src/seal anchor.ts, docs/formats.md "Receipt (v2)").
 *
 * - A secondary EVM anchor seals, on its own chain's HyperSeal contract, one root over every
 *   primary batch root recorded since its last seal, waits for its confirmations, then records
 *   each batch root's inclusion proof in the receipts log (append-only: the receipts stay as they
 *   were acknowledged; readers join the anchors in).
 * - A time-stamping authority gets one RFC 3161 request per batch root (with a nonce); the token
 *   is checked before it is recorded.
 *
 * Idempotent after a crash: the anchor root over the same batch roots is the same root, and a
 * root already sealed on the secondary chain is found there (`findSeal`), not sent again.
 *
 * An anchor's records change the receipts log, so the next pass seals the log's head alone (a
 * log-only batch). Such batches never trigger an anchor by themselves: the secondary chain
 * covers them only along with a batch of watched cores, and no token is asked for them. Else
 * an idle service would anchor its own anchor records forever.
 */
import { ChainError, type ChainClient } from '../chain'
import type { BatchRecord, ReceiptsLog } from '../ledger'
import { buildAnchorTree, type SealInfo } from '../seal'
import { errInfo, type Logger } from '../util'

interface Scheduled {
  name: string
  /** Runs after every Nth seal pass (1: every pass). */
  everyPasses: number
}

export interface EvmAnchorTarget extends Scheduled {
  type: 'evm'
  client: ChainClient
  chainId: number
  confirmations: number
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
  logger: Logger
  anchors: readonly AnchorTarget[]
}

/** At most this many batch roots under one secondary root (the rest wait for the next one). */
const MAX_ROOTS = 4096

/** The batches the anchor has not covered yet, oldest first. */
const logOnly = (log: ReceiptsLog, batch: BatchRecord): boolean => batch.leaves.every((l) => l.key === log.key.toString('hex'))

async function uncovered (log: ReceiptsLog, name: string): Promise<BatchRecord[]> {
  const mark = await log.anchorMark(name)
  const latest = await log.latestBatch()
  const from = mark === null ? 0 : mark.throughSeq + 1
  if (latest === null || latest.seq < from) return []
  const out: BatchRecord[] = []
  for (let seq = from; seq <= latest.seq && out.length < MAX_ROOTS; seq++) {
    const batch = await log.getBatch(seq)
    if (batch !== null) out.push(batch)
  }
  return out
}

async function sealSecondary (target: EvmAnchorTarget, root: string, leafCount: number): Promise<SealInfo> {
  const { client } = target
  let found = await client.findSeal(root)
  if (found === null) {
    try {
      const sent = await client.seal(root, leafCount)
      await client.waitMined(sent.txHash, target.confirmTimeoutMs ?? 10 * 60_000)
    } catch (err) {
      if (!(err instanceof ChainError && err.code === 'REVERTED_ALREADY_SEALED')) throw err
    }
    found = await client.findSeal(root)
    if (found === null) throw new ChainError('RPC_BAD_ANSWER', `The anchor root ${root} was mined but the chain does not report it sealed.`)
  }
  await client.waitForConfirmations(found.txHash, Math.max(1, target.confirmations), target.confirmTimeoutMs)
  // Read again after the confirmations: a reorg meanwhile moves the seal.
  const final = await client.findSeal(root)
  if (final === null) throw new ChainError('RPC_BAD_ANSWER', `The anchor root ${root} disappeared while waiting for confirmations; the next anchor pass seals it again.`)
  return { chainId: target.chainId, contract: client.contractAddress.toLowerCase(), root, leafCount: final.leafCount, txHash: final.txHash, blockNumber: final.blockNumber, blockHash: final.blockHash, timestamp: final.timestamp }
}

/** One secondary seal over the batch roots since the last one; the anchor root, or null when there was nothing new. */
export async function runEvmAnchor (deps: AnchorDeps, target: EvmAnchorTarget): Promise<string | null> {
  const batches = await uncovered(deps.log, target.name)
  if (batches.every((b) => logOnly(deps.log, b))) return null
  const roots = [...new Set(batches.map((b) => b.root))]
  const tree = buildAnchorTree(roots)
  const seal = await sealSecondary(target, tree.root, tree.leafCount)
  await deps.log.appendAnchor(
    { name: target.name, throughSeq: batches[batches.length - 1].seq, root: tree.root },
    roots.map((batchRoot) => ({ batchRoot, anchor: { type: 'evm', name: target.name, seal, proof: tree.proofFor(batchRoot) } }))
  )
  deps.logger.info({ anchor: target.name, chainId: target.chainId, root: tree.root, batches: roots.length, tx: seal.txHash }, 'secondary anchor sealed and final')
  return tree.root
}

/** One token per batch root since the last; the roots stamped. */
export async function runTsaAnchor (deps: AnchorDeps, target: TsaAnchorTarget): Promise<string[]> {
  const stamped: string[] = []
  for (const batch of await uncovered(deps.log, target.name)) {
    if (logOnly(deps.log, batch)) continue // covered by the next mark, unstamped
    // A fresh Uint8Array: a small Buffer is a view into a shared pool, which WebCrypto would read whole.
    const { token, time } = await target.stamp(new Uint8Array(Buffer.from(batch.root.slice(2), 'hex')))
    const anchor = { type: 'rfc3161' as const, name: target.name, token: Buffer.from(token).toString('base64'), time: new Date(time).toISOString() }
    await deps.log.appendAnchor({ name: target.name, throughSeq: batch.seq, root: batch.root }, [{ batchRoot: batch.root, anchor }])
    stamped.push(batch.root)
  }
  if (stamped.length > 0) deps.logger.info({ anchor: target.name, batches: stamped.length }, 'batch roots time-stamped')
  return stamped
}

/**
 * The anchors due after seal pass number `pass` (counted from 1): each runs on its own; one that
 * fails is logged and tried again when next due (nothing is lost: it covers every batch since its mark).
 */
export async function runAnchorPasses (deps: AnchorDeps, pass: number): Promise<Array<{ name: string, ok: boolean }>> {
  const out: Array<{ name: string, ok: boolean }> = []
  for (const target of deps.anchors) {
    if (pass % target.everyPasses !== 0) continue
    try {
      if (target.type === 'evm') await runEvmAnchor(deps, target)
      else await runTsaAnchor(deps, target)
      out.push({ name: target.name, ok: true })
    } catch (err) {
      deps.logger.error({ anchor: target.name, err: errInfo(err) }, 'anchor pass failed; it covers these batches when next due')
      out.push({ name: target.name, ok: false })
    }
  }
  return out
}
