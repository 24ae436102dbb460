import { expect } from 'chai'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import { openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
import { at, HeadSource, sealedBatch, TempDirs } from './helpers'

describe('ledger: receipts log as a public, single-writer log', function () {
  const dirs = new TempDirs()
  let dataDir: DataDir
  let log: ReceiptsLog
  let reader: Corestore | null = null

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    log = await ReceiptsLog.open(dataDir.store)
  })

  afterEach(async function () {
    await reader?.close()
    reader = null
    await log.close()
    await dataDir.close()
    dirs.cleanup()
  })

  it('gives concurrent appends distinct, gapless sequence numbers', async function () {
    const sources = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => HeadSource.create(dataDir.store, n)))
    const inputs = await Promise.all(sources.map(async (s, i) => sealedBatch([await s.at(1)], at('2026-01-01T00:00:00.000Z') + i)))
    const results = await Promise.all(inputs.map((input) => log.appendBatch(input)))
    expect(results.map((r) => r.seq).sort()).to.deep.equal([0, 1, 2, 3, 4])
    for (const [i, { seq }] of results.entries()) expect((await log.getBatch(seq))?.root).to.equal(inputs[i].seal.root)
  })

  it('can be replicated by its key and read as plain JSON by anyone', async function () {
    const source = await HeadSource.create(dataDir.store, 'watched')
    const input = sealedBatch([await source.at(2)], at('2026-01-01T00:00:00.000Z'))
    await log.appendBatch(input)

    reader = new Corestore(dirs.make())
    const a = dataDir.store.replicate(true)
    const b = reader.replicate(false)
    a.pipe(b).pipe(a)
    const bee = new Hyperbee(reader.get({ key: log.key }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await bee.ready()
    await bee.core.update({ wait: true })
    expect(bee.writable).to.equal(false)
    expect((await bee.get(`root!${input.seal.root}`))?.value).to.equal(0)
    const receipts = []
    for await (const e of bee.createReadStream({ gte: `receipt!${source.key}!`, lt: `receipt!${source.key}!~` })) receipts.push(e.value)
    expect(receipts).to.deep.equal([{ receipt: input.receipts[0].receipt, batch: 0 }])
    await bee.close()
  })
})
