/**
 * A pass seals what it can: a writer that announced a head and then went offline (its process
 * stopped, or its socket silent) is skipped and marked stale while the other cores are sealed;
 * a peer that accepts TCP and never answers, named by three cores, holds none of them up.
 * Waits are on conditions, never on the clock; no test asserts how long a pass took.
 */
import { expect } from 'chai'
import { appendN, childWriter, localWriter, runCleanups, silentPeer, tcpRelay, waitFor } from '../heads/helpers'
import { openService, replicaAt, replicationAddress, watchedPair } from './helpers'

const BUDGET = { HYPERSEAL_PASS_BUDGET: '5' }

describe('seal pass: stale cores and silent peers', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('skips a writer that announced a head and stopped, seals the others, and clears the mark when it is back', async () => {
    const { service } = await openService({ env: BUDGET })
    const { a, b } = await watchedPair(service)
    await service.sealNow()

    await a.send('append 1') // announced: the replica takes the head, not its last block
    await replicaAt(service, a.key, 6)
    await a.exit()
    await appendN(b.core, 2)
    await replicaAt(service, b.key, 5)

    const pass = await service.sealNow()
    expect(pass.batch?.heads.map((h) => h.key)).to.include(b.key).and.not.include(a.key)
    expect(pass.skipped.find((s) => s.key === a.key)?.reason).to.match(/^stale: /)
    const cores = await service.listCores()
    const stale = cores.find((c) => c.key === a.key)?.stale
    expect(stale).to.deep.include({ lastHead: { length: 6, fork: 0 } })
    expect(Number.isNaN(Date.parse(stale!.since)), 'since is a time').to.equal(false)
    expect(cores.find((c) => c.key === b.key)?.stale).to.equal(null)
    expect(await service.registry.getSingleMetricAsString('hyperseal_stale_cores')).to.match(/^hyperseal_stale_cores 1$/m)
    const built = await service.auditReport({ from: new Date(0), to: new Date(Date.now() + 3600_000) })
    await built.receiptsFile.release() // its temporary file: only the signed report is read here
    const report = built.signed.report
    expect(report.cores.find((c) => c.key === a.key)?.stale).to.deep.equal(stale)
    expect(report.cores.find((c) => c.key === b.key)?.stale).to.equal(null)

    // Still away: skipped again at once (no peer connected), the mark and its `since` kept.
    const again = await service.sealNow()
    expect(again.batch).to.equal(null)
    expect((await service.listCores()).find((c) => c.key === a.key)?.stale?.since).to.equal(stale!.since)

    // Back, pushing to the service: sealed, no longer stale.
    const back = await childWriter({ storage: a.storage })
    await back.send(`dial ${await replicationAddress(service)}`)
    const sealed = await waitFor(async () => {
      const p = await service.sealNow()
      return p.batch?.heads.find((h) => h.key === a.key) ?? null
    }, 'the writer sealed once back', 60_000)
    expect(sealed.length).to.equal(6)
    expect((await service.listCores()).find((c) => c.key === a.key)?.stale).to.equal(null)
    expect(await service.registry.getSingleMetricAsString('hyperseal_stale_cores')).to.match(/^hyperseal_stale_cores 0$/m)
  })

  it('skips a writer whose socket went silent after it announced a head', async () => {
    const { service } = await openService({ env: BUDGET })
    const a = await localWriter()
    await appendN(a.core, 4)
    const relay = await tcpRelay(a.port)
    const b = await localWriter()
    await appendN(b.core, 2)
    await service.watchCore(a.key, [`127.0.0.1:${relay.port}`])
    await service.watchCore(b.key, [`127.0.0.1:${b.port}`])
    await replicaAt(service, a.key, 4)
    await replicaAt(service, b.key, 2)
    await service.sealNow()

    await appendN(a.core, 1)
    await replicaAt(service, a.key, 5)
    relay.blackhole() // connected, never answers again
    await appendN(b.core, 1)
    await replicaAt(service, b.key, 3)

    const pass = await service.sealNow()
    expect(pass.batch?.heads.find((h) => h.key === b.key)?.length).to.equal(3)
    expect(pass.batch?.heads.some((h) => h.key === a.key)).to.equal(false)
    expect((await service.listCores()).find((c) => c.key === a.key)?.stale?.lastHead).to.deep.equal({ length: 5, fork: 0 })
  })

  it('holds no core up on a silent peer that three cores name, pass after pass', async () => {
    const { service } = await openService({ env: BUDGET })
    const silent = await silentPeer()
    const writers = await Promise.all([localWriter(), localWriter(), localWriter()])
    for (const w of writers) {
      await appendN(w.core, 2)
      await service.watchCore(w.key, [`127.0.0.1:${w.port}`, `127.0.0.1:${silent.port}`])
    }
    for (const w of writers) await replicaAt(service, w.key, 2)

    const first = await service.sealNow()
    expect(first.batch?.heads.map((h) => h.key)).to.include.members(writers.map((w) => w.key))
    expect(silent.accepted(), 'the silent peer was dialed').to.be.greaterThan(0)
    for (const w of writers) await appendN(w.core, 1)
    for (const w of writers) await replicaAt(service, w.key, 3)
    const second = await service.sealNow()
    expect(second.batch?.heads.filter((h) => writers.some((w) => w.key === h.key)).map((h) => h.length)).to.deep.equal([3, 3, 3])
    expect((await service.listCores()).every((c) => c.stale === null)).to.equal(true)
  })
})
