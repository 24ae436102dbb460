/**
 * Read-only JSON-RPC access for verifiers: the raw answers a verifier judges itself (a
 * contract's runtime code, `sealedAt` on any contract, a block, a transaction's receipt with its
 * logs, the head and the finalized block). Unlike `ChainClient` it is bound to no contract and
 * trusts none: which contract counts is the trust root's business (src/trust), and every answer
 * is checked for form here and judged by src/verify. The URL may carry an API key: only its
 * origin is ever shown.
 */
import type { JsonRpcProvider } from 'ethers'
import { checkCount, checkHash } from './answers'
import { HYPERSEAL_INTERFACE } from './artifact'
import { toChainError } from './classify'
import { ChainError } from './errors'
import { DEFAULT_TIMEOUT_MS, makeProvider, probeChainId } from './rpc'
import { parseAddress, parseBytes32, parsePositiveInt, parseRpcUrl, parseTxHash, rpcOrigin } from './validate'

export interface ReadBlock { number: number, hash: string, timestamp: number }
export interface ReadLog { address: string, topics: string[], data: string }
export interface ReadTx { hash: string, to: string | null, status: number, blockNumber: number, blockHash: string, logs: ReadLog[] }

export interface ChainReaderOptions {
  rpcUrl: string
  /** Bound on each RPC request (default 10 s). */
  timeoutMs?: number
  /** Refuse (CHAIN_ID_MISMATCH) a node on another chain. */
  expectedChainId?: number
}

const MAX_LOGS = 256

export class ChainReader {
  constructor (readonly chainId: number, readonly origin: string, private readonly provider: JsonRpcProvider) {}

  private async rpc<T> (what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw toChainError(err, what)
    }
  }

  async blockNumber (): Promise<number> {
    return checkCount('block number', await this.rpc('to read the latest block number', () => this.provider.getBlockNumber()))
  }

  /** The chain's `finalized` block number; null when the node does not know the tag. */
  async finalizedBlock (): Promise<number | null> {
    try {
      const block = await this.provider.getBlock('finalized')
      return block === null ? null : checkCount('finalized block number', block.number)
    } catch (err) {
      const coded = toChainError(err, 'to read the finalized block')
      if (coded.code === 'RPC_ERROR' || coded.code === 'RPC_BAD_ANSWER') return null
      throw coded
    }
  }

  /** The runtime code at `address`, lowercase 0x hex ('0x' when there is none). */
  async code (address: string): Promise<string> {
    const at = parseAddress('The contract address', address)
    const code = await this.rpc(`to read the code at ${at}`, () => this.provider.getCode(at))
    if (typeof code !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(code)) throw new ChainError('RPC_BAD_ANSWER', `The node answered invalid code for ${at}; check the RPC endpoint.`)
    return code.toLowerCase()
  }

  /** `sealedAt(root)` on the contract at `address`: null when never sealed (or nothing answers there). */
  async sealedAt (address: string, root: string): Promise<{ timestamp: number, blockNumber: number } | null> {
    const at = parseAddress('The contract address', address)
    const data = HYPERSEAL_INTERFACE.encodeFunctionData('sealedAt', [parseBytes32('root', root)])
    const ret = await this.rpc(`to call sealedAt on ${at}`, () => this.provider.call({ to: at, data }))
    if (ret === '0x') return null
    let timestamp: bigint
    let blockNumber: bigint
    try {
      [timestamp, blockNumber] = HYPERSEAL_INTERFACE.decodeFunctionResult('sealedAt', ret).toArray() as [bigint, bigint]
    } catch (err) {
      throw new ChainError('RPC_BAD_ANSWER', `The contract at ${at} answered sealedAt with data that does not decode.`, { cause: err })
    }
    if (timestamp === 0n && blockNumber === 0n) return null
    return { timestamp: checkCount('seal timestamp', timestamp), blockNumber: checkCount('seal block number', blockNumber) }
  }

  async block (n: number): Promise<ReadBlock | null> {
    const block = await this.rpc(`to read block ${n}`, () => this.provider.getBlock(checkCount('block number', n)))
    if (block === null) return null
    return { number: checkCount('block number', block.number), hash: checkHash('block hash', block.hash), timestamp: checkCount('block timestamp', block.timestamp) }
  }

  async transaction (hash: string): Promise<ReadTx | null> {
    const h = parseTxHash(hash)
    const receipt = await this.rpc(`to read the receipt of ${h}`, () => this.provider.getTransactionReceipt(h))
    if (receipt === null) return null
    if (receipt.logs.length > MAX_LOGS) throw new ChainError('RPC_BAD_ANSWER', `The node answered ${receipt.logs.length} logs for ${h}; check the RPC endpoint.`)
    if (receipt.status !== 0 && receipt.status !== 1) throw new ChainError('RPC_BAD_ANSWER', `The node answered an invalid status for ${h}.`)
    return {
      hash: checkHash('transaction hash', receipt.hash),
      to: receipt.to === null ? null : parseAddress('The transaction\'s to', receipt.to).toLowerCase(),
      status: receipt.status,
      blockNumber: checkCount('receipt block number', receipt.blockNumber),
      blockHash: checkHash('receipt block hash', receipt.blockHash),
      logs: receipt.logs.map((l) => ({
        address: parseAddress('A log address', l.address).toLowerCase(),
        topics: l.topics.map((t) => checkHash('log topic', t)),
        data: typeof l.data === 'string' && /^0x(?:[0-9a-fA-F]{2})*$/.test(l.data) ? l.data.toLowerCase() : (() => { throw new ChainError('RPC_BAD_ANSWER', `The node answered invalid log data for ${h}.`) })()
      }))
    }
  }

  close (): void {
    this.provider.destroy()
  }
}

/** Connects (asks the chain id first, so a dead RPC fails fast); nothing about any contract is assumed. */
export async function createChainReader (opts: ChainReaderOptions): Promise<ChainReader> {
  const rpcUrl = parseRpcUrl(opts.rpcUrl)
  const timeoutMs = parsePositiveInt('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 600_000, 'INVALID_CONFIG')
  const chainId = await probeChainId(rpcUrl, timeoutMs)
  if (opts.expectedChainId !== undefined && opts.expectedChainId !== chainId) {
    throw new ChainError('CHAIN_ID_MISMATCH', `The node at ${rpcOrigin(rpcUrl)} is on chain ${chainId}, not chain ${opts.expectedChainId}; give an RPC endpoint of that chain.`)
  }
  return new ChainReader(chainId, rpcOrigin(rpcUrl), makeProvider(rpcUrl, chainId, timeoutMs))
}
