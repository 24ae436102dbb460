import type Hypercore from 'hypercore'
import { headToJson, type Head, type Incident } from '../seal'
import { HeadsError } from './errors'
import { readVerifiedHead } from './head-read'
import { withTimeout } from './timeout'

/** What a prefix check compares the replica with: a head we sealed (or held) before. */
export interface SealedRef {
  length: number
  fork: number
  /** 32 bytes, as a Buffer or 64 hex characters. */
  treeHash: Buffer | string
}

export type PrefixStatus = 'ok' | 'behind' | 'rewind' | 'fork'

export interface PrefixResult {
  status: PrefixStatus
  sealed: { length: number, fork: number, treeHash: Buffer }
  /** The replica at the moment of the check; `treeHash` is its head's tree hash (absent when empty). */
  replica: { length: number, fork: number, treeHash?: Buffer }
  /** The replica's tree hash at the sealed length, when it was long enough to compute it. */
  treeHashAtSealed?: Buffer
  /** The replica's signed head when it verifies: the "observed" side of an incident. */
  observed?: Head
  /** True when the status comes from a Hypercore conflict proof seen on this core. */
  conflictSeen?: boolean
  reason: string
}

function badSealed (why: string): HeadsError {
  return new HeadsError('BAD_LENGTH', `The sealed head to compare with is malformed: ${why}.`)
}

export function parseSealedRef (sealed: SealedRef): PrefixResult['sealed'] {
  if (typeof sealed !== 'object' || sealed === null) throw badSealed('it is not an object')
  const { length, fork } = sealed
  if (!Number.isSafeInteger(length) || length < 1) throw badSealed('length must be a safe integer ≥ 1')
  if (!Number.isSafeInteger(fork) || fork < 0) throw badSealed('fork must be a safe integer ≥ 0')
  const treeHash = typeof sealed.treeHash === 'string' && /^[0-9a-fA-F]{64}$/.test(sealed.treeHash)
    ? Buffer.from(sealed.treeHash, 'hex')
    : Buffer.isBuffer(sealed.treeHash) && sealed.treeHash.byteLength === 32 ? Buffer.from(sealed.treeHash) : null
  if (treeHash === null) throw badSealed('treeHash must be 32 bytes (a Buffer or 64 hex characters)')
  return { length, fork, treeHash }
}

/**
 * The replica's tree hash at `length` (≤ its length: past the end `treeHash` never resolves).
 * On a sparse replica the roots of an old length are not stored; Hypercore derives them from
 * block length-1 and its Merkle path, which may have to come from a peer. That fetch is done
 * first with a request timeout, so the hash itself is then computed locally. This runs on the
 * live session: a snapshot's storage view does not see the nodes fetched after it was taken.
 */
export async function treeHashAt (core: Hypercore, length: number, timeoutMs: number): Promise<Buffer> {
  const keyHex = core.key.toString('hex')
  try {
    if (!(await core.has(length - 1))) await core.get(length - 1, { timeout: timeoutMs })
    return await withTimeout(core.treeHash(length), timeoutMs, () => new HeadsError('UPDATE_TIMEOUT', 'tree hash timed out'))
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code === 'REQUEST_TIMEOUT' || code === 'UPDATE_TIMEOUT') {
      throw new HeadsError('UPDATE_TIMEOUT', `No peer sent block ${length - 1} of core ${keyHex} within ${timeoutMs} ms, so its tree at length ${length} cannot be checked yet. Retry when a peer is reachable.`, { cause: err })
    }
    throw new HeadsError('CORE_FAILED', `Reading the tree of core ${keyHex} at length ${length} failed; retry.`, { cause: err })
  }
}

/**
 * The tree hash at `length` of a replica whose head is (`headLength`, `headHash`): the head's own
 * hash is at hand; only older lengths need block length-1, perhaps from a peer.
 */
async function treeHashOf (core: Hypercore, length: number, headLength: number, headHash: Buffer | string | undefined, timeoutMs: number): Promise<Buffer> {
  if (length === headLength && headHash !== undefined) return typeof headHash === 'string' ? Buffer.from(headHash, 'hex') : headHash
  return await treeHashAt(core, length, timeoutMs)
}

/** A local replica read at one instant: its head, and its tree hash at each length asked for (the heads side; the verifier's `ReplicaView` is built from it in replica-sources). */
export interface ReplicaSnapshot {
  length: number
  fork: number
  /** Tree hash of the head (hex), absent when empty. */
  treeHash?: string
  /** Hex tree hash at each asked length ≤ the replica's length; lengths past it are absent. */
  treeHashes: Record<number, string>
  conflictSeen: boolean
}

/**
 * Reads the replica's head and its tree hashes at `lengths` in one fork: if the writer's fork
 * changes while hashing (a truncate landed), it starts again, so the view is never a mix.
 */
export async function readReplicaSnapshot (core: Hypercore, lengths: number[], opts: { timeoutMs: number, conflictSeen?: boolean }): Promise<ReplicaSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const state = core.state
    const view: ReplicaSnapshot = {
      length: state.length,
      fork: state.fork,
      ...(state.length > 0 ? { treeHash: Buffer.from(state.hash()).toString('hex') } : {}),
      treeHashes: {},
      conflictSeen: opts.conflictSeen === true
    }
    for (const length of new Set(lengths)) {
      if (length < 1 || length > view.length) continue
      view.treeHashes[length] = (await treeHashOf(core, length, view.length, view.treeHash, opts.timeoutMs)).toString('hex')
    }
    if (core.fork === view.fork) return view
    if (attempt >= MAX_ATTEMPTS) {
      throw new HeadsError('CORE_FAILED', `Core ${core.key.toString('hex')} kept changing forks while it was read; retry later.`)
    }
  }
}

/** How often a check restarts when the writer's fork changes under it. */
const MAX_ATTEMPTS = 3

/**
 * Is the sealed head still the prefix of this replica's history?
 * - replica shorter than the sealed length: `rewind` if its fork id grew (truncated below the
 *   seal), else `behind` (it has not caught up; nothing can be said yet);
 * - otherwise compare tree hashes at the sealed length: equal → `ok` (even on a newer fork: a
 *   truncate above the seal is harmless); different with a grown fork id → `rewind` (truncated
 *   below, then re-appended past it); different with the same fork id → `fork` (two histories
 *   signed by one key); different on an older fork id → `behind` (the replica still holds
 *   history the writer already truncated; it cannot judge the newer seal).
 * A Hypercore conflict seen on the core (`conflictSeen`) makes it `fork` whatever the hashes.
 */
export async function checkCorePrefix (core: Hypercore, sealedRef: SealedRef, opts: { timeoutMs: number, conflictSeen?: boolean }): Promise<PrefixResult> {
  const sealed = parseSealedRef(sealedRef)
  for (let attempt = 1; ; attempt++) {
    const result = await checkOnce(core, sealed, opts)
    if (result !== null) return result
    if (attempt >= MAX_ATTEMPTS) {
      throw new HeadsError('CORE_FAILED', `Core ${core.key.toString('hex')} kept changing forks during the prefix check; retry later.`)
    }
  }
}

/** One check; null when the replica moved to another fork meanwhile (the answer would mix two states). */
async function checkOnce (core: Hypercore, sealed: PrefixResult['sealed'], opts: { timeoutMs: number, conflictSeen?: boolean }): Promise<PrefixResult | null> {
  if (core.closed) {
    throw new HeadsError('CORE_FAILED', `The session of core ${core.key.toString('hex')} is closed (Hypercore closes it on a conflict); retry.`)
  }
  // One synchronous read: length, fork, head hash and signature belong to the same state.
  const state = core.state
  const observed = readVerifiedHead(core) ?? undefined
  const replica = { length: state.length, fork: state.fork, ...(state.length > 0 ? { treeHash: Buffer.from(state.hash()) } : {}) }
  const base = { sealed, replica, ...(observed ? { observed } : {}) }
  const conflict = { status: 'fork', conflictSeen: true, reason: 'Hypercore detected two conflicting signed histories for this core.' } as const
  if (sealed.length > replica.length) {
    if (opts.conflictSeen === true) return { ...base, ...conflict }
    return replica.fork > sealed.fork
      ? { ...base, status: 'rewind', reason: `The writer truncated below the sealed length ${sealed.length} (replica length ${replica.length}, fork ${sealed.fork} → ${replica.fork}).` }
      : { ...base, status: 'behind', reason: `The replica (length ${replica.length}) is shorter than the sealed length ${sealed.length}; it cannot be checked yet.` }
  }
  // Only lengths up to the replica's own are read: above it, stored tree nodes may be stale
  // ones from before a truncation (research note, pitfall 2). Hypercore deletes the nodes of a
  // truncated range when the replica follows the new fork, and the fork id is checked again
  // after the read, so a tree hash never mixes two histories.
  const treeHashAtSealed = await treeHashOf(core, sealed.length, replica.length, replica.treeHash, opts.timeoutMs)
  // Appends do not change the tree at an old length, but a truncate-and-append would.
  if (core.fork !== replica.fork) return null
  const at = { ...base, treeHashAtSealed }
  // The tree is compared all the same, so the caller can tell a conflict elsewhere in the
  // core's history (recorded from Hypercore's proof) from one at this seal.
  if (opts.conflictSeen === true) return { ...at, ...conflict }
  if (treeHashAtSealed.equals(sealed.treeHash)) {
    return { ...at, status: 'ok', reason: `The replica's tree at length ${sealed.length} matches the sealed tree hash.` }
  }
  if (replica.fork > sealed.fork) {
    return { ...at, status: 'rewind', reason: `The tree at length ${sealed.length} changed after the fork id grew (${sealed.fork} → ${replica.fork}): the writer truncated below the seal and appended other data.` }
  }
  if (replica.fork === sealed.fork) {
    return { ...at, status: 'fork', reason: `Two different trees at length ${sealed.length} on the same fork id ${sealed.fork}: the key signed two histories.` }
  }
  return { ...at, status: 'behind', reason: `The replica is on fork ${replica.fork}, older than the sealed fork ${sealed.fork}; it has not followed the writer's truncation yet.` }
}

/**
 * The incident a failed prefix check stands for, or null when there is none to record (status
 * ok/behind) or the replica holds no signed head to show as the contradicting side.
 */
export function prefixIncident (sealed: Head, result: PrefixResult, now: Date = new Date()): Incident | null {
  if ((result.status !== 'rewind' && result.status !== 'fork') || result.observed === undefined) return null
  return {
    key: sealed.key.toString('hex'),
    kind: result.status,
    detectedAt: now.toISOString(),
    sealed: headToJson(sealed),
    observed: headToJson(result.observed),
    evidence: {
      source: 'prefix-check',
      reason: result.reason,
      sealedLength: result.sealed.length,
      ...(result.treeHashAtSealed ? { replicaTreeHashAtSealedLength: result.treeHashAtSealed.toString('hex') } : {}),
      replica: { length: result.replica.length, fork: result.replica.fork, ...(result.replica.treeHash ? { treeHash: result.replica.treeHash.toString('hex') } : {}) },
      ...(result.conflictSeen === true ? { conflictSeen: true } : {})
    }
  }
}
