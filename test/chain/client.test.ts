import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { expect } from 'chai'
import { Contract, JsonRpcProvider, Wallet } from 'ethers'
import { createChainClient, HYPERSEAL_ABI, toChainError, type ChainClient, type EmbeddedChain } from '../../src/chain'
import { ChainFixture, codeOf, OTHER_KEY, randomRoot, rpc } from './helpers'

describe('chain: client against a real anvil', function () {
  const fx = new ChainFixture()
  let chain: EmbeddedChain
  let client: ChainClient

  before(async () => {
    chain = await fx.start()
    client = await fx.client(chain)
  })
  after(() => fx.teardown())

  it('seals a root and reads back its block time and number', async () => {
    const root = randomRoot()
    expect(await client.sealedAt(root)).to.equal(null)
    const sent = await client.seal(root, 7)
    expect(sent.txHash).to.match(/^0x[0-9a-f]{64}$/)
    const mined = await client.waitMined(sent.txHash, 5000)
    expect(mined.status).to.equal('success')
    const block = await client.getBlock(mined.blockNumber)
    expect(block?.hash).to.equal(mined.blockHash)
    expect(await client.sealedAt(root)).to.deep.equal({ timestamp: block?.timestamp, blockNumber: mined.blockNumber })
    expect(await client.getTransactionReceipt(sent.txHash)).to.deep.equal(mined)
    expect(await client.blockNumber()).to.be.at.least(mined.blockNumber)
    expect(await client.chainId()).to.equal(31337)
  })

  it('answers REVERTED_ALREADY_SEALED for a duplicate root, before sending', async () => {
    const root = randomRoot()
    await client.waitMined((await client.seal(root, 1)).txHash, 5000)
    const before = await client.nonces()
    expect(await codeOf(client.seal(root, 1))).to.equal('REVERTED_ALREADY_SEALED')
    expect(await client.nonces()).to.deep.equal(before)
  })

  it('answers REVERTED_UNAUTHORIZED for a key without SEALER_ROLE', async () => {
    const stranger = await fx.client(chain, OTHER_KEY)
    expect(await codeOf(stranger.seal(randomRoot(), 1))).to.equal('REVERTED_UNAUTHORIZED')
  })

  it('classifies HyperSealEmptyBatch from a raw ethers call (the client refuses 0 itself)', async () => {
    expect(await codeOf(client.seal(randomRoot(), 0))).to.equal('INVALID_INPUT')
    const provider = new JsonRpcProvider(chain.rpcUrl, 31337, { staticNetwork: true })
    try {
      const raw = new Contract(chain.contractAddress, HYPERSEAL_ABI, new Wallet(chain.sealerKey, provider))
      const err = await raw.getFunction('seal')(randomRoot(), 0).then(() => null, (e: unknown) => e)
      expect(toChainError(err, 'to seal').code).to.equal('REVERTED_EMPTY_BATCH')
    } finally {
      provider.destroy()
    }
  })

  it('rejects bad inputs with INVALID_INPUT and a read-only client with NO_SIGNER', async () => {
    expect(await codeOf(client.seal('0x1234', 1))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.seal(Buffer.alloc(31), 1))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.seal(randomRoot(), 2 ** 32))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.seal(randomRoot(), 1.5))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.seal(randomRoot(), 1, { nonce: -1 }))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.sealedAt('not hex'))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.waitMined('0xabc', 1000))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.waitForConfirmations(randomRoot(), 0))).to.equal('INVALID_INPUT')
    expect(await codeOf(client.getBlock(-1))).to.equal('INVALID_INPUT')
    const reader = await fx.client(chain, null)
    expect(reader.signerAddress).to.equal(null)
    expect(await codeOf(reader.seal(randomRoot(), 1))).to.equal('NO_SIGNER')
  })

  it('refuses a wrong chain id and an address without a HyperSeal', async () => {
    const base = { rpcUrl: chain.rpcUrl, contractAddress: chain.contractAddress }
    expect(await codeOf(createChainClient({ ...base, expectedChainId: 1 }))).to.equal('CHAIN_ID_MISMATCH')
    const eoa = new Wallet(OTHER_KEY).address
    expect(await codeOf(createChainClient({ ...base, contractAddress: eoa }))).to.equal('NO_CONTRACT')
  })

  it('checks a head against a sealed root with the contract (verifyHead)', async () => {
    const leaves = [1, 2, 3].map((i) => ['0x' + 'ab'.repeat(31) + '0' + i, i * 10, 0, '0x' + 'cd'.repeat(32)] as [string, number, number, string])
    const tree = StandardMerkleTree.of(leaves, ['bytes32', 'uint64', 'uint64', 'bytes32'])
    const mined = await client.waitMined((await client.seal(tree.root, leaves.length)).txHash, 5000)
    const seal = await client.sealedAt(tree.root)
    expect(seal?.blockNumber).to.equal(mined.blockNumber)
    const [key, length, fork, treeHash] = leaves[1]
    const proof = tree.getProof(1)
    expect(await client.verifyHead(tree.root, proof, { key, length, fork, treeHash })).to.equal(seal?.timestamp)
    expect(await client.verifyHead(tree.root, proof, { key, length: length + 1, fork, treeHash })).to.equal(0)
    expect(await client.verifyHead(tree.root, proof, { key: Buffer.from(key.slice(2), 'hex'), length, fork, treeHash })).to.equal(seal?.timestamp)
    expect(await codeOf(client.verifyHead(tree.root, ['0x12'], { key, length, fork, treeHash }))).to.equal('INVALID_INPUT')
  })

  it('waits for confirmations as blocks are mined on demand (evm_mine)', async () => {
    const { txHash } = await client.seal(randomRoot(), 1)
    const mined = await client.waitMined(txHash, 5000)
    expect(await codeOf(client.waitForConfirmations(txHash, 3, 300))).to.equal('WAIT_TIMEOUT')
    const waiting = client.waitForConfirmations(txHash, 3, 5000)
    await rpc(chain.rpcUrl, 'evm_mine')
    await rpc(chain.rpcUrl, 'evm_mine')
    const confirmed = await waiting
    expect(confirmed).to.deep.equal(mined)
    expect(await client.blockNumber()).to.equal(mined.blockNumber + 2)
  })

  it('reports REORGED when a mined transaction leaves the chain (evm_revert)', async () => {
    const snapshot = await rpc(chain.rpcUrl, 'evm_snapshot')
    const { txHash } = await client.seal(randomRoot(), 1)
    await client.waitMined(txHash, 5000)
    const waiting = client.waitForConfirmations(txHash, 5, 5000)
    // Let the wait (polling every 20 ms) see the receipt before the block goes away.
    await new Promise((resolve) => setTimeout(resolve, 200))
    await rpc(chain.rpcUrl, 'evm_revert', [snapshot])
    expect(await codeOf(waiting)).to.equal('REORGED')
  })
})
