/**
 * One sealed receipt, checked in full: on its own (form, manifest → key, the writer's signature,
 * the Merkle proof to its root) and against the pinned trust policy and the chain's answers
 * (chain-check.ts). What a verdict's deciding seal goes through, and what an audit report checks
 * for every receipt of its period.
 */
import { checkReceipt, type Head, type Receipt } from '../seal'
import type { TrustPolicy } from '../trust'
import { checkOnChain, type ChainCheck } from './chain-check'
import { checkReceiptByLeafHash, type FoldMemo } from './leaf-proof'
import type { ChainEvidence, Check, Finding, VerdictChain } from './types'

export type SealCheck =
  | { ok: true, receipt: Receipt, final: boolean, chain: VerdictChain, checks: Check[] }
  | { ok: false, finding: Finding, reason: string, checks: Check[] }

const headText = (h: { length: number, fork: number, treeHash: string }): string => `length ${h.length}, fork ${h.fork}, tree ${h.treeHash.slice(0, 16)}`

export interface SealCheckOptions {
  /** 'leaf-hash' folds the proof from the fast leaf hash (leaf-proof.ts), for bulk checks. */
  proofPath?: 'openzeppelin' | 'leaf-hash'
  /** With 'leaf-hash': inner nodes kept across the receipts of one batch (foldProof). */
  memo?: FoldMemo
  /** With 'leaf-hash': the writer's signature check (see src/seal checkReceiptWith). */
  verifySignature?: (head: Head) => void
  /**
   * The chain's answer by seal root, with the seal it was given for: every receipt of a batch
   * carries the same seal, and checkOnChain reads nothing else of a receipt, so a batch asks it
   * once. An answer is reused only for a seal equal in every field (sameSeal).
   */
  chainMemo?: Map<string, { seal: Receipt['seal'], check: ChainCheck }>
}

/** Every field of a seal checkOnChain reads: equal fields, equal answers. */
function sameSeal (a: Receipt['seal'], b: Receipt['seal']): boolean {
  return a.root === b.root && a.txHash === b.txHash && a.blockHash === b.blockHash && a.blockNumber === b.blockNumber &&
    a.timestamp === b.timestamp && a.leafCount === b.leafCount && a.chainId === b.chainId && a.contract === b.contract
}

export function checkSealed (receipt: unknown, chain: ChainEvidence, trust: TrustPolicy, options: SealCheckOptions = {}): SealCheck {
  const own = options.proofPath === 'leaf-hash' ? checkReceiptByLeafHash(receipt, options.memo, options.verifySignature) : checkReceipt(receipt)
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
  let onChain: ChainCheck
  if (options.chainMemo === undefined) {
    onChain = checkOnChain(own.receipt, chain, trust)
  } else {
    const { seal } = own.receipt
    const known = options.chainMemo.get(seal.root)
    if (known !== undefined && sameSeal(known.seal, seal)) {
      onChain = known.check
    } else {
      onChain = checkOnChain(own.receipt, chain, trust)
      options.chainMemo.set(seal.root, { seal, check: onChain })
    }
  }
  checks.push(...onChain.checks)
  if (!onChain.ok) return { ok: false, finding: onChain.finding, reason: onChain.reason, checks }
  return { ok: true, receipt: own.receipt, final: onChain.final, chain: onChain.chain, checks }
}
