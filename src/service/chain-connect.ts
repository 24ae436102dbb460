import { createChainClient, startEmbeddedChain, ChainError, type ChainClient, type EmbeddedChain } from '../chain'
import { readFile } from 'node:fs/promises'
import { Wallet } from 'ethers'
import { ConfigError, type Config } from '../config'
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
    const embedded = await startEmbeddedChain({ dataDir, logger })
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
  const signerKey = config.sealerKey ?? (config.keystore === undefined ? undefined : await decryptKeystore(config.keystore))
  const client = await createChainClient({
    rpcUrl: config.rpc,
    contractAddress: config.contract,
    ...timeout,
    ...(signerKey !== undefined ? { signerKey } : {})
  })
  return { client, embedded: null, chainId: client.chainIdAtConnect, contract: client.contractAddress }
}

/** The sealer key from an encrypted JSON keystore (geth/ethers format). */
async function decryptKeystore (keystore: { path: string, password: string }): Promise<string> {
  let json: string
  try {
    json = await readFile(keystore.path, 'utf8')
  } catch (err) {
    throw new ConfigError('INVALID_VALUE', `HYPERSEAL_KEYSTORE: cannot read ${keystore.path} (${(err as Error).message})`, { cause: err })
  }
  try {
    return (await Wallet.fromEncryptedJson(json, keystore.password)).privateKey
  } catch {
    throw new ConfigError('INVALID_VALUE', `HYPERSEAL_KEYSTORE: ${keystore.path} is not a keystore that HYPERSEAL_KEYSTORE_PASSWORD opens`)
  }
}
