/**
 * A pass over cores the watcher does not hold open (src/heads/session-pool.ts): it opens only
 * the cores whose replica took a new head since a pass last looked at them, and a rewind or a
 * fork met while a core was closed is still recorded, once.
 */
import { expect } from 'chai'
import { appendN, localWriter, runCleanups, silentPeer, twoWritersOneKey, waitFor } from '../heads/helpers'
import { openService, replicaAt } from './helpers'

const IDLE = { idleMs: 50 }

describe('seal pass: cores opened on demand', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('opens only the cores that changed since the last pass, within the session bound', async () => {
    const { service } = await openService({ sessions: { max: 2, ...IDLE } })
    const writers = await Promise.all([0, 1, 2, 3].map(async () => {
      const w = await localWriter()
      await appendN(w.core, 2)
      return w
    }))
    for (const w of writers) await service.watchCore(w.key, [`127.0.0.1:${w.port}`])
    for (const w of writers) await replicaAt(service, w.key, 2)
    const first = await service.sealNow()
    expect(first.batch!.heads.filter((h) => h.key !== service.info().receiptsLog)).to.have.length(4)
    expect(service.watcher.sessionStats().highWater).to.be.at.most(2)
    await waitFor(() => service.watcher.sessionStats().open === 0, 'every session closed once idle')

    await appendN(writers[1].core, 3)
    await waitFor(() => service.watcher.pending().some((p) => p.key === writers[1].key && p.pending === 'changed'), 'the changed core pending')
    await waitFor(() => service.watcher.sessionStats().open === 0, 'every session closed once idle')
    const opened = service.watcher.sessionStats().opened
    const second = await service.sealNow()
    expect(second.batch!.heads.find((h) => h.key === writers[1].key)).to.deep.equal({ key: writers[1].key, length: 5, fork: 0 })
    expect(service.watcher.sessionStats().opened - opened).to.equal(1)
    for (const w of [writers[0], writers[2], writers[3]]) {
      expect(second.skipped.find((s) => s.key === w.key)?.reason).to.match(/^unchanged/)
    }
    expect(service.watcher.pending()).to.deep.equal([])
  })

  it('records a rewind made while the core was closed once, and seals the new head', async () => {
    const { service } = await openService({ sessions: IDLE })
    const writer = await localWriter()
    await appendN(writer.core, 6)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(service, writer.key, 6)
    await service.sealNow()
    await waitFor(() => service.watcher.sessionStats().open === 0, 'the session closed once idle')

    await writer.core.truncate(3)
    await appendN(writer.core, 5, 'rewritten')
    await replicaAt(service, writer.key, 8, 1)
    const pass = await service.sealNow()
    expect(pass.incidents.filter((i) => i.key === writer.key).map((i) => i.kind)).to.deep.equal(['rewind'])
    expect(pass.batch!.heads.find((h) => h.key === writer.key)).to.deep.equal({ key: writer.key, length: 8, fork: 1 })
    const again = await service.sealNow()
    expect(again.incidents).to.deep.equal([])
    expect((await service.listIncidents({ key: writer.key })).map((i) => i.kind)).to.deep.equal(['rewind'])
  })

  it('records a fork met while the core was closed (a second writer of the key) once', async () => {
    const { w1, w2 } = await twoWritersOneKey(10)
    await w1.send('append 2') // 12
    await w2.send('append 5') // 15, the same key, another history from block 10 on
    const { service } = await openService({ sessions: IDLE })
    await service.watchCore(w1.key, [`127.0.0.1:${w1.port}`])
    await replicaAt(service, w1.key, 12)
    await service.sealNow()
    await waitFor(() => service.watcher.sessionStats().open === 0, 'the session closed once idle')

    await service.watchCore(w1.key, [`127.0.0.1:${w2.port}`])
    const [fork] = await waitFor(async () => {
      const found = await service.listIncidents({ key: w1.key })
      return found.length > 0 ? found : null
    }, 'the fork recorded', 30_000)
    expect(fork.kind).to.equal('fork')
    await service.sealNow().catch(() => null)
    await service.sealNow().catch(() => null)
    expect((await service.listIncidents({ key: w1.key })).map((i) => i.kind)).to.deep.equal(['fork'])
  })

  it('leaves a core the pass budget cut short pending, not stale, and looks at it again', async () => {
    // The pass budget (1 s) is shorter than a core's (10 s): a core waiting on a silent peer is
    // cut short by the pass, not by its own budget.
    const { service } = await openService({ env: { HYPERSEAL_PASS_BUDGET: '1' }, updateTimeoutMs: 10_000, sessions: IDLE })
    const silent = await silentPeer()
    const writer = await localWriter()
    await appendN(writer.core, 2)
    await service.watchCore(writer.key, [`127.0.0.1:${silent.port}`])
    for (let pass = 0; pass < 2; pass++) {
      const result = await service.sealNow()
      expect(result.skipped.find((s) => s.key === writer.key)?.reason).to.equal('not finished within the pass budget')
      expect((await service.listCores()).find((c) => c.key === writer.key)?.stale).to.equal(null)
      expect(service.watcher.pending().map((p) => p.key)).to.include(writer.key)
    }
  })
})
