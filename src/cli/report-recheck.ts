/**
 * `report verify --rpc`: every receipt of a (signature-checked) report against the chain, under
 * the pinned trust root (never the chain or contract the report names), through the one evidence
 * path and the verifier's own seal check.
 */
import { createChainReader } from '../chain'
import { gatherChain, policyOf, type PinnedTrust } from '../evidence'
import { receiptLines, recheckReceipt } from '../report'
import { loadFastKeccak, type Receipt } from '../seal'
import { CliError } from './errors'

export interface Recheck {
  total: number
  verified: number
  pending: number
  invalid: Array<{ key: string, length: number, fork: number, reason: string }>
}

const ROOT = /^0x[0-9a-f]{64}$/
const TX = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** `receiptsFile`: the receipts file the signed report binds (its hash already checked). */
export async function recheckOnChain (receiptsFile: Buffer, trust: PinnedTrust, rpcUrl: string, timeoutMs: number): Promise<Recheck> {
  await loadFastKeccak() // three Keccaks a receipt, by WebAssembly
  let receipts: Array<Receipt | undefined>
  try {
    receipts = [...receiptLines(receiptsFile)] as Array<Receipt | undefined>
  } catch (err) {
    throw new CliError('BAD_INPUT', `The receipts file has a line that is not JSON (${(err as Error).message}).`)
  }
  const policy = policyOf(trust, receipts.filter((r): r is Receipt => r !== undefined))
  // A ChainError leaves as it is: exit-codes.ts gives a bad URL or another chain 2, an RPC that is down 4.
  const reader = await createChainReader({ rpcUrl, timeoutMs, expectedChainId: policy.chain.chainId })
  try {
    // Only well-formed names are asked for; a malformed receipt is judged invalid without an answer.
    const seals = new Map<string, string>()
    const blocks = new Set<number>()
    const txs = new Set<string>()
    for (const r of receipts) {
      const seal = r?.seal
      if (seal === undefined || seal === null) continue
      if (typeof seal.root === 'string' && ROOT.test(seal.root) && typeof seal.contract === 'string' && ADDRESS.test(seal.contract)) seals.set(seal.root, seal.contract.toLowerCase())
      if (Number.isSafeInteger(seal.blockNumber) && seal.blockNumber >= 0) blocks.add(seal.blockNumber)
      if (typeof seal.txHash === 'string' && TX.test(seal.txHash)) txs.add(seal.txHash.toLowerCase())
    }
    const chain = await gatherChain(reader, {
      seals: [...seals].map(([root, contract]) => ({ root, contract })),
      blockNumbers: [...blocks],
      txs: [...txs],
      contracts: [...new Set(seals.values())]
    }, policy)
    const out: Recheck = { total: receipts.length, verified: 0, pending: 0, invalid: [] }
    for (const receipt of receipts) {
      const check = recheckReceipt(receipt, chain, policy)
      if (check.status === 'verified') out.verified++
      else if (check.status === 'pending') out.pending++
      else out.invalid.push({ key: String(receipt?.head?.key), length: Number(receipt?.head?.length), fork: Number(receipt?.head?.fork), reason: check.reason ?? '' })
    }
    return out
  } finally {
    reader.close()
  }
}
