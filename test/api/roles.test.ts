import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { verifyPrefixProof } from '../../src/verify'
import type { Receipt } from '../../src/seal'
import { appendN, localWriter, runCleanups, waitFor, type LocalWriter } from '../heads/helpers'
import { errorCode, openApi, type ApiFixture } from './helpers'

/** Public, auditor and admin on a real service: who sees peers and evidence, who reads reports, who writes. */
describe('roles: public, auditor, admin', function () {
  this.timeout(120_000)
  let fx: ApiFixture
  let writer: LocalWriter
  let peer: string
  const as = (token: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse> =>
    fx.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token === null ? {} : { authorization: `Bearer ${token}` } })

  before(async () => {
    fx = await openApi()
    writer = await localWriter()
    peer = `127.0.0.1:${writer.port}`
    await appendN(writer.core, 5)
    await fx.service.watchCore(writer.key, [peer])
    await waitFor(() => fx.service.watcher.watched().some((w) => w.key === writer.key && w.length === 5), 'replica at 5')
    await fx.service.sealNow()
    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await waitFor(() => fx.service.watcher.watched().some((w) => w.key === writer.key && w.fork === 1 && w.length === 6), 'replica at 6, fork 1')
    await fx.service.sealNow() // a rewind incident
  })
  after(runCleanups)

  it('the auditor token is generated into the data directory (0600), apart from the admin token', () => {
    expect(fx.service.auditorToken).to.have.length.of.at.least(16).and.not.equal(fx.token)
    expect(statSync(join(fx.dataDir, 'auditor-token')).mode & 0o777).to.equal(0o600)
  })

  it('GET /v1/cores: peer addresses only for the auditor and the admin', async () => {
    const pub = (await as(null, 'GET', '/v1/cores')).json().cores[0]
    expect(pub.key).to.equal(writer.key)
    expect(pub).to.not.have.property('peers')
    expect((await as(null, 'GET', '/v1/cores')).body).to.not.include(peer)
    expect((await as(fx.service.auditorToken, 'GET', '/v1/cores')).json().cores[0].peers).to.deep.equal([peer])
    expect((await as(fx.token, 'GET', '/v1/cores')).json().cores[0].peers).to.deep.equal([peer])
  })

  it('GET /v1/cores pages: no peer address on any public page, every page has them for the auditor', async () => {
    // A second core, watched in bulk with a label, so that the list has two pages of one.
    const other = randomBytes(32).toString('hex')
    const bulk = await as(fx.token, 'POST', '/v1/cores', { cores: [{ key: other, peers: [peer], label: 'second' }] })
    expect(bulk.statusCode, bulk.body).to.equal(201)
    const walk = async (token: string | null): Promise<Array<Record<string, unknown>>> => {
      const seen: Array<Record<string, unknown>> = []
      let cursor: string | null = null
      do {
        const res = await as(token, 'GET', `/v1/cores?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`)
        expect(res.statusCode, res.body).to.equal(200)
        if (token === null) expect(res.body).to.not.include(peer)
        seen.push(...res.json().cores)
        cursor = res.json().next
      } while (cursor !== null)
      return seen
    }
    const pub = await walk(null)
    expect(pub.map((c) => c.key).sort()).to.deep.equal([writer.key, other].sort())
    expect(pub.find((c) => c.key === other)).to.include({ label: 'second' })
    for (const core of pub) expect(core).to.not.have.property('peers')
    for (const core of await walk(fx.service.auditorToken)) expect(core.peers).to.deep.equal([peer])
    await fx.service.unwatchCore(other)
  })

  it('a token valid for no role is refused on public routes too (403), not read as public', async () => {
    const res = await as('x'.repeat(32), 'GET', '/v1/cores')
    expect(res.statusCode).to.equal(403)
    expect(errorCode(res)).to.equal('FORBIDDEN')
    expect((await fx.app.inject({ method: 'GET', url: '/v1/cores', headers: { authorization: 'Basic abc' } })).statusCode).to.equal(401)
  })

  it('incidents: the public gets the signed heads, the auditor the evidence too (here and in verdicts)', async () => {
    const pub = (await as(null, 'GET', '/v1/incidents')).json().incidents
    const full = (await as(fx.service.auditorToken, 'GET', '/v1/incidents')).json().incidents
    expect(pub).to.have.length(1)
    expect(pub[0].sealed).to.deep.equal(full[0].sealed)
    expect(pub[0].observed).to.deep.equal(full[0].observed)
    expect(pub[0].evidence).to.have.property('withheld')
    expect(pub[0].evidence.source).to.equal(full[0].evidence.source)
    expect(full[0].evidence).to.not.have.property('withheld')
    expect(Object.keys(full[0].evidence).length).to.be.greaterThan(2)
    const verdict = (await as(null, 'GET', `/v1/verify/${writer.key}/3`)).json()
    expect(verdict.status).to.equal('rewind')
    expect(verdict.incidents[0].evidence).to.have.property('withheld')
    // A kept verdict is written once per view: the auditor's never reaches the public, nor the reverse.
    expect(fx.service.cachedVerify(writer.key, 3), 'the rewind verdict is kept').to.not.equal(null)
    for (let i = 0; i < 2; i++) {
      const byAuditor = (await as(fx.service.auditorToken, 'GET', `/v1/verify/${writer.key}/3`)).json()
      expect(byAuditor.incidents[0].evidence).to.not.have.property('withheld')
      expect(byAuditor.incidents[0].evidence).to.deep.equal(full[0].evidence)
      const byPublic = (await as(null, 'GET', `/v1/verify/${writer.key}/3`)).json()
      expect(byPublic.incidents[0].evidence).to.deep.equal(pub[0].evidence)
    }
  })

  it('reports: 401 without a token, 403 with a wrong one, 200 for the auditor and the admin', async () => {
    const url = '/v1/reports/audit?from=2020-01-01&to=2100-01-01'
    expect((await as(null, 'GET', url)).statusCode).to.equal(401)
    expect((await as('y'.repeat(32), 'GET', url)).statusCode).to.equal(403)
    const byAuditor = await as(fx.service.auditorToken, 'GET', url)
    expect(byAuditor.statusCode, byAuditor.body).to.equal(200)
    expect(byAuditor.json().report.incidents).to.have.length(1)
    const id = String(byAuditor.headers['x-hyperseal-report'])
    expect((await as(null, 'GET', `/v1/reports/audit/${id}?format=html`)).statusCode).to.equal(401)
    expect((await as(fx.service.auditorToken, 'GET', `/v1/reports/audit/${id}?format=html`)).statusCode).to.equal(200)
    expect((await as(fx.token, 'GET', url)).statusCode).to.equal(200)
  })

  it('the auditor cannot watch, unwatch or seal (403), the admin can', async () => {
    const auditor = fx.service.auditorToken
    for (const [method, url, body] of [['POST', '/v1/cores', { key: 'ab'.repeat(32) }], ['DELETE', `/v1/cores/${writer.key}`], ['POST', '/v1/seal']] as const) {
      const res = await as(auditor, method, url, body)
      expect(res.statusCode, `${method} ${url}`).to.equal(403)
      expect(res.json().error.message).to.match(/needs the admin token/)
    }
    expect((await as(fx.token, 'POST', '/v1/seal')).statusCode).to.equal(200)
  })

  it('GET /v1/role names the role of the token sent', async () => {
    expect((await as(null, 'GET', '/v1/role')).json()).to.deep.equal({ role: 'public' })
    expect((await as(fx.service.auditorToken, 'GET', '/v1/role')).json()).to.deep.equal({ role: 'auditor' })
    expect((await as(fx.token, 'GET', '/v1/role')).json()).to.deep.equal({ role: 'admin' })
    expect((await as('z'.repeat(40), 'GET', '/v1/role')).statusCode).to.equal(403)
  })

  it('GET /v1/cores/:key/proofs: the head, and upgrade proofs that check against the sealed head; bounded', async () => {
    const head = (await as(null, 'GET', `/v1/cores/${writer.key}/proofs`)).json()
    expect(head.head).to.deep.include({ length: 6, fork: 1 })
    expect(head.proofs).to.deep.equal({})
    const receipts = (await as(null, 'GET', `/v1/cores/${writer.key}/receipts`)).json().receipts as Receipt[]
    const latest = receipts.find((r) => r.head.fork === 1)!
    const res = await as(null, 'GET', `/v1/cores/${writer.key}/proofs?lengths=${latest.head.length},3,99`)
    expect(res.statusCode, res.body).to.equal(200)
    const body = res.json()
    expect(Object.keys(body.proofs).sort()).to.deep.equal(['3', String(latest.head.length)].sort()) // 99 is past the head
    const check = verifyPrefixProof({ key: writer.key, manifest: latest.head.manifest, sealedLength: latest.head.length, sealedTreeHash: latest.head.treeHash, proof: body.proofs[latest.head.length] })
    expect(check.ok).to.equal(true)
    // The old history's seal at length 5 is not what the replica holds now.
    const old = receipts.find((r) => r.head.fork === 0)!
    const rewound = (await as(null, 'GET', `/v1/cores/${writer.key}/proofs?lengths=5`)).json()
    expect(verifyPrefixProof({ key: writer.key, manifest: old.head.manifest, sealedLength: 5, sealedTreeHash: old.head.treeHash, proof: rewound.proofs['5'] }).ok).to.equal(false)

    for (const lengths of ['0', '1,2,3,4,5,6,7,8,9', 'a', '1,,2', '99999999999999999']) {
      expect((await as(null, 'GET', `/v1/cores/${writer.key}/proofs?lengths=${lengths}`)).statusCode, lengths).to.equal(400)
    }
    expect((await as(null, 'GET', `/v1/cores/${'cd'.repeat(32)}/proofs`)).statusCode).to.equal(404)
    expect((await as(null, 'GET', '/v1/cores/nope/proofs')).statusCode).to.equal(400)
  })

  it('GET /v1/sealer: the balance, each recent batch\'s gas and fee, the spend rate and the days it lasts', async () => {
    const account = (await as(null, 'GET', '/v1/sealer')).json()
    expect(account.address).to.equal(fx.service.info().sealer)
    expect(BigInt(account.balanceWei) > 0n).to.equal(true)
    expect(account.recent.length).to.be.at.least(2)
    for (const b of account.recent) {
      expect(Number(b.gasUsed)).to.be.greaterThan(20_000)
      expect(BigInt(b.feeWei) > 0n).to.equal(true)
    }
    expect(account.recent.map((b: { seq: number }) => b.seq)).to.deep.equal([...account.recent.map((b: { seq: number }) => b.seq)].sort((a, b) => b - a))
    expect(BigInt(account.spendPerDayWei) > 0n).to.equal(true)
    expect(account.daysLeft).to.be.a('number').and.greaterThan(0)
  })
})
