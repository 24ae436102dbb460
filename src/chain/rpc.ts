import { FetchRequest, JsonRpcProvider, Network } from 'ethers'
import { toChainError } from './classify'
import { ChainError } from './errors'
import { rpcOrigin } from './validate'

export const DEFAULT_TIMEOUT_MS = 10_000

function request (rpcUrl: string, timeoutMs: number): FetchRequest {
  const req = new FetchRequest(rpcUrl)
  req.timeout = timeoutMs
  return req
}

/**
 * Asks the node its chain id with one plain request. A JsonRpcProvider that does not know its
 * network retries detection every second forever when the node is down; asking first lets a
 * dead RPC fail fast with RPC_UNREACHABLE, and the provider is then built with a static network.
 */
export async function probeChainId (rpcUrl: string, timeoutMs: number): Promise<number> {
  const req = request(rpcUrl, timeoutMs)
  req.body = { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }
  let answer: unknown
  try {
    const res = await req.send()
    if (res.statusCode === 502 || res.statusCode === 503 || res.statusCode === 504) {
      throw new ChainError('RPC_UNREACHABLE', `The RPC endpoint ${rpcOrigin(rpcUrl)} answered HTTP ${res.statusCode}; the node behind it is unavailable.`)
    }
    answer = res.bodyJson
  } catch (err) {
    throw toChainError(err, `to reach the RPC endpoint ${rpcOrigin(rpcUrl)}`)
  }
  const ours = answer !== null && typeof answer === 'object' && (answer as { id?: unknown }).id === 1
  const result = ours ? (answer as { result?: unknown }).result : undefined
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{1,13}$/.test(result) || Number(result) === 0) {
    const err = (answer as { error?: { message?: unknown } } | null)?.error
    if (err !== undefined) {
      throw new ChainError('RPC_ERROR', `The RPC endpoint ${rpcOrigin(rpcUrl)} refused eth_chainId: ${String(err?.message)}`)
    }
    throw new ChainError('RPC_BAD_ANSWER', `The RPC endpoint ${rpcOrigin(rpcUrl)} gave no valid chain id; check that the URL is an Ethereum JSON-RPC node.`)
  }
  return Number(result)
}

/** A provider pinned to `chainId` (no network detection loop), each request bounded by `timeoutMs`. */
export function makeProvider (rpcUrl: string, chainId: number, timeoutMs: number): JsonRpcProvider {
  const network = Network.from(chainId)
  return new JsonRpcProvider(request(rpcUrl, timeoutMs), network, {
    staticNetwork: network,
    // One request per HTTP call, so an error belongs to one method; no result caching, so
    // block numbers polled while waiting for confirmations are always fresh.
    batchMaxCount: 1,
    cacheTimeout: -1
  })
}

export function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
