/**
 * A secondary anchor on its own cron (issue 15 item 1), driven by the real schedule: a
 * six-field cron firing every second, the primary's schedule never firing (the test seals by
 * hand). Nothing sleeps: the test polls for what it asserts, with a deadline.
 */
import { expect } from 'chai'
import { JsonRpcProvider } from 'ethers'
import type { Counter } from 'prom-client'
import { SECRET, TestReceiver } from '../alerts/helpers'
import { sealCount } from '../faults/helpers'
import { appendN, onCleanup, runCleanups, waitFor } from '../heads/helpers'
import { openService, sealedWriter } from '../sealer/helpers'
import type { HypersealService } from '../../src/service'
import { anchorsConfig, NEVER, secondaryChain } from './helpers'

const EVERY_SECOND = '* * * * * *'
const DEV_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

async function runsOf (service: HypersealService, result: 'ok' | 'failed'): Promise<number> {
  const metric = service.registry.getSingleMetric('hyperseal_anchor_runs_total') as Counter<'anchor' | 'result'>
  return (await metric.get()).values.find((v) => v.labels.anchor === 'l1' && v.labels.result === result)?.value ?? 0
}

async function evmRoots (service: HypersealService, key: string): Promise<Array<string | null>> {
  return (await service.coreReceipts(key)).map((r) => {
    const a = r.receipt.anchors?.find((x) => x.type === 'evm')
    return a?.type === 'evm' ? a.seal.root : null
  })
}

describe('anchors: each on its own schedule', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('a secondary on its own cron covers several primary batches in one root; every inclusion proof verifies', async () => {
    const l1 = await secondaryChain(31342)
    const { service } = await openService({ env: { ...anchorsConfig(l1, { schedule: EVERY_SECOND }), HYPERSEAL_SCHEDULE: NEVER } })
    // Three primary batches before the anchor's schedule runs at all.
    const writers = [await sealedWriter(service, 2), await sealedWriter(service, 3), await sealedWriter(service, 4)]
    expect((await service.listBatches({})).length).to.be.at.least(3)
    service.startSchedule()

    await waitFor(async () => {
      for (const w of writers) if ((await evmRoots(service, w.key)).some((r) => r === null)) return false
      return true
    }, 'the l1 anchor on every receipt', 120_000)
    const roots = new Set((await Promise.all(writers.map(async (w) => await evmRoots(service, w.key)))).flat())
    expect(roots.size).to.equal(1) // one secondary seal over the three batches
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)
    for (const [i, w] of writers.entries()) {
      const verdict = await service.verify(w.key, i + 2)
      expect(verdict.status).to.equal('verified')
      expect(verdict.clocks?.map((c) => [c.name, c.ok, c.final])).to.deep.equal([['primary', true, true], ['l1', true, true]])
    }
    expect(await runsOf(service, 'ok')).to.be.at.least(1)
  })

  it('a run that fails is counted and retried at the next tick, and then covers every batch it missed', async () => {
    const l1 = await secondaryChain(31343)
    const provider = new JsonRpcProvider(l1.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const { service } = await openService({ env: { ...anchorsConfig(l1, { schedule: EVERY_SECOND }), HYPERSEAL_SCHEDULE: NEVER } })
    const writer = await sealedWriter(service, 2)
    // The secondary sealer cannot pay: every run fails until it can.
    const balance = await provider.send('eth_getBalance', [DEV_ADDRESS, 'latest']) as string
    await provider.send('anvil_setBalance', [DEV_ADDRESS, '0x0'])
    service.startSchedule()
    await waitFor(async () => await runsOf(service, 'failed') >= 2, 'two failed runs of l1', 60_000)
    expect(await evmRoots(service, writer.key)).to.deep.equal([null])
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(0)

    // A second batch meanwhile; then the sealer is funded again.
    await appendN(writer.core, 2)
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 4, 'replica at 4')
    await service.sealNow()
    await provider.send('anvil_setBalance', [DEV_ADDRESS, balance])
    await waitFor(async () => (await evmRoots(service, writer.key)).every((r) => r !== null), 'both receipts anchored', 60_000)
    // The root journaled before the failed sends is finished first (a send that failed may still
    // have reached a mempool), then one root over the newer batch: nothing lost, nothing orphaned.
    const roots = await evmRoots(service, writer.key)
    expect(roots).to.have.length(2)
    expect(roots[0]).to.not.equal(roots[1])
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(2)
    expect((await service.verify(writer.key, 2)).clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['l1', true]])
  })

  it('an anchor behind its own schedule raises anchor_behind, judged against its own interval', async () => {
    const l1 = await secondaryChain(31344)
    const receiver = await TestReceiver.start()
    const { service } = await openService({
      env: { ...anchorsConfig(l1, { schedule: '0 * * * *' }), HYPERSEAL_SCHEDULE: NEVER, HYPERSEAL_ALERT_URLS: receiver.url, HYPERSEAL_ALERT_SECRET: SECRET },
      alertRetry: { baseMs: 50, maxMs: 500 }
    })
    // Four hours on with no run of the hourly anchor: behind (3 × 3600 s). The primary's yearly schedule is not.
    await service.checkAlerts(Date.now() + 4 * 3600_000)
    await waitFor(() => receiver.ofKind('anchor_behind').length >= 1, 'anchor_behind delivered', 30_000)
    const [alert] = receiver.ofKind('anchor_behind')
    expect(alert.details).to.deep.include({ anchor: 'l1', intervalSeconds: 3600, factor: 3 })
    expect(alert.summary).to.include('the batches sealed since lack this clock').and.not.include('new heads are not being sealed')
    expect(receiver.ofKind('anchor_behind').map((a) => a.details.anchor)).to.deep.equal(['l1'])
    expect(await service.anchorNow(['l1'])).to.deep.equal([{ name: 'l1', ok: true }])
  })
})
