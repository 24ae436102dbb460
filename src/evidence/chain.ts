/**
 * The chain side of a verify plan: the raw answers src/verify judges (the trusted contracts'
 * code, `sealedAt` of each planned root, its block, its transaction's receipt, the head and,
 * when the trust policy asks for it, the finalized block), read through any JSON-RPC endpoint.
 * Nothing is fetched for a contract the trust root does not name, nor from an endpoint on another
 * chain: the verifier refuses those before it would read the answers.
 *
 * Answers about a seal that is final under the policy cannot change any more (that is what final
 * means), so an `EvidenceCache` keeps them by root: a warm verification then makes no RPC call at
 * all for that seal. The head block is read only when some planned seal is not final yet.
 */
import type { ChainReader } from '../chain'
import { requiredConfirmations, trustedContract, type TrustPolicy } from '../trust'
import type { BlockEvidence, ChainEvidence, SealedAtAnswer, TxEvidence, VerifyPlan } from '../verify'

export type ChainPlan = Pick<VerifyPlan, 'seals' | 'blockNumbers' | 'txs' | 'contracts'>

/** What a final seal's answers were, kept by root. */
interface FinalSeal { sealedAt: SealedAtAnswer, block: BlockEvidence, tx: TxEvidence, head: number, finalized: number | null | undefined }

/** Answers that can no longer change: code by address, and final seals by root (bounded). */
export class EvidenceCache {
  private readonly codes = new Map<string, string>()
  private readonly seals = new Map<string, FinalSeal>()
  constructor (private readonly maxSeals = 10_000) {}

  code (chainId: number, address: string): string | undefined { return this.codes.get(`${chainId}:${address}`) }
  keepCode (chainId: number, address: string, code: string): void { if (code !== '0x') this.codes.set(`${chainId}:${address}`, code) }
  seal (chainId: number, root: string): FinalSeal | undefined { return this.seals.get(`${chainId}:${root}`) }
  keepSeal (chainId: number, root: string, seal: FinalSeal): void {
    if (this.seals.size >= this.maxSeals) this.seals.delete(this.seals.keys().next().value as string)
    this.seals.set(`${chainId}:${root}`, seal)
  }

  /** Forgets what a reorg deeper than the policy's finality could have changed (an operator's call after one). */
  clear (): void {
    this.codes.clear()
    this.seals.clear()
  }
}

function isFinal (blockNumber: number, head: number, finalized: number | null | undefined, policy: TrustPolicy): boolean {
  const required = requiredConfirmations(policy.chain)
  if (required === null) return finalized !== null && finalized !== undefined && blockNumber <= finalized
  return head - blockNumber + 1 >= required
}

export async function gatherChain (reader: ChainReader, plan: ChainPlan, policy: TrustPolicy, cache?: EvidenceCache): Promise<ChainEvidence> {
  const chainId = reader.chainId
  const evidence = { chainId, headBlock: 0, code: {} as Record<string, string>, seals: {} as Record<string, SealedAtAnswer | null>, blocks: {} as Record<number, BlockEvidence | null>, txs: {} as Record<string, TxEvidence | null> }
  if (chainId !== policy.chain.chainId) return evidence
  const finalizedWanted = requiredConfirmations(policy.chain) === null

  for (const address of plan.contracts) {
    if (trustedContract(policy.chain, address) === null) continue
    const cached = cache?.code(chainId, address)
    const code = cached ?? await reader.code(address)
    if (cached === undefined) cache?.keepCode(chainId, address, code)
    evidence.code[address] = code
  }

  const fresh = plan.seals.filter(({ root, contract }) => trustedContract(policy.chain, contract) !== null && cache?.seal(chainId, root) === undefined)
  // The head first: a seal read after it is at least as confirmed as the answers say.
  let head: number | undefined
  let finalized: number | null | undefined
  for (const { root } of plan.seals) {
    const kept = cache?.seal(chainId, root)
    if (kept === undefined) continue
    evidence.seals[root] = kept.sealedAt
    evidence.blocks[kept.block.number] = kept.block
    evidence.txs[kept.tx.hash] = kept.tx
    head = Math.max(head ?? 0, kept.head)
    if (finalizedWanted) finalized = Math.max(finalized ?? 0, kept.finalized ?? 0)
  }
  if (fresh.length > 0 || head === undefined) {
    head = await reader.blockNumber()
    if (finalizedWanted) finalized = await reader.finalizedBlock()
  }
  evidence.headBlock = head
  const out: ChainEvidence = finalizedWanted ? { ...evidence, finalizedBlock: finalized ?? null } : evidence

  for (const { root, contract } of fresh) evidence.seals[root] = await reader.sealedAt(contract, root)
  for (const n of plan.blockNumbers) if (!(n in evidence.blocks)) evidence.blocks[n] = await reader.block(n)
  for (const hash of plan.txs) if (!(hash in evidence.txs)) evidence.txs[hash] = await reader.transaction(hash)

  // Keep what is final now: a seal whose sealedAt, block and transaction all agree and are deep enough.
  if (cache !== undefined) {
    for (const { root } of fresh) {
      const sealedAt = evidence.seals[root]
      if (sealedAt === null || sealedAt === undefined) continue
      const block = evidence.blocks[sealedAt.blockNumber]
      const tx = Object.values(evidence.txs).find((t) => t !== null && t.blockNumber === sealedAt.blockNumber && t.logs.some((l) => l.topics[1] === root))
      if (block === null || block === undefined || tx === null || tx === undefined || block.timestamp !== sealedAt.timestamp || tx.blockHash !== block.hash) continue
      if (isFinal(sealedAt.blockNumber, head, finalized, policy)) cache.keepSeal(chainId, root, { sealedAt, block, tx, head, finalized })
    }
  }
  return out
}
