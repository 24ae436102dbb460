import { createChainClient, decryptKeystore, startEmbeddedChain, ChainError, type ChainClient, type EmbeddedChain } from '../chain'
import type { Config } from '../config'
import type { Logger } from '../util'

export interface ChainConnection {
  client: ChainClient
  embedded: EmbeddedChain | null
  chainId: number
  contract: string
}

/** The configured chain (HYPERSEAL_RPC + HYPERSEAL_CONTRACT + key), or the embedded anvil. */
/** `rpcTimeoutMs` bounds each JSON-RPC request (default 10 s): a stalled node fails a pass, it does not hang it. */
export async function connectChain (config: Config, dataDir: string, logger: Logger, rpcTimeoutMs?: number): Promise<ChainConnection> {
  const timeout = rpcTimeoutMs === undefined ? {} : { timeoutMs: rpcTimeoutMs }
  if (config.rpc === undefined) {
    const embedded = await startEmbeddedChain({ dataDir, logger, port: config.chainPort })
    try {
      const client = await createChainClient({ rpcUrl: embedded.rpcUrl, contractAddress: embedded.contractAddress, signerKey: embedded.sealerKey, pollMs: 100, ...timeout })
      logger.info({ rpc: embedded.rpcUrl, contract: embedded.contractAddress, origin: embedded.origin }, 'embedded chain (anvil) ready')
      return { client, embedded, chainId: embedded.chainId, contract: client.contractAddress }
    } catch (err) {
      await embedded.stop()
      throw err
    }
  }
  if (config.contract === undefined) {
    throw new ChainError('INVALID_CONFIG', 'HYPERSEAL_RPC is set but HYPERSEAL_CONTRACT is not: deploy one with `hyperseal deploy --rpc <url>` and set its address.')
  }
  const signerKey = config.sealerKey ?? (config.keystore === undefined ? undefined : await decryptKeystore('HYPERSEAL_KEYSTORE', config.keystore.path, config.keystore.password))
  const client = await createChainClient({
    rpcUrl: config.rpc,
    contractAddress: config.contract,
    ...timeout,
    ...(signerKey !== undefined ? { signerKey } : {})
  })
  return { client, embedded: null, chainId: client.chainIdAtConnect, contract: client.contractAddress }
}
