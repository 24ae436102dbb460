/**
 * What the log this process writes keeps in memory (src/ledger/log-memory.ts, the seal
 * summaries' shortcut in verifyReceipts and lastSeal): every answer is the one a reader that
 * keeps nothing gives (a read-only replica of the same log), before and after each write, and
 * after a restart.
 */
import { expect } from 'chai'
import Hyperbee from 'hyperbee'
import type { Anchor, HeadJson, Incident } from '../../src/seal'
import { openDataDir, ReceiptsLog, RECEIPTS_CORE, type DataDir, type ReceiptEntry } from '../../src/ledger'
import { at, expectCode, HeadSource, sealedBatch, TempDirs } from './helpers'

const T0 = '2026-01-01T00:00:00.000Z'
const T1 = '2026-01-02T00:00:00.000Z'
const T2 = '2026-01-03T00:00:00.000Z'

const tsa = (name: string): Anchor => ({ type: 'rfc3161', name, token: 'AAAA', time: T1 })
const served = (entries: ReceiptEntry[]): unknown[] => entries.map((e) => ({ batch: e.batch, receipt: e.receipt }))

describe('ledger: what the receipts log keeps in memory', function () {
  this.timeout(120_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  let log: ReceiptsLog
  let replica: ReceiptsLog
  let a: HeadSource
  let b: HeadSource

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    log = await ReceiptsLog.open(dataDir.store)
    replica = await ReceiptsLog.openReadOnly(log.core.session())
    a = await HeadSource.create(dataDir.store, 'core-a')
    b = await HeadSource.create(dataDir.store, 'core-b')
  })

  afterEach(async function () {
    await replica.close()
    await log.close()
    await dataDir.close()
    dirs.cleanup()
  })

  async function reopen (): Promise<void> {
    await replica.close()
    await log.close()
    log = await ReceiptsLog.open(dataDir.store)
    replica = await ReceiptsLog.openReadOnly(log.core.session())
  }

  async function sameIncidents (keys: string[]): Promise<void> {
    for (const key of keys) expect(await log.listIncidents({ key }), key.slice(0, 8)).to.deep.equal(await replica.listIncidents({ key }))
  }

  it('incidents of a core: none without a read, the new one at once, the same after a restart', async () => {
    const [a3, a5] = await a.all([3, 5])
    await log.appendBatch(sealedBatch([a3], at(T0)))
    await sameIncidents([a.key, b.key])
    expect(await log.listIncidents({ key: a.key })).to.deep.equal([])
    const incident: Incident = { key: a.key, kind: 'rewind', detectedAt: T1, sealed: a5, observed: a3, evidence: {} }
    expect((await log.appendIncident(incident)).created).to.equal(true)
    expect(await log.listIncidents({ key: a.key })).to.deep.equal([incident])
    expect((await log.appendIncident(incident)).created).to.equal(false)
    await sameIncidents([a.key, b.key])
    await reopen()
    expect(await log.listIncidents({ key: a.key })).to.deep.equal([incident])
    await sameIncidents([a.key, b.key])
  })

  it('reseals: a batch that seals a forgotten root again is known at once and after a restart', async () => {
    const first = sealedBatch([await a.at(3)], at(T0))
    await log.appendBatch(first)
    expect(await log.resealedRoots()).to.deep.equal(new Set())
    await log.appendBatch({ ...sealedBatch([await a.at(3), await b.at(2)], at(T1)), resealOf: [first.seal.root] })
    expect(await log.resealedRoots()).to.deep.equal(new Set([first.seal.root]))
    // The resealed root's receipt is no longer read by index: every receipt is.
    expect(await log.verifyReceipts(a.key, 3, 3)).to.equal(null)
    await reopen()
    expect(await log.resealedRoots()).to.deep.equal(await replica.resealedRoots())
    expect(await log.resealedRoots()).to.deep.equal(new Set([first.seal.root]))
  })

  it('later anchors: receipts past every anchor\'s reach are served unread, exactly as a reader that reads them gets them', async () => {
    const inputs = [sealedBatch([await a.at(3)], at(T0)), sealedBatch([await a.at(5)], at(T1)), sealedBatch([await a.at(8)], at(T2))]
    for (const input of inputs) await log.appendBatch(input)
    const all = async (on: ReceiptsLog): Promise<unknown[]> => served(await on.entriesWithAnchors(await on.receipts(a.key)))
    expect(await all(log)).to.deep.equal(served(await log.receipts(a.key))) // no anchor yet
    // Two anchors by name: "tsa-b" covers batches 0..1, "tsa-a" batch 0 only.
    await log.appendAnchor({ name: 'tsa-b', throughSeq: 1, root: inputs[1].seal.root }, [{ batchRoot: inputs[0].seal.root, anchor: tsa('tsa-b') }, { batchRoot: inputs[1].seal.root, anchor: tsa('tsa-b') }])
    await log.appendAnchor({ name: 'tsa-a', throughSeq: 0, root: inputs[0].seal.root }, [{ batchRoot: inputs[0].seal.root, anchor: tsa('tsa-a') }])
    const got = await log.entriesWithAnchors(await log.receipts(a.key))
    expect(got.map((e) => (e.receipt.anchors ?? []).map((x) => x.name))).to.deep.equal([['tsa-a', 'tsa-b'], ['tsa-b'], []])
    expect(await all(log)).to.deep.equal(await all(replica))
    await reopen()
    expect(await all(log)).to.deep.equal(await all(replica))
    expect(served(await log.entriesWithAnchors(await log.receipts(a.key)))).to.deep.equal(served(got))
  })

  it('verify\'s receipts and each core\'s last seal from the summaries equal the index\'s, across rewinds and two heads in one batch', async () => {
    const [a2, a4, a6] = await a.all([2, 4, 6])
    const b3 = await b.at(3)
    const history: HeadJson[][] = [[a4, b3], [a6], [a2], [a2, a6], [a4]]
    for (const [i, heads] of history.entries()) {
      // Learn both summaries first, as a pass's probes do: the shortcut is then taken.
      for (const view of await log.receiptsViews([a.key, b.key])) view.summary()
      await log.appendBatch(sealedBatch(heads, at(T0) + i * 60))
      for (const key of [a.key, b.key]) {
        expect(log.sealSummary(key), 'summary kept').to.not.equal(undefined)
        for (const version of [1, 3, 5, 7]) {
          for (const length of [0, 2, 4, 6, 9]) {
            const mine = (await log.verifyReceipts(key, version, length))?.map((e) => `${e.batch}:${e.receipt.head.length}`).sort()
            const theirs = (await replica.verifyReceipts(key, version, length))?.map((e) => `${e.batch}:${e.receipt.head.length}`).sort()
            expect(mine, `after batch ${i}, ${key.slice(0, 6)} v${version} r${length}`).to.deep.equal(theirs)
          }
        }
        expect(await log.lastSeal(key), `last seal after batch ${i}`).to.deep.equal(await replica.lastSeal(key))
      }
    }
    // The last seal is the most recent (batch 4 at length 4), not the longest (6).
    expect(await log.lastSeal(a.key)).to.include({ length: 4 })
  })

  it('a tampered incident key fails as a corrupt entry, not a hang', async () => {
    await log.appendBatch(sealedBatch([await a.at(1)], at(T0)))
    await replica.close()
    await log.close()
    const raw = new Hyperbee(dataDir.store.get({ name: RECEIPTS_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'binary' })
    await raw.ready()
    await raw.put('incident!', Buffer.from('{}'))
    await raw.close()
    log = await ReceiptsLog.open(dataDir.store)
    replica = await ReceiptsLog.openReadOnly(log.core.session())
    await expectCode(log.listIncidents({ key: a.key }), 'CORRUPT_ENTRY')
  })
})
