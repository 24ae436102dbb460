import { Wallet, type JsonRpcProvider } from 'ethers'
import { toChainBlock, toSealedAt, checkCount, checkHash, type ChainBlock, type MinedReceipt, type SealedAt } from './answers'
import { HYPERSEAL_INTERFACE, SEALER_ROLE } from './artifact'
import { toChainError } from './classify'
import { ChainError } from './errors'
import type { CurrentFees } from './fees'
import { sendSeal, type SealOptions, type SealSent } from './send-seal'
import { DEFAULT_TIMEOUT_MS, makeProvider, probeChainId } from './rpc'
import {
  parseAddress, parseBlockTag, parseBytes32, parsePositiveInt, parsePrivateKey,
  parseRpcUrl, parseTxHash, parseUint64, rpcOrigin, type BlockTag, type Bytes32
} from './validate'
import { getReceipt, waitForConfirmations, waitMined, type WaitContext } from './wait'

export interface ChainClientOptions {
  rpcUrl: string
  contractAddress: string
  /** The sealer's private key; without it the client only reads. Never logged. */
  signerKey?: string
  /** Bound on each RPC request (default 10 s). */
  timeoutMs?: number
  /** Interval between polls while waiting for a transaction (default 1 s). */
  pollMs?: number
  /** Refuse to connect (CHAIN_ID_MISMATCH) to a node on another chain. */
  expectedChainId?: number
}

/** A sealed root's place on chain, from its `Sealed` event. */
export interface SealLocation extends SealedAt {
  txHash: string
  blockHash: string
  /** The leaf count the `Sealed` event announced. */
  leafCount: number
}

export interface HeadLeaf {
  key: Bytes32
  length: number | bigint
  fork: number | bigint
  treeHash: Bytes32
}

interface Connection {
  chainId: number
  contractAddress: string
  provider: JsonRpcProvider
  rpcUrl: string
  signer: Wallet | null
  pollMs: number
  timeoutMs: number
}

const MAX_WAIT_MS = 24 * 3600 * 1000

/** The HyperSeal contract on one chain, through one JSON-RPC endpoint. */
export class ChainClient {
  /** The chain id the node gave when the client connected. */
  readonly chainIdAtConnect: number
  /** The checksummed contract address. */
  readonly contractAddress: string
  private readonly provider: JsonRpcProvider
  private readonly signer: Wallet | null
  private readonly wait: WaitContext

  constructor (private readonly conn: Connection) {
    this.chainIdAtConnect = conn.chainId
    this.contractAddress = conn.contractAddress
    this.provider = conn.provider
    this.signer = conn.signer
    this.wait = { provider: conn.provider, pollMs: conn.pollMs }
  }

  /** The signer's address, or null for a read-only client. */
  get signerAddress (): string | null {
    return this.signer?.address ?? null
  }

  /** Asks the node its chain id again; CHAIN_ID_MISMATCH if the endpoint moved to another chain. */
  async chainId (): Promise<number> {
    const id = await probeChainId(this.conn.rpcUrl, this.conn.timeoutMs)
    if (id !== this.chainIdAtConnect) {
      throw new ChainError('CHAIN_ID_MISMATCH', `The node at ${rpcOrigin(this.conn.rpcUrl)} is now on chain ${id}, not ${this.chainIdAtConnect}; check the RPC endpoint.`)
    }
    return id
  }

  /** Sends `seal(root, leafCount)` and returns once the node accepted it (not mined). */
  async seal (root: Bytes32, leafCount: number, opts: SealOptions = {}): Promise<SealSent> {
    return await sendSeal(this.provider, this.requireSigner(), this.contractAddress, root, leafCount, opts)
  }

  async waitMined (txHash: string, timeoutMs: number): Promise<MinedReceipt> {
    return await waitMined(this.wait, parseTxHash(txHash), parsePositiveInt('timeoutMs', timeoutMs, MAX_WAIT_MS))
  }

  async waitForConfirmations (txHash: string, confirmations: number | 'finalized', timeoutMs = 10 * 60_000): Promise<MinedReceipt> {
    return await waitForConfirmations(this.wait, parseTxHash(txHash), confirmations === 'finalized' ? confirmations : parsePositiveInt('confirmations', confirmations, 100_000),
      parsePositiveInt('timeoutMs', timeoutMs, MAX_WAIT_MS))
  }

  async getTransactionReceipt (txHash: string): Promise<MinedReceipt | null> {
    return await getReceipt(this.wait, parseTxHash(txHash))
  }

  /**
   * What a mined transaction cost: gas used and the effective gas price (wei), as decimal
   * strings; null when the node has no receipt for it. Audit reports sum these per batch.
   */
  async txCost (txHash: string): Promise<{ gasUsed: string, effectiveGasPrice: string } | null> {
    const hash = parseTxHash(txHash)
    const receipt = await this.rpc(`to read the receipt of ${hash}`, () => this.provider.getTransactionReceipt(hash))
    if (receipt === null) return null
    const wei = (what: string, v: unknown): string => {
      if (typeof v !== 'bigint' || v < 0n) throw new ChainError('RPC_BAD_ANSWER', `The node answered an invalid ${what} for ${hash}; check the RPC endpoint.`)
      return v.toString()
    }
    return { gasUsed: wei('gas used', receipt.gasUsed), effectiveGasPrice: wei('effective gas price', receipt.gasPrice) }
  }

  /** The balance in wei of `address` (default: the sealer account); what the dashboard shows and divides by the spend rate. */
  async balance (address?: string): Promise<bigint> {
    const at = address ?? this.signerAddress
    if (at === null) throw new ChainError('NO_SIGNER', 'This client has no sealer key, so it has no account whose balance to read.')
    const wei = await this.rpc(`to read the balance of ${at}`, () => this.provider.getBalance(at))
    if (typeof wei !== 'bigint' || wei < 0n) throw new ChainError('RPC_BAD_ANSWER', `The node answered an invalid balance for ${at}; check the RPC endpoint.`)
    return wei
  }

  /** When `root` was sealed, or null if it never was. */
  async sealedAt (root: Bytes32): Promise<SealedAt | null> {
    const [timestamp, blockNumber] = await this.view('sealedAt', [parseBytes32('root', root)])
    return toSealedAt(timestamp as bigint, blockNumber as bigint)
  }

  /**
   * Where `root` was sealed: the `Sealed` event's transaction and block, or null if never.
   * Recovery needs this when a crash hid the hash of the transaction that sealed it.
   */
  async findSeal (root: Bytes32): Promise<SealLocation | null> {
    const at = await this.sealedAt(root)
    if (at === null) return null
    const topics = [HYPERSEAL_INTERFACE.getEvent('Sealed')!.topicHash, parseBytes32('root', root)]
    const logs = await this.rpc('to read Sealed events', () => this.provider.getLogs({
      address: this.contractAddress, topics, fromBlock: at.blockNumber, toBlock: at.blockNumber
    }))
    const log = logs[0]
    if (logs.length !== 1 || log === undefined) {
      throw new ChainError('RPC_BAD_ANSWER', `The node reports root ${root} sealed in block ${at.blockNumber} but returned ${logs.length} Sealed events for it; check the RPC endpoint.`)
    }
    let leafCount: number
    try {
      leafCount = Number(HYPERSEAL_INTERFACE.parseLog(log)!.args.leafCount)
    } catch (err) {
      throw new ChainError('RPC_BAD_ANSWER', `The node returned a Sealed event for ${root} that does not decode; check the RPC endpoint.`, { cause: err })
    }
    return {
      ...at,
      txHash: checkHash('transaction hash', log.transactionHash),
      blockHash: checkHash('block hash', log.blockHash),
      leafCount
    }
  }

  /** The contract's own check of a head against a sealed root: the seal's timestamp, 0 if unproven. */
  async verifyHead (root: Bytes32, proof: Bytes32[], head: HeadLeaf): Promise<number> {
    if (!Array.isArray(proof) || proof.length > 256) throw new ChainError('INVALID_INPUT', 'A proof must be an array of at most 256 nodes')
    const [timestamp] = await this.view('verifyHead', [
      parseBytes32('root', root), proof.map((p, i) => parseBytes32(`proof[${i}]`, p)), parseBytes32('key', head.key),
      parseUint64('length', head.length), parseUint64('fork', head.fork), parseBytes32('treeHash', head.treeHash)
    ])
    return checkCount('seal timestamp', timestamp)
  }

  async blockNumber (): Promise<number> {
    return checkCount('block number', await this.rpc('to read the latest block number', () => this.provider.getBlockNumber()))
  }

  /** A block by number or tag, or null when the node has no such block (yet). */
  async getBlock (tag: BlockTag): Promise<ChainBlock | null> {
    const block = await this.rpc(`to read block ${String(tag)}`, () => this.provider.getBlock(parseBlockTag(tag)))
    return block === null ? null : toChainBlock(block)
  }

  /** Fees the node suggests now; feed them to `replacementFees` to unstick a transaction. */
  async feeData (): Promise<CurrentFees> {
    const f = await this.rpc('to read fee data', () => this.provider.getFeeData())
    return { gasPrice: f.gasPrice, maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas }
  }

  /** The signer's next nonce counting mined transactions only, and counting pending ones too. */
  async nonces (): Promise<{ mined: number, pending: number }> {
    const address = this.requireSigner().address
    const [mined, pending] = await this.rpc('to read the signer nonce', () => Promise.all([
      this.provider.getTransactionCount(address, 'latest'), this.provider.getTransactionCount(address, 'pending')]))
    return { mined: checkCount('nonce', mined), pending: checkCount('nonce', pending) }
  }

  /** Releases the provider (no timers are left behind). */
  close (): void {
    this.provider.destroy()
  }

  private requireSigner (): Wallet {
    if (this.signer === null) throw new ChainError('NO_SIGNER', 'This chain client has no signer key; configure HYPERSEAL_SEALER_KEY to send seals.')
    return this.signer
  }

  private async rpc<T> (what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw toChainError(err, what)
    }
  }

  private async view (fn: 'sealedAt' | 'verifyHead' | 'SEALER_ROLE', args: unknown[]): Promise<unknown[]> {
    const data = HYPERSEAL_INTERFACE.encodeFunctionData(fn, args)
    const ret = await this.rpc(`to call ${fn}`, () => this.provider.call({ to: this.contractAddress, data }))
    if (ret === '0x') throw new ChainError('NO_CONTRACT', `No HyperSeal contract answers at ${this.contractAddress} on chain ${this.chainIdAtConnect}; check HYPERSEAL_CONTRACT.`)
    try {
      return HYPERSEAL_INTERFACE.decodeFunctionResult(fn, ret).toArray()
    } catch (err) {
      throw new ChainError('RPC_BAD_ANSWER', `The node answered ${fn} with data that does not decode; check the RPC endpoint.`, { cause: err })
    }
  }

  /** NO_CONTRACT unless the address holds code that answers SEALER_ROLE like a HyperSeal. */
  async checkContract (): Promise<void> {
    const code = await this.rpc('to read the contract code', () => this.provider.getCode(this.contractAddress))
    let role: unknown = null
    if (code !== '0x') {
      role = await this.view('SEALER_ROLE', []).then(([r]) => r, (err: unknown) => {
        if (err instanceof ChainError && err.code.startsWith('RPC_') && err.code !== 'RPC_BAD_ANSWER') throw err
        return null
      })
    }
    if (role !== SEALER_ROLE) {
      throw new ChainError('NO_CONTRACT', `${code === '0x' ? 'No code' : 'No HyperSeal contract'} at ${this.contractAddress} on chain ${this.chainIdAtConnect}; deploy one (hyperseal deploy) or fix HYPERSEAL_CONTRACT.`)
    }
  }
}

/** Connects: checks the options, asks the chain id (fast failure on a dead RPC), checks the contract. */
export async function createChainClient (opts: ChainClientOptions): Promise<ChainClient> {
  const rpcUrl = parseRpcUrl(opts.rpcUrl)
  const address = parseAddress('The contract address', opts.contractAddress)
  const key = opts.signerKey === undefined ? null : parsePrivateKey('The signer key', opts.signerKey)
  const timeoutMs = parsePositiveInt('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 600_000, 'INVALID_CONFIG')
  const pollMs = parsePositiveInt('pollMs', opts.pollMs ?? 1000, 60_000, 'INVALID_CONFIG')
  const expected = opts.expectedChainId === undefined ? undefined : parsePositiveInt('expectedChainId', opts.expectedChainId, Number.MAX_SAFE_INTEGER, 'INVALID_CONFIG')
  const chainId = await probeChainId(rpcUrl, timeoutMs)
  if (expected !== undefined && expected !== chainId) {
    throw new ChainError('CHAIN_ID_MISMATCH', `The node at ${rpcOrigin(rpcUrl)} is on chain ${chainId}, not the expected ${opts.expectedChainId}; check the RPC endpoint.`)
  }
  const provider = makeProvider(rpcUrl, chainId, timeoutMs)
  const signer = key === null ? null : new Wallet(key, provider)
  const client = new ChainClient({ chainId, contractAddress: address, provider, rpcUrl, signer, pollMs, timeoutMs })
  try {
    await client.checkContract()
  } catch (err) {
    client.close()
    throw err
  }
  return client
}
