import { expect } from 'chai'
import type { Verdict } from '../../src/verify'
import { openApi, type ApiFixture } from '../api/helpers'
import { runCleanups, waitFor } from '../heads/helpers'
import { replicaAt } from '../sealer/helpers'
import { copiedDrive, structureTold, structWriter } from './helpers'

type StructureVerdict = Verdict & { kind: string, parts: Array<Verdict & { role: string }> }

async function verdictOf (api: ApiFixture, key: string, version: number): Promise<StructureVerdict> {
  for (let attempt = 1; ; attempt++) {
    const res = await api.app.inject({ method: 'GET', url: `/v1/verify/${key}/${version}` })
    if ((res.statusCode === 503 || res.statusCode === 504) && attempt < 4) continue
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as StructureVerdict
  }
}

describe('Hyperdrive and Hyperbee as units (real writer processes over TCP)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('a watched drive follows its blobs core, both sealed in the same batches, and verifies at several versions', async () => {
    const api = await openApi()
    const w = await structWriter('drive')
    await w.run({ cmd: 'put', path: '/a.txt', text: 'hello drive' })
    const v3 = await w.run({ cmd: 'put', path: '/big.bin', bytes: 300_000 })
    expect(v3.version).to.equal(3)

    const res = await api.admin({ method: 'POST', url: '/v1/cores', payload: { key: w.key, peers: [w.peer] } })
    expect(res.statusCode, res.body).to.equal(201)
    expect((res.json() as { core: { kind: string | null } }).core.kind).to.equal(null) // the watch opened nothing
    const core = await structureTold(api.service, w.key)
    expect(core.kind).to.equal('hyperdrive')
    expect(core.parts).to.deep.equal([{ role: 'db', key: w.key }, { role: 'blobs', key: w.blobs }])
    await waitFor(async () => (await api.service.journal.getWatch(w.blobs!)) !== null, 'the blobs core watched')
    const listed = (await api.app.inject({ method: 'GET', url: '/v1/cores' })).json() as { cores: Array<{ key: string, kind: string, partOf?: { key: string } }> }
    expect(listed.cores.find((c) => c.key === w.blobs)?.partOf?.key).to.equal(w.key)

    await replicaAt(api.service, w.key, 3)
    await replicaAt(api.service, w.blobs!, v3.blobsLength!)
    const pass = await api.service.sealNow()
    expect(pass.batch!.heads.map((h) => h.key)).to.include.members([w.key, w.blobs])

    const v4 = await w.run({ cmd: 'put', path: '/later.txt', text: 'written after the first seal' })
    await replicaAt(api.service, w.key, 4)
    await replicaAt(api.service, w.blobs!, v4.blobsLength!)
    await api.service.sealNow()

    const at3 = await verdictOf(api, w.key, 3)
    expect(at3.status, at3.reason).to.equal('verified')
    expect(at3.kind).to.equal('hyperdrive')
    expect(at3.parts.map((p) => [p.role, p.key, p.version, p.status])).to.deep.equal([
      ['db', w.key, 3, 'verified'], ['blobs', w.blobs, v3.blobsLength, 'verified']
    ])
    expect(at3.sealedAt).to.equal([at3.parts[0].sealedAt!, at3.parts[1].sealedAt!].sort()[1])
    const at2 = await verdictOf(api, w.key, 2)
    expect(at2.status).to.equal('verified')
    expect(at2.parts[1].version).to.equal(1) // version 2 holds /a.txt only: one blob block
    const at4 = await verdictOf(api, w.key, 4)
    expect(at4.status).to.equal('verified')
    expect(at4.parts[1].version).to.equal(v4.blobsLength)
    expect((await verdictOf(api, w.key, 5)).status).to.equal('pending')
  })

  it('only the blobs core rewound: the drive verdict is rewind, naming blobs', async () => {
    const api = await openApi()
    const w = await structWriter('drive')
    await w.run({ cmd: 'put', path: '/a.txt', text: 'first' })
    const v3 = await w.run({ cmd: 'put', path: '/b.bin', bytes: 200_000 })
    await api.service.watchCore(w.key, [w.peer])
    await replicaAt(api.service, w.key, 3)
    await replicaAt(api.service, w.blobs!, v3.blobsLength!)
    await api.service.sealNow()
    expect((await verdictOf(api, w.key, 3)).status).to.equal('verified')
    // The drive's verdict is kept (its db, its blobs and the ledger unchanged)...
    await waitFor(() => api.service.cachedVerify(w.key, 3) !== null, 'the drive verdict kept')

    // The writer truncates its blobs core under the sealed length and writes other blocks there,
    // the db untouched and no seal pass: the kept `verified` must not answer any more.
    await w.run({ cmd: 'truncate-blobs', length: 1 })
    const moved = await w.run({ cmd: 'append-blobs', blocks: v3.blobsLength! + 2 })
    expect(moved.version).to.equal(3)
    await replicaAt(api.service, w.blobs!, moved.blobsLength!, 1)
    expect(api.service.cachedVerify(w.key, 3)).to.equal(null)
    const unsealed = await verdictOf(api, w.key, 3)
    expect(unsealed.status, unsealed.reason).to.equal('rewind')
    expect(unsealed.parts.find((p) => p.role === 'blobs')!.status).to.equal('rewind')

    const after = await w.run({ cmd: 'put', path: '/c.bin', bytes: 150_000, seed: 99 })
    await replicaAt(api.service, w.blobs!, after.blobsLength!, 1)
    await api.service.sealNow()
    const v = await verdictOf(api, w.key, 3)
    expect(v.status, v.reason).to.equal('rewind')
    expect(v.parts.find((p) => p.role === 'db')!.status).to.equal('verified')
    expect(v.parts.find((p) => p.role === 'blobs')!.status).to.equal('rewind')
    expect(v.reason).to.match(/blobs/)
    expect(v.incidents.some((i) => i.key === w.blobs && i.kind === 'rewind')).to.equal(true)
  })

  it('a forked drive copy (the same key, another history): the drive verdict is fork, naming the part', async () => {
    const api = await openApi()
    const original = await structWriter('drive')
    await original.run({ cmd: 'put', path: '/a.txt', text: 'shared' })
    const w2 = await copiedDrive(original) // the original stops; its storage copied
    const w1 = await structWriter('drive', { storage: original.storage, primaryKey: original.primaryKey })
    expect([w1.key, w1.blobs]).to.deep.equal([w2.key, w2.blobs])
    await w1.run({ cmd: 'put', path: '/one.txt', text: 'history one' })
    const v1 = await w1.run({ cmd: 'put', path: '/one-more.txt', text: 'still history one' })
    for (const n of [1, 2, 3]) await w2.run({ cmd: 'put', path: `/two-${n}.txt`, text: `history two, ${n}` })

    await api.service.watchCore(w1.key, [w1.peer])
    await replicaAt(api.service, w1.key, v1.version)
    await replicaAt(api.service, w1.blobs!, v1.blobsLength!)
    await api.service.sealNow()
    expect((await verdictOf(api, w1.key, v1.version)).status).to.equal('verified')

    await api.service.watchCore(w1.key, [w2.peer])
    await waitFor(async () => (await api.service.listIncidents({})).some((i) => i.kind === 'fork' && (i.key === w1.key || i.key === w1.blobs)), 'a fork incident of the drive', 30_000)
    const v = await verdictOf(api, w1.key, v1.version)
    expect(v.status, v.reason).to.equal('fork')
    expect(v.kind).to.equal('hyperdrive')
    const forked = v.parts.filter((p) => p.status === 'fork').map((p) => p.role)
    expect(forked).to.have.length.greaterThan(0)
    for (const role of forked) expect(v.reason).to.contain(`the ${role} (`)
  })

  it('a Hyperbee is recognised (kind hyperbee) and its version, its core\'s length, verified', async () => {
    const api = await openApi()
    const w = await structWriter('bee')
    await w.run({ cmd: 'bee-put', key: 'alpha', value: 'one' })
    const at = await w.run({ cmd: 'bee-put', key: 'beta', value: 'two' })
    await api.service.watchCore(w.key, [w.peer])
    expect((await structureTold(api.service, w.key)).kind).to.equal('hyperbee')
    await replicaAt(api.service, w.key, at.version)
    await api.service.sealNow()
    const v = await verdictOf(api, w.key, at.version)
    expect(v.status, v.reason).to.equal('verified')
    expect(v.kind).to.equal('hyperbee')
    expect(v.parts.map((p) => [p.role, p.version])).to.deep.equal([['db', at.version]])
  })
})
