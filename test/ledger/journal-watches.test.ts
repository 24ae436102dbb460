/**
 * The journal's watch list in its file of JSON lines (src/ledger/journal-watches.ts): what a
 * crash can leave at its end, damage before good records, compaction, the move from the
 * Hyperbee of earlier versions, and pages whose cursors stay what they were.
 */
import { expect } from 'chai'
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Hyperbee from 'hyperbee'
import { Journal, JOURNAL_CORE, openDataDir, type DataDir, type StaleMark } from '../../src/ledger'
import { expectCode, TempDirs } from './helpers'

const keyOf = (i: number): string => i.toString(16).padStart(64, '0')
const MARK: StaleMark = { since: '2026-01-01T00:00:00.000Z', lastHead: { length: 6, fork: 0 }, reason: 'no peer sent block 5 in time' }

describe('ledger: the journal\'s watch-list file', function () {
  this.timeout(60_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  let dir: string
  let journal: Journal

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    dir = join(dataDir.dir, 'journal')
    journal = await Journal.open(dataDir.store, dir)
  })

  afterEach(async function () {
    await journal.close()
    await dataDir.close()
    dirs.cleanup()
  })

  const reopen = async (): Promise<void> => {
    await journal.close()
    journal = await Journal.open(dataDir.store, dir)
  }
  const file = (): string => join(dir, 'watches.jsonl')

  it('keeps watches, labels, unwatches and stale marks across a reopen', async function () {
    await journal.addWatches([{ key: keyOf(3), peers: ['127.0.0.1:9001'], label: 'three' }, { key: keyOf(1) }, { key: keyOf(2) }])
    await journal.addWatch(keyOf(1), ['127.0.0.1:9002'])
    await journal.updateStale(new Map([[keyOf(2), MARK]]))
    expect(await journal.removeWatch(keyOf(3))).to.equal(true)
    const before = { list: await journal.listWatched(), stale: new Map(await journal.staleMarks()) }
    await reopen()
    expect(await journal.listWatched()).to.deep.equal(before.list)
    expect(new Map(await journal.staleMarks())).to.deep.equal(before.stale)
    expect(before.list.map((e) => e.key)).to.deep.equal([keyOf(1), keyOf(2)])
    expect((await journal.getWatch(keyOf(1)))?.peers).to.deep.equal(['127.0.0.1:9002'])
    expect(journal.watchedCount).to.equal(2)
  })

  it('drops what a crash cut from the end of the file, and only that', async function () {
    await journal.addWatches([{ key: keyOf(1) }, { key: keyOf(2) }])
    // The last write cut short: a whole line, then half of one, never acknowledged.
    appendFileSync(file(), JSON.stringify({ w: { key: keyOf(9), peers: [], addedAt: MARK.since } }) + '\n{"w":{"key":"00')
    await reopen()
    expect((await journal.listWatched()).map((e) => e.key)).to.deep.equal([keyOf(1), keyOf(2), keyOf(9)])
    expect(readFileSync(file(), 'utf8').endsWith('\n')).to.equal(true)
    // Garbage lines at the end (zeros a power cut can leave) go too; the file takes writes again.
    appendFileSync(file(), '\0\0\0\0\n\0\0\n')
    await reopen()
    await journal.addWatch(keyOf(4))
    await reopen()
    expect((await journal.listWatched()).map((e) => e.key)).to.deep.equal([keyOf(1), keyOf(2), keyOf(4), keyOf(9)])
  })

  it('refuses a damaged record followed by good ones (CORRUPT_ENTRY), and a file without its header', async function () {
    await journal.addWatch(keyOf(1))
    appendFileSync(file(), '{"w":{"key":"not hex","peers":[],"addedAt":"2026-01-01T00:00:00.000Z"}}\n')
    appendFileSync(file(), JSON.stringify({ w: { key: keyOf(2), peers: [], addedAt: MARK.since } }) + '\n')
    await journal.close()
    await expectCode(Journal.open(dataDir.store, dir), 'CORRUPT_ENTRY')
    writeFileSync(file(), JSON.stringify({ w: { key: keyOf(2), peers: [], addedAt: MARK.since } }) + '\n')
    await expectCode(Journal.open(dataDir.store, dir), 'CORRUPT_ENTRY')
    writeFileSync(file(), '{"v":1}\n')
    journal = await Journal.open(dataDir.store, dir)
  })

  it('compacts: the file stays within about twice the live list, whatever was written before', async function () {
    const n = 2_000
    await journal.addWatches(Array.from({ length: n }, (_, i) => ({ key: keyOf(i + 1) })))
    const live = statSync(file()).size
    for (let round = 0; round < 12; round++) {
      await journal.updateStale(new Map(Array.from({ length: n }, (_, i): [string, StaleMark | null] => [keyOf(i + 1), round % 2 === 0 ? { ...MARK, reason: `round ${round}` } : null])))
    }
    expect(statSync(file()).size).to.be.below(2 * live + 10_000 * 200)
    await reopen()
    expect(journal.watchedCount).to.equal(n)
    expect((await journal.staleMarks()).size).to.equal(0)
    expect((await journal.getWatch(keyOf(n)))?.key).to.equal(keyOf(n))
  })

  it('moves the watch list and stale marks of an earlier journal out of its Hyperbee, once', async function () {
    await journal.close()
    // What an earlier version wrote: entries `watch!<key>` and `stale!<key>` in the journal's bee.
    const bee = new Hyperbee(dataDir.store.get({ name: JOURNAL_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await bee.ready()
    const entry = { key: keyOf(7), peers: ['127.0.0.1:9007'], addedAt: MARK.since, label: 'old' }
    await bee.put(`watch!${keyOf(7)}`, entry)
    await bee.put(`watch!${keyOf(8)}`, { key: keyOf(8), peers: [], addedAt: MARK.since })
    await bee.put(`stale!${keyOf(8)}`, MARK)
    await bee.close()
    rmSync(file()) // a data directory of that version has no watch-list file

    journal = await Journal.open(dataDir.store, dir)
    expect(await journal.listWatched()).to.deep.equal([entry, { key: keyOf(8), peers: [], addedAt: MARK.since }])
    expect((await journal.staleMarks()).get(keyOf(8))).to.deep.equal(MARK)
    await journal.close()
    const check = new Hyperbee(dataDir.store.get({ name: JOURNAL_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await check.ready()
    const left: string[] = []
    for await (const e of check.createReadStream({ gte: 'stale!', lt: 'watch!~' })) left.push(String(e.key))
    await check.close()
    expect(left, 'the bee entries are gone').to.deep.equal([])
    journal = await Journal.open(dataDir.store, dir)
    expect((await journal.listWatched()).map((e) => e.key)).to.deep.equal([keyOf(7), keyOf(8)])
  })

  it('pages in key order with cursors that survive watches and unwatches between pages', async function () {
    await journal.addWatches(Array.from({ length: 30 }, (_, i) => ({ key: keyOf(2 * i + 2) })))
    const first = await journal.pageWatched({ limit: 10 })
    expect(first.items.map((e) => e.key)).to.deep.equal(Array.from({ length: 10 }, (_, i) => keyOf(2 * i + 2)))
    // Meanwhile: a key before the cursor, one after it, and the cursor's own key unwatched.
    await journal.addWatches([{ key: keyOf(1) }, { key: keyOf(23) }])
    await journal.removeWatch(keyOf(20))
    const second = await journal.pageWatched({ limit: 10, cursor: first.next! })
    expect(second.items.map((e) => e.key)).to.deep.equal([22, 23, 24, 26, 28, 30, 32, 34, 36, 38].map(keyOf))
    const cursor = JSON.parse(Buffer.from(first.next!, 'base64url').toString('utf8'))
    expect(cursor).to.deep.equal({ v: 1, list: 'cores', after: `watch!${keyOf(20)}` })
    await expectCode(journal.pageWatched({ limit: 10, cursor: Buffer.from(JSON.stringify({ v: 1, list: 'cores', after: 'stale!x' })).toString('base64url') }), 'BAD_CURSOR')
    let all: string[] = []
    let next: string | null | undefined
    do {
      const page = await journal.pageWatched({ limit: 7, ...(next ? { cursor: next } : {}) })
      all = all.concat(page.items.map((e) => e.key))
      next = page.next
    } while (next !== null)
    expect(all).to.deep.equal((await journal.listWatched()).map((e) => e.key))
    expect(all).to.have.length(31)
  })

  it('answers CLOSED after close', async function () {
    await journal.close()
    await expectCode(journal.getWatch(keyOf(1)), 'CLOSED')
    await expectCode(journal.addWatch(keyOf(1)), 'CLOSED')
    journal = await Journal.open(dataDir.store, dir)
  })
})
