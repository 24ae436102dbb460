import { join } from 'node:path'
import { expect } from 'chai'
import fc from 'fast-check'
import { Journal, openDataDir, ReceiptsLog, type DataDir, type Page, type PageQuery } from '../../src/ledger'
import type { HeadJson } from '../../src/seal'
import { at, expectCode, HeadSource, sealedBatch, TempDirs } from './helpers'

/** Every item of a list, walked a page of `limit` at a time; `between` runs after each page. */
async function walk<T> (read: (page: PageQuery) => Promise<Page<T>>, limit: number, between: () => Promise<void> = async () => {}): Promise<{ items: T[], pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  for (let pages = 1; ; pages++) {
    const page = await read({ limit, ...(cursor === undefined ? {} : { cursor }) })
    expect(page.items.length).to.be.at.most(limit)
    items.push(...page.items)
    if (page.next === null) return { items, pages }
    expect(page.items.length, 'a page before the end is full').to.equal(limit)
    cursor = page.next
    await between()
  }
}

const keyOf = (i: number): string => i.toString(16).padStart(64, '0')
const MINUTE = 60_000

describe('ledger: pages and cursors', function () {
  this.timeout(60_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  let log: ReceiptsLog
  let journal: Journal
  let a: HeadSource

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    log = await ReceiptsLog.open(dataDir.store)
    journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    a = await HeadSource.create(dataDir.store, 'core-a')
  })

  afterEach(async function () {
    await journal.close()
    await log.close()
    await dataDir.close()
    dirs.cleanup()
  })

  /** `n` batches of core a, at lengths 1..n, one a minute from 2026-01-01. */
  async function batches (n: number, from = 1): Promise<HeadJson[]> {
    const heads: HeadJson[] = []
    for (let length = from; length < from + n; length++) {
      const head = await a.at(length)
      await log.appendBatch(sealedBatch([head], at('2026-01-01T00:00:00.000Z') + (length - 1) * 60))
      heads.push(head)
    }
    return heads
  }

  it('walks receipts, batches and incidents a page at a time, each entry once, in order', async function () {
    const heads = await batches(7)
    const other = await HeadSource.create(dataDir.store, 'core-b')
    for (let i = 1; i <= 5; i++) {
      const [observed, sealed] = await other.all([2 * i - 1, 2 * i])
      await log.appendIncident({ key: other.key, kind: 'rewind', detectedAt: new Date(Date.UTC(2026, 0, 1) + i * MINUTE).toISOString(), sealed, observed, evidence: { i } })
    }
    for (const limit of [1, 2, 3, 7, 8, 1000]) {
      const receipts = await walk((p) => log.pageReceipts(a.key, p), limit)
      expect(receipts.items.map((r) => r.receipt.head.length), `limit ${limit}`).to.deep.equal([1, 2, 3, 4, 5, 6, 7])
      expect(receipts.pages).to.equal(Math.max(1, Math.ceil(7 / limit)))
      const listed = await walk((p) => log.pageBatches({}, p), limit)
      expect(listed.items.map((b) => b.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6])
      expect(listed.items.every((b) => !('leaves' in b) && b.leafCount === 1)).to.equal(true)
      expect((await walk((p) => log.pageIncidents({}, p), limit)).items.map((i) => i.evidence.i)).to.deep.equal([1, 2, 3, 4, 5])
      expect((await walk((p) => log.pageIncidents({ key: other.key }, p), limit)).items).to.have.length(5)
    }
    // The same entries as the unpaged reads.
    expect((await walk((p) => log.pageReceipts(a.key, p), 3)).items).to.deep.equal(await log.receipts(a.key))
    const full = await log.listBatches()
    expect((await walk((p) => log.pageBatches({}, p), 3)).items).to.deep.equal(full.map(({ leaves: _leaves, ...rest }) => rest))
    expect(heads).to.have.length(7)
  })

  it('applies time filters before paging, and a page past the end is empty with next null', async function () {
    await batches(6)
    const window = { from: '2026-01-01T00:01:00.000Z', to: '2026-01-01T00:04:00.000Z' }
    expect((await walk((p) => log.pageBatches(window, p), 2)).items.map((b) => b.seq)).to.deep.equal([1, 2, 3])
    const first = await log.pageBatches({}, { limit: 5 })
    expect(first.next).to.be.a('string')
    // A cursor past the window's end: nothing more, not an error.
    expect(await log.pageBatches({ to: window.from }, { limit: 5, cursor: first.next! })).to.deep.equal({ items: [], next: null })
    expect(await log.pageReceipts('ef'.repeat(32), { limit: 5 })).to.deep.equal({ items: [], next: null })
  })

  it('pages a batch\'s leaves by position; NOT_FOUND for a batch that does not exist', async function () {
    const heads = await Promise.all([1, 2, 3, 4, 5].map(async (i) => await (await HeadSource.create(dataDir.store, `leaf-${i}`)).at(i)))
    await log.appendBatch(sealedBatch(heads, at('2026-01-01T00:00:00.000Z')))
    const stored = (await log.getBatch(0))!.leaves
    for (const limit of [1, 2, 5, 6]) {
      expect((await walk((p) => log.pageBatchLeaves(0, p), limit)).items, `limit ${limit}`).to.deep.equal(stored)
    }
    await expectCode(log.pageBatchLeaves(1, { limit: 5 }), 'NOT_FOUND')
  })

  it('keeps a walk stable while entries are appended between pages', async function () {
    await batches(6)
    let length = 7
    const seen = await walk((p) => log.pageReceipts(a.key, p), 2, async () => { await batches(1, length++) })
    // Appends land after the cursor: each entry is seen once, in order, and the walk reaches them.
    const lengths = seen.items.map((r) => r.receipt.head.length)
    expect(lengths).to.deep.equal([...lengths].sort((x, y) => x - y))
    expect(new Set(lengths).size).to.equal(lengths.length)
    expect(lengths.slice(0, 6)).to.deep.equal([1, 2, 3, 4, 5, 6])
  })

  it('refuses a malformed or foreign cursor with BAD_CURSOR, and a bad limit with BAD_INPUT', async function () {
    await batches(3)
    const other = await HeadSource.create(dataDir.store, 'core-b')
    const receiptsCursor = (await log.pageReceipts(a.key, { limit: 1 })).next!
    const batchesCursor = (await log.pageBatches({}, { limit: 1 })).next!
    const forge = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url')
    const foreign: Array<[string, Promise<unknown>]> = [
      ['receipts cursor on batches', log.pageBatches({}, { limit: 1, cursor: receiptsCursor })],
      ['batches cursor on receipts', log.pageReceipts(a.key, { limit: 1, cursor: batchesCursor })],
      ['another core\'s receipts', log.pageReceipts(other.key, { limit: 1, cursor: receiptsCursor })],
      ['all-incidents cursor on one core', log.pageIncidents({ key: a.key }, { limit: 1, cursor: forge({ v: 1, list: 'incidents', after: 'incident-t!x' }) })],
      ['a key outside the list', log.pageBatches({}, { limit: 1, cursor: forge({ v: 1, list: 'batches', after: 'watch!' + 'ab'.repeat(32) }) })],
      ['leaves of another batch', log.pageBatchLeaves(0, { limit: 1, cursor: forge({ v: 1, list: 'leaves:1', after: '0000000000000000' }) })],
      ['a leaf index past the end', log.pageBatchLeaves(0, { limit: 1, cursor: forge({ v: 1, list: 'leaves:0', after: '0000000000000001' }) })],
      ['a leaf index that is no number', log.pageBatchLeaves(0, { limit: 1, cursor: forge({ v: 1, list: 'leaves:0', after: '00000000000000x0' }) })],
      ['a journal cursor on receipts', log.pageReceipts(a.key, { limit: 1, cursor: forge({ v: 1, list: 'cores', after: 'watch!' }) })],
      ['another version', log.pageBatches({}, { limit: 1, cursor: forge({ v: 2, list: 'batches', after: 'batch-t!' }) })],
      ['an extra field', log.pageBatches({}, { limit: 1, cursor: forge({ v: 1, list: 'batches', after: 'batch-t!', x: 1 }) })]
    ]
    for (const [what, promise] of foreign) expect((await expectCode(promise, 'BAD_CURSOR')).message, what).to.include('cursor')
    await expectCode(log.pageBatches({}, { limit: 0 }), 'BAD_INPUT')
    await expectCode(log.pageBatches({}, { limit: 1001 }), 'BAD_INPUT')
    await expectCode(log.pageBatchLeaves(0, { limit: 1.5 }), 'BAD_INPUT')
  })

  it('any string as a cursor is BAD_CURSOR or a valid position, never another error (property)', async function () {
    await batches(2)
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.string({ maxLength: 1100 }), fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s).toString('base64url')),
        fc.jsonValue().map((j) => Buffer.from(JSON.stringify(j)).toString('base64url'))),
      async (cursor) => {
        for (const read of [(c: string) => log.pageBatches({}, { limit: 2, cursor: c }), (c: string) => log.pageBatchLeaves(0, { limit: 2, cursor: c }), (c: string) => journal.pageWatched({ limit: 2, cursor: c })]) {
          try {
            await read(cursor)
          } catch (err) {
            expect((err as { code?: string }).code, String(err)).to.equal('BAD_CURSOR')
          }
        }
      }), { numRuns: 300 })
  })

  describe('journal: watch list pages, bulk watch and labels', function () {
    it('walks any number of cores with any page size, each once, in key order (property)', async function () {
      await journal.addWatches(Array.from({ length: 40 }, (_, i) => ({ key: keyOf(i * 7919 % 1000 + 1) })))
      const all = (await journal.listWatched()).map((e) => e.key)
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 45 }), async (limit) => {
        const { items } = await walk((p) => journal.pageWatched(p), limit)
        expect(items.map((e) => e.key)).to.deep.equal(all)
      }), { numRuns: 25 })
    })

    it('adds many cores in one call: new and known keys, duplicates merged, peers merged, nothing written when one is bad', async function () {
      await journal.addWatch(keyOf(1), ['127.0.0.1:9001'])
      const results = await journal.addWatches([
        { key: keyOf(1), peers: ['127.0.0.1:9002'] },
        { key: keyOf(2) },
        { key: keyOf(2).toUpperCase(), peers: ['127.0.0.1:9003'] },
        ...Array.from({ length: 997 }, (_, i) => ({ key: keyOf(100 + i) }))
      ])
      expect(results.slice(0, 3).map((r) => r.added)).to.deep.equal([false, true, false])
      expect(results[0].entry.peers).to.deep.equal(['127.0.0.1:9001', '127.0.0.1:9002'])
      expect(results[2].entry.peers).to.deep.equal(['127.0.0.1:9003'])
      expect(results.filter((r) => r.added)).to.have.length(998)
      expect(await journal.listWatched()).to.have.length(999)
      expect((await journal.getWatch(keyOf(2)))!.peers).to.deep.equal(['127.0.0.1:9003'])

      const length = (await journal.listWatched()).length
      await expectCode(journal.addWatches([{ key: keyOf(5000) }, { key: 'nope' }]), 'BAD_INPUT')
      await expectCode(journal.addWatches([{ key: keyOf(5000) }, { key: keyOf(5001), peers: ['no-port'] }]), 'BAD_INPUT')
      expect(await journal.listWatched()).to.have.length(length)
      expect(await journal.addWatches([])).to.deep.equal([])
    })

    it('stores a label, keeps it when none is given, replaces it when another is', async function () {
      expect((await journal.addWatch(keyOf(1), [], 'billing ledger')).entry.label).to.equal('billing ledger')
      expect((await journal.addWatch(keyOf(1), ['127.0.0.1:9001'])).entry.label).to.equal('billing ledger')
      expect((await journal.getWatch(keyOf(1)))!.label).to.equal('billing ledger')
      await journal.addWatches([{ key: keyOf(1), label: 'Rechnungen – ärger 📒' }, { key: keyOf(2) }])
      expect((await journal.getWatch(keyOf(1)))!.label).to.equal('Rechnungen – ärger 📒')
      expect((await journal.getWatch(keyOf(2)))!).to.not.have.property('label')
      expect((await journal.pageWatched({ limit: 10 })).items.map((e) => e.label)).to.deep.equal(['Rechnungen – ärger 📒', undefined])
    })

    it('refuses labels that are empty, too long, padded, multi-line or hold control or format characters', async function () {
      for (const bad of ['', ' ', ' x', 'x ', 'a'.repeat(65), 'a\nb', 'a\u0000b', 'a\u202eb', 'a\u200bb', 'a\u2028b', 'x\u0007', 42, null]) {
        await expectCode(journal.addWatch(keyOf(1), [], bad as string), 'BAD_INPUT')
      }
      expect((await journal.addWatch(keyOf(1), [], 'a'.repeat(64))).entry.label).to.have.length(64)
      expect((await journal.addWatch(keyOf(1), [], '📒'.repeat(64))).entry.label).to.equal('📒'.repeat(64))
      expect((await journal.addWatch(keyOf(1), [], 'a b')).entry.label).to.equal('a b')
    })
  })
})
