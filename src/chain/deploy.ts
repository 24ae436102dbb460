import { ContractFactory, getCreateAddress, Wallet, ZeroAddress } from 'ethers'
import { HYPERSEAL_ABI, HYPERSEAL_BYTECODE } from './artifact'
import { toChainError } from './classify'
import { createChainClient } from './client'
import { ChainError } from './errors'
import { DEFAULT_TIMEOUT_MS, makeProvider, probeChainId } from './rpc'
import { parseAddress, parsePositiveInt, parsePrivateKey, parseRpcUrl } from './validate'
import { waitMined } from './wait'

/**
 * Chain ids of local development chains (anvil and Hardhat 31337, Ganache and geth --dev 1337):
 * whoever runs the node can rewrite them, so the admin's key guards nothing there.
 */
export const DEVELOPMENT_CHAIN_IDS: readonly number[] = [31337, 1337]

export function isDevelopmentChain (chainId: number): boolean {
  return DEVELOPMENT_CHAIN_IDS.includes(chainId)
}

/**
 * The admin transfer delay by default: 3 days, in seconds. Long enough for whoever watches the
 * contract to see a transfer begun with a stolen admin key and act (cancel it, move the sealers)
 * before it can be accepted; short enough for a planned hand-over. See docs/decisions.md.
 */
export const DEFAULT_ADMIN_DELAY_SECONDS = 3 * 24 * 3600
/** The contract takes a uint48; a delay past about 5 years would only lock the admin role in. */
const MAX_ADMIN_DELAY_SECONDS = 5 * 365 * 24 * 3600

export interface DeployOptions {
  rpcUrl: string
  /** Pays for the deployment. Never logged. */
  deployerKey: string
  /** Receives DEFAULT_ADMIN_ROLE; the deployer's address by default. */
  admin?: string
  /** Receives SEALER_ROLE; the deployer's address by default, null for no sealer yet. */
  sealer?: string | null
  /** Seconds between beginning an admin transfer and its acceptance; DEFAULT_ADMIN_DELAY_SECONDS by default. */
  adminDelaySeconds?: number
  /**
   * On a chain that is not a development chain, deploying with the sealer (a hot key: it signs
   * every seal, unattended) as admin is refused (INVALID_CONFIG) unless this is true.
   */
  allowHotAdmin?: boolean
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
  adminDelaySeconds: number
  /** The sealer is also the admin (allowed on a development chain, or with `allowHotAdmin`). */
  hotAdmin: boolean
}

/** Deploys HyperSeal from the committed artifact and waits until it is mined and answers. */
export async function deployHyperSeal (opts: DeployOptions): Promise<Deployment> {
  const rpcUrl = parseRpcUrl(opts.rpcUrl)
  const key = parsePrivateKey('The deployer key', opts.deployerKey)
  const timeoutMs = parsePositiveInt('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 600_000, 'INVALID_CONFIG')
  const waitMs = parsePositiveInt('waitMs', opts.waitMs ?? 5 * 60_000, 24 * 3600_000, 'INVALID_CONFIG')
  const pollMs = parsePositiveInt('pollMs', opts.pollMs ?? 1000, 60_000, 'INVALID_CONFIG')
  const adminDelaySeconds = opts.adminDelaySeconds ?? DEFAULT_ADMIN_DELAY_SECONDS
  if (!Number.isSafeInteger(adminDelaySeconds) || adminDelaySeconds < 0 || adminDelaySeconds > MAX_ADMIN_DELAY_SECONDS) {
    throw new ChainError('INVALID_CONFIG', `The admin transfer delay must be a whole number of seconds from 0 to ${MAX_ADMIN_DELAY_SECONDS}, got ${String(adminDelaySeconds)}`)
  }
  const chainId = await probeChainId(rpcUrl, timeoutMs)
  const provider = makeProvider(rpcUrl, chainId, timeoutMs)
  try {
    const wallet = new Wallet(key, provider)
    const admin = opts.admin === undefined ? wallet.address : parseAddress('The admin address', opts.admin)
    const sealer = opts.sealer === null ? ZeroAddress : opts.sealer === undefined ? wallet.address : parseAddress('The sealer address', opts.sealer)
    if (admin === ZeroAddress) throw new ChainError('INVALID_CONFIG', 'The admin cannot be the zero address: the contract would have nobody to grant or revoke sealers.')
    const hotAdmin = admin === sealer
    if (hotAdmin && !isDevelopmentChain(chainId) && opts.allowHotAdmin !== true) {
      throw new ChainError('INVALID_CONFIG', `Refusing to make the sealer ${sealer} admin on chain ${chainId}: the sealer's key is a hot key, and whoever steals it could grant itself sealers and take the contract over. Name a separate admin (a cold wallet or a multisig: \`hyperseal deploy --admin <address>\`), or allow it explicitly (\`--allow-hot-admin\`).`)
    }
    let sent
    try {
      const tx = await new ContractFactory(HYPERSEAL_ABI, HYPERSEAL_BYTECODE, wallet).getDeployTransaction(admin, sealer, adminDelaySeconds)
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
    return { address, chainId, blockNumber: receipt.blockNumber, txHash: receipt.txHash, admin, sealer, adminDelaySeconds, hotAdmin }
  } finally {
    provider.destroy()
  }
}
