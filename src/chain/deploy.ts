import { ContractFactory, getCreateAddress, Wallet, ZeroAddress } from 'ethers'
import { HYPERSEAL_ABI, HYPERSEAL_BYTECODE } from './artifact'
import { toChainError } from './classify'
import { createChainClient } from './client'
import { ChainError } from './errors'
import { DEFAULT_TIMEOUT_MS, makeProvider, probeChainId } from './rpc'
import { parseAddress, parsePositiveInt, parsePrivateKey, parseRpcUrl } from './validate'
import { waitMined } from './wait'

export interface DeployOptions {
  rpcUrl: string
  /** Pays for the deployment. Never logged. */
  deployerKey: string
  /** Receives DEFAULT_ADMIN_ROLE; the deployer's address by default. */
  admin?: string
  /** Receives SEALER_ROLE; the deployer's address by default, null for no sealer yet. */
  sealer?: string | null
  timeoutMs?: number
  /** How long to wait for the deployment to be mined (default 5 minutes). */
  waitMs?: number
  pollMs?: number
}

export interface Deployment {
  address: string
  chainId: number
  blockNumber: number
  txHash: string
  admin: string
  sealer: string
}

/** Deploys HyperSeal from the committed artifact and waits until it is mined and answers. */
export async function deployHyperSeal (opts: DeployOptions): Promise<Deployment> {
  const rpcUrl = parseRpcUrl(opts.rpcUrl)
  const key = parsePrivateKey('The deployer key', opts.deployerKey)
  const timeoutMs = parsePositiveInt('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 600_000, 'INVALID_CONFIG')
  const waitMs = parsePositiveInt('waitMs', opts.waitMs ?? 5 * 60_000, 24 * 3600_000, 'INVALID_CONFIG')
  const pollMs = parsePositiveInt('pollMs', opts.pollMs ?? 1000, 60_000, 'INVALID_CONFIG')
  const chainId = await probeChainId(rpcUrl, timeoutMs)
  const provider = makeProvider(rpcUrl, chainId, timeoutMs)
  try {
    const wallet = new Wallet(key, provider)
    const admin = opts.admin === undefined ? wallet.address : parseAddress('The admin address', opts.admin)
    const sealer = opts.sealer === null ? ZeroAddress : opts.sealer === undefined ? wallet.address : parseAddress('The sealer address', opts.sealer)
    let sent
    try {
      const tx = await new ContractFactory(HYPERSEAL_ABI, HYPERSEAL_BYTECODE, wallet).getDeployTransaction(admin, sealer)
      sent = await wallet.sendTransaction(tx)
    } catch (err) {
      throw toChainError(err, 'to send the deployment transaction')
    }
    const receipt = await waitMined({ provider, pollMs }, sent.hash.toLowerCase(), waitMs)
    if (receipt.status !== 'success') {
      throw new ChainError('REVERTED_OTHER', `The deployment transaction ${receipt.txHash} was mined but reverted; check the deployer's balance and the chain's contract size limit.`)
    }
    const address = getCreateAddress({ from: wallet.address, nonce: sent.nonce })
    // The new contract must answer like a HyperSeal before anyone records its address.
    const client = await createChainClient({ rpcUrl, contractAddress: address, timeoutMs, expectedChainId: chainId })
    client.close()
    return { address, chainId, blockNumber: receipt.blockNumber, txHash: receipt.txHash, admin, sealer }
  } finally {
    provider.destroy()
  }
}
