import { ChainError } from './errors'

/** The fee fields of a transaction: EIP-1559 or legacy. */
export type TxFees =
  | { maxFeePerGas: bigint, maxPriorityFeePerGas: bigint }
  | { gasPrice: bigint }

/** What the node suggests now (`eth_gasPrice`, base fee and priority fee); null when unknown. */
export interface CurrentFees {
  gasPrice: bigint | null
  maxFeePerGas: bigint | null
  maxPriorityFeePerGas: bigint | null
}

/** Nodes (geth's txpool `PriceBump`) accept a same-nonce replacement only if every fee grows by 10%. */
export const MIN_FEE_BUMP_PERCENT = 10

/** `value` raised by `percent`, rounded up, so integer division never lands below the bump. */
export function bumpFee (value: bigint, percent: number): bigint {
  return (value * BigInt(100 + percent) + 99n) / 100n
}

function max (...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a))
}

/**
 * The fees of a transaction that replaces `previous` at the same nonce: each fee raised by at
 * least `bumpPercent` (10 by default), and never below what the node suggests now, so a
 * transaction stuck behind a fee spike gets mined. The transaction keeps its type. Pure.
 */
export function replacementFees (previous: TxFees, current: CurrentFees | null, bumpPercent = MIN_FEE_BUMP_PERCENT): TxFees {
  if (!Number.isInteger(bumpPercent) || bumpPercent < MIN_FEE_BUMP_PERCENT || bumpPercent > 1000) {
    throw new ChainError('INVALID_INPUT', `The fee bump must be an integer percentage from ${MIN_FEE_BUMP_PERCENT} to 1000, got ${String(bumpPercent)}`)
  }
  const fees = Object.values(previous) as unknown[]
  if (fees.some((f) => typeof f !== 'bigint' || f < 0n)) {
    throw new ChainError('INVALID_INPUT', 'Previous fees must be non-negative bigints')
  }
  if ('gasPrice' in previous) {
    return { gasPrice: max(bumpFee(previous.gasPrice, bumpPercent), current?.gasPrice ?? 0n) }
  }
  const tip = max(bumpFee(previous.maxPriorityFeePerGas, bumpPercent), current?.maxPriorityFeePerGas ?? 0n)
  // A max fee below the tip is invalid (EIP-1559), hence the tip among the lower bounds.
  const maxFee = max(bumpFee(previous.maxFeePerGas, bumpPercent), current?.maxFeePerGas ?? 0n, tip)
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip }
}
