import { expect } from 'chai'
import type { BatchSummary } from '../../src/ledger'
import { checkReceipt, type HeadJson, type Incident, type Receipt } from '../../src/seal'
import { appendN, localWriter, runCleanups, waitFor, type LocalWriter } from '../heads/helpers'
import { errorCode, openApi, type ApiFixture } from './helpers'

const fakeKey = (i: number): string => 'f' + (i + 1).toString(16).padStart(63, '0')

describe('API lists on a real service: limit, cursor, next; bulk watch and labels', function () {
  this.timeout(180_000)
  let fx: ApiFixture
  let writer: LocalWriter

  /** Every item of a list route, `limit` at a time; `between` runs after each page. */
  async function walk<T> (path: string, name: string, limit: number, between: () => Promise<void> = async () => {}): Promise<{ items: T[], pages: number }> {
    const items: T[] = []
    let cursor: string | null = null
    for (let pages = 1; ; pages++) {
      const sep = path.includes('?') ? '&' : '?'
      const url: string = `${path}${sep}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
      const res = await fx.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).to.equal(200)
      const body: Record<string, T[] | string | null> = res.json()
      expect(Object.keys(body)).to.include.members([name, 'next'])
      const page = body[name] as T[]
      expect(page.length).to.be.at.most(limit)
      items.push(...page)
      if (body.next === null) return { items, pages }
      expect(body.next).to.be.a('string')
      cursor = body.next as string
      await between()
    }
  }

  async function sealAt (length: number, fork = 0): Promise<void> {
    await waitFor(() => fx.service.watcher.watched().some((w) => w.key === writer.key && w.length === length && w.fork === fork), `replica at ${length}/${fork}`)
    const pass = await fx.admin({ method: 'POST', url: '/v1/seal' })
    expect(pass.statusCode).to.equal(200)
  }

  before(async () => {
    fx = await openApi({ rateLimit: false })
    writer = await localWriter()
    await appendN(writer.core, 2)
    const watched = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: writer.key, peers: [`127.0.0.1:${writer.port}`], label: 'the writer' } })
    expect(watched.statusCode).to.equal(201)
    await sealAt(2)
    for (const length of [3, 4]) {
      await appendN(writer.core, 1)
      await sealAt(length)
    }
  })
  after(runCleanups)

  it('GET /v1/cores/:key/receipts pages plain v1 receipts, stable while passes append', async () => {
    const all = await walk<Receipt>(`/v1/cores/${writer.key}/receipts`, 'receipts', 1000)
    expect(all.items.map((r) => r.head.length)).to.deep.equal([2, 3, 4])
    expect(all.items.every((r) => r.v === 1 && checkReceipt(r).ok)).to.equal(true)

    let length = 4
    const grown = await walk<Receipt>(`/v1/cores/${writer.key}/receipts`, 'receipts', 1, async () => {
      if (length < 6) {
        await appendN(writer.core, 1)
        await sealAt(++length)
      }
    })
    // Each receipt once, in order; the pages already read never shifted.
    expect(grown.items.map((r) => r.head.length)).to.deep.equal([2, 3, 4, 5, 6])
    expect(grown.items.slice(0, 3)).to.deep.equal(all.items)
  })

  it('GET /v1/batches lists batches without leaves; GET /v1/batches/:seq/leaves pages a batch\'s leaves', async () => {
    const { items: batches, pages } = await walk<BatchSummary>('/v1/batches', 'batches', 2)
    expect(batches.map((b) => b.seq)).to.deep.equal(batches.map((_, i) => i))
    expect(pages).to.equal(Math.ceil(batches.length / 2))
    for (const b of batches) {
      expect(b).to.not.have.property('leaves')
      expect(b).to.include.keys('seq', 'root', 'leafCount', 'seal', 'sealedAt')
      const leaves = await walk<HeadJson>(`/v1/batches/${b.seq}/leaves`, 'leaves', 1)
      expect(leaves.items).to.have.length(b.leafCount)
      expect(leaves.pages).to.equal(b.leafCount)
    }
    // From the second batch on, the receipts log's own head rides along with the writer's.
    const second = await walk<HeadJson>(`/v1/batches/${batches[1].seq}/leaves`, 'leaves', 1000)
    expect(second.items.map((l) => l.key)).to.have.members([writer.key, fx.service.info().receiptsLog])

    const from = batches[1].seal.timestamp
    expect((await walk<BatchSummary>(`/v1/batches?from=${from}`, 'batches', 1)).items.map((b) => b.seq)).to.deep.equal(batches.filter((b) => b.seal.timestamp >= from).map((b) => b.seq))
    const missing = await fx.app.inject({ method: 'GET', url: `/v1/batches/${batches.length}/leaves` })
    expect(missing.statusCode).to.equal(404)
    expect(errorCode(missing)).to.equal('NOT_FOUND')
  })

  it('GET /v1/incidents pages incidents, filtered by key and time', async () => {
    for (const [to, fork] of [[1, 1], [1, 2]]) {
      const length = writer.core.length
      await writer.core.truncate(to)
      await appendN(writer.core, length - to + 1, `fork-${fork}`)
      await sealAt(length + 1, fork)
    }
    const all = await walk<Incident>('/v1/incidents', 'incidents', 1)
    expect(all.items.length).to.be.at.least(2)
    expect(all.pages).to.equal(all.items.length)
    expect(all.items.every((i) => i.key === writer.key && i.kind === 'rewind')).to.equal(true)
    expect((await walk<Incident>(`/v1/incidents?key=${writer.key}`, 'incidents', 1)).items).to.deep.equal(all.items)
    expect((await walk<Incident>(`/v1/incidents?key=${'ab'.repeat(32)}`, 'incidents', 1)).items).to.deep.equal([])
    expect((await walk<Incident>('/v1/incidents?from=2999-01-01', 'incidents', 5)).items).to.deep.equal([])
  })

  it('answers 400 BAD_CURSOR for a malformed cursor or one of another list, filter or core', async () => {
    const cursorOf = async (url: string): Promise<string> => (await fx.app.inject({ method: 'GET', url })).json().next as string
    const receipts = await cursorOf(`/v1/cores/${writer.key}/receipts?limit=1`)
    const batches = await cursorOf('/v1/batches?limit=1')
    const incidents = await cursorOf('/v1/incidents?limit=1')
    const other = await localWriter()
    await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: other.key } })
    const bad: Array<[string, string]> = [
      ['garbage', `/v1/batches?cursor=${encodeURIComponent('not a cursor!')}`],
      ['too long', `/v1/batches?cursor=${'A'.repeat(1500)}`],
      ['base64 of nothing useful', `/v1/batches?cursor=${Buffer.from('{"v":1}').toString('base64url')}`],
      ['receipts cursor on batches', `/v1/batches?cursor=${receipts}`],
      ['batches cursor on incidents', `/v1/incidents?cursor=${batches}`],
      ['all-incidents cursor on one core', `/v1/incidents?key=${writer.key}&cursor=${incidents}`],
      ['another core\'s receipts', `/v1/cores/${other.key}/receipts?cursor=${receipts}`],
      ['batches cursor on leaves', `/v1/batches/0/leaves?cursor=${batches}`],
      ['batches cursor on cores', `/v1/cores?cursor=${batches}`]
    ]
    for (const [what, url] of bad) {
      const res = await fx.app.inject({ method: 'GET', url })
      expect(res.statusCode, what).to.equal(400)
      expect(errorCode(res), what).to.equal('BAD_CURSOR')
      expect(res.json().error.message, what).to.include('cursor')
    }
  })

  it('POST /v1/cores watches many cores in one request: counts, duplicates, labels; GET /v1/cores pages them with their labels', async () => {
    const before = (await walk<{ key: string }>('/v1/cores', 'cores', 1000)).items.length
    const cores = [
      { key: fakeKey(1), label: 'one' },
      { key: fakeKey(2), peers: ['127.0.0.1:9'] },
      { key: fakeKey(1).toUpperCase(), peers: ['127.0.0.1:10'] },
      { key: writer.key, label: 'renamed writer' },
      ...Array.from({ length: 20 }, (_, i) => ({ key: fakeKey(100 + i), label: `bulk ${i}` }))
    ]
    const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { cores } })
    expect(res.statusCode).to.equal(201)
    const body = res.json()
    expect(body).to.include({ created: 22, merged: 1 })
    expect(body.cores).to.have.length(23)
    const one = body.cores.find((c: { key: string }) => c.key === fakeKey(1))
    expect(one).to.include({ label: 'one' })
    expect(one.peers).to.deep.equal(['127.0.0.1:10'])

    const again = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { cores: [{ key: fakeKey(2) }] } })
    expect(again.statusCode).to.equal(200)
    expect(again.json()).to.include({ created: 0, merged: 1 })
    expect(again.json().cores[0]).to.include({ label: null })

    const listed = await walk<{ key: string, label: string | null, peers: string[] }>('/v1/cores', 'cores', 7)
    expect(listed.items).to.have.length(before + 22)
    const keys = listed.items.map((c) => c.key)
    expect(keys).to.deep.equal([...keys].sort())
    expect(listed.items.find((c) => c.key === writer.key)!.label).to.equal('renamed writer')
    expect(listed.items.find((c) => c.key === fakeKey(105))!.label).to.equal('bulk 5')
    const first = (await fx.app.inject({ method: 'GET', url: '/v1/cores?limit=1' })).json()
    expect(first.service.receiptsLog).to.equal(fx.service.info().receiptsLog)

    // Posting a watched key alone with another label updates it, and keeps its peers.
    const relabel = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: fakeKey(2), label: 'two' } })
    expect(relabel.statusCode).to.equal(200)
    expect(relabel.json().core).to.deep.include({ label: 'two', peers: ['127.0.0.1:9'] })
  })

  it('refuses bad bulk bodies whole, naming the bad item; nothing is watched', async () => {
    const count = async (): Promise<number> => (await walk<unknown>('/v1/cores', 'cores', 1000)).items.length
    const before = await count()
    const cases: Array<[unknown, number, string, string?]> = [
      [{ cores: [{ key: fakeKey(500) }, { key: 'nope' }] }, 400, 'BAD_KEY', 'cores[1]'],
      [{ cores: [{ key: fakeKey(500) }, { key: fakeKey(501), peers: ['127.0.0.1:0'] }] }, 400, 'BAD_PEER', 'cores[1]'],
      [{ cores: [{ key: fakeKey(500), label: 'a\u202eb' }] }, 400, 'BAD_INPUT', 'label'],
      [{ cores: [{ key: fakeKey(500), label: ' padded' }] }, 400, 'BAD_INPUT', 'label'],
      [{ key: fakeKey(500), label: 'x'.repeat(65) }, 400, 'BAD_INPUT', 'label'],
      [{ key: fakeKey(500), cores: [] }, 400, 'BAD_REQUEST'],
      [{ cores: [] }, 400, 'BAD_REQUEST'],
      [{ cores: [{ key: fakeKey(500), extra: 1 }] }, 400, 'BAD_REQUEST'],
      [{ cores: Array.from({ length: 10_001 }, (_, i) => ({ key: fakeKey(1000 + i) })) }, 400, 'BAD_REQUEST']
    ]
    for (const [payload, status, code, mention] of cases) {
      const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: payload as object })
      const what = JSON.stringify(payload).slice(0, 80)
      expect(res.statusCode, what).to.equal(status)
      expect(errorCode(res), what).to.equal(code)
      if (mention !== undefined) expect(res.json().error.message, what).to.include(mention)
    }
    expect(await count()).to.equal(before)
    expect((await fx.app.inject({ method: 'POST', url: '/v1/cores', payload: { cores: [{ key: fakeKey(500) }] } })).statusCode).to.equal(401)
  })
})
