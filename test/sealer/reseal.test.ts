/**
 * The start-up check of recent seals: a chain that forgot an acknowledged seal — a development
 * chain restored from an older state file, a real chain reorganised deeper than the
 * confirmations — gets its heads sealed again at the next start, with new receipts, in a batch
 * recorded as `resealOf` the old roots (and logged). The service then verifies them again.
 */
import { expect } from 'chai'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { JsonRpcProvider } from 'ethers'
import { startEmbeddedChain } from '../../src/chain'
import { HypersealService } from '../../src/service'
import { appendN, localWriter, onCleanup, runCleanups, tempDir } from '../heads/helpers'
import { openService, replicaAt, testConfig } from './helpers'

describe('seal pass: acknowledged seals the chain forgot are sealed again at start', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('reseals on the embedded chain when its state file is an older one', async () => {
    const dataDir = tempDir('hs-reseal-')
    let { service } = await openService({ dataDir })
    const writer = await localWriter()
    await appendN(writer.core, 3)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(service, writer.key, 3)
    await service.sealNow()
    const stateFile = join(dataDir, 'chain', 'state.json')
    copyFileSync(stateFile, stateFile + '.older')
    await appendN(writer.core, 2)
    await replicaAt(service, writer.key, 5)
    const lost = (await service.sealNow()).batch!
    await service.close()
    copyFileSync(stateFile + '.older', stateFile) // the chain no longer holds the second seal

    service = (await openService({ dataDir })).service
    const latest = (await service.log.latestBatch())!
    expect(latest.resealOf).to.deep.equal([lost.root])
    expect(latest.leaves.some((l) => l.key === writer.key && l.length === 5)).to.equal(true)
    expect((await service.verify(writer.key, 5)).status).to.equal('verified')
    expect((await service.verify(writer.key, 3)).status).to.equal('verified')
    // Checked once: a restart finds nothing more to reseal.
    await service.close()
    service = (await openService({ dataDir })).service
    expect((await service.listBatches({})).filter((b) => b.resealOf !== undefined)).to.have.length(1)
  })

  it('reseals against a real RPC after a reorg deeper than the confirmations', async () => {
    const chain = await startEmbeddedChain({ dataDir: tempDir('hs-chain-') })
    onCleanup(() => chain.stop())
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const dataDir = tempDir('hs-service-')
    const config = testConfig(dataDir, { HYPERSEAL_RPC: chain.rpcUrl, HYPERSEAL_CONTRACT: chain.contractAddress, HYPERSEAL_SEALER_KEY: chain.sealerKey })
    let service = await HypersealService.open(config, { updateTimeoutMs: 2000 })
    onCleanup(() => service.close())
    const writer = await localWriter()
    await appendN(writer.core, 4)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(service, writer.key, 4)
    const snapshot = await provider.send('evm_snapshot', [])
    const lost = (await service.sealNow()).batch! // final after 1 confirmation
    await provider.send('evm_revert', [snapshot])
    await service.close()

    service = await HypersealService.open(config, { updateTimeoutMs: 2000 })
    // The newest batch by sequence (by block time the two may tie: the chain went back).
    const latest = (await service.log.latestBatch())!
    expect(latest.resealOf).to.deep.equal([lost.root])
    expect((await service.verify(writer.key, 4)).status).to.equal('verified')
  })
})
