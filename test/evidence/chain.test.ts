/**
 * The chain itself, not the contract's word, on a real anvil: real seals of real signed heads,
 * gathered through the one evidence path and judged by the verifier against a pinned trust root.
 * A look-alike contract (contracts/test/LookAlikeSeal.sol: emits Sealed, answers any sealedAt),
 * receipts pointing at another transaction of the same block (to another address, reverted, without
 * a Sealed log), a reorged-away seal and finality are all tried for real.
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ContractFactory, id, JsonRpcProvider, Wallet, type Contract } from 'ethers'
import { createChainReader, HYPERSEAL_CODE_HASH, HYPERSEAL_INTERFACE, type ChainClient, type ChainReader, type EmbeddedChain } from '../../src/chain'
import { EvidenceCache, gatherVerifyInput, pin, type PinnedTrust, type ReplicaSource } from '../../src/evidence'
import { buildBatch, type Receipt } from '../../src/seal'
import type { TrustRoot } from '../../src/trust'
import { assess, type Finding } from '../../src/verify'
import { ChainFixture, OTHER_KEY, rpc } from '../chain/helpers'
import { WRITERS } from '../seal/helpers'
import { headOf, line, replicaOf, type History } from '../verify/helpers'

const LOOK_ALIKE = JSON.parse(readFileSync(join(__dirname, '../../artifacts/contracts/test/LookAlikeSeal.sol/LookAlikeSeal.json'), 'utf8')) as { abi: unknown[], bytecode: string }
const Y2K = 946_684_800

function trustOf (chain: EmbeddedChain, finality: TrustRoot['chains'][number]['finality'] = { confirmations: 1 }, contract = chain.contractAddress): PinnedTrust {
  return pin({
    v: 1,
    kind: 'hyperseal-trust-root',
    name: 'anvil',
    chains: [{ chainId: chain.chainId, embedded: true, contracts: [{ address: contract.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: chain.deployBlock }], finality, rpc: [] }],
    receiptsLogs: [],
    reportKeys: []
  })
}

function local (history: History, length: number): ReplicaSource {
  return { head: () => ({ length, fork: history.fork }), view: async () => replicaOf(history, length) }
}

describe('evidence: the chain checked itself (real anvil)', function () {
  this.timeout(120_000)
  const fx = new ChainFixture()
  let chain: EmbeddedChain
  let client: ChainClient
  let reader: ChainReader
  let provider: JsonRpcProvider
  const writer = WRITERS[0]
  const history = line('evidence')
  const key = writer.key.toString('hex')

  before(async () => {
    chain = await fx.start()
    client = await fx.client(chain)
    reader = await createChainReader({ rpcUrl: chain.rpcUrl })
    provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 })
  })
  after(async () => {
    reader.close()
    provider.destroy()
    await fx.teardown()
  })

  /** Seals a batch of `length`'s head (and a filler) with the real contract; its receipt. */
  async function sealed (length: number): Promise<Receipt> {
    const batch = buildBatch([headOf(writer, history, length), headOf(WRITERS[1], line('filler'), length)])
    const sent = await client.seal(batch.root, batch.leafCount)
    const mined = await client.waitMined(sent.txHash, 30_000)
    const block = (await reader.block(mined.blockNumber))!
    return batch.receiptFor(0, { chainId: chain.chainId, contract: chain.contractAddress, root: batch.root, leafCount: batch.leafCount, txHash: mined.txHash, blockNumber: mined.blockNumber, blockHash: mined.blockHash, timestamp: block.timestamp })
  }

  async function judge (receipt: Receipt, trust = trustOf(chain), cache?: EvidenceCache): Promise<ReturnType<typeof assess>> {
    const { input } = await gatherVerifyInput({ key, version: receipt.head.length, receipts: [receipt] }, { replica: local(history, 40), chain: reader, trust, ...(cache ? { cache } : {}) })
    return assess(input)
  }

  async function expectInvalid (receipt: Receipt, finding: Finding, trust?: PinnedTrust): Promise<void> {
    const { verdict, finding: got } = await judge(receipt, trust)
    expect({ status: verdict.status, finding: got }, verdict.reason).to.deep.equal({ status: 'invalid', finding })
  }

  it('verifies a real seal: code, sealedAt, block, transaction and its Sealed log all agree', async () => {
    const receipt = await sealed(10)
    const { verdict, finding } = await judge(receipt)
    expect(finding, verdict.reason).to.equal('MATCH')
    expect(verdict.chain).to.deep.include({ chainId: chain.chainId, contract: chain.contractAddress.toLowerCase(), embedded: true })
    expect(verdict.checks.filter((c) => c.ok !== true)).to.deep.equal([])
  })

  it('a look-alike contract: refused unless pinned, and caught by its code and the block\'s time even when pinned', async () => {
    const deployer = new Wallet(OTHER_KEY, provider)
    const fake = await new ContractFactory(LOOK_ALIKE.abi as never, LOOK_ALIKE.bytecode, deployer).deploy() as unknown as Contract
    await fake.waitForDeployment()
    const batch = buildBatch([headOf(writer, history, 12)])
    const tx = await (fake.seal as (...a: unknown[]) => Promise<{ wait: () => Promise<{ hash: string, blockNumber: number, blockHash: string }> }>)(batch.root, 1, Y2K, 1)
    const mined = await tx.wait()
    const forged = batch.receiptFor(0, { chainId: chain.chainId, contract: (await fake.getAddress()).toLowerCase(), root: batch.root, leafCount: 1, txHash: mined.hash, blockNumber: mined.blockNumber, blockHash: mined.blockHash, timestamp: Y2K })
    await expectInvalid(forged, 'UNTRUSTED_CONTRACT')
    // A user who pinned the look-alike by mistake: its code is not HyperSeal's.
    await expectInvalid(forged, 'NOT_HYPERSEAL_CODE', trustOf(chain, { confirmations: 1 }, await fake.getAddress()))
  })

  it('a receipt whose time the contract would echo but the block contradicts', async () => {
    const receipt = await sealed(14)
    await expectInvalid({ ...receipt, seal: { ...receipt.seal, timestamp: Y2K } }, 'SEAL_MISMATCH')
  })

  it('a receipt pointing at another transaction of the same block: to another address, reverted, or without a Sealed log', async () => {
    const sealer = new Wallet(chain.sealerKey, provider)
    const batch = buildBatch([headOf(writer, history, 16)])
    await rpc(chain.rpcUrl, 'evm_setAutomine', [false])
    let txs: string[]
    try {
      const nonce = await provider.getTransactionCount(sealer.address, 'pending')
      const to = chain.contractAddress
      const sealData = HYPERSEAL_INTERFACE.encodeFunctionData('seal', [batch.root, 1])
      const grant = HYPERSEAL_INTERFACE.encodeFunctionData('grantRole', [id('SEALER_ROLE'), new Wallet(OTHER_KEY).address])
      const sends = [
        { to, data: sealData, nonce, gasLimit: 200_000 }, // the real seal
        { to: new Wallet(OTHER_KEY).address, value: 1n, nonce: nonce + 1, gasLimit: 21_000 }, // to another address
        { to, data: sealData, nonce: nonce + 2, gasLimit: 200_000 }, // the same root again: reverts
        { to, data: grant, nonce: nonce + 3, gasLimit: 200_000 } // to the contract, no Sealed log
      ]
      txs = []
      for (const s of sends) txs.push((await sealer.sendTransaction(s)).hash)
      await rpc(chain.rpcUrl, 'evm_mine')
    } finally {
      await rpc(chain.rpcUrl, 'evm_setAutomine', [true])
    }
    const receipts = await Promise.all(txs.map(async (h) => (await provider.getTransactionReceipt(h))!))
    expect(new Set(receipts.map((r) => r.blockNumber)).size, 'one block').to.equal(1)
    expect(receipts.map((r) => r.status)).to.deep.equal([1, 1, 0, 1])
    const { blockNumber, blockHash } = receipts[0]
    const block = (await reader.block(blockNumber))!
    const receipt = batch.receiptFor(0, { chainId: chain.chainId, contract: chain.contractAddress, root: batch.root, leafCount: 1, txHash: txs[0], blockNumber, blockHash, timestamp: block.timestamp })
    expect((await judge(receipt)).finding).to.equal('MATCH')
    for (const other of txs.slice(1)) await expectInvalid({ ...receipt, seal: { ...receipt.seal, txHash: other } }, 'TX_MISMATCH')
  })

  it('a seal reorged away: its root is no longer on chain, its block no longer canonical', async () => {
    const snapshot = await rpc(chain.rpcUrl, 'evm_snapshot') as string
    const gone = await sealed(18)
    await rpc(chain.rpcUrl, 'evm_revert', [snapshot])
    await rpc(chain.rpcUrl, 'evm_mine')
    await rpc(chain.rpcUrl, 'evm_mine')
    await expectInvalid(gone, 'NOT_ON_CHAIN')
  })

  it('final only with the confirmations the trust root asks for, and then answered from the cache without RPC', async () => {
    const receipt = await sealed(20)
    const three = trustOf(chain, { confirmations: 3 })
    expect((await judge(receipt, three)).verdict.final).to.equal(false)
    await rpc(chain.rpcUrl, 'evm_mine')
    await rpc(chain.rpcUrl, 'evm_mine')
    const cache = new EvidenceCache()
    expect((await judge(receipt, three, cache)).verdict.final).to.equal(true)
    const calls: string[] = []
    const counting = new Proxy(reader, { get: (t, p) => (typeof (t as never)[p] === 'function' && p !== 'close' ? (...a: unknown[]) => { calls.push(String(p)); return ((t as never)[p] as (...x: unknown[]) => unknown)(...a) } : (t as never)[p]) })
    const again = await gatherVerifyInput({ key, version: 20, receipts: [receipt] }, { replica: local(history, 40), chain: counting, trust: three, cache })
    expect(assess(again.input).verdict).to.deep.include({ status: 'verified', final: true })
    expect(calls).to.deep.equal([])
  })
})
