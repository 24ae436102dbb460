/**
 * GET /v1/sealer: the sealer account's balance and what sealing cost lately, so an operator sees
 * how long the account lasts. Reads the most recent batches of the receipts log (at most
 * RECENT_BATCHES, newest first) and each one's transaction cost; a final transaction's cost never
 * changes, so costs are kept by hash and a refresh asks the chain only for new batches.
 */
import type { SealerAccount } from '../api'
import type { ChainClient } from '../chain'
import type { ReceiptsLog } from '../ledger'

export const RECENT_BATCHES = 20
/** The spend rate is measured over at least an hour: one seal a minute old would say nothing. */
const MIN_WINDOW_MS = 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

type Cost = { gasUsed: string, effectiveGasPrice: string } | null

export class SealerAccountReader {
  private readonly costs = new Map<string, Cost>()

  constructor (private readonly deps: { chain: ChainClient, log: ReceiptsLog }) {}

  async read (now = Date.now()): Promise<SealerAccount> {
    const address = this.deps.chain.signerAddress
    const recent: SealerAccount['recent'] = []
    const latest = await this.deps.log.latestBatch()
    for (let seq = latest?.seq ?? -1; seq >= 0 && recent.length < RECENT_BATCHES; seq--) {
      const batch = seq === latest?.seq ? latest : await this.deps.log.getBatch(seq)
      if (batch === null) continue
      const cost = await this.cost(batch.seal.txHash)
      recent.push({
        seq: batch.seq,
        txHash: batch.seal.txHash,
        blockNumber: batch.seal.blockNumber,
        sealedAt: batch.sealedAt,
        leafCount: batch.leafCount,
        gasUsed: cost?.gasUsed ?? null,
        feeWei: cost === null ? null : (BigInt(cost.gasUsed) * BigInt(cost.effectiveGasPrice)).toString()
      })
    }
    const balance = address === null ? null : await this.deps.chain.balance(address)
    const spent = recent.reduce((sum, b) => sum + BigInt(b.feeWei ?? 0), 0n)
    const oldest = recent.length === 0 ? null : Date.parse(recent[recent.length - 1].sealedAt)
    const perDay = oldest === null ? null : spent * BigInt(DAY_MS) / BigInt(Math.max(MIN_WINDOW_MS, now - oldest))
    return {
      address,
      balanceWei: balance === null ? null : balance.toString(),
      recent,
      spendPerDayWei: perDay === null ? null : perDay.toString(),
      // Days as a float of wei ratios: exact enough to read, and safe (both fit a double's range here).
      daysLeft: balance === null || perDay === null || perDay === 0n ? null : Number(balance * 1000n / perDay) / 1000
    }
  }

  private async cost (txHash: string): Promise<Cost> {
    const kept = this.costs.get(txHash)
    if (kept !== undefined) return kept
    const cost = await this.deps.chain.txCost(txHash)
    if (this.costs.size >= 10 * RECENT_BATCHES) this.costs.delete(this.costs.keys().next().value as string)
    if (cost !== null) this.costs.set(txHash, cost)
    return cost
  }
}
