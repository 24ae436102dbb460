import { Transaction, type JsonRpcProvider, type TransactionRequest, type Wallet } from 'ethers'
import { HYPERSEAL_INTERFACE } from './artifact'
import { toChainError } from './classify'
import { ChainError } from './errors'
import type { TxFees } from './fees'
import { parseBytes32, parseLeafCount, type Bytes32 } from './validate'

export interface SealSent {
  txHash: string
  nonce: number
  /** The fees the transaction was sent with: the base for a same-nonce replacement. */
  fees: TxFees
}

export interface SealOptions {
  /** Send at this nonce (to replace a pending seal); the next pending nonce by default. */
  nonce?: number
  fees?: TxFees
}

// seal() costs the same for any root, but a first seal also turns `_sequence` from zero, so
// the estimate gets headroom; unused gas is not paid for.
const GAS_HEADROOM_PERCENT = 125n
const MAX_SEAL_GAS = 1_000_000n

/**
 * Gas is estimated against the *latest* block, not the pending one (ethers sends no block tag
 * and anvil then uses pending): replacing a pending seal of root R must not be refused because
 * the pending transaction being replaced already seals R.
 */
async function estimateSealGas (provider: JsonRpcProvider, from: string, to: string, data: string): Promise<bigint> {
  let answer: unknown
  try {
    answer = await provider.send('eth_estimateGas', [{ from, to, data }, 'latest'])
  } catch (err) {
    throw toChainError(err, 'to estimate the seal transaction')
  }
  if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(answer) || BigInt(answer) < 21_000n || BigInt(answer) > MAX_SEAL_GAS) {
    throw new ChainError('RPC_BAD_ANSWER', 'The node answered an invalid gas estimate for seal(); check the RPC endpoint.')
  }
  return BigInt(answer) * GAS_HEADROOM_PERCENT / 100n
}

// A node that already holds this exact signed transaction says so in its own words (geth
// "already known", anvil "transaction already imported"): the transaction is in the pool.
const ALREADY_KNOWN = /already (known|imported)/i

function messagesOf (err: unknown): string {
  const e = err as { message?: unknown, error?: { message?: unknown } } | null
  return `${String(e?.message)} ${String(e?.error?.message)}`
}

/**
 * Sends `seal(root, leafCount)` and returns once the node accepted it (not mined). The
 * transaction is signed here and broadcast raw, so its hash is known even when the node
 * answers that it has it already (a resend of the same transaction succeeds).
 */
export async function sendSeal (provider: JsonRpcProvider, signer: Wallet, contract: string, root: Bytes32, leafCount: number, opts: SealOptions): Promise<SealSent> {
  const data = HYPERSEAL_INTERFACE.encodeFunctionData('seal', [parseBytes32('root', root), parseLeafCount(leafCount)])
  const request: TransactionRequest = { to: contract, data, ...(opts.fees ?? {}) }
  if (opts.nonce !== undefined) {
    if (!Number.isSafeInteger(opts.nonce) || opts.nonce < 0) throw new ChainError('INVALID_INPUT', `A nonce must be an integer >= 0, got ${String(opts.nonce)}`)
    request.nonce = opts.nonce
  }
  request.gasLimit = await estimateSealGas(provider, signer.address, contract, data)
  let tx: Transaction
  try {
    tx = Transaction.from(await signer.signTransaction(await signer.populateTransaction(request)))
  } catch (err) {
    throw toChainError(err, 'to prepare the seal transaction')
  }
  try {
    await provider.broadcastTransaction(tx.serialized)
  } catch (err) {
    if (!ALREADY_KNOWN.test(messagesOf(err))) throw toChainError(err, 'to send the seal transaction')
  }
  const fees: TxFees = tx.maxFeePerGas !== null && tx.maxPriorityFeePerGas !== null
    ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
    : { gasPrice: tx.gasPrice ?? 0n }
  return { txHash: (tx.hash as string).toLowerCase(), nonce: tx.nonce, fees }
}
