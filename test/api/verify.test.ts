import { expect } from 'chai'
import fc from 'fast-check'
import Corestore from 'corestore'
import { connect } from 'node:net'
import { createChainReader } from '../../src/chain'
import { gatherVerifyInput, pin } from '../../src/evidence'
import { localReplica } from '../../src/heads'
import { verify, type Verdict } from '../../src/verify'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, twoWritersOneKey, waitFor } from '../heads/helpers'
import { openApi, type ApiFixture } from './helpers'
import { sealedWriter, tamperStoredReceipts } from '../sealer/helpers'

/**
 * The verdict, as a client should ask for it: a 503/504 with Retry-After (Hypercore reopening a
 * core after a conflict, a peer slow to send a block) is asked again, a few times.
 */
async function verdictOf (api: ApiFixture, key: string, version: number): Promise<Verdict> {
  for (let attempt = 1; ; attempt++) {
    const res = await api.app.inject({ method: 'GET', url: `/v1/verify/${key}/${version}` })
    if ((res.statusCode === 503 || res.statusCode === 504) && res.headers['retry-after'] !== undefined && attempt < 4) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      continue
    }
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Verdict
  }
}

async function replicaAt (api: ApiFixture, key: string, length: number, fork = 0): Promise<void> {
  await waitFor(() => {
    const w = api.service.watcher.watched().find((c) => c.key === key)
    return w?.length === length && w.fork === fork
  }, `replica at length ${length}, fork ${fork}`)
}

describe('GET /v1/verify/:key/:version through the real stack', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('verified, then pending past the seal, then rewind after the writer rewrites history', async () => {
    const api = await openApi()
    const writer = await localWriter()
    await appendN(writer.core, 5)
    await api.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(api, writer.key, 5)
    const pass = await api.service.sealNow()

    const ok = await verdictOf(api, writer.key, 3)
    expect(ok.status).to.equal('verified')
    expect(ok.final).to.equal(true)
    expect(ok.receipt!.head.length).to.equal(5)
    expect(ok.receipt!.seal.root).to.equal(pass.batch!.root)
    expect(ok.sealedAt).to.equal(pass.batch!.sealedAt)
    expect(ok.replica).to.deep.include({ length: 5, fork: 0 })
    expect((await verdictOf(api, writer.key, 5)).status).to.equal('verified')
    expect((await verdictOf(api, writer.key, 6)).status).to.equal('pending')

    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await replicaAt(api, writer.key, 6, 1)
    const rewound = await verdictOf(api, writer.key, 3)
    expect(rewound.status).to.equal('rewind')
    expect(rewound.receipt!.head.length).to.equal(5)
    expect(rewound.replica).to.deep.include({ length: 6, fork: 1 })
    // Still true after the next pass seals the rewritten head: version 3 was sealed first in the old history.
    await api.service.sealNow()
    const after = await verdictOf(api, writer.key, 3)
    expect(after.status).to.equal('rewind')
    expect(after.incidents.map((i) => i.kind)).to.include('rewind')
  })

  it('fork: a copied key diverges at a longer length and the service keeps the conflict proof', async () => {
    const api = await openApi()
    const { w1, w2 } = await twoWritersOneKey(8)
    await w1.send('append 2') // 10
    await w2.send('append 4') // 12, another history
    await api.service.watchCore(w1.key, [`127.0.0.1:${w1.port}`])
    await replicaAt(api, w1.key, 10)
    await api.service.sealNow()
    expect((await verdictOf(api, w1.key, 10)).status).to.equal('verified')
    await waitFor(() => api.service.cachedVerify(w1.key, 10) !== null, 'the verified verdict kept')
    expect((await verdictOf(api, w1.key, 10)).status).to.equal('verified')

    await api.service.watchCore(w1.key, [`127.0.0.1:${w2.port}`])
    const incidents = await waitFor(async () => {
      const list = await api.service.listIncidents({ key: w1.key })
      return list.some((i) => i.kind === 'fork') ? list : null
    }, 'a fork incident', 30_000)
    expect(incidents.find((i) => i.kind === 'fork')!.evidence).to.have.property('proof')
    // The incident is in the log: the kept `verified` is not answered again.
    expect(api.service.cachedVerify(w1.key, 10)).to.equal(null)
    const forked = await verdictOf(api, w1.key, 10)
    expect(forked.status).to.equal('fork')
    expect(forked.incidents.some((i) => i.kind === 'fork')).to.equal(true)
  })

  it('fork at the same length: a copied key serves another tree for the same length and fork (split view)', async () => {
    const api = await openApi()
    const { w1, w2 } = await twoWritersOneKey(8)
    await w1.send('append 2') // 10
    await w2.send('append 2') // 10 as well, other data: Hypercore sees nothing to upgrade
    const h1 = await w1.send('head')
    const h2 = await w2.send('head')
    expect(h1.length).to.equal(h2.length)
    expect(h1.treeHash).to.not.equal(h2.treeHash)
    await api.service.watchCore(w1.key, [`127.0.0.1:${w1.port}`, `127.0.0.1:${w2.port}`])
    await replicaAt(api, w1.key, 10)
    const pass = await api.service.sealNow()
    const fork = pass.incidents.find((i) => i.kind === 'fork')
    expect(fork, 'a fork incident from the pass').to.not.equal(undefined)
    expect([fork!.sealed.treeHash, fork!.observed.treeHash].sort()).to.deep.equal([h1.treeHash, h2.treeHash].sort())
    // The pass's peer probe finds it; Hypercore may prove the same pair first, from a block the
    // replica fetched from the other copy. One pair of heads, one incident, whichever path saw it.
    expect(['seal-pass peer head probe', 'hypercore-conflict']).to.include(fork!.evidence.source)
    expect((await verdictOf(api, w1.key, 10)).status).to.equal('fork')
    // The next pass finds the same pair again and does not record it twice.
    const again = await api.service.sealNow()
    const forks = (await api.service.listIncidents({ key: w1.key })).filter((i) => i.kind === 'fork')
    expect(forks).to.have.length(1)
    expect(again.batch).to.equal(null)
  })

  it('answers a warm verify from its cache, byte for byte the cold answer, and never a verdict whose replica, ledger or seal moved on', async () => {
    const api = await openApi()
    const writer = await localWriter()
    await appendN(writer.core, 4)
    await api.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(api, writer.key, 4)
    await api.service.sealNow()

    // Cold then warm, for the admin's view and for the public one: the same bytes (the warm
    // answer is written once per view through the route's own schema, then sent as it is).
    const url = (version: number): string => `/v1/verify/${writer.key}/${version}`
    const coldAdmin = await api.admin({ method: 'GET', url: url(4) })
    expect(coldAdmin.statusCode, coldAdmin.body).to.equal(200)
    const first = coldAdmin.json() as Verdict
    expect(first.status).to.equal('verified')
    await waitFor(() => api.service.cachedVerify(writer.key, 4) !== null, 'the verdict kept')
    const warmAdmin = await api.admin({ method: 'GET', url: url(4) })
    expect(warmAdmin.body).to.equal(coldAdmin.body)
    expect(warmAdmin.headers['content-type']).to.equal(coldAdmin.headers['content-type'])
    expect(await verdictOf(api, writer.key, 4)).to.deep.equal(first)
    const coldPublic = await api.app.inject({ method: 'GET', url: url(6) })
    expect((coldPublic.json() as Verdict).status).to.equal('pending')
    await waitFor(() => api.service.cachedVerify(writer.key, 6) !== null, 'the pending verdict kept')
    const warmPublic = await api.app.inject({ method: 'GET', url: url(6) })
    expect(warmPublic.body).to.equal(coldPublic.body)
    expect(warmPublic.headers['content-type']).to.equal(coldPublic.headers['content-type'])
    // A key in another spelling (upper-case hex) finds the same kept verdict.
    expect(api.service.cachedVerify(writer.key.toUpperCase(), 6)).to.equal(api.service.cachedVerify(writer.key, 6))

    // Anything new in the receipts log (here another core's seal) misses: the kept verdict is
    // answered again only once it was computed afresh over the log as it now is.
    const other = await localWriter()
    await appendN(other.core, 2)
    await api.service.watchCore(other.key, [`127.0.0.1:${other.port}`])
    await replicaAt(api, other.key, 2)
    expect((await api.service.sealNow()).batch).to.not.equal(null)
    expect(api.service.cachedVerify(writer.key, 4)).to.equal(null)
    expect((await api.admin({ method: 'GET', url: url(4) })).body).to.equal(coldAdmin.body)

    // The replica grows: nothing kept for it answers any more; the seal of the new head turns pending into verified.
    await appendN(writer.core, 2, 'more')
    await replicaAt(api, writer.key, 6)
    expect(api.service.cachedVerify(writer.key, 4)).to.equal(null)
    expect(api.service.cachedVerify(writer.key, 6)).to.equal(null)
    expect((await verdictOf(api, writer.key, 6)).status).to.equal('pending')
    await api.service.sealNow()
    expect(api.service.cachedVerify(writer.key, 6)).to.equal(null)
    expect((await verdictOf(api, writer.key, 6)).status).to.equal('verified')

    // A rewrite of history: the kept `verified` must not outlive it.
    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await replicaAt(api, writer.key, 6, 1)
    expect((await verdictOf(api, writer.key, 4)).status).to.equal('rewind')
  })

  it('behind: an independent replica that has not caught up with the seal', async () => {
    const api = await openApi()
    const writer = await localWriter()
    await appendN(writer.core, 3)
    // A reader that replicates from the writer while it is at length 3, then loses it.
    const reader = new Corestore(tempDir('hs-reader-'))
    onCleanup(() => reader.close())
    const core = reader.get({ key: Buffer.from(writer.key, 'hex') })
    await core.ready()
    const socket = connect(writer.port, '127.0.0.1')
    const stream = reader.replicate(true)
    socket.pipe(stream).pipe(socket)
    await core.update({ wait: true })
    expect(core.length).to.equal(3)
    socket.destroy()
    stream.destroy()

    await appendN(writer.core, 4)
    await api.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(api, writer.key, 7)
    await api.service.sealNow()

    // The reader's own view, checked by the pure verifier against the service's receipts and the chain.
    const receipts = (await api.service.coreReceipts(writer.key)).map((e) => e.receipt)
    const rpc = await createChainReader({ rpcUrl: api.service.rpcUrl! })
    onCleanup(() => rpc.close())
    const { input } = await gatherVerifyInput({ key: writer.key, version: 2, receipts }, { replica: localReplica(core, { timeoutMs: 1000 }), chain: rpc, trust: pin(api.service.trust().root) })
    const verdict = verify(input)
    expect(verdict.status).to.equal('behind')
    expect(verdict.replica.length).to.equal(3)
  })

  it('invalid: a receipt tampered with inside the ledger is never verified', async () => {
    const api = await openApi()
    const writer = await sealedWriter(api.service, 4)
    await tamperStoredReceipts(api.service, writer.key, (r) => { r.head.treeHash = 'ab'.repeat(32) })
    const verdict = await verdictOf(api, writer.key, 2)
    expect(verdict.status).to.equal('invalid')
    expect(verdict.reason).to.be.a('string').and.not.equal('')
  })

  it('invalid, never a 500: a receipt entry that contradicts its own index', async () => {
    const api = await openApi()
    const writer = await sealedWriter(api.service, 4)
    await tamperStoredReceipts(api.service, writer.key, (r) => { r.head.length = 3 })
    expect((await verdictOf(api, writer.key, 2)).status).to.equal('invalid')
  })

  it('answers 400 for malformed keys and versions and 404 for a core it does not watch, never 5xx', async () => {
    const api = await openApi()
    const key = 'ab'.repeat(32)
    expect((await api.app.inject({ method: 'GET', url: `/v1/verify/${key}/3` })).statusCode).to.equal(404)
    for (const bad of ['-1', '1.5', '1e400', 'abc', '0', '99999999999999999999']) {
      const res = await api.app.inject({ method: 'GET', url: `/v1/verify/${key}/${bad}` })
      expect(res.statusCode, bad).to.equal(400)
      expect(res.json().error.code).to.be.a('string')
    }
    expect((await api.app.inject({ method: 'GET', url: '/v1/verify/xyz/3' })).statusCode).to.equal(400)
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 30 }), async (k, v) => {
      const res = await api.app.inject({ method: 'GET', url: `/v1/verify/${encodeURIComponent(k)}/${encodeURIComponent(v)}` })
      return res.statusCode >= 200 && res.statusCode < 500
    }), { numRuns: 300 })
  })
})
