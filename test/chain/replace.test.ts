import { expect } from 'chai'
import { replacementFees, type ChainClient, type EmbeddedChain } from '../../src/chain'
import { ChainFixture, codeOf, randomRoot, rpc } from './helpers'

// Stuck transactions: anvil with automine off keeps sent transactions pending until evm_mine.
describe('chain: nonces, replacement and mined outcomes', function () {
  const fx = new ChainFixture()
  let chain: EmbeddedChain
  let client: ChainClient

  before(async () => {
    chain = await fx.start()
    client = await fx.client(chain)
  })
  beforeEach(() => rpc(chain.rpcUrl, 'evm_setAutomine', [false]))
  afterEach(() => rpc(chain.rpcUrl, 'evm_setAutomine', [true]))
  after(() => fx.teardown())

  it('replaces a pending seal at the same nonce with fees raised by 10%, and the first is dropped', async () => {
    const root = randomRoot()
    const first = await client.seal(root, 1)
    expect(await codeOf(client.waitMined(first.txHash, 100))).to.equal('WAIT_TIMEOUT')
    expect(await client.nonces()).to.deep.equal({ mined: first.nonce, pending: first.nonce + 1 })

    // The same transaction again is accepted (the node has it); another at the same fees is not.
    // (anvil takes any raise; geth and most nodes want 10%, which replacementFees gives.)
    expect(await client.seal(root, 1, { nonce: first.nonce, fees: first.fees })).to.deep.equal(first)
    expect(await codeOf(client.seal(root, 2, { nonce: first.nonce, fees: first.fees }))).to.equal('REPLACEMENT_UNDERPRICED')
    const fees = replacementFees(first.fees, await client.feeData())
    const second = await client.seal(root, 1, { nonce: first.nonce, fees })
    expect(second.nonce).to.equal(first.nonce)
    expect(second.txHash).to.not.equal(first.txHash)
    expect(second.fees).to.deep.equal(fees)

    await rpc(chain.rpcUrl, 'evm_mine')
    expect((await client.waitMined(second.txHash, 2000)).status).to.equal('success')
    expect(await codeOf(client.waitMined(first.txHash, 50))).to.equal('TX_DROPPED')
    expect(await client.sealedAt(root)).to.not.equal(null)
    expect(await codeOf(client.seal(randomRoot(), 1, { nonce: first.nonce }))).to.equal('NONCE_EXPIRED')
  })

  it('reports a seal mined with status 0 as reverted (the same root twice in one block)', async () => {
    const root = randomRoot()
    const a = await client.seal(root, 1)
    const b = await client.seal(root, 1, { nonce: a.nonce + 1 })
    await rpc(chain.rpcUrl, 'evm_mine')
    const [ra, rb] = await Promise.all([client.waitMined(a.txHash, 2000), client.waitMined(b.txHash, 2000)])
    expect([ra.status, rb.status]).to.deep.equal(['success', 'reverted'])
    expect(rb.blockNumber).to.equal(ra.blockNumber)
  })
})
