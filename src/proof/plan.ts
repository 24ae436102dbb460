import type { ChainEvidence } from '../verify'
import type { ProofPart } from './format'

/** What the chain must answer for a proof's receipts (src/evidence `gatherChain`'s plan). */
export interface ProofChainPlan {
  seals: Array<{ root: string, contract: string }>
  blockNumbers: number[]
  txs: string[]
  contracts: string[]
}

const ROOT = /^0x[0-9a-f]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/**
 * The chain questions of a proof's receipts, read from well-formed fields only (a malformed
 * receipt is refused by the seal checks without an answer). Takes the raw document so a caller
 * can gather before it checks.
 */
export function chainPlanOf (document: unknown): ProofChainPlan {
  const parts = (document as { parts?: unknown } | null)?.parts
  const seals = new Map<string, string>()
  const blocks = new Set<number>()
  const txs = new Set<string>()
  if (Array.isArray(parts)) {
    for (const p of parts as Array<Partial<ProofPart> | null>) {
      const seal = (p?.receipt as { seal?: Record<string, unknown> } | null | undefined)?.seal
      if (typeof seal !== 'object' || seal === null) continue
      if (typeof seal.root === 'string' && ROOT.test(seal.root) && typeof seal.contract === 'string' && ADDRESS.test(seal.contract)) seals.set(seal.root, seal.contract.toLowerCase())
      if (typeof seal.blockNumber === 'number' && Number.isSafeInteger(seal.blockNumber) && seal.blockNumber >= 0) blocks.add(seal.blockNumber)
      if (typeof seal.txHash === 'string' && ROOT.test(seal.txHash.toLowerCase())) txs.add(seal.txHash.toLowerCase())
    }
  }
  return { seals: [...seals].map(([root, contract]) => ({ root, contract })), blockNumbers: [...blocks], txs: [...txs], contracts: [...new Set(seals.values())] }
}

export type { ChainEvidence }
