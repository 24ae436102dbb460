import { expect } from 'chai'
import { encode as encodeId } from 'hypercore-id-encoding'
import { Registry } from 'prom-client'
import { buildApp } from '../../src/api'
import type { BatchSummary } from '../../src/ledger'
import { checkReceipt, type HeadJson, type Incident, type Receipt } from '../../src/seal'
import { appendN, localWriter, onCleanup, runCleanups, waitFor, type LocalWriter } from '../heads/helpers'
import { anvilPid, errorCode, openApi, type ApiFixture } from './helpers'

const replicaAt = (fx: ApiFixture, key: string, length: number, fork = 0): Promise<boolean> =>
  waitFor(() => fx.service.watcher.watched().some((w) => w.key === key && w.length === length && w.fork === fork), `replica of ${key.slice(0, 8)} at ${length}/${fork}`)

describe('API routes on a real service (embedded anvil, Corestore, TCP replication)', function () {
  this.timeout(120_000)
  let fx: ApiFixture
  let writer: LocalWriter

  before(async () => {
    fx = await openApi()
    writer = await localWriter()
    await appendN(writer.core, 4)
  })
  after(runCleanups)

  it('GET /health and GET /ready answer 200 from a started service', async () => {
    const health = await fx.app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).to.equal(200)
    expect(health.json()).to.have.property('status', 'ok')
    const ready = await fx.app.inject({ method: 'GET', url: '/ready' })
    expect(ready.statusCode).to.equal(200)
    const body = ready.json()
    expect(body.ready).to.equal(true)
    expect(body.checks.chain.ok).to.equal(true)
    expect(body.checks.storage.ok).to.equal(true)
    expect(body).to.not.have.property('error')
  })

  it('POST /v1/cores watches a core (201), merges peers on a repeat (200), accepts z-base-32; GET /v1/cores lists them', async () => {
    const peer = `127.0.0.1:${writer.port}`
    const first = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: writer.key, peers: [peer] } })
    expect(first.statusCode).to.equal(201)
    expect(first.json().core).to.include({ key: writer.key, lastSeal: null })
    expect(first.json().core.peers).to.deep.equal([peer])

    const again = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: writer.key.toUpperCase(), peers: ['127.0.0.1:1'] } })
    expect(again.statusCode).to.equal(200)
    expect(again.json().core.peers).to.have.members([peer, '127.0.0.1:1'])

    const other = await localWriter()
    const z32 = encodeId(other.core.key)
    const byZ32 = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: z32 } })
    expect(byZ32.statusCode).to.equal(201)
    expect(byZ32.json().core.key).to.equal(other.key)

    const list = await fx.app.inject({ method: 'GET', url: '/v1/cores' })
    expect(list.statusCode).to.equal(200)
    const { cores, service } = list.json()
    expect(cores.map((c: { key: string }) => c.key)).to.have.members([writer.key, other.key])
    expect(service).to.include({ chainId: 31337, embeddedChain: true, confirmations: 1 })
    expect(service.receiptsLog).to.match(/^[0-9a-f]{64}$/)
    expect(service.contract).to.match(/^0x[0-9a-fA-F]{40}$/)

    const removed = await fx.admin({ method: 'DELETE', url: `/v1/cores/${z32}` })
    expect(removed.statusCode).to.equal(204)
    expect(removed.body).to.equal('')
  })

  it('POST /v1/seal seals; batches, core receipts and the receipt at a length agree; time filters apply', async () => {
    await replicaAt(fx, writer.key, 4)
    const pass = await fx.admin({ method: 'POST', url: '/v1/seal' })
    expect(pass.statusCode).to.equal(200)
    const batch = pass.json().batch
    expect(batch.heads).to.deep.include({ key: writer.key, length: 4, fork: 0 })
    expect(batch.final).to.equal(true)
    expect(batch.txHash).to.match(/^0x[0-9a-f]{64}$/)

    const receipts = await fx.app.inject({ method: 'GET', url: `/v1/cores/${writer.key}/receipts` })
    expect(receipts.statusCode).to.equal(200)
    const list = receipts.json().receipts as Receipt[]
    expect(list).to.have.length(1)
    expect(checkReceipt(list[0]).ok).to.equal(true)
    expect(list[0].seal.root).to.equal(batch.root)
    expect(list[0].head).to.include({ key: writer.key, length: 4, treeHash: (await writer.head()).treeHash })

    const one = await fx.app.inject({ method: 'GET', url: `/v1/receipts/${writer.key}/4` })
    expect(one.statusCode).to.equal(200)
    expect(one.json()).to.deep.equal(list[0])
    const none = await fx.app.inject({ method: 'GET', url: `/v1/receipts/${writer.key}/3` })
    expect(none.statusCode).to.equal(404)
    expect(errorCode(none)).to.equal('NOT_FOUND')

    const batches = (await fx.app.inject({ method: 'GET', url: '/v1/batches' })).json().batches as BatchSummary[]
    expect(batches.map((b) => b.root)).to.deep.equal([batch.root])
    expect(batches[0]).to.not.have.property('leaves')
    const leaves = (await fx.app.inject({ method: 'GET', url: `/v1/batches/${batches[0].seq}/leaves` })).json().leaves as HeadJson[]
    expect(leaves.map((l) => l.key)).to.include(writer.key)
    const at = batches[0].seal.timestamp
    const count = async (query: string): Promise<number> => {
      const res = await fx.app.inject({ method: 'GET', url: `/v1/batches?${query}` })
      expect(res.statusCode, query).to.equal(200)
      return (res.json().batches as unknown[]).length
    }
    expect(await count(`from=${at}`)).to.equal(1)
    expect(await count(`from=${at + 1}`)).to.equal(0)
    expect(await count(`to=${at}`)).to.equal(0) // `to` is exclusive
    expect(await count(`from=${encodeURIComponent(new Date((at - 60) * 1000).toISOString())}&to=${at + 60}`)).to.equal(1)
    expect(await count('to=2000-01-01')).to.equal(0)

    const cores = (await fx.app.inject({ method: 'GET', url: '/v1/cores' })).json().cores as Array<{ key: string, lastSeal: { length: number, root: string } }>
    expect(cores.find((c) => c.key === writer.key)!.lastSeal).to.include({ length: 4, root: batch.root })

    const unchanged = await fx.admin({ method: 'POST', url: '/v1/seal' })
    expect(unchanged.statusCode).to.equal(200)
    expect(unchanged.json().batch).to.equal(null)
    expect(unchanged.json().skipped.map((s: { key: string }) => s.key)).to.include(writer.key)
  })

  it('a rewind shows in the pass and in GET /v1/incidents, filtered by key and time', async () => {
    await writer.core.truncate(2)
    await appendN(writer.core, 3, 'rewritten')
    await replicaAt(fx, writer.key, 5, 1)
    const pass = await fx.admin({ method: 'POST', url: '/v1/seal' })
    expect(pass.statusCode).to.equal(200)
    const seen = pass.json().incidents as Incident[]
    expect(seen.map((i) => [i.key, i.kind])).to.deep.include([writer.key, 'rewind'])

    // With a token: the public sees an incident's signed heads, not its evidence (test/api/roles.test.ts).
    const all = await fx.admin({ method: 'GET', url: '/v1/incidents' })
    expect(all.statusCode).to.equal(200)
    const incidents = all.json().incidents as Incident[]
    // The watcher's truncate listener may record the rewind too (its own evidence); the pass's is there.
    expect(incidents.every((i) => i.key === writer.key && i.kind === 'rewind')).to.equal(true)
    const fromPass = incidents.find((i) => i.evidence.source === 'seal-pass prefix check')!
    expect(fromPass.sealed).to.include({ length: 4, fork: 0 })
    expect(fromPass.observed).to.include({ length: 5, fork: 1 })
    expect(fromPass.sealedIn?.root).to.match(/^0x[0-9a-f]{64}$/)
    expect(fromPass.sealed.signature).to.match(/^[0-9a-f]+$/)

    const q = async (query: string): Promise<number> => (await fx.app.inject({ method: 'GET', url: `/v1/incidents?${query}` })).json().incidents.length
    expect(await q(`key=${writer.key}`)).to.equal(incidents.length)
    expect(await q(`key=${'ab'.repeat(32)}`)).to.equal(0)
    expect(await q(`key=${writer.key}&from=2999-01-01`)).to.equal(0)
    expect(await q(`key=${writer.key}&to=2999-01-01T00:00:00Z`)).to.equal(incidents.length)
    expect(await q(`to=${encodeURIComponent(fromPass.detectedAt)}`)).to.equal(incidents.length - 1)
  })

  it('POST /v1/seal answers 409 PASS_RUNNING to a second request while a pass runs', async () => {
    await appendN(writer.core, 2)
    await replicaAt(fx, writer.key, 7, 1)
    const [a, b] = await Promise.all([fx.admin({ method: 'POST', url: '/v1/seal' }), fx.admin({ method: 'POST', url: '/v1/seal' })])
    expect([a.statusCode, b.statusCode].sort()).to.deep.equal([200, 409])
    const refused = a.statusCode === 409 ? a : b
    expect(errorCode(refused)).to.equal('PASS_RUNNING')
    expect(refused.headers['retry-after']).to.equal('5')
    const done = a.statusCode === 200 ? a : b
    expect(done.json().batch.heads).to.deep.include({ key: writer.key, length: 7, fork: 1 })
  })

  it('DELETE /v1/cores/:key answers 204, then 404 NOT_WATCHED; a never-watched core has no receipts (404)', async () => {
    const other = await localWriter()
    await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: other.key } })
    expect((await fx.admin({ method: 'DELETE', url: `/v1/cores/${other.key}` })).statusCode).to.equal(204)
    const again = await fx.admin({ method: 'DELETE', url: `/v1/cores/${other.key}` })
    expect(again.statusCode).to.equal(404)
    expect(errorCode(again)).to.equal('NOT_WATCHED')
    const keys = (await fx.app.inject({ method: 'GET', url: '/v1/cores' })).json().cores.map((c: { key: string }) => c.key)
    expect(keys).to.not.include(other.key)

    const unknown = await fx.app.inject({ method: 'GET', url: `/v1/cores/${'cd'.repeat(32)}/receipts` })
    expect(unknown.statusCode).to.equal(404)
    expect(errorCode(unknown)).to.equal('NOT_WATCHED')
    // The receipts of a sealed core stay readable (public log) after it is unwatched.
    const sealedCore = await fx.admin({ method: 'DELETE', url: `/v1/cores/${writer.key}` })
    expect(sealedCore.statusCode).to.equal(204)
    const kept = await fx.app.inject({ method: 'GET', url: `/v1/cores/${writer.key}/receipts` })
    expect(kept.statusCode).to.equal(200)
    expect(kept.json().receipts.map((r: Receipt) => r.head.length)).to.deep.equal([4, 5, 7])
  })

  it('GET /metrics serves Prometheus text with the sealer metrics and HTTP metrics by route pattern', async () => {
    await fx.app.inject({ method: 'GET', url: '/no/such/route' })
    const res = await fx.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/)
    const text = res.body
    expect(text).to.match(/^hyperseal_seal_passes_total\{result="sealed"\} [1-9]/m)
    expect(text).to.match(/^hyperseal_heads_sealed_total [1-9]/m)
    expect(text).to.match(/^hyperseal_incidents_total\{kind="rewind"\} 1$/m)
    expect(text).to.match(/^hyperseal_last_seal_timestamp_seconds [1-9]/m)
    expect(text).to.match(/^hyperseal_http_requests_total\{method="POST",route="\/v1\/seal",status="409"\} 1$/m)
    expect(text).to.match(/^hyperseal_http_requests_total\{method="GET",route="\/v1\/receipts\/:key\/:length",status="404"\} 1$/m)
    expect(text).to.match(/^hyperseal_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m)
    expect(text).to.match(/^hyperseal_http_request_duration_seconds_count\{method="POST",route="\/v1\/cores",status="201"\} 3$/m)
    // Raw URLs never become labels.
    expect(text).to.not.include(writer.key)
  })

  it('serves over a real TCP socket on 127.0.0.1 (a second app on the same service and registry)', async () => {
    const app = buildApp({ service: fx.service, adminToken: fx.token, metrics: fx.service.registry })
    onCleanup(() => app.close())
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const base = `http://127.0.0.1:${port}`
    const cores = await fetch(`${base}/v1/cores`)
    expect(cores.status).to.equal(200)
    expect((await cores.json() as { service: { chainId: number } }).service.chainId).to.equal(31337)
    const denied = await fetch(`${base}/v1/seal`, { method: 'POST' })
    expect(denied.status).to.equal(401)
    expect(denied.headers.get('www-authenticate')).to.match(/^Bearer/)
    const other = await localWriter()
    const watched = await fetch(`${base}/v1/cores`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: other.key })
    })
    expect(watched.status).to.equal(201)
    const metrics = await fetch(`${base}/metrics`)
    expect(await metrics.text()).to.match(/route="\/v1\/cores",status="201"/)
  })
})

describe('API during a chain outage (the embedded anvil killed under a real service)', function () {
  this.timeout(120_000)
  after(runCleanups)

  it('answers 503 with Retry-After on a seal and on /ready, and keeps serving reads', async () => {
    const fx = await openApi()
    const writer = await localWriter()
    await appendN(writer.core, 3)
    expect((await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: writer.key, peers: [`127.0.0.1:${writer.port}`] } })).statusCode).to.equal(201)
    await replicaAt(fx, writer.key, 3)
    const rpc = fx.service.rpcUrl!
    process.kill(anvilPid(fx.dataDir), 'SIGKILL')
    await waitFor(async () => !(await fetch(rpc, { method: 'POST' }).then(() => true, () => false)), 'anvil down')

    const ready = await fx.app.inject({ method: 'GET', url: '/ready' })
    expect(ready.statusCode).to.equal(503)
    expect(ready.headers['retry-after']).to.equal('5')
    expect(ready.json().checks.chain.ok).to.equal(false)
    expect(errorCode(ready)).to.equal('NOT_READY')

    const seal = await fx.admin({ method: 'POST', url: '/v1/seal' })
    expect(seal.statusCode).to.equal(503)
    expect(errorCode(seal)).to.equal('RPC_UNREACHABLE')
    expect(seal.headers['retry-after']).to.equal('5')
    // The public message names no endpoint: RPC URLs may carry provider keys.
    expect(seal.json().error.message).to.not.include(new URL(rpc).port)
    expect(fx.logs.join('')).to.include('RPC_UNREACHABLE')

    expect((await fx.app.inject({ method: 'GET', url: '/v1/cores' })).statusCode).to.equal(200)
    expect((await fx.app.inject({ method: 'GET', url: '/v1/batches' })).statusCode).to.equal(200)
    expect((await fx.app.inject({ method: 'GET', url: '/metrics' })).body).to.match(/hyperseal_seal_passes_total\{result="failed"\} 1/)
  })
})

describe('buildApp', () => {
  it('refuses an admin token shorter than 16 characters', () => {
    expect(() => buildApp({ service: {} as never, adminToken: 'short', metrics: new Registry() })).to.throw().with.property('code', 'INVALID_VALUE')
  })
})
