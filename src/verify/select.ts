/**
 * Which receipts decide. Two seals matter for a version v and a replica of length r:
 *
 * - **deciding**: the *earliest seal* (lowest block) whose head covers the version
 *   (`length >= v`). Ties in one block go to the shortest head, then fork id, tree hash and root,
 *   so the choice never depends on the order given. Earliest in chain time, not shortest: the
 *   verdict's claim is "blocks 0..v-1 existed, unchanged, no later than sealedAt", and the first
 *   seal that covered them is the one a later rewrite must still match. After a rewind, a
 *   version first covered by a rewound seal stays `rewind` even if a later seal covers it again.
 * - **within**: the *most recent seal* (highest block; ties to the longest head) that the replica
 *   reaches (`length <= r`). A replica that conflicts with it is on another history than the
 *   writer's sealed one, whatever the version asked (so a copy longer than the last seal that
 *   contradicts it is not merely `pending`).
 *
 * Selection reads a few fields of every receipt and checks nothing expensive; every receipt must
 * still be of this core with those fields well-formed, or the verdict is `invalid`: a tampered
 * selection field would otherwise silently hand the decision to another receipt. The selected
 * receipts are then checked in full (signature, proof, chain).
 */
import { planAnchors } from './anchor-check'
import type { Receipt } from '../seal'
import { isRecord, isUint, parseKey, parseList, parseVersion } from './input'
import type { Finding, VerifyPlan } from './types'

export type Selection =
  | { ok: true, deciding: Receipt | null, within: Receipt | null }
  | { ok: false, finding: Extract<Finding, 'BAD_RECEIPT' | 'OTHER_CORE'>, receipt: Receipt | null, reason: string }

/** The fields selection reads, checked for form (and the key for this core). */
function screen (value: unknown, key: string, index: number): Selection | null {
  const malformed = (what: string): Selection => ({
    ok: false,
    finding: 'BAD_RECEIPT',
    receipt: isRecord(value) ? value as unknown as Receipt : null,
    reason: `Receipt ${index} of this core is malformed (${what}): the receipts were altered.`
  })
  if (!isRecord(value) || !isRecord(value.head) || !isRecord(value.seal)) return malformed('not { head, seal, … }')
  const { head, seal } = value
  if (typeof head.key !== 'string') return malformed('no head.key')
  if (head.key !== key) {
    return { ok: false, finding: 'OTHER_CORE', receipt: value as unknown as Receipt, reason: `Receipt ${index} is for core ${head.key}, not this one: the receipts were altered or mixed up.` }
  }
  if (!isUint(head.length) || !isUint(head.fork) || typeof head.treeHash !== 'string') return malformed('head length, fork or tree hash')
  if (!isUint(seal.blockNumber) || typeof seal.root !== 'string') return malformed('seal block number or root')
  return null
}

/** a before b in the "earliest" order. */
function earlier (a: Receipt, b: Receipt): boolean {
  if (a.seal.blockNumber !== b.seal.blockNumber) return a.seal.blockNumber < b.seal.blockNumber
  if (a.head.length !== b.head.length) return a.head.length < b.head.length
  if (a.head.fork !== b.head.fork) return a.head.fork < b.head.fork
  if (a.head.treeHash !== b.head.treeHash) return a.head.treeHash < b.head.treeHash
  return a.seal.root < b.seal.root
}

/** a after b in the "most recent" order (highest block, then the longest head). */
function later (a: Receipt, b: Receipt): boolean {
  if (a.seal.blockNumber !== b.seal.blockNumber) return a.seal.blockNumber > b.seal.blockNumber
  if (a.head.length !== b.head.length) return a.head.length > b.head.length
  if (a.head.fork !== b.head.fork) return a.head.fork > b.head.fork
  if (a.head.treeHash !== b.head.treeHash) return a.head.treeHash > b.head.treeHash
  return a.seal.root > b.seal.root
}

/** Screens every receipt and picks the deciding one and the one within the replica's length (`replicaLength` unknown: none). */
export function selectReceipts (key: string, version: number, receipts: readonly unknown[], replicaLength?: number): Selection {
  let deciding: Receipt | null = null
  let within: Receipt | null = null
  for (let i = 0; i < receipts.length; i++) {
    const fault = screen(receipts[i], key, i)
    if (fault !== null) return fault
    const receipt = receipts[i] as Receipt
    if (receipt.head.length >= version && (deciding === null || earlier(receipt, deciding))) deciding = receipt
    if (replicaLength !== undefined && receipt.head.length <= replicaLength && receipt.head.length >= 1 && (within === null || later(receipt, within))) within = receipt
  }
  return { ok: true, deciding, within }
}

/** The agreement lengths at or above the version that incidents name (the replica's tree there can keep a version verified). */
function keptLengths (incidents: readonly unknown[], key: string, version: number): number[] {
  const out: number[] = []
  for (const i of incidents) {
    if (!isRecord(i) || i.key !== key || !isRecord(i.agreed)) continue
    const length = i.agreed.length
    if (isUint(length) && length >= version) out.push(length)
  }
  return out
}

/**
 * What to fetch before `verify`, given the replica's head (read it first: it is cheap): the
 * replica's tree hash (or, for a remote replica, the upgrade proof `{ start: 0, length }`) at each
 * of `lengths` up to its length; `sealedAt`, the block and the transaction of each selected seal;
 * the trusted contracts' code.
 */
export function planVerify (input: { key: string, version: number, receipts: readonly Receipt[], incidents?: readonly unknown[], replica?: { length: number } }): VerifyPlan {
  const key = parseKey(input.key)
  const version = parseVersion(input.version)
  const replicaLength = input.replica === undefined ? undefined : input.replica.length
  if (replicaLength !== undefined && !isUint(replicaLength)) throw new TypeError('replica.length must be a safe integer ≥ 0')
  const selection = selectReceipts(key, version, parseList(input.receipts, 'receipts', false), replicaLength)
  const empty: VerifyPlan = { receipt: null, lengths: [], seals: [], blockNumbers: [], txs: [], contracts: [], anchors: planAnchors(null) }
  if (!selection.ok) return empty
  const seals = [selection.deciding, selection.within].filter((r): r is Receipt => r !== null)
  const lengths = [...seals.map((r) => r.head.length), ...keptLengths(parseList(input.incidents, 'incidents', true), key, version)]
  const uniq = <T>(xs: T[]): T[] => [...new Set(xs)]
  // Only well-formed names are fetched; a malformed receipt is judged invalid before any chain answer is read.
  const named = (values: unknown[], pattern: RegExp): string[] => uniq(values.filter((v): v is string => typeof v === 'string' && pattern.test(v)).map((v) => v.toLowerCase()))
  return {
    receipt: selection.deciding,
    lengths: uniq(lengths).filter((l) => replicaLength === undefined || l <= replicaLength).sort((a, b) => a - b),
    seals: seals.filter((r) => named([r.seal.root], /^0x[0-9a-f]{64}$/).length === 1 && named([r.seal.contract], /^0x[0-9a-fA-F]{40}$/).length === 1)
      .map((r) => ({ root: r.seal.root, contract: r.seal.contract.toLowerCase() }))
      .filter((x, i, all) => all.findIndex((y) => y.root === x.root) === i),
    blockNumbers: uniq(seals.map((r) => r.seal.blockNumber)),
    txs: named(seals.map((r) => r.seal.txHash), /^0x[0-9a-fA-F]{64}$/),
    contracts: named(seals.map((r) => r.seal.contract), /^0x[0-9a-fA-F]{40}$/),
    anchors: planAnchors(selection.deciding)
  }
}
