/**
 * The chain side of an independent verify: any EVM JSON-RPC, read-only, and the HyperSeal
 * contract the user trusts (`--contract`, else the one the receipts name). Answers what
 * `planVerify` asks, the way the service does (src/service/verify-core.ts): `sealedAt(root)`
 * with the root's `Sealed` event, the canonical hash of the seal's block, the head block.
 */
import { createChainClient, type ChainClient } from '../chain'
import type { Receipt } from '../seal'
import type { ChainView, SealAnswer, VerifyPlan } from '../verify'
import { CliError } from './errors'

export interface ChainSource {
  rpcUrl: string
  /** The contract to trust; undefined: the one the deciding (else the first) receipt names. */
  contract?: string
  confirmations: number
  timeoutMs: number
}

/** The contract address to read: the user's, else the receipts'. */
export function contractOf (source: ChainSource, plan: VerifyPlan, receipts: readonly Receipt[]): string {
  if (source.contract !== undefined) return source.contract
  const named = plan.receipt?.seal?.contract ?? receipts[0]?.seal?.contract
  if (typeof named !== 'string') throw new CliError('BAD_INPUT', 'No receipt names a contract address; give --contract <address>.')
  return named
}

export async function readChainView (source: ChainSource, contract: string, plan: VerifyPlan): Promise<ChainView> {
  const client = await createChainClient({ rpcUrl: source.rpcUrl, contractAddress: contract, timeoutMs: source.timeoutMs })
  try {
    return await answer(client, source.confirmations, plan)
  } finally {
    client.close()
  }
}

async function answer (client: ChainClient, confirmations: number, plan: VerifyPlan): Promise<ChainView> {
  const seals: Record<string, SealAnswer | null> = {}
  for (const root of plan.roots) {
    const found = await client.findSeal(root)
    seals[root] = found === null ? null : { timestamp: found.timestamp, blockNumber: found.blockNumber, txHash: found.txHash, leafCount: found.leafCount }
  }
  const blockHashes: Record<number, string | null> = {}
  for (const n of plan.blockNumbers) blockHashes[n] = (await client.getBlock(n))?.hash ?? null
  return {
    chainId: client.chainIdAtConnect,
    contract: client.contractAddress,
    headBlock: await client.blockNumber(),
    confirmationsRequired: confirmations,
    seals,
    blockHashes
  }
}
