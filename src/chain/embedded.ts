import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { resolveAnvilCommand } from './anvil-binary'
import { clearStaleAnvil, removePidFile, writePidFile } from './anvil-pidfile'
import { checkChainPort } from './anvil-port'
import { spawnAnvil, type AnvilProcess } from './anvil-process'
import { stateSaver } from './anvil-state'
import { createChainClient } from './client'
import { deployHyperSeal } from './deploy'
import { ChainError } from './errors'
import { SILENT_LOGGER, type ChainLogger } from './logger'
import { parseAddress } from './validate'

export const ANVIL_CHAIN_ID = 31337
/** anvil's account 0 of the public mnemonic "test test … junk": a well-known test key, still never logged. */
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

export interface EmbeddedChainOptions {
  /** The service's data directory; the chain lives in <dataDir>/chain. */
  dataDir: string
  /**
   * anvil's RPC port. Default 0: a free port picked by anvil (what tests want). The service
   * passes HYPERSEAL_CHAIN_PORT (default 8545), so that the URL stays the same across starts.
   */
  port?: number
  host?: string
  logger?: ChainLogger
  startTimeoutMs?: number
}

/** How the contract came to be: deployed on the first start, found again, or redeployed on lost state. */
export type ContractOrigin = 'deployed' | 'existing' | 'redeployed'

export interface EmbeddedChain {
  rpcUrl: string
  chainId: number
  contractAddress: string
  deployBlock: number
  origin: ContractOrigin
  /** Holds DEFAULT_ADMIN_ROLE and SEALER_ROLE. */
  sealerKey: string
  pid: number
  /**
   * Writes the chain's current state to its state file (atomically, see anvil-state.ts): what
   * is on chain now survives any kill from here on. The sealer calls it before acknowledging a
   * seal; `stop()` calls it too.
   */
  persistState (): Promise<void>
  stop (): Promise<void>
}

interface Remembered { address: string, chainId: number, deployBlock: number }

function readRemembered (file: string): Remembered | null {
  let raw: Remembered
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Remembered
  } catch {
    return null
  }
  try {
    const ok = raw.chainId === ANVIL_CHAIN_ID && Number.isSafeInteger(raw.deployBlock) && raw.deployBlock >= 0
    return ok ? { address: parseAddress('contract.json address', raw.address), chainId: raw.chainId, deployBlock: raw.deployBlock } : null
  } catch {
    return null
  }
}

function writeRemembered (file: string, value: Remembered): void {
  writeFileSync(file + '.tmp', JSON.stringify(value, null, 2) + '\n')
  renameSync(file + '.tmp', file)
}

function checkOptions (opts: EmbeddedChainOptions): { host: string, port: number } {
  const host = opts.host ?? '127.0.0.1'
  if (isIP(host) === 0) throw new ChainError('INVALID_CONFIG', `The embedded chain's host must be an IP address, got ${JSON.stringify(host)}`)
  const port = opts.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ChainError('INVALID_CONFIG', `The embedded chain's port must be 0-65535, got ${String(port)}`)
  return { host, port }
}

/**
 * Starts anvil on <dataDir>/chain/state.json and makes sure a HyperSeal contract is there:
 * deployed on the first start, found again at the address in contract.json on later ones, or
 * redeployed (origin 'redeployed', logged) when the state was lost. anvil only reads the state
 * file; we write it (`persistState`), so no anvil write can lose a seal or tear the file.
 */
export async function startEmbeddedChain (opts: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const { host, port } = checkOptions(opts)
  const logger = opts.logger ?? SILENT_LOGGER
  const chainDir = join(resolve(opts.dataDir), 'chain')
  const stateFile = join(chainDir, 'state.json')
  const contractFile = join(chainDir, 'contract.json')
  // anvil's on-disk cache of old states; its path in anvil's command line also tells this
  // data directory's anvil from any other (anvil-pidfile.ts).
  const cacheDir = join(chainDir, 'cache')
  mkdirSync(chainDir, { recursive: true })
  // Our own anvil left by a process that died is stopped first: it frees the port it held.
  const stopped = await clearStaleAnvil(chainDir, [cacheDir, stateFile], stateFile, logger)
  await checkChainPort(host, port, stopped ? 10_000 : 0)

  const anvil = await spawnAnvil({
    command: resolveAnvilCommand(),
    args: ['--chain-id', String(ANVIL_CHAIN_ID), '--mnemonic', DEV_MNEMONIC, '--cache-path', cacheDir, ...(existsSync(stateFile) ? ['--load-state', stateFile] : [])],
    host,
    port,
    startTimeoutMs: opts.startTimeoutMs ?? 30_000,
    logger
  })
  writePidFile(chainDir, { pid: anvil.pid, parentPid: process.pid, stateFile, rpcUrl: anvil.rpcUrl })
  const persistState = stateSaver(anvil.rpcUrl, stateFile)
  let deployed = false
  const stop = async (): Promise<void> => {
    // Blocks since the last seal (none acknowledged) are kept too when anvil still answers.
    if (deployed) {
      await persistState().catch((err: unknown) => {
        // Ctrl-C in a terminal signals the whole process group, anvil too: it may be gone before
        // this dump. Nothing acknowledged is lost (each seal's state was on disk before its ack).
        if (anvil.exited()) logger.info({ pid: anvil.pid }, 'anvil had already stopped (Ctrl-C reaches it too); the chain state of every acknowledged seal is on disk')
        else logger.warn({ err: (err as Error).message }, 'the embedded chain state could not be saved at stop')
      })
    }
    await anvil.stop()
    removePidFile(chainDir)
  }
  try {
    if (anvil.chainId !== ANVIL_CHAIN_ID) throw new ChainError('ANVIL_FAILED', `anvil answered chain id ${anvil.chainId}, not ${ANVIL_CHAIN_ID}.`)
    const { remembered, origin } = await ensureContract(anvil, contractFile, logger)
    // A new contract must be on disk before its address is used for anything.
    if (origin !== 'existing') await persistState()
    deployed = true
    return { rpcUrl: anvil.rpcUrl, chainId: ANVIL_CHAIN_ID, contractAddress: remembered.address, deployBlock: remembered.deployBlock, origin, sealerKey: DEV_KEY, pid: anvil.pid, persistState, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function ensureContract (anvil: AnvilProcess, contractFile: string, logger: ChainLogger): Promise<{ remembered: Remembered, origin: ContractOrigin }> {
  const known = readRemembered(contractFile)
  if (known !== null) {
    try {
      const client = await createChainClient({ rpcUrl: anvil.rpcUrl, contractAddress: known.address, expectedChainId: ANVIL_CHAIN_ID })
      client.close()
      return { remembered: known, origin: 'existing' }
    } catch (err) {
      if (!(err instanceof ChainError) || err.code !== 'NO_CONTRACT') throw err
    }
    logger.warn({ address: known.address }, 'the embedded chain lost its state (no contract at the remembered address): redeploying; earlier seals are gone and will be sent again')
  }
  const d = await deployHyperSeal({ rpcUrl: anvil.rpcUrl, deployerKey: DEV_KEY, pollMs: 50 })
  const remembered = { address: d.address, chainId: ANVIL_CHAIN_ID, deployBlock: d.blockNumber }
  writeRemembered(contractFile, remembered)
  logger.info({ address: d.address, block: d.blockNumber }, 'HyperSeal deployed on the embedded chain')
  return { remembered, origin: known === null ? 'deployed' : 'redeployed' }
}
