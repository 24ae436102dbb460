import { expect } from 'chai'
import { createChainReader, type ChainReader } from '../../src/chain'
import { appendN, localWriter, runCleanups, waitFor } from '../heads/helpers'
import { openService, replicaAt } from '../sealer/helpers'
import { ChainFixture, codeOf, randomRoot, rpc } from './helpers'

// anvil answers the `finalized` tag as the head minus 64 blocks (two epochs of 32 slots), and
// mines only when asked: what is final below is decided by the blocks the test mines, never by time.
const FINALITY_DEPTH = 64

describe('chain: the finalized block tag', function () {
  const fx = new ChainFixture()
  const readers: ChainReader[] = []
  after(async () => {
    for (const r of readers.splice(0)) r.close()
    await runCleanups()
    await fx.teardown()
  })

  it('waits for a seal until the chain\'s finalized block reaches it, and no longer', async () => {
    const chain = await fx.start()
    const client = await fx.client(chain)
    const reader = await createChainReader({ rpcUrl: chain.rpcUrl, expectedChainId: chain.chainId })
    readers.push(reader)
    const sent = await client.seal(randomRoot(), 1)
    const mined = await client.waitMined(sent.txHash, 10_000)
    expect(await reader.finalizedBlock()).to.be.below(mined.blockNumber)

    // Mined, but not final: a wait for the finalized tag ends in WAIT_TIMEOUT and says what it waited for.
    const early = await client.waitForConfirmations(sent.txHash, 'finalized', 200).catch((err: Error & { code: string }) => err)
    expect(early).to.be.instanceOf(Error)
    expect((early as Error & { code: string }).code).to.equal('WAIT_TIMEOUT')
    expect((early as Error).message).to.include('the finalized block')

    // One block short of finality: still not final, although 64 confirmations are there.
    await rpc(chain.rpcUrl, 'anvil_mine', ['0x' + (FINALITY_DEPTH - 1).toString(16)])
    expect(await reader.finalizedBlock()).to.equal(mined.blockNumber - 1)
    expect(await codeOf(client.waitForConfirmations(sent.txHash, 'finalized', 200))).to.equal('WAIT_TIMEOUT')
    expect((await client.waitForConfirmations(sent.txHash, 64, 1000)).blockHash).to.equal(mined.blockHash)

    // The next block finalizes it, while the wait is already running.
    const waiting = client.waitForConfirmations(sent.txHash, 'finalized', 60_000)
    await rpc(chain.rpcUrl, 'anvil_mine', ['0x1'])
    const final = await waiting
    expect(final.blockHash).to.equal(mined.blockHash)
    expect(await reader.finalizedBlock()).to.equal(mined.blockNumber)
  })

  it('refuses confirmations that are neither a positive count nor "finalized"', async () => {
    const chain = await fx.start()
    const client = await fx.client(chain)
    const sent = await client.seal(randomRoot(), 1)
    for (const bad of [0, -1, 1.5, 'safe', 'latest'] as unknown as number[]) {
      expect(await codeOf(client.waitForConfirmations(sent.txHash, bad, 1000)), String(bad)).to.equal('INVALID_INPUT')
    }
  })

  it('a service with HYPERSEAL_CONFIRMATIONS=finalized acknowledges a seal only once the finalized block reaches it, and its trust root says so', async () => {
    const { service } = await openService({ env: { HYPERSEAL_CONFIRMATIONS: 'finalized' } })
    expect(service.info().confirmations).to.equal('finalized')
    expect(service.trust().root.chains[0].finality).to.equal('finalized')
    const reader = await createChainReader({ rpcUrl: service.rpcUrl!, expectedChainId: 31337 })
    readers.push(reader)
    const writer = await localWriter()
    await appendN(writer.core, 3)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(service, writer.key, 3)

    const url = service.rpcUrl!
    const head0 = await reader.blockNumber()
    // anvil mines only the seal's transaction: the pass cannot see its seal final until the test
    // mines 64 blocks on top, and it must not end before the last of them.
    let lastBlockMined = false
    let endedEarly: boolean | null = null
    const pass = service.sealNow().finally(() => { endedEarly = !lastBlockMined })
    const sealBlock = await waitFor(async () => { const h = await reader.blockNumber(); return h > head0 ? h : null }, 'the seal mined', 60_000)
    await rpc(url, 'anvil_mine', ['0x' + (FINALITY_DEPTH - 1).toString(16)])
    expect(await reader.finalizedBlock()).to.equal(sealBlock - 1)
    lastBlockMined = true
    await rpc(url, 'anvil_mine', ['0x1'])
    const result = await pass
    expect(result.batch).to.not.equal(null)
    expect(result.batch!.final).to.equal(true)
    expect(endedEarly, 'the pass ended before the finalized block reached its seal').to.equal(false)
    expect(result.batch!.blockNumber).to.equal(sealBlock)
    expect(await reader.finalizedBlock()).to.be.at.least(result.batch!.blockNumber)
  })
})
