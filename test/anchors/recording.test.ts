/**
 * When a secondary anchor is recorded (issue 15 item 1): only once final by its own rule, and
 * never leaving a root on chain without its records. Real anvils; the crash is a real SIGKILL of
 * a service process at the fault point between "mined" and "recorded".
 */
import { expect } from 'chai'
import { JsonRpcProvider } from 'ethers'
import { readFileSync, writeFileSync } from 'node:fs'
import { ChainError, createChainClient } from '../../src/chain'
import { buildAnchorTree } from '../../src/seal'
import { readIntent, runEvmAnchor, type AnchorDeps, type EvmAnchorTarget } from '../../src/sealer'
import { SILENT_LOGGER } from '../../src/util'
import { sealCount, startServiceChild, childReplicaAt } from '../faults/helpers'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { openService, sealedWriter } from '../sealer/helpers'
import { anchorsConfig, DEV_KEY, NEVER, secondaryChain } from './helpers'

describe('anchors: recorded when final, no orphan roots', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('a `finalized` anchor is recorded only once the finalized tag covers its seal; before that the root stays journaled and is not sent again', async () => {
    const l1 = await secondaryChain(31340)
    const { service } = await openService({ env: anchorsConfig(l1) })
    const writer = await sealedWriter(service, 3)
    const client = await createChainClient({ rpcUrl: l1.rpcUrl, contractAddress: l1.contract, signerKey: DEV_KEY, expectedChainId: l1.chainId, pollMs: 50 })
    onCleanup(() => client.close())
    // anvil answers `finalized` as head - 64 and mines only on a transaction: nothing makes the seal final until the test mines.
    const target: EvmAnchorTarget = { type: 'evm', name: 'l1final', schedule: NEVER, client, chainId: l1.chainId, finality: 'finalized', confirmTimeoutMs: 1000 }
    const deps: AnchorDeps = { log: service.log, journal: service.journal, logger: SILENT_LOGGER, anchors: [target] }

    const early = await runEvmAnchor(deps, target).then(() => null, (err: unknown) => err)
    expect(early).to.be.instanceOf(ChainError)
    expect((early as ChainError).code).to.equal('WAIT_TIMEOUT')
    expect(await service.log.anchorMark('l1final')).to.equal(null)
    expect((await service.coreReceipts(writer.key))[0].receipt.anchors ?? []).to.deep.equal([])
    const intent = await readIntent(service.journal, 'l1final')
    expect(intent?.roots).to.have.length(1)
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)

    // Still not final: a second run waits again, sends nothing.
    expect((await runEvmAnchor(deps, target).catch((err: unknown) => err) as ChainError).code).to.equal('WAIT_TIMEOUT')
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)

    const provider = new JsonRpcProvider(l1.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    await provider.send('anvil_mine', ['0x41']) // 65 blocks: the finalized tag passes the seal's block
    expect(await runEvmAnchor(deps, target)).to.deep.equal([intent!.root])
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)
    expect(await readIntent(service.journal, 'l1final')).to.equal(null)
    const [anchor] = (await service.coreReceipts(writer.key))[0].receipt.anchors ?? []
    expect(anchor?.type === 'evm' && anchor.seal.root).to.equal(intent!.root)
    const finalized = await provider.getBlock('finalized')
    expect(anchor?.type === 'evm' && anchor.seal.blockNumber).to.be.at.most(finalized!.number)
  })

  it('killed after the secondary seal is mined and before it is recorded: the restart records that same root (not sent again), then covers the newer batches', async () => {
    const l1 = await secondaryChain(31341)
    const env = anchorsConfig(l1)
    const dataDir = tempDir('hs-anchor-crash-')
    const writer = await localWriter()
    await appendN(writer.core, 3)

    const first = await startServiceChild(dataDir, 'anchor-after-mined', env)
    await first.send(`watch ${writer.key} 127.0.0.1:${writer.port}`)
    await childReplicaAt(first, writer.key, 3)
    await first.send('seal')
    const [batch0] = await first.send('batches') as Array<{ root: string }>
    expect(await first.send('anchor l1')).to.equal(null) // it died at the fault point
    expect((await first.exited).signal).to.equal('SIGKILL')
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1) // the root is on chain, its records are not
    const orphan = buildAnchorTree([batch0.root]).root

    // New batches arrive before the next run.
    await appendN(writer.core, 2)
    const second = await startServiceChild(dataDir, undefined, env)
    await childReplicaAt(second, writer.key, 5)
    await second.send('seal')
    expect(await second.send('anchor l1')).to.deep.equal([{ name: 'l1', ok: true }])

    const anchored = await second.send(`anchors ${writer.key}`) as Array<{ length: number, root: string }>
    expect(anchored.find((a) => a.length === 3)?.root).to.equal(orphan) // the root sealed before the kill, recorded
    const newer = anchored.find((a) => a.length === 5)?.root
    expect(newer).to.be.a('string').and.not.equal(orphan)
    // Two roots on chain, both recorded: the first was not sent again and none is orphaned.
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(2)
    expect(await second.send('exit')).to.equal(null)
  })

  it('a secondary anchor waiting for its finalized tag does not hold primary seal passes', async () => {
    const l1 = await secondaryChain(31342)
    const env = anchorsConfig(l1)
    const config = JSON.parse(readFileSync(env.HYPERSEAL_CONFIG, 'utf8')) as { anchors: Array<Record<string, unknown>> }
    config.anchors[0].confirmations = 'finalized'
    writeFileSync(env.HYPERSEAL_CONFIG, JSON.stringify(config))
    const { service } = await openService({ env })
    const writer = await sealedWriter(service, 3)

    // anvil's `finalized` is head - 64 and it mines only on a transaction: this run waits until the test mines.
    const anchoring = service.anchorNow(['l1'])
    await waitFor(async () => await sealCount(l1.rpcUrl, l1.contract) === 1, 'the secondary seal sent', 60_000)
    await appendN(writer.core, 2)
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 5, 'replica at length 5', 60_000)
    await service.sealNow() // PASS_RUNNING if the anchor's wait held the single flight
    expect((await service.coreReceipts(writer.key)).map((e) => e.receipt.head.length).sort()).to.deep.equal([3, 5])
    expect(await service.log.anchorMark('l1')).to.equal(null) // still waiting, nothing recorded

    const provider = new JsonRpcProvider(l1.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    await provider.send('anvil_mine', ['0x41'])
    expect(await anchoring).to.deep.equal([{ name: 'l1', ok: true }])
    expect((await service.coreReceipts(writer.key)).find((e) => e.receipt.head.length === 3)?.receipt.anchors?.[0]?.type).to.equal('evm')
  })
})
