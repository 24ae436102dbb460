/**
 * One sealed receipt, checked in full: on its own (form, manifest → key, the writer's signature,
 * the Merkle proof to its root) and against the pinned trust policy and the chain's answers
 * (chain-check.ts). What a verdict's deciding seal goes through, and what an audit report checks
 * for every receipt of its period.
 */
import { checkReceipt, type Receipt } from '../seal'
import type { TrustPolicy } from '../trust'
import { checkOnChain } from './chain-check'
import { checkReceiptByLeafHash } from './leaf-proof'
import type { ChainEvidence, Check, Finding, VerdictChain } from './types'

export type SealCheck =
  | { ok: true, receipt: Receipt, final: boolean, chain: VerdictChain, checks: Check[] }
  | { ok: false, finding: Finding, reason: string, checks: Check[] }

const headText = (h: { length: number, fork: number, treeHash: string }): string => `length ${h.length}, fork ${h.fork}, tree ${h.treeHash.slice(0, 16)}`

/**
 * `proofPath: 'leaf-hash'` folds the proof from the fast leaf hash (leaf-proof.ts), for bulk
 * checks; `memo` then keeps inner nodes across the receipts of one batch.
 */
export function checkSealed (receipt: unknown, chain: ChainEvidence, trust: TrustPolicy, options: { proofPath?: 'openzeppelin' | 'leaf-hash', memo?: Map<string, string> } = {}): SealCheck {
  const own = options.proofPath === 'leaf-hash' ? checkReceiptByLeafHash(receipt, options.memo) : checkReceipt(receipt)
  if (!own.ok) {
    const check: Check['check'] = own.code === 'BAD_PROOF' ? 'inclusion' : 'signature'
    const length = (receipt as { head?: { length?: unknown } } | null)?.head?.length
    const reason = `The seal at length ${String(length)} fails its own checks: ${own.reason}`
    return { ok: false, finding: own.code, reason, checks: [{ check, ok: false, detail: reason }] }
  }
  const checks: Check[] = [
    { check: 'signature', ok: true, detail: `The writer's key signed the sealed head (${headText(own.receipt.head)}).` },
    { check: 'inclusion', ok: true, detail: `The head is a leaf of the batch root ${own.receipt.seal.root.slice(0, 18)}… (${own.receipt.seal.leafCount} leaves).` }
  ]
  const onChain = checkOnChain(own.receipt, chain, trust)
  checks.push(...onChain.checks)
  if (!onChain.ok) return { ok: false, finding: onChain.finding, reason: onChain.reason, checks }
  return { ok: true, receipt: own.receipt, final: onChain.final, chain: onChain.chain, checks }
}
