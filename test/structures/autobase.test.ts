import { expect } from 'chai'
import { resolve } from 'node:path'
import type { HypersealService } from '../../src/service'
import { childWriter, runCleanups, waitFor, type ChildWriter } from '../heads/helpers'
import { openApi } from '../api/helpers'
import { openService } from '../sealer/helpers'
import { structureTold } from './helpers'

const SCRIPT = resolve(__dirname, '../support/autobase-writer.js')

interface BaseState { system: string, systemSigned: number, view: string, viewSigned: number, viewLength: number, isIndexer: boolean }
interface BaseWriter { key: string, local: string, peer: string, port: number, run (c: Record<string, unknown>): Promise<Record<string, unknown>>, state (): Promise<BaseState> }

/** An Autobase writer in its own process (test/support/autobase-writer.js), replicating over TCP on 127.0.0.1. */
async function baseWriter (bootstrap?: string): Promise<BaseWriter> {
  const w: ChildWriter = await childWriter({ script: SCRIPT, args: bootstrap === undefined ? [] : ['--bootstrap', bootstrap] })
  const run = async (c: Record<string, unknown>): Promise<Record<string, unknown>> => await w.send(JSON.stringify(c))
  return { key: w.key, local: w.ready.local as string, port: w.port, peer: `127.0.0.1:${w.port}`, run, state: async () => await run({ cmd: 'state' }) as unknown as BaseState }
}

/** Every writer updates and acks, an indexer ticking (so it signs what it indexed), until `done` holds for the first writer's state. */
async function syncUntil (writers: BaseWriter[], done: (s: BaseState) => boolean, what: string): Promise<BaseState> {
  return await waitFor(async () => {
    let first: BaseState | null = null
    for (const w of writers) {
      const s = await w.run({ cmd: 'sync', tick: true }) as unknown as BaseState
      first ??= s
    }
    return done(first!) ? first : null
  }, what, 360_000)
}

/** A seal pass (each pass follows the Autobase first) repeated until `done`. */
async function passUntil<T> (service: HypersealService, done: () => Promise<T | null | false>, what: string): Promise<NonNullable<T>> {
  return await waitFor(async () => { await service.sealNow(); return await done() || null }, what, 240_000) as NonNullable<T>
}

describe('an Autobase watched by its key: system core and views sealed, a migration recorded once', function () {
  // Indexers sign only after rounds of replication between processes: minutes on a loaded 2-core machine.
  this.timeout(1_200_000)
  afterEach(runCleanups)

  it('seals its parts at the signed length, records an indexer change as a migration (not a rewind) across a restart, and refuses a forged system core', async () => {
    const a = await baseWriter()
    const b = await baseWriter(a.key)
    await b.run({ cmd: 'dial', port: a.port })
    await a.run({ cmd: 'add', key: b.local })
    await syncUntil([a, b], () => true, 'B to join')
    await waitFor(async () => { await a.run({ cmd: 'sync' }); const s = await b.run({ cmd: 'sync' }) as unknown as BaseState; return s.isIndexer }, 'B to become an indexer', 360_000)
    for (let i = 0; i < 4; i++) {
      await a.run({ cmd: 'append', text: `a-${i}` })
      await b.run({ cmd: 'append', text: `b-${i}` })
    }
    const before = await syncUntil([a, b], (s) => s.viewSigned >= 8 && s.systemSigned > 0, 'both indexers to sign the view')

    // Watched by the Autobase key alone: the system core and the view are found and sealed.
    const api = await openApi()
    const { service, dataDir } = api
    await service.watchCore(a.key, [a.peer])
    expect((await structureTold(service, a.key)).kind).to.equal('autobase')
    const parts = await passUntil(service, async () => {
      const view = service.structures.view(a.key)
      const p = view.parts ?? []
      const system = p.find((x) => x.role === 'system')
      const views = p.filter((x) => x.role === 'view')
      if (system === undefined || views.length !== 1) return null
      const sealed = await service.log.latestReceipt(system.key)
      const viewSealed = await service.log.latestReceipt(views[0].key)
      return sealed !== null && viewSealed !== null && viewSealed.receipt.head.length >= before.viewSigned ? { system: system.key, view: views[0].key, systemLength: sealed.receipt.head.length } : null
    }, 'the system core and the view sealed')
    expect(parts.system).to.equal(before.system)
    expect(parts.view).to.equal(before.view)
    expect(service.structures.view(parts.view).partOf).to.deep.equal({ key: a.key, role: 'view' })
    const v1 = await service.verify(a.key, parts.systemLength)
    expect(v1.status, v1.reason).to.equal('verified')
    const structure = v1 as typeof v1 & { kind: string, parts: Array<{ role: string, key: string, status: string }> }
    expect(structure.kind).to.equal('autobase')
    expect(structure.parts.map((p) => [p.role, p.key, p.status])).to.deep.include.members([['system', parts.system, 'verified'], ['view', parts.view, 'verified']])
    // The API lists the parts, and answers the Autobase's verdict with each part's.
    const listed = (await api.app.inject({ url: '/v1/cores' })).json() as { cores: Array<{ key: string, kind: string, parts?: unknown[], partOf?: unknown }> }
    expect(listed.cores.find((x) => x.key === a.key)).to.deep.include({ kind: 'autobase', parts: [{ role: 'system', key: parts.system }, { role: 'view', key: parts.view }] })
    expect(listed.cores.find((x) => x.key === parts.view)?.partOf).to.deep.equal({ key: a.key, role: 'view' })
    const http = (await api.app.inject({ url: `/v1/verify/${a.key}/${parts.systemLength}` })).json() as { status: string, kind: string, parts: Array<{ role: string, status: string }> }
    expect([http.status, http.kind, http.parts.map((p) => `${p.role}:${p.status}`)]).to.deep.equal(['verified', 'autobase', ['system:verified', 'view:verified']])

    // A third indexer: the system core and the view move to new keys.
    const c = await baseWriter(a.key)
    await c.run({ cmd: 'dial', port: a.port })
    await c.run({ cmd: 'dial', port: b.port })
    await a.run({ cmd: 'add', key: c.local })
    await syncUntil([a, b, c], (s) => s.system !== before.system && s.view !== before.view, 'the Autobase to move to new keys')
    for (let i = 0; i < 3; i++) await a.run({ cmd: 'append', text: `after-${i}` })
    const after = await syncUntil([a, b, c], (s) => s.system !== before.system && s.systemSigned > 0 && s.viewSigned > before.viewSigned, 'the new indexers to sign the moved view')

    const migrations = await passUntil(service, async () => {
      const found = await service.log.listMigrations(a.key)
      return found.length > 0 && found
    }, 'the migration recorded')
    expect(migrations).to.have.length(1)
    const m = migrations[0]
    expect(m.moved.find((x) => x.role === 'system')).to.include({ from: before.system, to: after.system })
    expect(m.moved.find((x) => x.role === 'view')).to.include({ from: before.view, to: after.view, view: 0 })
    expect(m.system.key).to.equal(after.system)
    expect(m.info.views[0].key).to.equal(after.view)
    const served = await api.app.inject({ url: `/v1/cores/${a.key}/migrations` })
    expect(served.statusCode).to.equal(200)
    expect(served.json()).to.deep.equal({ migrations: JSON.parse(JSON.stringify(migrations)) })

    // The new view is sealed; nothing was taken for a rewind; the old view's seal still verifies.
    const newViewSealed = await passUntil(service, () => service.log.latestReceipt(after.view), 'the new view sealed')
    expect(newViewSealed.receipt.head.length).to.be.greaterThan(0)
    expect(await service.listIncidents({})).to.deep.equal([])
    const oldView = await service.verify(before.view, before.viewSigned)
    expect(oldView.status, oldView.reason).to.equal('verified')
    const newSystem = await service.log.latestReceipt(after.system)
    const v2 = await service.verify(a.key, newSystem!.receipt.head.length) as typeof v1 & { parts: Array<{ role: string, key: string }> }
    expect(v2.status, v2.reason).to.equal('verified')
    expect(v2.parts.map((p) => p.key)).to.include(after.view)

    // A restart: the followed keys come back from the journal, the migration is not recorded again.
    await service.close()
    const reopened = (await openService({ dataDir })).service
    await reopened.sealNow()
    await reopened.sealNow()
    expect(await reopened.log.listMigrations(a.key)).to.have.length(1)
    expect(reopened.structures.autobases.get(a.key)).to.include({ system: after.system })

    // A writer's digest naming a system core of its own making: refused, not followed, not recorded.
    const { forged } = await a.run({ cmd: 'forge-digest' }) as { forged: string }
    await passUntil(reopened, async () => reopened.structures.autobases.get(a.key)?.refused?.system === forged, 'the forged system core refused')
    const kept = reopened.structures.autobases.get(a.key)!
    expect(kept.system).to.equal(after.system)
    expect(kept.refused!.reason).to.match(/not signed as its indexers would|does not continue/)
    expect(await reopened.log.listMigrations(a.key)).to.have.length(1)
    expect(reopened.structures.view(a.key).parts?.map((p) => p.key)).to.not.include(forged)
  })
})
