/**
 * Which receipt decides: the *earliest seal* (lowest block) whose head covers the version
 * (`length >= version`). Ties (one block) go to the shortest head, then fork id, tree hash and
 * root, so the choice never depends on the order given. Earliest in chain time, not shortest:
 * the verdict's claim is "blocks 0..v-1 existed, unchanged, no later than sealedAt", and the
 * first seal that covered them is the one a later rewrite must still match. After a rewind,
 * a version first covered by a rewound seal stays `rewind` even if a later seal covers it again.
 *
 * Selection reads a few fields of every receipt and checks nothing expensive (so a core with
 * thousands of receipts costs microseconds); every receipt must still be of this core and have
 * those fields well-formed, or the verdict is `invalid`: a tampered selection field would
 * otherwise silently hand the decision to another receipt. Only the deciding receipt is then
 * checked in full (signature, proof, chain).
 */
import type { Receipt } from '../seal'
import { isRecord, isUint, parseKey, parseList, parseVersion } from './input'
import type { Finding, VerifyPlan } from './types'

export type Selection =
  | { ok: true, receipt: Receipt | null }
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

function before (a: Receipt, b: Receipt): boolean {
  if (a.seal.blockNumber !== b.seal.blockNumber) return a.seal.blockNumber < b.seal.blockNumber
  if (a.head.length !== b.head.length) return a.head.length < b.head.length
  if (a.head.fork !== b.head.fork) return a.head.fork < b.head.fork
  if (a.head.treeHash !== b.head.treeHash) return a.head.treeHash < b.head.treeHash
  return a.seal.root < b.seal.root
}

/** Screens every receipt and picks the deciding one (null: nothing covers the version). */
export function selectReceipt (key: string, version: number, receipts: readonly unknown[]): Selection {
  let chosen: Receipt | null = null
  for (let i = 0; i < receipts.length; i++) {
    const fault = screen(receipts[i], key, i)
    if (fault !== null) return fault
    const receipt = receipts[i] as Receipt
    if (receipt.head.length >= version && (chosen === null || before(receipt, chosen))) chosen = receipt
  }
  return { ok: true, receipt: chosen }
}

/**
 * What to fetch before `verify`: the replica's tree hash at the deciding length (if the replica
 * is that long; for a remote one, request the upgrade proof `{ start: 0, length }` instead), the
 * deciding root's `sealedAt` (and its `Sealed` event for txHash/leafCount), and the canonical
 * hash of its block. Empty when no receipt decides.
 */
export function planVerify (input: { key: string, version: number, receipts: readonly Receipt[] }): VerifyPlan {
  const key = parseKey(input.key)
  const version = parseVersion(input.version)
  const selection = selectReceipt(key, version, parseList(input.receipts, 'receipts', false))
  if (!selection.ok || selection.receipt === null) return { receipt: null, lengths: [], roots: [], blockNumbers: [] }
  const { head, seal } = selection.receipt
  return { receipt: selection.receipt, lengths: [head.length], roots: [seal.root], blockNumbers: [seal.blockNumber] }
}
