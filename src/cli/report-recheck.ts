/**
 * `report verify --rpc`: every receipt of a (signature-checked) report against the chain it
 * names, through any RPC, with the same pure check the service used to build it.
 */
import { createChainClient } from '../chain'
import { recheckReceipt, type AuditReport, type ChainSeal } from '../report'
import { CliError } from './errors'

export interface Recheck {
  total: number
  verified: number
  pending: number
  invalid: Array<{ key: string, length: number, fork: number, reason: string }>
}

export async function recheckOnChain (report: AuditReport, rpcUrl: string, timeoutMs: number): Promise<Recheck> {
  if (!Array.isArray(report.receipts)) throw new CliError('BAD_INPUT', 'The report has no receipts list.')
  // A ChainError leaves as it is: exit-codes.ts gives a bad URL 2, an RPC that is down 4.
  const client = await createChainClient({ rpcUrl, contractAddress: report.service.contract, timeoutMs, expectedChainId: report.service.chainId })
  try {
    const seals: Record<string, ChainSeal | null> = {}
    const blockHashes: Record<number, string | null> = {}
    for (const { receipt } of report.receipts) {
      const root = receipt?.seal?.root
      if (typeof root === 'string' && /^0x[0-9a-f]{64}$/.test(root) && !(root in seals)) {
        const found = await client.findSeal(root)
        seals[root] = found === null ? null : { timestamp: found.timestamp, blockNumber: found.blockNumber, txHash: found.txHash, leafCount: found.leafCount }
      }
      const n = receipt?.seal?.blockNumber
      if (Number.isSafeInteger(n) && n >= 0 && !(n in blockHashes)) blockHashes[n] = (await client.getBlock(n))?.hash ?? null
    }
    const chain = { chainId: client.chainIdAtConnect, contract: client.contractAddress, headBlock: await client.blockNumber(), confirmations: report.policy.confirmations, seals, blockHashes }
    const out: Recheck = { total: report.receipts.length, verified: 0, pending: 0, invalid: [] }
    for (const { receipt } of report.receipts) {
      const check = recheckReceipt(receipt, chain)
      if (check.status === 'verified') out.verified++
      else if (check.status === 'pending') out.pending++
      else out.invalid.push({ key: String(receipt?.head?.key), length: Number(receipt?.head?.length), fork: Number(receipt?.head?.fork), reason: check.reason ?? '' })
    }
    return out
  } finally {
    client.close()
  }
}
